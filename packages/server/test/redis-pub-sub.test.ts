import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { RedisPubSub } from "../src/cluster/redis-pub-sub";
import { RedisLogBus } from "../src/logs/redis-log-bus";
import type { LogEntry } from "../src/logs/log-bus";

const REDIS_URL = process.env.SPROCKET_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

// Two nodes of one deployment: each has its own connections, as separate processes would.
const errors: unknown[] = [];
const prefix = `sprocket-test-${randomBytes(6).toString("hex")}`;
const clients = [new Redis(REDIS_URL), new Redis(REDIS_URL)] as const;
const one = new RedisPubSub(clients[0], prefix, (e) => errors.push(e));
const two = new RedisPubSub(clients[1], prefix, (e) => errors.push(e));

afterAll(async () => {
  await Promise.all([one.close(), two.close()]);
  await Promise.all(clients.map((c) => c.quit()));
});

describe("Redis pub/sub", () => {
  it("hears a message published by another node the moment its subscription has resolved", async () => {
    // Each round uses a channel nobody listens to yet, so every subscription pays for its own SUBSCRIBE.
    for (let round = 0; round < 20; round++) {
      const heard: unknown[] = [];
      const stop = await one.subscribe(`round-${round}`, (m) => heard.push(m));
      await two.publish(`round-${round}`, { round });
      await expect.poll(() => heard).toEqual([{ round }]);
      stop();
    }
    expect(errors).toEqual([]);
  });

  it("delivers a log entry to a follower on another node once, and nothing after it stops", async () => {
    const follower = new RedisLogBus(one, (e) => errors.push(e));
    const writer = new RedisLogBus(two, (e) => errors.push(e));
    const heard: LogEntry[] = [];
    const stop = await follower.subscribe((e) => heard.push(e));
    const entry: LogEntry = { kind: "api-calls", accountId: 1, appId: 2, view: { id: 3, path: "/crm/v3/objects/contacts" } };
    writer.publish(() => [entry]);
    await expect.poll(() => heard).toEqual([entry]);
    stop();
    writer.publish(() => [{ ...entry, view: { id: 4 } }]);
    // A message that is delivered arrives after the one before it on the same connection: a marker proves the wait.
    const marker: unknown[] = [];
    await one.subscribe("logs", (m) => marker.push(m));
    writer.publish(() => [{ ...entry, view: { id: 5 } }]);
    await expect.poll(() => JSON.stringify(marker)).toContain('"id":5');
    expect(heard).toEqual([entry]);
    expect(errors).toEqual([]);
  });
});
