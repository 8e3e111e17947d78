import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { ApiLimits } from "../src/apps/rate-limits";
import { RedisWindowCounters } from "../src/apps/window-counters";

const REDIS_URL = process.env.SPROCKET_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

// Two nodes of one deployment: each its own connection and its own counters, as separate processes would have.
const prefix = `sprocket-test-${randomBytes(6).toString("hex")}`;
const clients = [new Redis(REDIS_URL), new Redis(REDIS_URL)] as const;
const nodes = clients.map((c) => new ApiLimits(c, prefix));
let nextAccount = 1;

afterAll(async () => {
  const keys = await clients[0].keys(`${prefix}:*`);
  if (keys.length > 0) await clients[0].del(...keys);
  await Promise.all(clients.map((c) => c.quit()));
});

/** A node's calls in one turn of the event loop: how many it admitted, and how many of those without asking Redis. */
async function turn(node: ApiLimits, accountId: number, perMinute: number, calls: number) {
  const answers = Array.from({ length: calls }, () => node.endpointRetryAfter(accountId, perMinute, Date.now()));
  const local = answers.filter((a) => a === 0).length;
  const retryAfter = await Promise.all(answers);
  for (const s of retryAfter) expect(s).toBeLessThanOrEqual(60);
  return { admitted: retryAfter.filter((s) => s === 0).length, local };
}

describe("the endpoint limit across nodes (leased calls)", () => {
  it("admits exactly the minute's calls in total when both nodes keep calling past it", async () => {
    // 4,000 a minute: each node leases 4 calls at a time, while at least 64 are left.
    const accountId = nextAccount++;
    const admitted: [number, number] = [0, 0];
    const local: [number, number] = [0, 0];
    for (let round = 0; round < 1100; round++) {
      // Uneven and changing shares, so each node's lease runs out at other moments than the other's.
      const shares = [1 + (round % 4), 1 + (round % 3)];
      const turns = await Promise.all(nodes.map((node, i) => turn(node, accountId, 4000, shares[i]!)));
      for (const i of [0, 1] as const) {
        admitted[i] += turns[i]!.admitted;
        local[i] += turns[i]!.local;
      }
    }
    expect(admitted[0] + admitted[1]).toBe(4000);
    // Both nodes admitted most of their calls from leases, without a round trip.
    expect(local[0]).toBeGreaterThan(admitted[0] / 2);
    expect(local[1]).toBeGreaterThan(admitted[1] / 2);
  });

  it("holds what a node leased for that node: the other is refused meanwhile, and the calls are admitted when they come", async () => {
    const accountId = nextAccount++;
    const [one, two] = nodes as [ApiLimits, ApiLimits];
    // Node one calls until a call is answered from its lease, then stops with the rest of the lease in hand.
    let oneAdmitted = 0;
    let fromLease = 0;
    for (let i = 0; i < 10 && fromLease === 0; i++) {
      const t = await turn(one, accountId, 4000, 1);
      oneAdmitted += t.admitted;
      fromLease = t.local;
    }
    expect(fromLease).toBe(1);
    let twoAdmitted = 0;
    for (let refused = 0; refused < 3;) {
      const t = await turn(two, accountId, 4000, 5);
      twoAdmitted += t.admitted;
      refused += 5 - t.admitted;
    }
    const held = 4000 - oneAdmitted - twoAdmitted;
    // It leased 4 (a thousandth of 4,000) and spent one.
    expect(held).toBe(3);
    // Node one's calls use what it holds, and no more: the minute's total is exact.
    const t = await turn(one, accountId, 4000, 10);
    expect(t).toEqual({ admitted: held, local: held });
    expect((await turn(two, accountId, 4000, 1)).admitted).toBe(0);
  });

  it("counts a window of under a thousand calls call by call, exactly, with no leases", async () => {
    const accountId = nextAccount++;
    let admitted = 0;
    for (let round = 0; round < 80; round++) {
      const turns = await Promise.all(nodes.map((node) => turn(node, accountId, 600, 4)));
      for (const t of turns) {
        expect(t.local).toBe(0);
        admitted += t.admitted;
      }
    }
    expect(admitted).toBe(600);
  });

  it("ends a lease with its window: the next window is counted in Redis from its first call", async () => {
    const counters = new RedisWindowCounters(clients[0], prefix);
    const spec = { name: "lease-window", points: 64_000, durationMs: 1000 };
    const key = nextAccount++;
    expect(await counters.admit(spec, key)).toBe(0);
    // The first call asked for a lease; the second is admitted from it.
    expect(counters.admit(spec, key)).toBe(0);
    const redisKey = `${prefix}:rl:${spec.name}:${key}`;
    expect(Number(await clients[0].get(redisKey))).toBe(1 + 32);
    await expect.poll(() => clients[0].exists(redisKey), { timeout: 5000, interval: 50 }).toBe(0);
    // The window is gone from Redis, so is the lease: this call goes to Redis and starts the next window.
    const next = counters.admit(spec, key);
    expect(next).toBeInstanceOf(Promise);
    expect(await next).toBe(0);
    expect(Number(await clients[0].get(redisKey))).toBe(1 + 32);
  });
});
