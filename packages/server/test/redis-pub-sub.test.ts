import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { RedisPubSub } from "../src/cluster/redis-pub-sub";
import { MESSAGE_WINDOW_MS, MessageSigner } from "../src/cluster/signed-messages";
import { ClusterEvents, type DeployNotice } from "../src/cluster/cluster-events";
import { RedisLogBus } from "../src/logs/redis-log-bus";
import { FollowedFlag } from "../src/logs/followed-flag";
import type { LogEntry } from "../src/logs/log-bus";

const REDIS_URL = process.env.SPROCKET_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

// Two nodes of one deployment: each has its own connections, as separate processes would.
const errors: unknown[] = [];
const prefix = `sprocket-test-${randomBytes(6).toString("hex")}`;
const secretKey = randomBytes(32);
const clients = [new Redis(REDIS_URL), new Redis(REDIS_URL)] as const;
const one = new RedisPubSub(clients[0], prefix, new MessageSigner(secretKey), (e) => errors.push(e));
const two = new RedisPubSub(clients[1], prefix, new MessageSigner(secretKey), (e) => errors.push(e));
const flagOf = (redis: Redis, deployment = prefix) => new FollowedFlag(redis, `${deployment}:logs:followed`, (e) => errors.push(e));
/** What a function that reached Redis has: a plain connection, no key. */
const intruder = new Redis(REDIS_URL);

afterAll(async () => {
  await Promise.all([one.close(), two.close()]);
  await Promise.all([...clients, intruder].map((c) => c.quit()));
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
    const follower = new RedisLogBus(one, flagOf(clients[0]), (e) => errors.push(e));
    const writer = new RedisLogBus(two, flagOf(clients[1]), (e) => errors.push(e));
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

  it("publishes nothing while no node follows, and every event stored once a follower's subscription has resolved", async () => {
    // A deployment of its own, so no follower of another test raised its flag.
    const own = `sprocket-test-${randomBytes(6).toString("hex")}`;
    const connections = [new Redis(REDIS_URL), new Redis(REDIS_URL)] as const;
    const [followerNode, writerNode] = connections.map((c) => new RedisPubSub(c, own, new MessageSigner(secretKey), (e) => errors.push(e)));
    const follower = new RedisLogBus(followerNode!, flagOf(connections[0], own), (e) => errors.push(e));
    const writer = new RedisLogBus(writerNode!, flagOf(connections[1], own), (e) => errors.push(e));
    const entry = (id: number): LogEntry => ({ kind: "functions", accountId: 1, appId: 2, view: { id } });
    try {
      // A raw subscriber raises no flag: it sees what is published without being a follower.
      const marker: number[] = [];
      await followerNode!.subscribe("logs", (m) => marker.push(...(m as LogEntry[]).map((e) => e.view.id)));
      // The writer's first batch goes out while it has no answer yet; its check was sent before that PUBLISH.
      writer.publish(() => [entry(1)]);
      await expect.poll(() => marker).toEqual([1]);
      // An empty batch asks again if the answer is getting old; the PING's reply comes after that answer's.
      writer.publish(() => []);
      await connections[1].ping();
      let built = 0;
      writer.publish(() => (built++, [entry(2)]));
      expect(built).toBe(0);
      const heard: number[] = [];
      const stop = await follower.subscribe((e) => heard.push(e.view.id));
      writer.publish(() => [entry(3)]);
      await expect.poll(() => heard).toEqual([3]);
      // Batches arrive in order on one channel: batch 2 was never published.
      expect(marker).toEqual([1, 3]);
      stop();
    } finally {
      await Promise.all([followerNode!.close(), writerNode!.close()]);
      await Promise.all(connections.map((c) => c.quit()));
    }
    expect(errors).toEqual([]);
  });
});

describe("signed cluster messages on Redis", () => {
  const notice: DeployNotice = { accountId: 70455023, appId: 1, buildId: null, previousBuildId: 1 };

  it("ignores a deploy notice PUBLISHed raw on the deploys channel (review 2, M2) and hears the next real one", async () => {
    const refused: unknown[] = [];
    const forgedPrefix = `sprocket-test-${randomBytes(6).toString("hex")}`;
    const connections = [new Redis(REDIS_URL), new Redis(REDIS_URL)] as const;
    const node = new RedisPubSub(connections[0], forgedPrefix, new MessageSigner(secretKey), (e) => refused.push(e));
    const peer = new RedisPubSub(connections[1], forgedPrefix, new MessageSigner(secretKey), (e) => refused.push(e));
    const heard: DeployNotice[] = [];
    await new ClusterEvents(node).onDeploy((n) => heard.push(n));
    // The reviewer's repro, and the same with a signature made under another key (another deployment's).
    expect(await intruder.publish(`${forgedPrefix}:events:deploys`, JSON.stringify(notice))).toBe(1);
    const stranger = new MessageSigner(randomBytes(32));
    await intruder.publish(`${forgedPrefix}:events:deploys`, stranger.sign(`${forgedPrefix}:events:deploys`, notice));
    // A message signed for the logs channel is not a deploy notice either.
    const logsChannelSigned = new MessageSigner(secretKey).sign(`${forgedPrefix}:events:logs`, notice);
    await intruder.publish(`${forgedPrefix}:events:deploys`, logsChannelSigned);
    // Messages on one channel arrive in order: once the real notice from another node is heard, the forged ones were refused.
    const real = { ...notice, buildId: 2 };
    await new ClusterEvents(peer).announceDeploy(real);
    await expect.poll(() => heard).toEqual([real]);
    // Reported once (not three times): a flood of forgeries does not flood the log.
    expect(refused).toHaveLength(1);
    expect(String(refused[0])).toContain(
      `ignored 1 message(s) on Redis channel ${forgedPrefix}:events:deploys not signed by this deployment (last: unsigned)`,
    );
    await Promise.all([node.close(), peer.close()]);
    await Promise.all(connections.map((c) => c.quit()));
  });

  it("refuses a real message replayed, and one whose time is outside the window", async () => {
    const channel = `${prefix}:events:replay`;
    const heard: unknown[] = [];
    await one.subscribe("replay", (m) => heard.push(m));
    // The intruder records a genuine message as it passes and publishes it again.
    const recorder = new Redis(REDIS_URL);
    const recorded: string[] = [];
    recorder.on("message", (_c: string, text: string) => recorded.push(text));
    await recorder.subscribe(channel);
    await two.publish("replay", { n: 1 });
    await expect.poll(() => recorded.length).toBe(1);
    await intruder.publish(channel, recorded[0]!);
    // A node whose clock is two windows behind signs with the right key, but too late.
    const late = new MessageSigner(secretKey, () => Date.now() - 2 * MESSAGE_WINDOW_MS);
    await intruder.publish(channel, late.sign(channel, { n: "late" }));
    await two.publish("replay", { n: 2 });
    await expect.poll(() => heard).toEqual([{ n: 1 }, { n: 2 }]);
    await recorder.quit();
  });

  it("refuses a replay at every moment of the window, and the message itself once the window has passed", () => {
    let now = 1_000_000;
    const signer = new MessageSigner(secretKey, () => now);
    const text = signer.sign("c", { x: 1 });
    expect(signer.open("c", text)).toEqual({ ok: true, message: { x: 1 } });
    for (let step = 0; step <= 6; step++) {
      now += MESSAGE_WINDOW_MS / 6;
      expect(signer.open("c", text)).toMatchObject({ ok: false, reason: step < 6 ? "replayed" : "stale" });
    }
    expect(signer.open("c", "x".repeat(43) + "." + "{}")).toEqual({ ok: false, reason: "bad signature" });
    expect(signer.open("d", signer.sign("c", 1))).toEqual({ ok: false, reason: "bad signature" });
  });
});
