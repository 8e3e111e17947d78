import { getNodeValue } from "jsonc-parser";
import type { z } from "zod";
import { describeType, fieldName, type JsonObject } from "./json-object";
import { nodeAtPointer, pointerJoin } from "./json-document";
import type { Report } from "./report";

/**
 * Checks a component's `config` against its zod description (component-configs.ts) and reports each problem the way
 * the hand-written checks do: file, line and column of the offending value, its JSON pointer, and a hint. Unknown
 * fields are warnings. Returns the config when nothing but unknown fields was found.
 */
export function checkConfig<S extends z.ZodType>(report: Report, config: JsonObject, schema: S, what: string): z.infer<S> | undefined {
  const value: unknown = getNodeValue(config.node);
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  let failed = false;
  for (const issue of result.error.issues) {
    const parent = issue.path.reduce<string>((p, key) => pointerJoin(p, String(key)), config.pointer);
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        const pointer = pointerJoin(parent, key);
        const node = nodeAtPointer(config.doc.root, pointer);
        report.warning(
          "FIELD_UNKNOWN",
          where(config, pointer, node?.parent?.children?.[0] ?? node),
          `unknown field '${fieldName(pointer)}' in ${what}`,
          "Unknown fields are ignored; check the spelling against HubSpot's reference for this type.",
        );
      }
      continue;
    }
    failed = true;
    const node = nodeAtPointer(config.doc.root, parent);
    const name = `'${fieldName(parent)}'`;
    if (issue.code === "invalid_type" && !node) {
      const owner = parent.slice(0, parent.lastIndexOf("/"));
      report.error(
        "FIELD_REQUIRED",
        where(config, parent, nodeAtPointer(config.doc.root, owner)),
        `required field ${name} is missing`,
        `Add ${name} (${issue.expected}) to ${what}.`,
      );
    } else if (issue.code === "invalid_type") {
      report.error(
        "FIELD_TYPE",
        where(config, parent, node),
        `${name} must be ${article(issue.expected)}, not ${node ? describeType(node) : "absent"}`,
        `Write ${name} as ${article(issue.expected)}.`,
      );
    } else if (issue.code === "too_small" && issue.origin === "string") {
      report.error("FIELD_EMPTY", where(config, parent, node), `${name} must not be empty`, `Give ${name} a value.`);
    } else {
      report.error("FIELD_INVALID", where(config, parent, node), `${name} is not valid: ${issue.message}`, hintFor(issue));
    }
  }
  // Only unknown fields: the config is otherwise as described, so it is used as written.
  return failed ? undefined : (value as z.infer<S>);
}

function where(config: JsonObject, pointer: string, node: ReturnType<typeof nodeAtPointer>) {
  return { file: config.doc.file, doc: config.doc, node: node ?? config.node, pointer };
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function hintFor(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_value":
      return `Use one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}.`;
    case "invalid_format":
      return issue.format === "url" ? "Give a full URL, e.g. https://example.com/hook." : `Write it in the ${issue.format} format.`;
    case "too_small":
      return issue.origin === "array" ? `List at least ${String(issue.minimum)} entry.` : `Use at least ${String(issue.minimum)}.`;
    default:
      return "See HubSpot's reference for this component type.";
  }
}
