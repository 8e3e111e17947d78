// W3C trace context: one trace per card render, a fresh span for every call made on its behalf.

function randomHex(bytes: number): string {
  const buffer = crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(buffer, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

export const newTraceId = (): string => randomHex(16);
export const newSpanId = (): string => randomHex(8);
export const traceparent = (traceId: string, spanId: string): string => `00-${traceId}-${spanId}-01`;
