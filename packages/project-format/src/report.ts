import type { Node } from "jsonc-parser";
import type { Diagnostic, DiagnosticCode, Severity } from "./diagnostic";
import type { JsonDocument, Position } from "./json-document";

/** Where a finding is: a node of a parsed file, an explicit position, or (neither) the file's start. */
export interface Where {
  file: string;
  doc?: JsonDocument;
  node?: Node;
  pointer?: string;
  position?: Position;
}

/** Collects diagnostics, turning a node (or its absence) into a line and column. */
export class Report {
  readonly diagnostics: Diagnostic[] = [];

  add(severity: Severity, code: DiagnosticCode, where: Where, message: string, hint?: string): void {
    // A file that is absent or was not parsed has no positions: point at its start.
    const pos = where.position ?? (where.doc && where.node ? where.doc.position(where.node.offset) : { line: 1, column: 1 });
    this.diagnostics.push({
      severity,
      code,
      file: where.file,
      pointer: where.pointer ?? "",
      line: pos.line,
      column: pos.column,
      message,
      ...(hint ? { hint } : {}),
    });
  }

  error(code: DiagnosticCode, where: Where, message: string, hint?: string): void {
    this.add("error", code, where, message, hint);
  }

  warning(code: DiagnosticCode, where: Where, message: string, hint?: string): void {
    this.add("warning", code, where, message, hint);
  }
}
