import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it, vi } from "vitest";
import { RedisWindowCounters, type WindowLink } from "../src/apps/window-counters";

const REDIS_URL = process.env.SPROCKET_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `sprocket-test-${randomBytes(6).toString("hex")}`;
const redis = new Redis(REDIS_URL);
const counters = new RedisWindowCounters(redis, prefix);
let nextKey = 1;

afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

/** A CRM call's chain, as ApiLimits counts it: the app's 10 seconds, then the account's day. */
const chain = (app: number, appPoints: number, account: string, dayPoints: number): WindowLink[] => [
  [{ name: "app10s", points: appPoints, durationMs: 10_000 }, app],
  [{ name: "daily", points: dayPoints, durationMs: 86_400_000 }, account],
];

/** The counts each call saw, the calls of one inner list in one turn of the event loop, the lists one after another. */
async function countTurns(turns: ReadonlyArray<ReadonlyArray<readonly WindowLink[]>>): Promise<number[][][]> {
  const seen: number[][][] = [];
  for (const calls of turns)
    seen.push((await Promise.all(calls.map((links) => counters.hitChain(links)))).map((c) => c.map((w) => w.count)));
  return seen;
}

// A turn's calls go to Redis as one script call (apps/window-counters.ts); those of one chain share its work.
describe("a turn's window counts in Redis", () => {
  it("counts calls of one chain that cross a window's points in one turn as if each had gone alone", async () => {
    const [app, account] = [nextKey++, `day-${nextKey++}`];
    // 5 calls per 10 seconds for the app, 6 a day for the account: 8 calls in one turn, then 3 and 2 more.
    const links = chain(app, 5, account, 6);
    const seen = await countTurns([Array(8).fill(links), Array(3).fill(links), Array(2).fill(links)]);
    // The first five pass the app's window and are counted on the day; the others stop at the app's window.
    expect(seen).toEqual([
      [[1, 1], [2, 2], [3, 3], [4, 4], [5, 5], [6], [7], [8]],
      [[9], [10], [11]],
      [[12], [13]],
    ]);
    // The same calls one at a time, on keys of their own, see the same counts.
    const [app2, account2] = [nextKey++, `day-${nextKey++}`];
    const alone = chain(app2, 5, account2, 6);
    const one = await countTurns(Array.from({ length: 13 }, () => [alone]));
    expect(one.flat()).toEqual(seen.flat());
  });

  it("counts a call its day refuses on the day, and the calls after it too, each in turn", async () => {
    const [app, account] = [nextKey++, `day-${nextKey++}`];
    const seen = await countTurns([Array(5).fill(chain(app, 100, account, 3))]);
    expect(seen).toEqual([
      [
        [1, 1],
        [2, 2],
        [3, 3],
        [4, 4],
        [5, 5],
      ],
    ]);
    expect(Number(await redis.get(`${prefix}:rl:daily:${account}`))).toBe(5);
  });

  it("gives every call of a turn its own count when chains share a window, and the totals stay exact", async () => {
    const account = `day-${nextKey++}`;
    const [a, b] = [chain(nextKey++, 100, account, 4), chain(nextKey++, 100, account, 4)];
    const [seen] = await countTurns([[a, b, a, b, a]]);
    // Each call's day count is its own, 1 to 5 in some order, and exactly four are admitted by the day.
    expect(seen!.map(([, day]) => day).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(seen!.filter(([, day]) => day! <= 4)).toHaveLength(4);
    // Each app's window counts its own calls in order.
    expect([0, 2, 4].map((i) => seen![i]![0])).toEqual([1, 2, 3]);
    expect([1, 3].map((i) => seen![i]![0])).toEqual([1, 2]);
  });

  it("sends a turn's calls of one chain to Redis as one entry of the script", async () => {
    const [app, account] = [nextKey++, `day-${nextKey++}`];
    const sent: unknown[][] = [];
    const send = redis.sendCommand;
    const spy = vi.spyOn(redis, "sendCommand").mockImplementation((...args: Parameters<typeof send>) => {
      sent.push(args[0].args);
      return send.apply(redis, args);
    });
    try {
      await countTurns([Array(10).fill(chain(app, 100, account, 100))]);
    } finally {
      spy.mockRestore();
    }
    // EVALSHA's arguments: the script's hash, the number of keys, the keys, then one entry (10 calls, 2 links, no
    // lease) with its two links (key index, seconds, points).
    expect(sent).toHaveLength(1);
    expect(sent[0]!.slice(1)).toEqual([
      "2",
      `${prefix}:rl:app10s:${app}`,
      `${prefix}:rl:daily:${account}`,
      "10",
      "2",
      "0",
      "1",
      "10",
      "100",
      "2",
      "86400",
      "100",
    ]);
  });
});
