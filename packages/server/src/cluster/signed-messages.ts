import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * How far a message's time may be from this node's clock, either way. Nodes' clocks are assumed NTP-synchronised;
 * a message is a notice about something that just happened, so a late one is worth nothing anyway.
 */
export const MESSAGE_WINDOW_MS = 30_000;
const MAC_CHARS = 43; // base64url of 32 bytes

export type Opened = { ok: true; message: unknown } | { ok: false; reason: "unsigned" | "bad signature" | "stale" | "replayed" };

/**
 * Signs and checks what nodes tell each other over Redis. Anyone who can reach Redis (a function, before the loopback
 * block; another deployment sharing it) could otherwise PUBLISH on a deployment's channels; only holders of
 * SPROCKET_SECRET_KEY can sign. Wire form: `<mac>.<body>`, body `{"t":<ms>,"n":<nonce>,"m":<message>}`, mac =
 * HMAC-SHA256 over the Redis channel name and the body, so a message cannot be moved to another channel or
 * deployment prefix. The key is derived (HKDF) from the secret key, never the key that seals data at rest.
 * Replays are refused: a body is accepted within MESSAGE_WINDOW_MS of its time and each nonce only once.
 */
export class MessageSigner {
  private readonly key: Buffer;
  /** Nonces heard, in two generations: each lives at least 2 windows, the longest a body's time stays acceptable. */
  private seen = new Set<string>();
  private previous = new Set<string>();
  private rotatedAt: number;

  constructor(
    secretKey: Buffer,
    private readonly now: () => number = Date.now,
  ) {
    this.key = Buffer.from(hkdfSync("sha256", secretKey, Buffer.alloc(0), "sprocket cluster messages v1", 32));
    this.rotatedAt = now();
  }

  sign(channel: string, message: unknown): string {
    const body = JSON.stringify({ t: this.now(), n: randomBytes(16).toString("base64url"), m: message });
    return `${this.mac(channel, body).toString("base64url")}.${body}`;
  }

  open(channel: string, text: string): Opened {
    if (text.charAt(MAC_CHARS) !== ".") return { ok: false, reason: "unsigned" };
    const body = text.slice(MAC_CHARS + 1);
    const mac = Buffer.from(text.slice(0, MAC_CHARS), "base64url");
    const expected = this.mac(channel, body);
    if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) return { ok: false, reason: "bad signature" };
    // Signed by a holder of the key, so well formed.
    const { t, n, m } = JSON.parse(body) as { t: number; n: string; m: unknown };
    const now = this.now();
    if (Math.abs(now - t) > MESSAGE_WINDOW_MS) return { ok: false, reason: "stale" };
    if (now - this.rotatedAt > 2 * MESSAGE_WINDOW_MS) {
      this.previous = this.seen;
      this.seen = new Set();
      this.rotatedAt = now;
    }
    if (this.seen.has(n) || this.previous.has(n)) return { ok: false, reason: "replayed" };
    this.seen.add(n);
    return { ok: true, message: m };
  }

  private mac(channel: string, body: string): Buffer {
    return createHmac("sha256", this.key).update(channel).update("\n").update(body).digest();
  }
}
