/**
 * The part of Handlebars HubSpot's timeline templates use: `{{token}}`, `{{extraData.path.to.value}}`, and
 * `{{#if token}}…{{else}}…{{/if}}` blocks (nestable). What comes out is the template's Markdown with the values in it;
 * the console turns that Markdown into elements itself, so a value never becomes markup.
 */
export function renderTemplate(template: string, data: Record<string, unknown>): string {
  return renderBlock(template, data);
}

const lookup = (data: Record<string, unknown>, path: string): unknown =>
  path
    .split(".")
    .reduce<unknown>((at, key) => (at !== null && typeof at === "object" ? (at as Record<string, unknown>)[key] : undefined), data);

const text = (value: unknown): string => {
  if (value === undefined || value === null) return "";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
};

const truthy = (value: unknown) => !(value === undefined || value === null || value === false || value === "" || value === 0);

function renderBlock(template: string, data: Record<string, unknown>): string {
  let out = "";
  let at = 0;
  const tag = /\{\{\s*(#if\s+([\w.]+)|[\w.]+)\s*\}\}/g;
  for (let m = tag.exec(template); m; m = tag.exec(template)) {
    out += template.slice(at, m.index);
    if (m[2] === undefined) {
      out += text(lookup(data, m[1]!));
      at = tag.lastIndex;
      continue;
    }
    const { body, elseBody, end } = ifBlock(template, tag.lastIndex);
    out += renderBlock(truthy(lookup(data, m[2])) ? body : elseBody, data);
    at = end;
    tag.lastIndex = end;
  }
  return out + template.slice(at);
}

/** The body of an `{{#if}}` that starts at `from`, split at its own `{{else}}`; an unclosed block runs to the end. */
function ifBlock(template: string, from: number): { body: string; elseBody: string; end: number } {
  const tag = /\{\{\s*(#if\s+[\w.]+|else|\/if)\s*\}\}/g;
  tag.lastIndex = from;
  let depth = 0;
  let elseAt: { start: number; end: number } | undefined;
  for (let m = tag.exec(template); m; m = tag.exec(template)) {
    if (m[1]!.startsWith("#if")) depth++;
    else if (m[1] === "else" && depth === 0) elseAt = { start: m.index, end: tag.lastIndex };
    else if (m[1] === "/if") {
      if (depth === 0) {
        const body = template.slice(from, elseAt?.start ?? m.index);
        const elseBody = elseAt ? template.slice(elseAt.end, m.index) : "";
        return { body, elseBody, end: tag.lastIndex };
      }
      depth--;
    }
  }
  return { body: template.slice(from), elseBody: "", end: template.length };
}
