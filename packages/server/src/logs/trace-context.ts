import { randomBytes } from "node:crypto";

/** W3C trace context: `00-<trace id>-<span id>-<flags>`. */
export const newTraceId = () => randomBytes(16).toString("hex");
export const newSpanId = () => randomBytes(8).toString("hex");

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

export function parseTraceparent(header: string | undefined): { traceId: string; parentId: string } | undefined {
  const m = header ? TRACEPARENT.exec(header.trim()) : null;
  if (!m || /^0+$/.test(m[1]!) || /^0+$/.test(m[2]!)) return undefined;
  return { traceId: m[1]!, parentId: m[2]! };
}

export const traceparent = (traceId: string, spanId: string = newSpanId()) => `00-${traceId}-${spanId}-01`;
