import type { FastifyInstance } from "fastify";
import type { ServerConfig } from "./config";
import { systemClock, type Clock, type Platform } from "./platform";
import { openStore } from "./store/database";
import { migrateToLatest } from "./store/migrate";
import { SecretBox, loadOrCreateKey } from "./crypto/secret-box";
import { Redis } from "ioredis";
import { createRunnerPool } from "@sprocket/runtime";
import { buildApp } from "./app";
import { ApiLimits } from "./apps/rate-limits";
import { ensureBootstrap, type BootstrapInfo } from "./bootstrap";
import { Logs, logsOptions } from "./logs/logs-service";

export interface RunningServer {
  app: FastifyInstance;
  platform: Platform;
  url: string;
  bootstrap: { info: BootstrapInfo; created: boolean };
  close(): Promise<void>;
}

/** The store, migrated, with the key for data at rest: what the server and operator commands both need. */
export async function openPlatform(config: ServerConfig, clock: Clock = systemClock): Promise<Platform> {
  const logOptions = logsOptions();
  const store = openStore(config);
  try {
    await migrateToLatest(store);
  } catch (e) {
    await store.close();
    throw e;
  }
  const redis = config.redisUrl ? new Redis(config.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2 }) : undefined;
  return {
    config,
    store: redis ? { ...store, close: async () => void (await Promise.all([store.close(), redis.quit()])) } : store,
    box: new SecretBox(loadOrCreateKey(config.dataDir, config.secretKey)),
    clock,
    limits: new ApiLimits(redis, config.redisPrefix),
    logs: new Logs(store.db, clock, logOptions),
  };
}

/** Opens the store, migrates it, seeds the demo account on first start and listens. */
export async function startServer(config: ServerConfig, opts: { clock?: Clock } = {}): Promise<RunningServer> {
  const platform = await openPlatform(config, opts.clock);
  const { store } = platform;
  const app = await buildApp(platform);
  platform.logs.startRetention();
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host === "0.0.0.0" ? "127.0.0.1" : config.host;
  const url = config.publicUrl ?? `http://${host}:${port}`;
  // Functions call the HubSpot API host; their calls come back to this very node over loopback.
  platform.functions = createRunnerPool({ hubspotApiBaseUrl: `http://${host}:${port}`, limits: config.functionLimits });
  const bootstrap = await ensureBootstrap(platform, url);
  let closed = false;
  return {
    app,
    platform,
    url,
    bootstrap,
    async close() {
      if (closed) return;
      closed = true;
      // Fastify's close stops accepting connections and waits for in-flight requests before onClose hooks run.
      await app.close();
      await platform.functions?.close();
      await platform.logs.close();
      await store.close();
    },
  };
}
