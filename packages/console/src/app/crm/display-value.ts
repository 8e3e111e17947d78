// A property's value as the index and record pages show it: dates formatted, options by label, booleans as words.
import { formatDate } from "../page-parts";
import type { Formats } from "../formats";
import type { PropertyDefinition } from "./crm-api";

export function displayValue(property: PropertyDefinition | undefined, value: string | null | undefined, formats: Formats = {}): string {
  if (value === null || value === undefined || value === "") return "—";
  if (property?.type === "datetime" || property?.type === "date") return formatDate(value, formats);
  if (property?.type === "enumeration") return property.options.find((o) => o.value === value)?.label ?? value;
  if (property?.type === "bool") return value === "true" ? "Yes" : "No";
  return value;
}
