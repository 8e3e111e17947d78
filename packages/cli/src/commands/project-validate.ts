import path from "node:path";
import type { Command } from "commander";
import { examples } from "../examples";
import { ok, printJson } from "../output";
import { readLocalProject } from "../services/session";
import { pc } from "../terminal";

export function registerProjectValidate(project: Command): void {
  project
    .command("validate [dir]")
    .description("check a project's files and print every problem with its file, line and column")
    .option("--json", "print the diagnostics as JSON")
    .addHelpText("after", examples("sprocket project validate", "sprocket project validate ./my-project --json"))
    .action(async (dir: string | undefined, flags: { json?: boolean }) => {
      const { diagnosticsToJson, hasErrors, renderDiagnostics } = await import("@sprocket/project-format");
      const { diagnostics, files, model } = await readLocalProject(path.resolve(dir ?? "."));
      if (flags.json) printJson(diagnosticsToJson(diagnostics));
      else if (diagnostics.length) process.stdout.write(renderDiagnostics(diagnostics, files, { color: pc.isColorSupported }) + "\n");
      if (hasErrors(diagnostics)) process.exitCode = 1;
      else if (!flags.json) ok(`${model?.name ?? "project"} is valid (${model?.apps.length ?? 0} app(s), platform ${model?.platformVersion}).`);
    });
}
