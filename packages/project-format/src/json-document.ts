import { findNodeAtLocation, parseTree, printParseErrorCode, type Node, type ParseError } from "jsonc-parser";

export interface Position {
  line: number;
  column: number;
}

export interface SyntaxProblem extends Position {
  message: string;
  hint: string;
}

export const MAX_JSON_DEPTH = 512;

/** The offset of the bracket that opens level MAX_JSON_DEPTH + 1, outside strings; undefined when the text is shallower. */
function offsetTooDeep(text: string): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_JSON_DEPTH) return i;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return undefined;
}

/** A parsed JSON file that can turn any offset or node into a 1-based line and column. */
export class JsonDocument {
  readonly root: Node | undefined;
  readonly syntaxError: SyntaxProblem | undefined;
  private lineStarts: number[] | undefined;

  constructor(
    readonly file: string,
    readonly text: string,
  ) {
    // jsonc-parser recurses once per level: refuse absurd nesting before it overflows the stack.
    const tooDeep = offsetTooDeep(text);
    if (tooDeep !== undefined) {
      this.syntaxError = {
        ...this.position(tooDeep),
        message: `JSON nested more than ${MAX_JSON_DEPTH} levels deep`,
        hint: "Project files are a few levels deep; remove the extra nesting.",
      };
      this.root = undefined;
      return;
    }
    const errors: ParseError[] = [];
    // Strict: comments and trailing commas are refused, as JSON.parse refuses them.
    const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
    const first = errors[0];
    this.syntaxError = first ? this.describe(first) : undefined;
    this.root = first ? undefined : root;
  }

  position(offset: number): Position {
    const starts = (this.lineStarts ??= computeLineStarts(this.text));
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - starts[low]! + 1 };
  }

  private describe(error: ParseError): SyntaxProblem {
    const text = this.text;
    const before = lastSignificant(text, error.offset);
    const prevChar = before >= 0 ? text[before] : undefined;
    const at = (offset: number, message: string, hint: string): SyntaxProblem => ({ ...this.position(offset), message, hint });
    const found = describeToken(text, error.offset);
    // printParseErrorCode: the enum is a const enum, which isolatedModules cannot import.
    const code = printParseErrorCode(error.error);
    switch (code) {
      case "CommaExpected": {
        const prevLine = this.position(before).line;
        const here = this.position(error.offset).line;
        const where = prevLine === here ? "before this value" : `after line ${prevLine}`;
        return at(
          error.offset,
          `JSON syntax error: a comma is missing ${where}`,
          "Separate the members of an object or array with commas.",
        );
      }
      case "PropertyNameExpected":
      case "ValueExpected":
        if (prevChar === ",")
          return at(before, "JSON syntax error: trailing comma", "JSON does not allow a comma after the last member; remove it.");
        if (error.offset >= text.length)
          return at(
            error.offset,
            "JSON syntax error: the file ends where a value was expected",
            "Complete the JSON value or restore the missing end of the file.",
          );
        return code === "PropertyNameExpected"
          ? at(
              error.offset,
              `JSON syntax error: expected a property name in double quotes, found ${found}`,
              'Property names must be strings in double quotes, e.g. "name": "value".',
            )
          : at(
              error.offset,
              `JSON syntax error: expected a value, found ${found}`,
              "A value is a string in double quotes, a number, true, false, null, an object or an array.",
            );
      case "InvalidSymbol":
        return at(error.offset, `JSON syntax error: unexpected ${found}`, symbolHint(text[error.offset]));
      case "ColonExpected":
        return at(
          error.offset,
          `JSON syntax error: expected ':' after the property name, found ${found}`,
          'Write each member as "name": value.',
        );
      case "CloseBraceExpected":
        return at(
          error.offset,
          `JSON syntax error: expected ',' or '}', found ${found}`,
          "An object member is not followed by a comma, or the object is not closed with '}'.",
        );
      case "CloseBracketExpected":
        return at(
          error.offset,
          `JSON syntax error: expected ',' or ']', found ${found}`,
          "An array element is not followed by a comma, or the array is not closed with ']'.",
        );
      case "EndOfFileExpected":
        return at(
          error.offset,
          `JSON syntax error: unexpected ${found} after the end of the JSON value`,
          "A JSON file holds exactly one value; remove what follows it or wrap the values in an array.",
        );
      case "InvalidCommentToken":
        return at(error.offset, "JSON syntax error: comments are not allowed in JSON", "Remove the comment; JSON has no comment syntax.");
      case "UnexpectedEndOfComment":
        return at(error.offset, "JSON syntax error: comment is not closed (and comments are not allowed in JSON)", "Remove the comment.");
      case "UnexpectedEndOfString":
        return at(error.offset, "JSON syntax error: string is not closed", 'End the string with a double quote (") on the same line.');
      case "UnexpectedEndOfNumber":
      case "InvalidNumberFormat":
        return at(error.offset, "JSON syntax error: malformed number", "Numbers need digits after '.', 'e' or '-', e.g. 1.5, 2e3, -4.");
      case "InvalidUnicode":
        return at(
          indexFrom(text, error.offset, "\\u"),
          "JSON syntax error: invalid \\u escape",
          "A \\u escape needs exactly four hexadecimal digits, e.g. \\u00e9.",
        );
      case "InvalidEscapeCharacter":
        return at(
          badEscape(text, error.offset),
          "JSON syntax error: invalid escape sequence in string",
          'Valid escapes are \\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX; write a backslash as \\\\.',
        );
      case "InvalidCharacter":
        return at(
          controlChar(text, error.offset),
          "JSON syntax error: unescaped control character in string",
          "Write line breaks and tabs inside strings as \\n and \\t.",
        );
      default:
        return at(error.offset, `JSON syntax error: unexpected ${found}`, "Check the JSON near this position.");
    }
  }
}

/** The node at a JSON pointer such as "/extensions/crm/cards/0/file", if present. */
export function nodeAtPointer(root: Node | undefined, pointer: string): Node | undefined {
  if (!root) return undefined;
  if (pointer === "") return root;
  const segments = pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  return findNodeAtLocation(
    root,
    segments.map((s) => (/^\d+$/.test(s) ? Number(s) : s)),
  );
}

export function pointerJoin(pointer: string, key: string | number): string {
  return `${pointer}/${String(key).replace(/~/g, "~0").replace(/\//g, "~1")}`;
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13 && text.charCodeAt(i + 1) !== 10) starts.push(i + 1);
  }
  return starts;
}

function lastSignificant(text: string, offset: number): number {
  let i = offset - 1;
  while (i >= 0 && /\s/.test(text[i]!)) i--;
  return i;
}

function describeToken(text: string, offset: number): string {
  if (offset >= text.length) return "the end of the file";
  const word = /^[^\s{}[\],:"]+/.exec(text.slice(offset, offset + 40))?.[0];
  if (word) return `'${word}'`;
  const ch = text[offset]!;
  return ch.charCodeAt(0) < 32 ? `control character U+${ch.charCodeAt(0).toString(16).padStart(4, "0")}` : `'${ch}'`;
}

function symbolHint(ch: string | undefined): string {
  if (ch === "'") return "JSON strings and property names use double quotes, not single quotes.";
  if (ch === "\uFEFF") return "Save the file as UTF-8 without a byte order mark.";
  return "Strings must be in double quotes; the only bare words are true, false and null.";
}

function indexFrom(text: string, offset: number, needle: string): number {
  const i = text.indexOf(needle, offset);
  return i < 0 ? offset : i;
}

function badEscape(text: string, offset: number): number {
  for (let i = offset + 1; i < text.length - 1; i++) {
    if (text[i] === "\\") {
      if (!'"\\/bfnrtu'.includes(text[i + 1]!)) return i;
      i++;
    }
  }
  return offset;
}

function controlChar(text: string, offset: number): number {
  for (let i = offset + 1; i < text.length; i++) if (text.charCodeAt(i) < 32) return i;
  return offset;
}

/** The 1-based line and column of `offset` in any text (a card's source, say), counting line breaks as the renderer does. */
export function textPosition(text: string, offset: number): Position {
  const lines = text.slice(0, offset).split(/\r\n|\r|\n/);
  return { line: lines.length, column: lines[lines.length - 1]!.length + 1 };
}
