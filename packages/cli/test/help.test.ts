import type { Command } from "commander";
import { expect, it } from "vitest";
import { createProgram } from "../src/program";
import { runCli } from "./run-cli";

/** Every command the CLI registers, groups included, with the words that run it. */
function allCommands(command: Command, path: string[] = []): Array<{ path: string[]; command: Command }> {
  const here = [...path, command.name()];
  return [{ path: here, command }, ...command.commands.flatMap((sub) => allCommands(sub, here))];
}

/** What `--help` prints for a command: its help and the text added after it (commander writes both through writeOut). */
function helpText(command: Command): string {
  let written = "";
  command.configureOutput({ writeOut: (text) => void (written += text) });
  command.outputHelp();
  return written;
}

it("ends every command's --help with examples of that command", () => {
  const commands = allCommands(createProgram());
  expect(commands.length).toBeGreaterThan(30);
  for (const { path, command } of commands) {
    const help = helpText(command);
    const examples = help.slice(help.indexOf("\nExamples:\n") + 1);
    expect(help, path.join(" ")).toContain("\nExamples:\n");
    // Command lines as typed, at least one of them running this very command (for a group, one of its commands).
    const lines = examples.split("\n").slice(1).filter(Boolean);
    for (const line of lines) expect(line, path.join(" ")).toMatch(/^ {2}\$ \S/);
    expect(
      lines.some((line) => `${line} `.includes(`${path.join(" ")} `)),
      path.join(" "),
    ).toBe(true);
  }
});

it("prints the examples through the real binary", async () => {
  const res = await runCli(["project", "dev", "--help"]);
  expect(res.code).toBe(0);
  expect(res.stdout).toContain("Examples:\n  $ sprocket project dev\n");
});
