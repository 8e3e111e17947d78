export type Severity = "error" | "warning";

/**
 * One finding about a project. `file` is relative to the project root, `pointer` is a JSON
 * pointer into that file ("" for the whole file), `line`/`column` are 1-based positions in its text.
 */
export interface Diagnostic {
  severity: Severity;
  code: DiagnosticCode;
  file: string;
  pointer: string;
  line: number;
  column: number;
  message: string;
  hint?: string;
}

/** Stable codes: tools and tests match on these, never on the wording. */
export type DiagnosticCode =
  | "JSON_SYNTAX"
  | "JSON_DUPLICATE_KEY"
  | "FIELD_REQUIRED"
  | "FIELD_TYPE"
  | "FIELD_EMPTY"
  | "FIELD_UNKNOWN"
  | "FIELD_INVALID"
  | "FILE_NOT_FOUND"
  | "FILE_OUTSIDE_APP"
  | "PROJECT_CONFIG_MISSING"
  | "PROJECT_SRC_DIR_INVALID"
  | "PROJECT_SRC_DIR_NOT_FOUND"
  | "PROJECT_PLATFORM_VERSION_UNKNOWN"
  | "PROJECT_PLATFORM_VERSION_MISSING"
  | "PROJECT_PLATFORM_VERSION_DEPRECATED"
  | "PROJECT_NO_APPS"
  | "PROJECT_TOO_MANY_APPS"
  | "UID_INVALID"
  | "UID_DUPLICATE"
  | "APP_SCOPES_EMPTY"
  | "APP_SCOPE_UNKNOWN"
  | "APP_SCOPE_DUPLICATE"
  | "APP_NOT_PRIVATE"
  | "APP_REDIRECT_URL_INVALID"
  | "CARD_TYPE_INVALID"
  | "CARD_LOCATION_INVALID"
  | "CARD_OBJECT_TYPE_UNKNOWN"
  | "CARD_LEGACY_FETCH"
  | "FUNCTION_NAME_INVALID"
  | "FUNCTION_NAME_DUPLICATE"
  | "FUNCTION_SECRET_INVALID"
  | "FUNCTION_SECRET_RESERVED"
  | "FUNCTION_ENDPOINT_INVALID"
  | "PERMITTED_URL_INVALID"
  | "FUNCTION_ENDPOINT_DUPLICATE"
  | "FUNCTION_RUNTIME_UNKNOWN"
  | "SERVERLESS_OUTSIDE_APP"
  | "COMPONENT_TYPE_UNKNOWN"
  | "COMPONENT_NOT_SUPPORTED"
  | "COMPONENT_NOT_RUN"
  | "COMPONENT_DIRECTORY_INVALID"
  | "COMPONENT_LOCATION_IGNORED"
  | "COMPONENT_TOO_MANY"
  | "COMPONENT_NEEDS_APP"
  | "COMPONENT_FIELD_UNEXPECTED"
  | "FORMAT_MISMATCH"
  | "FOLDER_HIDDEN"
  | "SOURCE_COMPILE_ERROR"
  | "CARD_FUNCTION_UNKNOWN"
  | "FUNCTION_SECRET_MISSING";

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** By file, then position: the order every report prints in. */
export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}
