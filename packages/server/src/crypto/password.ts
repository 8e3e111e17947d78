import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";

const scryptAsync = promisify(scrypt) as (pw: string, salt: Buffer, len: number, opts: object) => Promise<Buffer>;
// OWASP's scrypt minimum (N=2^17, r=8, p=1) needs 128 MB; we use N=2^15 to keep sign-in fast on small hosts.
const PARAMS = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, 32, PARAMS);
  return `scrypt$${PARAMS.N}$${salt.toString("base64url")}$${hash.toString("base64url")}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, salt, hash] = stored.split("$");
  if (scheme !== "scrypt" || !n || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64url");
  const actual = await oneOfFew(() => scryptAsync(password, Buffer.from(salt, "base64url"), expected.length, { ...PARAMS, N: Number(n) }));
  return timingSafeEqual(actual, expected);
}

/**
 * Sign-ins hash two at a time at most; the rest wait their turn. Each scrypt holds one of libuv's four pool threads
 * for tens of milliseconds, and file reads, DNS and zlib share that pool: a flood of sign-ins from many addresses
 * must not starve them.
 */
const MAX_CONCURRENT_VERIFICATIONS = 2;
let verifying = 0;
const queued: Array<() => void> = [];

async function oneOfFew<T>(work: () => Promise<T>): Promise<T> {
  if (verifying < MAX_CONCURRENT_VERIFICATIONS) verifying++;
  else await new Promise<void>((resolve) => queued.push(resolve));
  try {
    return await work();
  } finally {
    // The slot passes straight to the next waiter, so the count never dips below what is running.
    const next = queued.shift();
    if (next) next();
    else verifying--;
  }
}
