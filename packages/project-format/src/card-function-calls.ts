import type { Diagnostic } from "./diagnostic";
import { didYouMean } from "./did-you-mean";
import { textPosition } from "./json-document";
import type { CardModel, ProjectModel } from "./model";
import { fileText, type ProjectFiles } from "./project-files";
import { Report, type Where } from "./report";

/** A card compiled with its project files into one module, comments dropped (the builder's checkSources). */
export interface CompiledCard {
  code: string;
  /** The project files in it: where a name found in `code` is looked for to give its line. */
  inputs: readonly string[];
}

const identifier = String.raw`[A-Za-z_$][\w$]*`;
const literal = String.raw`(["'\`])([^"'\`$\\]+)\1`;
// What receives runServerlessFunction under another name: a JSX prop (compiled to `run: runServerlessFunction`),
// `const run = runServerlessFunction`, or destructuring `{ runServerlessFunction: run }`.
const aliasPatterns = [
  new RegExp(String.raw`(${identifier})\s*[:=]\s*(?:\w+\.)?runServerlessFunction\b`, "g"),
  new RegExp(String.raw`\brunServerlessFunction\s*:\s*(${identifier})`, "g"),
];
// `f({ …, name: "x", … })` with f one of the callers; nested objects (parameters) are skipped over, one level deep.
const callArgument = (callers: string) => new RegExp(String.raw`(?:^|[^\w$])(?:${callers})\s*\(\s*\{((?:[^{}]|\{[^{}]*\})*)\}`, "g");
const nameField = new RegExp(String.raw`(?:^|[,\s])name\s*:\s*${literal}`);
// 2025.2 cards: hubspot.serverless("x", { parameters }).
const serverlessCall = new RegExp(String.raw`\.serverless\s*\(\s*${literal}`, "g");

/**
 * The function names a card's code calls with a literal: `runServerlessFunction({ name: "x" })` (also under a name it
 * was handed to, such as a `run` prop), the older `runServerless({ name: "x" })`, and `hubspot.serverless("x")`.
 * Best effort by design: a regular expression over the compiled code (comments already gone), so a name computed at
 * run time, or an object whose `name` follows a deeply nested value, is not seen. It only ever misses calls.
 */
export function calledFunctionNames(code: string): string[] {
  const callers = new Set(["runServerlessFunction", "runServerless"]);
  for (const pattern of aliasPatterns) for (const m of code.matchAll(pattern)) if (m[1] !== "runServerlessFunction") callers.add(m[1]!);
  const names = new Set<string>();
  for (const m of code.matchAll(callArgument([...callers].map((c) => c.replace(/\$/g, "\\$")).join("|")))) {
    const name = nameField.exec(m[1]!.replace(/\{[^{}]*\}/g, "{}"));
    if (name) names.add(name[2]!);
  }
  for (const m of code.matchAll(serverlessCall)) names.add(m[2]!);
  return [...names];
}

/** A warning for each function name a card calls that its app does not define: the call would fail at run time. */
export function checkCardFunctionCalls(
  project: ProjectModel,
  files: ProjectFiles,
  compiled: (card: CardModel) => CompiledCard | undefined,
): Diagnostic[] {
  const report = new Report();
  for (const app of project.apps) {
    const defined = app.functions.map((fn) => fn.name);
    for (const card of app.cards) {
      const cardCode = compiled(card);
      if (!cardCode) continue;
      for (const name of calledFunctionNames(cardCode.code).filter((n) => !defined.includes(n))) {
        const where = locate(files, [card.entryFile, ...cardCode.inputs.filter((f) => f !== card.entryFile)], name) ?? {
          file: card.entryFile,
        };
        const declared = project.legacy
          ? `${app.functionsDir ?? `${app.rootDir}/app.functions`}/serverless.json`
          : "a function's *-hsmeta.json";
        warnUnknown(report, where, name, defined, declared);
      }
    }
  }
  return report.diagnostics;
}

function warnUnknown(report: Report, where: Where, name: string, defined: string[], declared: string): void {
  const near = didYouMean(name, defined);
  const known = defined.length
    ? `The app defines ${defined.map((n) => `'${n}'`).join(", ")}: call one of them, or declare '${name}'`
    : `The app defines no functions: declare '${name}'`;
  report.warning(
    "CARD_FUNCTION_UNKNOWN",
    where,
    `the card calls function '${name}', which its app does not define: the call will fail when the card runs`,
    `${near ? `Did you mean '${near}'? ` : ""}${known} in ${declared}. (This check reads literal names only.)`,
  );
}

/** The first place the quoted name appears in the card's own files. */
function locate(files: ProjectFiles, sources: readonly string[], name: string): Where | undefined {
  for (const file of sources) {
    const text = fileText(files, file);
    const match = text === undefined ? null : new RegExp(String.raw`(["'\`])${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\1`).exec(text);
    if (match) return { file, position: textPosition(text!, match.index) };
  }
  return undefined;
}
