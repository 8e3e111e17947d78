import type { Diagnostic } from "./diagnostic";
import { JsonDocument, nodeAtPointer, pointerJoin } from "./json-document";
import type { ProjectModel } from "./model";
import { fileText, type ProjectFiles } from "./project-files";
import { Report } from "./report";

/**
 * A warning for each secret a function declares that the account does not hold: the function would run with the
 * variable unset. A warning, as on HubSpot, where a build does not look at the account's secrets; `accountSecrets`
 * are the names the account's secrets API lists.
 */
export function checkAccountSecrets(project: ProjectModel, files: ProjectFiles, accountSecrets: ReadonlySet<string>): Diagnostic[] {
  const report = new Report();
  const docs = new Map<string, JsonDocument>();
  for (const fn of project.apps.flatMap((app) => app.functions)) {
    fn.secrets.forEach((secret) => {
      if (accountSecrets.has(secret)) return;
      const doc = docs.get(fn.configFile) ?? new JsonDocument(fn.configFile, fileText(files, fn.configFile) ?? "");
      docs.set(fn.configFile, doc);
      // Secrets are listed under `secrets` in serverless.json and under `secretKeys` in a function's config (2025.2).
      const list = pointerJoin(fn.pointer, project.legacy ? "secrets" : "secretKeys");
      const node = nodeAtPointer(doc.root, list)?.children?.find((child) => child.value === secret);
      const pointer = node ? pointerJoin(list, node.parent!.children!.indexOf(node)) : list;
      report.warning(
        "FUNCTION_SECRET_MISSING",
        { file: fn.configFile, doc, node, pointer },
        `function '${fn.name}' declares secret '${secret}', which this account does not have: the function will run without it`,
        `Add it with \`sprocket secrets add ${secret}\` (or in the console's Settings → Secrets) before the function runs.`,
      );
    });
  }
  return report.diagnostics;
}
