import path from "node:path";
import type { Command } from "commander";
import { CliError } from "../cli-error";
import { ok, printJson } from "../output";

export function registerProjectValidate(project: Command): void {
  project
    .command("validate [dir]")
    .description("check a project's files and print every problem with its file, line and column")
    .option("--json", "print the diagnostics as JSON")
    .action(async (dir: string | undefined, flags: { json?: boolean }) => {
      const { diagnosticsToJson, hasErrors, loadProjectFromDir, renderDiagnostics, validateProject } = await import("@sprocket/project-format");
      const root = path.resolve(dir ?? ".");
      const files = await loadProjectFromDir(root).catch((e: Error) => {
        throw new CliError(e.message, 2);
      });
      const { diagnostics, project: model } = validateProject(files);
      if (flags.json) printJson(diagnosticsToJson(diagnostics));
      else if (diagnostics.length) process.stdout.write(renderDiagnostics(diagnostics, files, { color: process.stdout.isTTY === true }) + "\n");
      if (hasErrors(diagnostics)) process.exitCode = 1;
      else if (!flags.json) ok(`${model?.name ?? "project"} is valid (${model?.apps.length ?? 0} app(s), platform ${model?.platformVersion}).`);
    });
}
