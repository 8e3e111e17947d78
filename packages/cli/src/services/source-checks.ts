import type { SourceCheck, SourceEntry } from "@sprocket/builder";
import type { CardModel, Diagnostic, ProjectFiles, ProjectModel } from "@sprocket/project-format";
import type { SprocketClient } from "../api-client";
import { CliError } from "../cli-error";

/**
 * What a build would refuse in the project's code, found before an upload: every card's and function's source compiled
 * (no install) by the builder's esbuild, errors at their file, line and column; then, from the compiled cards, calls of
 * function names the app does not define (warnings).
 */
export async function checkProjectSources(dir: string, files: ProjectFiles, model: ProjectModel): Promise<Diagnostic[]> {
  const [{ checkSources }, { checkCardFunctionCalls }] = await Promise.all([
    import("@sprocket/builder"),
    import("@sprocket/project-format"),
  ]);
  const entries = new Map<string, SourceEntry>();
  for (const app of model.apps) {
    for (const card of app.cards) entries.set(card.entryFile, { file: card.entryFile, kind: "card" });
    for (const fn of app.functions) entries.set(fn.file, { file: fn.file, kind: "function" });
  }
  const checks = await checkSources({ root: dir, entries: [...entries.values()], uploaded: new Set(files.keys()) });
  const seen = new Set<string>();
  const errors = checks
    .flatMap((check) => check.problems.map((problem) => compileError(check, problem)))
    .filter((d) => {
      // A file two entries import is reported once.
      const key = `${d.file}:${d.line}:${d.column}:${d.message}`;
      return !seen.has(key) && seen.add(key);
    });
  const compiled = new Map(checks.filter((c) => c.code !== undefined).map((c) => [c.entry.file, { code: c.code!, inputs: c.inputs }]));
  return [...errors, ...checkCardFunctionCalls(model, files, (card: CardModel) => compiled.get(card.entryFile))];
}

function compileError(check: SourceCheck, problem: SourceCheck["problems"][number]): Diagnostic {
  const file = problem.file || check.entry.file;
  const imported = file === check.entry.file ? "" : ` (imported by the ${check.entry.kind} ${check.entry.file})`;
  return {
    severity: "error",
    code: "SOURCE_COMPILE_ERROR",
    file,
    pointer: "",
    line: Math.max(problem.line, 1),
    column: Math.max(problem.column, 1),
    message: `${problem.message}${imported}`,
    hint: "The build compiles this code with esbuild and would stop here: fix it before uploading.",
  };
}

/**
 * Warnings for declared secrets the account lacks, from the secrets API (`sprocket secrets list`). The check needs the
 * server: without an account or a reachable server it is skipped, and the reason comes back instead of diagnostics.
 */
export async function checkSecretsOnServer(
  client: () => SprocketClient,
  files: ProjectFiles,
  model: ProjectModel,
): Promise<Diagnostic[] | { skipped: string }> {
  if (!model.apps.some((app) => app.functions.some((fn) => fn.secrets.length > 0))) return [];
  const { checkAccountSecrets } = await import("@sprocket/project-format");
  try {
    const { results } = await client().call<{ results: string[] }>("GET", "/cms/v3/functions/secrets");
    return checkAccountSecrets(model, files, new Set(results));
  } catch (e) {
    if (e instanceof CliError) return { skipped: e.message.split("\n")[0]! };
    throw e;
  }
}
