// A failed call's body is stored redacted and cut to 8 KB; only the part that can be stored is redacted. Checked
// against the whole-body redaction it replaced, on generated bodies with credentials placed around the cut.
import { describe, expect, it } from "vitest";
import { REDACTED, redactBody, redactText, redactValue } from "../src/logs/redact";
import { Prng } from "../../../test/reliability/fuzz-values";

/** What the store kept before: the whole body redacted and serialised, then cut. */
function wholeBodyRedacted(body: unknown, limit: number): string {
  let text: string;
  try {
    text = JSON.stringify(redactValue(typeof body === "string" ? JSON.parse(body) : body));
  } catch {
    text = redactText(body as string);
  }
  return text.length <= limit ? text : text.slice(0, limit);
}

const TOKENS = ["pat-na1-0123abcd-4567-89ef-0123-456789abcdef", "spk_" + "A".repeat(40), "Bearer " + "x".repeat(3000)];

function randomValue(r: Prng, depth: number): unknown {
  const roll = r.int(depth > 3 ? 4 : 7);
  if (roll === 0) return r.pick([0, -1.5, 1e21, true, false, null]);
  // Tokens stand apart as words: glued to a word (`aaapat-…`) they are not tokens to the patterns, before or after.
  if (roll === 1)
    return `${"a".repeat(r.pick([0, 5, 900, 5_000, 20_000]))} ${r.pick(["", ...TOKENS])} ${"z".repeat(r.pick([0, 3, 2_000]))}`;
  if (roll === 2) return r.pick(TOKENS);
  if (roll === 3) return `line\n"quoted"\u2028${r.pick(TOKENS)}`;
  if (roll === 4) return Array.from({ length: r.pick([0, 1, 3, 40]) }, () => randomValue(r, depth + 1));
  const out: Record<string, unknown> = {};
  for (let i = r.pick([0, 1, 4, 30]); i > 0; i--) {
    out[r.pick(["name", "password", "apiKey", "email", "notes", `k${i}`])] = randomValue(r, depth + 1);
  }
  if (r.chance(0.2)) out.token = r.pick([null, "", undefined, TOKENS[0]]);
  if (r.chance(0.2)) out.skipped = undefined;
  return out;
}

describe("redactBody", () => {
  it("stores what whole-body redaction stored when it fits, and a start of it, never a credential, when it is cut", () => {
    const r = new Prng(7);
    let cutCount = 0;
    for (let n = 0; n < 400; n++) {
      const value = randomValue(r, 0);
      const limit = r.pick([64, 1_000, 8_192]);
      const body = r.chance(0.5) ? JSON.stringify(value) : value;
      const stored = redactBody(body, limit);
      if (stored === null) {
        expect(body === "" || body === null || body === undefined).toBe(true);
        continue;
      }
      const before = wholeBodyRedacted(body, limit);
      const marker = stored.indexOf("… [truncated at ");
      if (marker < 0) {
        expect(stored).toBe(before);
      } else {
        cutCount++;
        const kept = stored.slice(0, marker);
        expect(kept.length).toBeLessThanOrEqual(limit);
        // Either the same start, or the same start up to a string cut short at the margin and redacted there.
        const same = [...kept].findIndex((c, i) => before[i] !== c);
        if (same >= 0) expect(kept.slice(same)).toMatch(/^[^"]*\[REDACTED\]/);
      }
      for (const token of TOKENS) expect(stored).not.toContain(token.slice(0, 12));
    }
    expect(cutCount).toBeGreaterThan(50);
  });

  it("redacts free text around the cut and names where it was cut", () => {
    const text = `${"x".repeat(8_179)} pat-na1-0123abcd-4567-89ef-0123-456789abcdef ${"y".repeat(5_000_000)}`;
    expect(redactBody(text)).toBe(`${"x".repeat(8_179)} ${REDACTED} y… [truncated at 8192 characters]`);
  });

  it("blanks credential-named fields wherever the cut falls", () => {
    const body = { notes: "n".repeat(8_100), password: "hunter2-hunter2", more: "m".repeat(1_000_000) };
    const stored = redactBody(body)!;
    expect(stored.startsWith(`{"notes":"${"n".repeat(8_100)}","password":"[REDACTED]","more":"mmm`)).toBe(true);
    expect(stored).not.toContain("hunter2");
    expect(stored.endsWith("… [truncated at 8192 characters]")).toBe(true);
  });

  it("reads no more of a body than it stores", () => {
    // A walk of the whole body (seconds of the server thread for a failed call of several megabytes) reads every field.
    const body: Record<string, unknown> = { notes: "n".repeat(9_000) };
    let read = false;
    Object.defineProperty(body, "late", {
      enumerable: true,
      get: () => {
        read = true;
        return "x";
      },
    });
    expect(redactBody(body)).toMatch(/… \[truncated at 8192 characters\]$/);
    expect(read).toBe(false);
  });

  it("stores a body nested deeper than its walk goes as a start, where the walk overflowed the stack before", () => {
    // 5,000 levels: JSON.parse takes it (the server's parser did), the recursive walk did not.
    const deep = JSON.parse(`${"[".repeat(5_000)}1${"]".repeat(5_000)}`) as unknown;
    const stored = redactBody(deep)!;
    expect(stored.startsWith(`${"[".repeat(65)}"[nested deeper than 64 levels]"`)).toBe(true);
    expect(stored).toMatch(/… \[truncated at 8192 characters\]$/);
    expect(redactBody({ password: [[["hunter2"]]], deep: JSON.parse(`${'{"a":'.repeat(100)}1${"}".repeat(100)}`) })).toContain(
      `"password":"${REDACTED}"`,
    );
  });
});
