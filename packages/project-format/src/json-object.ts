import type { Node } from "jsonc-parser";
import type { DiagnosticCode } from "./diagnostic";
import { suggestion } from "./did-you-mean";
import { JsonDocument, pointerJoin } from "./json-document";
import type { Report } from "./report";

interface Member {
  key: Node;
  value: Node;
}

/** `/data/objectTypes/0/name` → `data.objectTypes[0].name`, the way people name a field. */
export function fieldName(pointer: string): string {
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce((name, s) => (/^\d+$/.test(s) ? `${name}[${s}]` : name ? `${name}.${s}` : s), "");
}

export function describeType(node: Node): string {
  switch (node.type) {
    case "object":
      return "an object";
    case "array":
      return "an array";
    case "string":
      return `the string ${JSON.stringify(node.value)}`;
    case "number":
      return `the number ${String(node.value)}`;
    case "boolean":
      return String(node.value);
    case "null":
      return "null";
    default:
      return node.type;
  }
}

/**
 * A JSON object inside a parsed file, read field by field. Every accessor reports what is wrong
 * (missing, wrong type, empty) at the right pointer and returns undefined, so callers just skip.
 */
export class JsonObject {
  private readonly members = new Map<string, Member>();

  constructor(
    readonly doc: JsonDocument,
    readonly node: Node,
    readonly pointer: string,
    private readonly report: Report,
    duplicateCode: DiagnosticCode = "JSON_DUPLICATE_KEY",
  ) {
    for (const prop of node.children ?? []) {
      const [key, value] = prop.children ?? [];
      if (!key || !value) continue;
      const name = String(key.value);
      if (this.members.has(name)) {
        const error = duplicateCode !== "JSON_DUPLICATE_KEY";
        report.add(
          error ? "error" : "warning",
          duplicateCode,
          this.at(name, key),
          `'${fieldName(pointerJoin(pointer, name))}' appears twice in this object`,
          error ? "Give each entry its own name." : "Only the last occurrence counts; remove the other one.",
        );
      }
      this.members.set(name, { key, value });
    }
  }

  /** Wraps `node` if it is an object, else reports it. `what` names the value for the message. */
  static of(
    doc: JsonDocument,
    node: Node | undefined,
    pointer: string,
    report: Report,
    what: string,
    duplicateCode?: DiagnosticCode,
  ): JsonObject | undefined {
    if (!node) return undefined;
    if (node.type !== "object") {
      report.error(
        "FIELD_TYPE",
        { file: doc.file, doc, node, pointer },
        `${what} must be a JSON object, not ${describeType(node)}`,
        "Wrap the fields in { }.",
      );
      return undefined;
    }
    return new JsonObject(doc, node, pointer, report, duplicateCode);
  }

  /** Wraps a nested node (such as an array element) that must be an object. */
  child(node: Node, pointer: string, what: string): JsonObject | undefined {
    return JsonObject.of(this.doc, node, pointer, this.report, what);
  }

  keys(): string[] {
    return [...this.members.keys()];
  }

  value(key: string): Node | undefined {
    return this.members.get(key)?.value;
  }

  keyNode(key: string): Node | undefined {
    return this.members.get(key)?.key;
  }

  pointerOf(key: string): string {
    return pointerJoin(this.pointer, key);
  }

  /** Location of a member's value, or of this object when the member is absent. */
  at(key: string, node?: Node): { file: string; doc: JsonDocument; node: Node; pointer: string } {
    return { file: this.doc.file, doc: this.doc, node: node ?? this.value(key) ?? this.node, pointer: this.pointerOf(key) };
  }

  missing(key: string, hint: string): void {
    this.report.error("FIELD_REQUIRED", this.at(key), `required field '${fieldName(this.pointerOf(key))}' is missing`, hint);
  }

  /** A string field. `required` reports absence; `nonEmpty` refuses "" and blank strings. */
  string(key: string, opts: { required: boolean; nonEmpty?: boolean; hint: string }): string | undefined {
    const node = this.value(key);
    if (!node) {
      if (opts.required) this.missing(key, opts.hint);
      return undefined;
    }
    if (node.type !== "string") {
      this.report.error(
        "FIELD_TYPE",
        this.at(key),
        `'${fieldName(this.pointerOf(key))}' must be a string, not ${describeType(node)}`,
        opts.hint,
      );
      return undefined;
    }
    const value = node.value as string;
    if (opts.nonEmpty && value.trim() === "") {
      this.report.error("FIELD_EMPTY", this.at(key), `'${fieldName(this.pointerOf(key))}' must not be empty`, opts.hint);
      return undefined;
    }
    return value;
  }

  boolean(key: string, opts: { required: boolean; hint: string }): boolean | undefined {
    const node = this.value(key);
    if (!node) {
      if (opts.required) this.missing(key, opts.hint);
      return undefined;
    }
    if (node.type !== "boolean") {
      this.report.error(
        "FIELD_TYPE",
        this.at(key),
        `'${fieldName(this.pointerOf(key))}' must be true or false, not ${describeType(node)}`,
        opts.hint,
      );
      return undefined;
    }
    return node.value as boolean;
  }

  object(key: string, opts: { required: boolean; hint: string }, duplicateCode?: DiagnosticCode): JsonObject | undefined {
    const node = this.value(key);
    if (!node) {
      if (opts.required) this.missing(key, opts.hint);
      return undefined;
    }
    return JsonObject.of(this.doc, node, this.pointerOf(key), this.report, `'${fieldName(this.pointerOf(key))}'`, duplicateCode);
  }

  array(key: string, opts: { required: boolean; hint: string }): Node[] | undefined {
    const node = this.value(key);
    if (!node) {
      if (opts.required) this.missing(key, opts.hint);
      return undefined;
    }
    if (node.type !== "array") {
      this.report.error(
        "FIELD_TYPE",
        this.at(key),
        `'${fieldName(this.pointerOf(key))}' must be an array, not ${describeType(node)}`,
        opts.hint,
      );
      return undefined;
    }
    return node.children ?? [];
  }

  /** Array elements that are strings, with their pointers; other elements are reported. */
  strings(key: string, opts: { required: boolean; hint: string }): { value: string; node: Node; pointer: string }[] | undefined {
    const items = this.array(key, opts);
    if (!items) return undefined;
    const out: { value: string; node: Node; pointer: string }[] = [];
    items.forEach((node, i) => {
      const pointer = pointerJoin(this.pointerOf(key), i);
      if (node.type === "string") out.push({ value: node.value as string, node, pointer });
      else
        this.report.error(
          "FIELD_TYPE",
          { file: this.doc.file, doc: this.doc, node, pointer },
          `'${fieldName(pointer)}' must be a string, not ${describeType(node)}`,
          opts.hint,
        );
    });
    return out;
  }

  /** Warns about fields this object does not define, suggesting the nearest known one. */
  unknownFields(known: readonly string[], context: string): void {
    for (const key of this.keys()) {
      if (known.includes(key)) continue;
      this.report.warning(
        "FIELD_UNKNOWN",
        this.at(key, this.keyNode(key)),
        `unknown field '${fieldName(this.pointerOf(key))}' in ${context}${suggestion(key, known)}`,
        `Known fields here: ${known.join(", ")}. Unknown fields are ignored.`,
      );
    }
  }
}
