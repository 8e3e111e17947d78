// Text the server hands us (log lines, names, messages; some of it written by cards, functions or other members)
// must not drive the terminal: an ESC, CR or OSC sequence could erase or forge lines, set the window title or plant
// links. Before it is printed for people, each control character becomes a visible stand-in. `--json` output is left
// as the server sent it (JSON.stringify already escapes C0 characters there).

/** C0, DEL, C1, and the Unicode line separators and bidirectional overrides that reorder or break what follows. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;
/** The same, but newline and tab stay: for text that is meant to span lines (a function's output, a stack). */
const CONTROL_BUT_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

function standIn(char: string): string {
  const code = char.codePointAt(0)!;
  if (char === "\n") return "⏎";
  // U+2400.. are the Control Pictures: ␛ for ESC, ␍ for CR, ␇ for BEL, ␡ for DEL.
  if (code < 0x20) return String.fromCodePoint(0x2400 + code);
  if (code === 0x7f) return "␡";
  return `\\u{${code.toString(16)}}`;
}

/** `value` as text safe to print in a terminal; with `multiline`, newlines and tabs are kept. */
export function terminalText(value: unknown, { multiline = false } = {}): string {
  return String(value).replace(multiline ? CONTROL_BUT_LINES : CONTROL, standIn);
}
