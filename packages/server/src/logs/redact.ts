/**
 * The one place secrets leave log data. Everything the log domain stores or exports passes through here: headers,
 * query strings, bodies, function output, extension messages.
 */

export const REDACTED = "[REDACTED]";

/** Private-app tokens, personal access keys, developer tokens, and bearer credentials written anywhere in text. */
const TOKEN_PATTERNS: RegExp[] = [
  /\bpat-[a-z]{2}\d-[0-9a-f-]{8,}/gi,
  /\bsp[kt]_[A-Za-z0-9_-]+/g,
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi,
];

/** Field, header and parameter names whose values are credentials, whatever they look like. */
const SECRET_NAME = /secret|passw(or)?d|token|credential|authori[sz]ation|cookie|signature|key$|^key|apikey/i;

export const isSecretName = (name: string) => SECRET_NAME.test(name);

/** Replaces known token shapes and the given secret values (a function's secrets), as written or encoded, in free text. */
export function redactText(text: string, secretValues: readonly string[] = []): string {
  let out = text;
  for (const form of secretForms(secretValues)) if (out.includes(form)) out = out.split(form).join(REDACTED);
  for (const pattern of TOKEN_PATTERNS) out = out.replace(pattern, REDACTED);
  return out;
}

/** Shorter encoded runs would match unrelated text too often. */
const MIN_ENCODED_LENGTH = 8;

/**
 * Each secret as written and in the encodings a function is likely to print it in: URL-encoded (percent and form),
 * hex, and base64/base64url. Base64 of a secret inside a longer encoded text (`user:secret` in a Basic header)
 * depends on where the secret starts modulo 3 bytes, so the run fixed by the secret's own bytes is taken for each of
 * the three alignments. Longest first, so a form that holds another is replaced whole. Worked out once per list.
 */
const formsCache = new WeakMap<readonly string[], string[]>();
function secretForms(values: readonly string[]): readonly string[] {
  if (values.length === 0) return values;
  let forms = formsCache.get(values);
  if (forms) return forms;
  const all = new Set<string>();
  for (const value of values) {
    if (value.length < 4) continue;
    all.add(value);
    const bytes = Buffer.from(value, "utf8");
    const encoded = [
      encodeURIComponent(value),
      encodeURIComponent(value).replace(/%20/g, "+"),
      bytes.toString("hex"),
      bytes.toString("hex").toUpperCase(),
    ];
    for (let shift = 0; shift < 3; shift++) {
      const b64 = Buffer.concat([Buffer.alloc(shift), bytes]).toString("base64");
      const core = b64.slice(Math.ceil((shift * 8) / 6), Math.floor(((shift + bytes.length) * 8) / 6));
      encoded.push(core, core.replace(/\+/g, "-").replace(/\//g, "_"));
    }
    for (const form of encoded) if (form !== value && form.length >= MIN_ENCODED_LENGTH) all.add(form);
  }
  forms = [...all].sort((a, b) => b.length - a.length);
  formsCache.set(values, forms);
  return forms;
}

/** A JSON value with credential-named fields blanked and token shapes removed from every string. */
export function redactValue(value: unknown, secretValues: readonly string[] = []): unknown {
  if (typeof value === "string") return redactText(value, secretValues);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, secretValues));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, isSecretName(k) && v !== null && v !== "" ? REDACTED : redactValue(v, secretValues)]),
    );
  }
  return value;
}

export function redactHeaders(headers: Record<string, string | string[] | number | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(", ") : String(value);
    out[name] = isSecretName(name) ? REDACTED : redactText(text);
  }
  return out;
}

/** `a=1&hapikey=…` with credential-named parameters blanked; the order and the other values are kept. */
export function redactQuery(query: string): string {
  if (!query) return "";
  return query
    .split("&")
    .map((pair) => {
      const eq = pair.indexOf("=");
      const name = eq < 0 ? pair : pair.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        // keep the raw name
      }
      return eq >= 0 && isSecretName(decoded) ? `${name}=${REDACTED}` : redactText(pair);
    })
    .join("&");
}

export const BODY_LIMIT = 8 * 1024;

/**
 * How far past the stored limit a body is still redacted. The token patterns match any long enough start of a token,
 * so a token cut at the limit is still found when this much of what follows is read with it; what lies beyond is never
 * stored, so it is never redacted either.
 */
const REDACT_MARGIN = 1024;

/**
 * A request or response body as stored: JSON redacted field by field, anything else as text; then cut to the limit.
 * Only what can be stored is redacted: a failed call's body of several megabytes took seconds of the server thread
 * when the whole of it was redacted and serialised first, for 8 KB kept.
 */
/** How deep a stored body is written; past it the text stops (redactedJsonPrefix). */
const MAX_DEPTH = 64;

export function redactBody(body: unknown, limit = BODY_LIMIT): string | null {
  if (body === undefined || body === null || body === "") return null;
  let value = body;
  if (typeof body === "string" || Buffer.isBuffer(body)) {
    const raw = body.toString();
    try {
      value = JSON.parse(raw);
    } catch {
      if (raw.length <= limit + REDACT_MARGIN) return truncate(redactText(raw), limit);
      return cut(redactText(raw.slice(0, limit + REDACT_MARGIN)), limit);
    }
  }
  const json = redactedJsonPrefix(value, limit);
  return json.complete ? json.text : cut(json.text, limit);
}

const cut = (text: string, limit: number) => `${text.slice(0, limit)}… [truncated at ${limit} characters]`;

/**
 * `JSON.stringify(redactValue(value))` written only until it is longer than `budget` characters; `complete` is false
 * when it stopped there (the text is then a start of the whole, or of it with a string cut short at the margin).
 */
function redactedJsonPrefix(value: unknown, budget: number): { text: string; complete: boolean } {
  const parts: string[] = [];
  let length = 0;
  // Each writer answers false once the text is past the budget, and every caller stops there.
  const push = (text: string) => {
    parts.push(text);
    length += text.length;
    return length <= budget;
  };
  const omitted = (v: unknown) => v === undefined || typeof v === "function" || typeof v === "symbol";
  let depth = 0;
  const write = (v: unknown): boolean => {
    // A body nested thousands deep (a parser accepts it) would overflow the stack of this walk: the text stops there.
    if (depth > MAX_DEPTH) {
      push(JSON.stringify(`[nested deeper than ${MAX_DEPTH} levels]`));
      return false;
    }
    if (typeof v === "string") {
      const room = budget - length + REDACT_MARGIN;
      if (v.length <= room) return push(JSON.stringify(redactText(v)));
      push(JSON.stringify(redactText(v.slice(0, room))).slice(0, -1));
      return false;
    }
    if (Array.isArray(v)) {
      if (!push("[")) return false;
      depth++;
      for (let i = 0; i < v.length; i++) {
        if ((i > 0 && !push(",")) || !write(omitted(v[i]) ? null : v[i])) return false;
      }
      depth--;
      return push("]");
    }
    if (v !== null && typeof v === "object") {
      if (!push("{")) return false;
      depth++;
      let first = true;
      // Keys first, values read one by one: a walk that stops at the budget reads no further value.
      for (const k of Object.keys(v)) {
        const item = (v as Record<string, unknown>)[k];
        const shown = isSecretName(k) && item !== null && item !== "" ? REDACTED : item;
        if (omitted(shown)) continue;
        if (!push(`${first ? "" : ","}${JSON.stringify(k)}:`) || !write(shown)) return false;
        first = false;
      }
      depth--;
      return push("}");
    }
    return push(JSON.stringify(v) ?? "null");
  };
  const complete = write(value);
  return { text: parts.join(""), complete };
}

export function truncate(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}… [truncated ${text.length - limit} characters]`;
}
