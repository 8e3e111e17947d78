import { createHash, randomBytes } from "node:crypto";

/** High-entropy random tokens, so a plain SHA-256 is a sound lookup key (no salt or slow hash needed). */
export function randomToken(prefix: string, bytes = 32): string {
  return `${prefix}${randomBytes(bytes).toString("base64url")}`;
}

export function sha256(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}
