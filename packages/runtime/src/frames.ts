/**
 * Messages between the server and a runner travel as frames on the runner's fd 3 (a pipe), not over Node's IPC
 * channel, which parses each whole JSON message in the parent, whatever its size, before anyone can look at it.
 *
 * frame := u32 BE length of the rest | u32 BE header length | header (UTF-8 JSON) | body (raw bytes)
 *
 * The body carries the one large string of a message (a log line, a result's JSON) without escaping it again. The
 * reader checks both lengths as soon as it has them, before it buffers anything of the frame, so a runner can never
 * make the server hold or parse more than the caps.
 */

const PREFIX = 8;

export function encodeFrame(header: object, body: string | Buffer = ""): Buffer {
  const head = Buffer.from(JSON.stringify(header));
  const tail = typeof body === "string" ? Buffer.from(body) : body;
  const prefix = Buffer.allocUnsafe(PREFIX);
  prefix.writeUInt32BE(4 + head.length + tail.length, 0);
  prefix.writeUInt32BE(head.length, 4);
  return Buffer.concat([prefix, head, tail]);
}

export interface FrameCaps {
  header: number;
  body: number;
}

/** Reads frames from a stream's chunks; calls onViolation (once, then ignores the rest) when a frame breaks a cap. */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private failed = false;

  constructor(
    private readonly caps: () => FrameCaps,
    private readonly onFrame: (header: unknown, body: Buffer) => void,
    private readonly onViolation: (reason: string) => void,
  ) {}

  push(chunk: Buffer): void {
    if (this.failed) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (!this.failed && this.buffered >= PREFIX) {
      const prefix = this.peek(PREFIX);
      const length = prefix.readUInt32BE(0);
      const headerLength = prefix.readUInt32BE(4);
      const caps = this.caps();
      if (length < 4 || headerLength > length - 4) return this.fail("a malformed frame");
      if (headerLength > caps.header) return this.fail(`a message header of ${headerLength} bytes, over the ${caps.header}-byte limit`);
      if (length - 4 - headerLength > caps.body) {
        return this.fail(`a message of ${length - 4 - headerLength} bytes, over the ${caps.body}-byte limit`);
      }
      if (this.buffered < 4 + length) return;
      const frame = this.take(4 + length);
      let header: unknown;
      try {
        header = JSON.parse(frame.toString("utf8", PREFIX, PREFIX + headerLength));
      } catch {
        return this.fail("a message that is not JSON");
      }
      this.onFrame(header, frame.subarray(PREFIX + headerLength));
    }
  }

  private fail(reason: string): void {
    this.failed = true;
    this.chunks = [];
    this.buffered = 0;
    this.onViolation(reason);
  }

  private peek(bytes: number): Buffer {
    if (this.chunks[0]!.length < bytes) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0]!.subarray(0, bytes);
  }

  private take(bytes: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    const rest = all.subarray(bytes);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    return all.subarray(0, bytes);
  }
}
