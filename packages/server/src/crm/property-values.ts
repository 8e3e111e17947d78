import { DomainError, type ErrorDetail } from "../errors/domain-error";
import type { PropertyDef } from "./property-definitions";

/** A value as a client may send it; HubSpot's SDK sends strings, hand-written clients numbers and booleans too. */
export type InputValue = string | number | boolean | null;

export interface PropertyProblem {
  name: string;
  error: string;
  message: string;
}

/** Which of a definition's values are stored; undefined means "clear". */
export interface Normalised {
  values: Record<string, string | null>;
  problems: PropertyProblem[];
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const NUMBER = /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** Epoch millis or ISO-8601, as HubSpot accepts for dates. */
export function parseInstant(raw: string): number | undefined {
  if (/^-?\d+$/.test(raw)) return Number(raw);
  if (!/^\d{4}-\d{2}-\d{2}/.test(raw)) return undefined;
  const ms = Date.parse(raw);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Checks and canonicalises one value for its definition; returns the stored string or a problem. */
function normaliseOne(def: PropertyDef, value: InputValue): { value: string | null } | PropertyProblem {
  if (value === null || value === "") return { value: null };
  const raw = String(value).trim();
  const bad = (error: string, message: string): PropertyProblem => ({ name: def.name, error, message });
  switch (def.type) {
    case "number":
      if (!NUMBER.test(raw)) return bad("INVALID_DECIMAL", `${JSON.stringify(raw)} is not a valid number.`);
      return { value: String(Number(raw)) };
    case "date": {
      const ms = DATE_ONLY.test(raw) ? Date.parse(`${raw}T00:00:00Z`) : parseInstant(raw);
      if (ms === undefined || Number.isNaN(ms))
        return bad("INVALID_DATE", `${JSON.stringify(raw)} is not a valid date: use YYYY-MM-DD or epoch milliseconds at midnight UTC.`);
      if (ms % 86_400_000 !== 0)
        return bad("INVALID_DATE", `${JSON.stringify(raw)} is not midnight UTC: a date property holds whole days.`);
      return { value: new Date(ms).toISOString().slice(0, 10) };
    }
    case "datetime": {
      const ms = parseInstant(raw);
      if (ms === undefined)
        return bad("INVALID_DATETIME", `${JSON.stringify(raw)} is not a valid datetime: use ISO-8601 or epoch milliseconds.`);
      return { value: new Date(ms).toISOString() };
    }
    case "bool": {
      const b = raw.toLowerCase();
      if (b !== "true" && b !== "false") return bad("INVALID_BOOLEAN", `${JSON.stringify(raw)} is not a valid boolean: use true or false.`);
      return { value: b };
    }
    case "enumeration": {
      if (def.externalOptions) return { value: raw };
      const chosen = def.fieldType === "checkbox" ? raw.split(";").filter((v) => v !== "") : [raw];
      const wrong = chosen.find((v) => !def.options.some((o) => o.value === v));
      if (wrong !== undefined) {
        return bad(
          "INVALID_OPTION",
          `${JSON.stringify(wrong)} was not one of the allowed options: [${def.options.map((o) => o.value).join(", ")}]`,
        );
      }
      return { value: chosen.join(";") };
    }
    case "string":
      if (def.name === "email" && !EMAIL.test(raw)) return bad("INVALID_EMAIL", `Email address ${raw} is invalid`);
      return { value: String(value) };
  }
}

/** Validates a whole `properties` object; unknown and read-only names are problems too. */
export function normaliseProperties(defs: Map<string, PropertyDef>, input: Record<string, InputValue>): Normalised {
  const values: Record<string, string | null> = {};
  const problems: PropertyProblem[] = [];
  for (const [name, value] of Object.entries(input)) {
    const def = defs.get(name);
    if (!def) {
      problems.push({ name, error: "PROPERTY_DOESNT_EXIST", message: `Property "${name}" does not exist` });
      continue;
    }
    if (def.readOnlyValue) {
      problems.push({ name, error: "READ_ONLY_VALUE", message: `Property "${name}" is a read only property; its value cannot be set.` });
      continue;
    }
    if (value !== null && typeof value === "object") {
      problems.push({ name, error: "INVALID_TYPE", message: `Property "${name}" must be a string, number or boolean.` });
      continue;
    }
    const out = normaliseOne(def, value);
    if ("error" in out) problems.push(out);
    else values[name] = out.value;
  }
  return { values, problems };
}

/** HubSpot's 400 for bad property values: the message embeds the list, `errors` has one entry per property. */
export function propertyValuesError(problems: PropertyProblem[], accountId: number): DomainError {
  const listed = problems.map((p) => ({
    isValid: false,
    message: p.message,
    error: p.error,
    name: p.name,
    localizedErrorMessage: p.message,
    portalId: accountId,
  }));
  const errors: ErrorDetail[] = problems.map((p) => ({
    message: p.message,
    code: p.error,
    in: p.name,
    context: { propertyName: [p.name] },
  }));
  return new DomainError("invalid", `Property values were not valid: ${JSON.stringify(listed)}`, {
    errors,
    context: { propertyName: [...new Set(problems.map((p) => p.name))] },
  });
}

/** The search-index form of a stored value: lower-cased text (bounded for btree rows) and a number where ordering is numeric. */
export function indexValue(def: PropertyDef | undefined, value: string): { value_text: string; value_num: number | null } {
  const value_text = value.toLowerCase().slice(0, 600);
  if (!def) return { value_text, value_num: null };
  if (def.type === "number") return { value_text, value_num: Number(value) };
  if (def.type === "date") return { value_text, value_num: Date.parse(`${value}T00:00:00Z`) };
  if (def.type === "datetime") return { value_text, value_num: Date.parse(value) };
  return { value_text, value_num: null };
}

export const isNumericType = (def: PropertyDef) => def.type === "number" || def.type === "date" || def.type === "datetime";
