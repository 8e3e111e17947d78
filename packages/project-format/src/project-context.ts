import { JsonDocument } from "./json-document";
import { JsonObject } from "./json-object";
import { fileText, type ProjectFiles } from "./project-files";
import type { Report } from "./report";

/** What every check needs: the file set, where to report, and where the source lives. */
export interface ProjectContext {
  files: ProjectFiles;
  report: Report;
  /** Folder holding the apps, relative to the project root ("" when the files are the source itself). */
  srcDir: string;
  platformVersion: string;
  /** Where diagnostics about the project as a whole point: hsproject.json when there is one. */
  projectFile: string;
  /** Parsed files, so a file referenced twice is parsed and reported once. */
  parsed: Map<string, JsonDocument | undefined>;
}

/** Parses a JSON file of the set, reporting a syntax error. Undefined if absent or unparseable. */
export function loadJson(ctx: ProjectContext, path: string): JsonDocument | undefined {
  if (ctx.parsed.has(path)) return ctx.parsed.get(path);
  const text = fileText(ctx.files, path);
  if (text === undefined) return undefined;
  const doc = new JsonDocument(path, text);
  const e = doc.syntaxError;
  if (e) ctx.report.error("JSON_SYNTAX", { file: path, position: e }, e.message, e.hint);
  ctx.parsed.set(path, e ? undefined : doc);
  return e ? undefined : doc;
}

/** The root object of a parsed file, or undefined (reported) when the root is not an object. */
export function rootObject(ctx: ProjectContext, doc: JsonDocument, what: string): JsonObject | undefined {
  return JsonObject.of(doc, doc.root, "", ctx.report, what);
}
