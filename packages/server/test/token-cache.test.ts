import { describe, expect, it } from "vitest";
import { REFRESH_AFTER_MS, TOKEN_CACHE_MS, TokenCache } from "../src/util/token-cache";
import { manualClock } from "./support/test-server";

/** A cache over answers numbered by read, each read held until the test lets it answer. */
function numberedReads() {
  const clock = manualClock();
  const pending: Array<() => void> = [];
  let reads = 0;
  const cache = new TokenCache(clock, () => {
    const n = ++reads;
    return new Promise<number>((resolve) => pending.push(() => resolve(n)));
  });
  const answerAll = async () => {
    for (const answer of pending.splice(0)) answer();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { clock, cache, answerAll, reads: () => reads };
}

describe("a node's token cache", () => {
  it("reads again in the background past half its life, so a hit at the expiry does not wait for a read", async () => {
    const { clock, cache, answerAll, reads } = numberedReads();
    const first = cache.load("t");
    await answerAll();
    expect(await first).toBe(1);
    clock.advance(REFRESH_AFTER_MS - 1);
    expect(cache.fresh("t", clock.now())).toBe(1);
    expect(reads()).toBe(1);
    clock.advance(2);
    expect(cache.fresh("t", clock.now())).toBe(1);
    expect(cache.fresh("t", clock.now())).toBe(1);
    expect(reads()).toBe(2);
    await answerAll();
    clock.advance(TOKEN_CACHE_MS - REFRESH_AFTER_MS);
    // The first answer has expired; the background read's is served, as fresh as a read started then.
    expect(cache.fresh("t", clock.now())).toBe(2);
  });

  it("does not keep a background read's answer once a change has cleared the cache", async () => {
    const { clock, cache, answerAll, reads } = numberedReads();
    const first = cache.load("t");
    await answerAll();
    await first;
    clock.advance(REFRESH_AFTER_MS + 1);
    expect(cache.fresh("t", clock.now())).toBe(1);
    expect(reads()).toBe(2);
    cache.clear();
    await answerAll();
    expect(cache.fresh("t", clock.now())).toBeUndefined();
  });

  it("keeps an answer under the caller's key and reads with the token, in the background too", async () => {
    const clock = manualClock();
    const asked: string[] = [];
    const cache = new TokenCache(clock, (token) => {
      asked.push(token);
      return Promise.resolve(asked.length);
    });
    expect(await cache.load("Bearer t", "t")).toBe(1);
    expect(cache.fresh("Bearer t", clock.now(), "t")).toBe(1);
    expect(cache.fresh("t", clock.now())).toBeUndefined();
    clock.advance(REFRESH_AFTER_MS + 1);
    expect(cache.fresh("Bearer t", clock.now(), "t")).toBe(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(cache.fresh("Bearer t", clock.now(), "t")).toBe(2);
    expect(asked).toEqual(["t", "t"]);
  });
});
