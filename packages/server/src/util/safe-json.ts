import { DomainError } from "../errors/domain-error";

/** Only texts that could spell one of the two keys (plainly or with \u escapes) are walked after parsing. */
const SUSPECT = /__proto__|constructor|\\u/;

/**
 * JSON.parse with prototype-poisoning protection, for every request body Sprocket parses (the JSON content type, the
 * git webhook's push event, the CLI's upload fields). JSON.parse itself makes `__proto__` an own key, harmless until
 * some later merge (`Object.assign`, a schema library's object building) copies it onto a real object and swaps that
 * object's prototype; the same goes for `constructor.prototype`. Such bodies are refused (400), like Fastify's
 * secure-json-parse with `onProtoPoisoning: "error"` and `onConstructorPoisoning: "error"`, but keeping the
 * parser's own message for malformed JSON. Throws SyntaxError for invalid JSON, a DomainError for a poisoned one.
 */
export function parseRequestJson(text: string): unknown {
  const value: unknown = JSON.parse(text);
  if (SUSPECT.test(text)) refusePoisonedKeys(value);
  return value;
}

/** Walks the parsed value without recursion: a 100k-deep array must not overflow the stack. */
function refusePoisonedKeys(root: unknown): void {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== "object") continue;
    if (Array.isArray(node)) {
      for (const item of node) stack.push(item);
      continue;
    }
    if (Object.hasOwn(node, "__proto__")) throw poisoned("__proto__");
    if (Object.hasOwn(node, "constructor")) {
      const ctor = (node as Record<string, unknown>).constructor;
      if (ctor !== null && typeof ctor === "object" && Object.hasOwn(ctor, "prototype")) throw poisoned("constructor.prototype");
    }
    for (const v of Object.values(node)) stack.push(v);
  }
}

const poisoned = (key: string) =>
  new DomainError(
    "invalid",
    `Invalid input JSON: the body holds a "${key}" key, which is never accepted (it could replace an object's prototype).`,
    {
      errors: [{ message: `"${key}" key in the body`, code: "PROTOTYPE_POISONING", in: key }],
    },
  );
