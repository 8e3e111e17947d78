import { styleText } from "node:util";
import type { Diagnostic } from "./diagnostic";
import { fileText, type ProjectFiles } from "./project-files";

export interface RenderOptions {
  color?: boolean;
}

// Long lines (minified JSON) are cut to a window around the column.
const maxWidth = 100;

/**
 * Diagnostics for people, the way a compiler prints them:
 *   src/app/app.json:4:14 error APP_SCOPE_UNKNOWN unknown scope …
 *      4 |   "scopes": ["crm.objects.contact.read"],
 *        |              ^
 *     at /scopes/0
 *     hint: Replace it with 'crm.objects.contacts.read'.
 * followed by a count of errors and warnings.
 */
export function renderDiagnostics(diagnostics: readonly Diagnostic[], files: ProjectFiles, opts: RenderOptions = {}): string {
  const paint = (format: Parameters<typeof styleText>[0], text: string) => (opts.color ? styleText(format, text) : text);
  const blocks = diagnostics.map((d) => {
    const severity = d.severity === "error" ? paint(["bold", "red"], "error") : paint(["bold", "yellow"], "warning");
    const lines = [`${paint("bold", `${d.file}:${d.line}:${d.column}`)} ${severity} ${paint("dim", d.code)} ${d.message}`];
    const source = fileText(files, d.file)?.split(/\r\n|\r|\n/)[d.line - 1];
    if (source !== undefined) {
      const { text, caret } = clip(source.replace(/\t/g, " "), d.column - 1);
      const gutter = String(d.line);
      lines.push(
        `${paint("dim", ` ${gutter} |`)} ${text}`,
        `${paint("dim", ` ${" ".repeat(gutter.length)} |`)} ${" ".repeat(caret)}${paint(["bold", "red"], "^")}`,
      );
    }
    if (d.pointer) lines.push(`  at ${d.pointer}`);
    if (d.hint) lines.push(`  ${paint("cyan", "hint:")} ${d.hint}`);
    return lines.join("\n");
  });
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  const summary = errors + warnings === 0 ? "no problems found" : `${plural(errors, "error")}, ${plural(warnings, "warning")}`;
  return [...blocks, summary].join("\n\n") + "\n";
}

/** The machine form: stable field names, for `--json` and the server's error bodies. */
export function diagnosticsToJson(diagnostics: readonly Diagnostic[]): {
  ok: boolean;
  errors: number;
  warnings: number;
  diagnostics: Diagnostic[];
} {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  return { ok: errors === 0, errors, warnings: diagnostics.length - errors, diagnostics: [...diagnostics] };
}

function clip(line: string, column: number): { text: string; caret: number } {
  if (line.length <= maxWidth) return { text: line, caret: column };
  const start = Math.max(0, Math.min(column - maxWidth / 2, line.length - maxWidth));
  const end = start + maxWidth;
  const text = `${start > 0 ? "…" : ""}${line.slice(start, end)}${end < line.length ? "…" : ""}`;
  return { text, caret: column - start + (start > 0 ? 1 : 0) };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
