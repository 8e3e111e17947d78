import { expect } from "vitest";

/** A server-sent events stream over real HTTP, read as text until what a test waits for arrives. */
export async function openEventStream(url: string, headers: Record<string, string>) {
  const controller = new AbortController();
  const res = await fetch(url, { headers, signal: controller.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/event-stream");
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  return {
    /** Reads until a chunk holding `text` arrives; resolves to everything read so far. */
    async until(text: string): Promise<string> {
      while (!buffer.includes(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before "${text}"`);
        buffer += value;
      }
      return buffer;
    },
    close: () => controller.abort(),
  };
}
