/** A small seeded PRNG (mulberry32): the same seed replays the same requests, so a failure can be reproduced. */
export class Prng {
  constructor(private state: number) {}
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** Path segments at the edges: numbers that overflow, traversal, bad percent-encoding, NUL, long, non-ASCII. */
export const PATH_VALUES = [
  "1",
  "0",
  "-1",
  "2147483648",
  "99999999999999999999999",
  "1.5",
  "1e309",
  "NaN",
  "abc",
  "contacts",
  "0-1",
  "2-123",
  "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
  "..%2F..%2F",
  "%00",
  "%ZZ",
  "%",
  "%C0%AF",
  "%F0%9F%98%80",
  "x".repeat(3000),
  "a%20b",
  "'%20OR%201=1--",
  "%3Cscript%3E",
  "undefined",
  "null",
  "__proto__",
  "constructor",
];

const STRINGS = [
  "",
  " ",
  "x",
  "0",
  "-1",
  "true",
  "null",
  "😀".repeat(50),
  "\u0000",
  "a\u202Eb",
  "<img src=x onerror=alert(1)>",
  "' OR 1=1 --",
  "../../etc/passwd",
  "x".repeat(70_000),
  "2024-02-30T25:61:00Z",
  "1e400",
  "pat-na1-00000000-0000-0000-0000-000000000000",
];
const NUMBERS = [0, -1, 1, 0.5, -0, 2 ** 31, 2 ** 53 + 2, 1e308, -1e308, Number.MAX_SAFE_INTEGER];
const KEYS = [
  "properties",
  "inputs",
  "filterGroups",
  "filters",
  "sorts",
  "query",
  "limit",
  "after",
  "id",
  "idProperty",
  "name",
  "label",
  "type",
  "fieldType",
  "groupName",
  "email",
  "password",
  "key",
  "secret",
  "mode",
  "accountId",
  "objectId",
  "toObjectId",
  "types",
  "associationCategory",
  "associationTypeId",
  "serverlessFunction",
  "parameters",
  "primaryObjectId",
  "objectIdToMerge",
  "encodedOAuthRefreshToken",
  "tokenKey",
  "options",
  "propertyName",
  "operator",
  "value",
  "values",
  "highValue",
  "archived",
  "platformVersion",
  "buildId",
  "deployId",
  "projectName",
  "__proto__",
  "constructor",
];

export function randomValue(r: Prng, depth = 0): unknown {
  const roll = r.int(depth > 3 ? 4 : 7);
  if (roll === 0) return r.pick(STRINGS);
  if (roll === 1) return r.pick(NUMBERS);
  if (roll === 2) return r.pick([true, false, null]);
  if (roll === 3) return r.pick(STRINGS).slice(0, 40);
  // Long arrays hold primitives only, so a body stays small enough to send.
  if (roll === 4 && r.chance(0.2)) return Array.from({ length: r.pick([101, 1001]) }, () => r.pick(NUMBERS));
  if (roll === 4) return Array.from({ length: r.pick([0, 1, 2, 5]) }, () => randomValue(r, depth + 1));
  return randomObject(r, depth + 1);
}

export function randomObject(r: Prng, depth = 0): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (let i = r.int(5); i >= 0; i--) o[r.pick(KEYS)] = randomValue(r, depth);
  return o;
}

const nested = (depth: number) => "[".repeat(depth) + "]".repeat(depth);

/** 7 MB of JSON, under the server's 8 MB body limit: written once, as writing it for every request cost seconds. */
let big: string | undefined;
const bigBody = () => (big ??= JSON.stringify({ properties: { firstname: "x".repeat(7 * 1024 * 1024) } }));

/** A body and its content type: usually JSON of a random shape, sometimes raw bytes that are not what they claim. */
export function randomBody(r: Prng): { body: string | Buffer; contentType?: string } {
  const roll = r.int(14);
  if (roll === 0) return { body: "{", contentType: "application/json" };
  if (roll === 1) return { body: nested(100_000), contentType: "application/json" };
  if (roll === 2) return { body: bigBody(), contentType: "application/json" };
  if (roll === 3) return { body: Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x22]), contentType: "application/json" };
  if (roll === 4) return { body: "a=1&b=2", contentType: "application/x-www-form-urlencoded" };
  if (roll === 5) return { body: "--x\r\n", contentType: "multipart/form-data" };
  if (roll === 6) return { body: JSON.stringify(randomObject(r)), contentType: "text/plain" };
  if (roll === 7) return { body: JSON.stringify(randomObject(r)) };
  if (roll === 8) return { body: `{"a":${nested(20_000)}}`, contentType: "application/json" };
  return {
    body: JSON.stringify(r.chance(0.8) ? randomObject(r) : randomValue(r)),
    contentType: r.pick(["application/json", "application/json; charset=utf-8", "application/vnd.api+json"]),
  };
}

/** A query string: list parameters repeated hundreds of times, negative limits, cursors that are not cursors. */
export function randomQuery(r: Prng): string {
  const parts: string[] = [];
  for (let i = r.int(4); i > 0; i--) {
    const key = r.pick([
      "limit",
      "after",
      "properties",
      "associations",
      "archived",
      "idProperty",
      "portalId",
      "propertiesWithHistory",
      "objectTypeId",
      "since",
      "until",
      "traceId",
      "q",
      "sort",
    ]);
    const value = r.pick(["-1", "0", "1", "101", "1e9", "abc", "", "%ZZ", "true", "x".repeat(5000), "firstname,lastname", "%00"]);
    const times = r.chance(0.1) ? 500 : 1;
    for (let t = 0; t < times; t++) parts.push(`${key}=${value}`);
  }
  return parts.length ? `?${parts.join("&")}` : "";
}

/** Extra headers: malformed trace context, wrong CSRF tokens, odd Accept values. */
export function randomHeaders(r: Prng): Record<string, string> {
  const h: Record<string, string> = {};
  if (r.chance(0.3))
    h.traceparent = r.pick(["00-xyz", "00-00000000000000000000000000000000-0000000000000000-00", "ff-" + "f".repeat(80), ""]);
  if (r.chance(0.3)) h.accept = r.pick(["text/html", "*/*", "application/xml", "", "application/json;q=0"]);
  if (r.chance(0.2)) h["x-hubspot-portal-id"] = r.pick(PATH_VALUES.slice(0, 12));
  if (r.chance(0.1)) h["x-forwarded-for"] = "1.2.3.4, 5.6.7.8";
  return h;
}
