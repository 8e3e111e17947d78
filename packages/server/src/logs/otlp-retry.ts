import { setTimeout as sleep } from "node:timers/promises";

/** How hard the OTLP exporter tries before it drops a batch. */
export interface RetryOptions {
  /** Tries in all, the first included. */
  attempts: number;
  /** The first back-off; each further one doubles, up to maxMs. */
  baseMs: number;
  /** The longest wait between tries, Retry-After included (a collector asking for an hour is not waited for). */
  maxMs: number;
}

/** Up to 5 tries over at most ~8 s of back-off, so that a server closing waits for a flaky collector only that long. */
export const DEFAULT_RETRY: RetryOptions = { attempts: 5, baseMs: 500, maxMs: 5_000 };

/** What the OTLP/HTTP specification says a client should retry: throttling and a gateway or collector that is away. */
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);

export class RetryableError extends Error {
  constructor(
    message: string,
    readonly retryAfter: string | null = null,
  ) {
    super(message);
  }
}

export const isRetryableStatus = (status: number): boolean => RETRYABLE_STATUS.has(status);

/**
 * The wait before try `attempt + 1` (attempt counts from 0): the collector's Retry-After (seconds or an HTTP date)
 * when it gave one, otherwise exponential back-off with full jitter (a random wait up to the doubled step, so that
 * many nodes do not come back at once); never more than maxMs.
 */
export function retryDelay(
  attempt: number,
  retryAfter: string | null,
  options: RetryOptions,
  now = Date.now(),
  random = Math.random,
): number {
  if (retryAfter !== null) {
    const ms = /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter) * 1000 : Date.parse(retryAfter) - now;
    if (Number.isFinite(ms)) return Math.min(Math.max(ms, 0), options.maxMs);
  }
  return Math.round(random() * Math.min(options.maxMs, options.baseMs * 2 ** attempt));
}

/**
 * Runs `send` until it succeeds, fails with an error that is not a RetryableError, or the tries run out. Once `stop`
 * is aborted (the server is closing) it waits no more: the wait under way ends and the last error is thrown.
 */
export async function withRetry(send: () => Promise<void>, options: RetryOptions, stop?: AbortSignal): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await send();
    } catch (e) {
      if (!(e instanceof RetryableError) || attempt + 1 >= options.attempts || stop?.aborted) throw e;
      await sleep(retryDelay(attempt, e.retryAfter, options), undefined, { signal: stop }).catch(() => {
        throw e;
      });
    }
  }
}
