import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import { once } from "node:events";
import type { FastifyInstance } from "fastify";
import type { ServerConfig } from "./config";
import { systemClock, type Clock, type Platform } from "./platform";
import { openStore } from "./store/database";
import { migrateToLatest } from "./store/migrate";
import { checkDatabaseRole } from "./store/database-role";
import { SecretBox, loadOrCreateKey } from "./crypto/secret-box";
import { createRunnerPool } from "@sprocket/runtime";
import { buildApp } from "./app";
import { ApiLimits } from "./apps/rate-limits";
import { ensureBootstrap, type BootstrapInfo } from "./bootstrap";
import { Logs } from "./logs/logs-service";
import { RedisLogBus } from "./logs/redis-log-bus";
import { ClusterEvents } from "./cluster/cluster-events";
import { InProcessPubSub } from "./cluster/pub-sub";
import { RedisPubSub } from "./cluster/redis-pub-sub";
import { MessageSigner } from "./cluster/signed-messages";
import { openRedis } from "./cluster/open-redis";
import type { Redis } from "ioredis";
import { followDeploys } from "./cluster/follow-deploys";
import { SqliteLogWriter } from "./logs/sqlite-log-writer";
import { scheduleLogRetention } from "./cluster/log-retention-job";
import { loadOrCreateCertificate } from "./tls/tls-certificate";
import { listenEndpointServer } from "./functions/endpoint-server";
import { makeDataDirPrivate } from "./store/private-data-dir";

export interface RunningServer {
  app: FastifyInstance;
  platform: Platform;
  url: string;
  /** Where public endpoint functions answer: their own listener, another origin than `url`. */
  functionsUrl: string;
  /** Set when `httpsPort` is: the same API over TLS, and the certificate clients must trust. */
  https?: { url: string; port: number; certPath: string; certGenerated: boolean };
  bootstrap: { info: BootstrapInfo; created: boolean };
  close(): Promise<void>;
}

/** The store, migrated, with the key for data at rest: what the server and operator commands both need. */
export async function openPlatform(config: ServerConfig, clock: Clock = systemClock): Promise<Platform> {
  const store = openStore(config);
  let redis: Redis | undefined;
  // Before anything else is written there; startServer repeats it once bootstrap.json and tls/ exist.
  makeDataDirPrivate(config.dataDir);
  try {
    await checkDatabaseRole(store, config.databaseAllowSuperuser);
    await migrateToLatest(store);
    if (config.redisUrl) redis = await openRedis(config.redisUrl);
  } catch (e) {
    await store.close();
    throw e;
  }
  const key = loadOrCreateKey(config.dataDir, config.secretKey);
  // Nodes hear of each other's deploys and log events through Redis, signed with the shared key; a lone node keeps them in-process.
  const pubsub = redis ? new RedisPubSub(redis, config.redisPrefix, new MessageSigner(key), (e) => logs.onError(e, "Redis pub/sub")) : new InProcessPubSub();
  const bus = redis ? new RedisLogBus(pubsub, (e) => logs.onError(e, "log stream publish")) : undefined;
  const logs = new Logs(store.db, clock, config.logs, bus, store.file ? new SqliteLogWriter(store.file) : undefined);
  const close = async () => {
    await pubsub.close();
    await Promise.all([store.close(), redis?.quit()]);
  };
  return {
    config,
    store: { ...store, close },
    box: new SecretBox(key),
    clock,
    limits: new ApiLimits(redis, config.redisPrefix),
    logs,
    cluster: new ClusterEvents(pubsub),
  };
}

/** Opens the store, migrates it, seeds the demo account on first start and listens. */
export async function startServer(config: ServerConfig, opts: { clock?: Clock } = {}): Promise<RunningServer> {
  const platform = await openPlatform(config, opts.clock);
  const { store } = platform;
  // Plain HTTP is redirected to the HTTPS listener once it listens (http/https-only.ts).
  let httpsPort: number | undefined;
  const app = await buildApp(platform, { httpsPort: () => httpsPort });
  await app.listen({ port: config.port, host: config.host }).catch(async (e: unknown) => {
    // A port in use or a job queue that cannot start: close what is open, so the process can exit with the error.
    await app.close().catch(() => undefined);
    await platform.logs.close();
    await store.close();
    throw e;
  });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host === "0.0.0.0" ? "127.0.0.1" : config.host;
  const url = config.publicUrl ?? `http://${host}:${port}`;
  const secure =
    config.httpsPort === undefined
      ? undefined
      : await listenHttps(app, config, host).catch(async (e: unknown) => {
          await app.close();
          await platform.logs.close();
          await store.close();
          throw e;
        });
  httpsPort = secure?.info.port;
  const endpoints = await listenEndpointServer(platform, app, host).catch(async (e: unknown) => {
    if (secure) await new Promise((resolve) => secure.server.close(resolve));
    await app.close();
    await platform.logs.close();
    await store.close();
    throw e;
  });
  platform.functionsUrl = endpoints.url;
  // Functions call the HubSpot API host; their calls come back to this very node over loopback, the one local address
  // they may reach unless the operator allows private networks (runtime's child/network-guard.ts).
  platform.functions = createRunnerPool({
    hubspotApiBaseUrl: `http://${host}:${port}`,
    limits: config.functionLimits,
    allowPrivateNetwork: config.functionAllowPrivateNetwork,
    ...config.functionRunners,
  });
  const unfollow = await followDeploys(platform, app.log);
  const stopRetention = await scheduleLogRetention(platform, app.log);
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await endpoints.app.close();
    // Stops accepting and waits for in-flight requests (idle keep-alive sockets are closed at once).
    if (secure) await new Promise((resolve) => secure.server.close(resolve));
    // Fastify's close stops accepting connections and waits for in-flight requests before onClose hooks run.
    await app.close();
    unfollow();
    await stopRetention();
    await platform.functions?.close();
    await platform.logs.close();
    await store.close();
  };
  // A node that cannot join its deployment (another secret key, say) stops instead of listening half-started.
  const bootstrap = await ensureBootstrap(platform, url).catch(async (e: unknown) => {
    await close();
    throw e;
  });
  makeDataDirPrivate(config.dataDir);
  return { app, platform, url, functionsUrl: endpoints.url, ...(secure ? { https: secure.info } : {}), bootstrap, close };
}

/** A second listener over TLS, handing every request to the same Fastify router (URL rewriting included). */
async function listenHttps(app: FastifyInstance, config: ServerConfig, host: string): Promise<{ server: HttpsServer; info: NonNullable<RunningServer["https"]> }> {
  const specific = config.host !== "0.0.0.0" && config.host !== "::" ? [config.host] : [];
  const tls = await loadOrCreateCertificate({ dataDir: config.dataDir, certFile: config.tlsCertFile, keyFile: config.tlsKeyFile, hosts: specific });
  const server = createHttpsServer({ cert: tls.cert, key: tls.key }, app.routing);
  server.listen(config.httpsPort, config.host);
  await once(server, "listening");
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.httpsPort!;
  return { server, info: { url: `https://${host}:${port}`, port, certPath: tls.certPath, certGenerated: tls.generated } };
}
