import { randomBytes } from "node:crypto";

// Every API call gets a trace and a span id. Random bytes come from a 4 KB pool turned into hex once per refill, so an
// id is a slice of a string: one system call per 170 ids, and no Buffer-to-hex conversion per id (Buffer#toString
// for a 10-byte range cost about a microsecond, in a hot path that runs on every call).
let pool = "";
let offset = 0;

function randomHex(bytes: number): string {
  const chars = bytes * 2;
  if (offset + chars > pool.length) {
    pool = randomBytes(4096).toString("hex");
    offset = 0;
  }
  offset += chars;
  return pool.slice(offset - chars, offset);
}

/** The last millisecond's hex: calls arrive several to a millisecond under load, and each converted it anew. */
let lastTime = { ms: -1, hex: "" };

/** Twelve hex digits of a millisecond time, from two 24-bit halves (radix conversion of small integers is fast). */
function timeHex(ms: number): string {
  if (ms === lastTime.ms) return lastTime.hex;
  const hi = Math.floor(ms / 0x1000000);
  const lo = ms % 0x1000000;
  lastTime = { ms, hex: hi.toString(16).padStart(6, "0") + lo.toString(16).padStart(6, "0") };
  return lastTime.hex;
}

/**
 * W3C trace context: `00-<trace id>-<span id>-<flags>`. A trace id starts with the time in milliseconds (6 bytes)
 * and ends with 10 random bytes (Trace Context level 2 asks for the right-most 7 to be random), so the log tables'
 * trace-id indexes grow at their end: random ids dirtied one index page per logged call and tripled the INSERT's cost.
 */
export const newTraceId = () => timeHex(Date.now()) + randomHex(10);
export const newSpanId = () => randomHex(8);

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

export function parseTraceparent(header: string | undefined): { traceId: string; parentId: string } | undefined {
  const m = header ? TRACEPARENT.exec(header.trim()) : null;
  if (!m || /^0+$/.test(m[1]!) || /^0+$/.test(m[2]!)) return undefined;
  return { traceId: m[1]!, parentId: m[2]! };
}

export const traceparent = (traceId: string, spanId: string = newSpanId()) => `00-${traceId}-${spanId}-01`;
