import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";

const scryptAsync = promisify(scrypt) as (pw: string, salt: Buffer, len: number, opts: object) => Promise<Buffer>;

/**
 * scrypt's cost is N = 2^cost (SPROCKET_PASSWORD_HASH_COST). OWASP's scrypt minimum (N=2^17, r=8, p=1) needs 128 MB;
 * the default, 2^15, keeps sign-in fast on small hosts. Test suites lower it: each of their thousand sign-ins and
 * accounts is a hash.
 */
export const DEFAULT_PASSWORD_HASH_COST = 15;
// scrypt holds 128·N·r bytes; Node refuses a hash whose memory reaches maxmem, so leave it room.
const params = (n: number) => ({ N: n, r: 8, p: 1, maxmem: 2 * 128 * n * 8 });

export async function hashPassword(password: string, cost: number): Promise<string> {
  const n = 2 ** cost;
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, 32, params(n));
  return `scrypt$${n}$${salt.toString("base64url")}$${hash.toString("base64url")}`;
}

/** A hash no password matches, at a cost: verifying against it takes as long as verifying a real one of that cost. */
export const unmatchableHash = (cost: number) => `scrypt$${2 ** cost}$${"A".repeat(22)}$${"A".repeat(43)}`;

/** Checks a password against a stored hash at the cost the hash was made with (a changed setting keeps old logins). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, salt, hash] = stored.split("$");
  if (scheme !== "scrypt" || !n || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64url");
  const actual = await oneOfFew(() => scryptAsync(password, Buffer.from(salt, "base64url"), expected.length, params(Number(n))));
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
