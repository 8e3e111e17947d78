import { Redis } from "ioredis";
import { ConfigError } from "../config";

/** The URL as it may be printed: the password hidden. */
export function redactedRedisUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = "***";
  return u.toString();
}

/**
 * Connects to Redis and waits until it answers, signed in with the URL's user and password
 * (`redis://user:password@host`, an ACL user; `redis://:password@host` for `requirepass`). A node that cannot sign
 * in stops at start with the reason, rather than starting and failing every rate-limited request.
 */
export async function openRedis(url: string): Promise<Redis> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
  // ioredis rejects connect() with only "Connection is closed."; the reason arrives as an error event.
  let reason: Error | undefined;
  const remember = (e: Error) => void (reason ??= e);
  redis.on("error", remember);
  try {
    await redis.connect();
    await redis.ping();
  } catch (e) {
    redis.disconnect();
    const why = (reason ?? (e as Error)).message;
    const auth = /WRONGPASS|NOAUTH|NOPERM|invalid password|invalid username/i.test(why);
    throw new ConfigError(
      "SPROCKET_REDIS_URL",
      `could not ${auth ? "sign in to" : "connect to"} Redis at ${redactedRedisUrl(url)}: ${why}` +
        (auth ? " (check the user and password in the URL, and the ACL user's permissions: see docs/operations.md)" : ""),
    );
  }
  redis.off("error", remember);
  return redis;
}
