import path from "node:path";
import type { Command } from "commander";
import { ACCOUNT_OPTION, clientFor } from "../account-client";
import { examples } from "../examples";
import { ok, printJson } from "../output";
import { readLocalProject } from "../services/session";
import { checkSecretsOnServer } from "../services/source-checks";
import { pc, pcErr } from "../terminal";
import { streams } from "../streams";

export function registerProjectValidate(project: Command): void {
  project
    .command("validate [dir]")
    .description("check a project's files and code and print every problem with its file, line and column")
    .option(...ACCOUNT_OPTION)
    .option("--json", "print the diagnostics as JSON")
    .addHelpText(
      "after",
      "\nWhen signed in, it also asks the account for its secrets' names and warns about declared secrets it lacks.\n" +
        examples("sprocket project validate", "sprocket project validate ./my-project --json"),
    )
    .action(async (dir: string | undefined, flags: { account?: string; json?: boolean }) => {
      const { diagnosticsToJson, hasErrors, renderDiagnostics, sortDiagnostics } = await import("@sprocket/project-format");
      const local = await readLocalProject(path.resolve(dir ?? "."), { code: true });
      const { files, model } = local;
      const secrets = model ? await checkSecretsOnServer(() => clientFor(flags), files, model) : [];
      if (!Array.isArray(secrets)) streams.err.write(pcErr.dim(`Secrets not checked against the account: ${secrets.skipped}`) + "\n");
      const diagnostics = sortDiagnostics([...local.diagnostics, ...(Array.isArray(secrets) ? secrets : [])]);
      if (flags.json) printJson(diagnosticsToJson(diagnostics));
      else if (diagnostics.length) streams.out.write(renderDiagnostics(diagnostics, files, { color: pc.isColorSupported }) + "\n");
      if (hasErrors(diagnostics)) process.exitCode = 1;
      else if (!flags.json)
        ok(`${model?.name ?? "project"} is valid (${model?.apps.length ?? 0} app(s), platform ${model?.platformVersion}).`);
    });
}
