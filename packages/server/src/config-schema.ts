import path from "node:path";
import { z } from "zod";
import { DEFAULT_MAX_IDLE_RUNNERS, DEFAULT_MAX_RUNNERS_PER_BUILD, DEFAULT_RUNNER_IDLE_MS, DEFAULT_SPARE_RUNNERS } from "@sprocket/runtime";
import { DEFAULT_PASSWORD_HASH_COST } from "./crypto/password";
import { trustProxySetting } from "./http/trust-proxy";
import { DEFAULT_POOL_SIZES } from "./store/pool-lanes";
import type { ServerConfig } from "./config";

const DEFAULT_PORT = 3900;
const DEFAULT_BUILD_UID = 64990;
const MAX_PORT = 65535;

const port = z.coerce
  .number({ message: "must be a number" })
  .int("must be a whole number")
  .min(0, `must be between 0 and ${MAX_PORT}`)
  .max(MAX_PORT, `must be between 0 and ${MAX_PORT}`);
const wholeNumber = (min: number, max: number, unit = "") =>
  z.coerce
    .number({ message: `must be a whole number${unit} from ${min} to ${max}` })
    .int(`must be a whole number${unit} from ${min} to ${max}`)
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);
const onOff = z.enum(["true", "false"], { message: "must be true or false" }).transform((v) => v === "true");
const httpUrl = (message: string) => z.url({ protocol: /^https?$/, message });
const nonEmpty = z.string().min(1, "must not be empty");

/** The secret key encrypts tokens and secrets at rest: exactly 32 bytes, as hex or base64. */
const secretKey = z.string().transform((value, ctx) => {
  const hex = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, "hex") : undefined;
  const key = hex ?? Buffer.from(value, "base64");
  if (key.length === 32 && (hex || key.toString("base64").replace(/=+$/, "") === value.replace(/=+$/, ""))) return key;
  ctx.addIssue({
    code: "custom",
    message: "must be 32 bytes written as 64 hex characters or as base64 (generate one with `openssl rand -hex 32`)",
  });
  return z.NEVER;
});

/**
 * HubSpot retries a failed webhook delivery up to 10 times over 24 hours, backing off; the default keeps 10 retries
 * and that spread (the last at about a day), and an operator or a test can shorten it.
 */
const DEFAULT_WEBHOOK_RETRY_DELAYS_MS = "60000,300000,900000,1800000,3600000,7200000,10800000,14400000,21600000,28800000";
const retryDelays = z.string().transform((raw, ctx): number[] => {
  const parts = raw.split(",").map((x) => x.trim());
  if (parts.length <= 20 && parts.every((x) => /^\d{1,9}$/.test(x))) return parts.map(Number);
  ctx.addIssue({ code: "custom", message: "must be a comma-separated list of at most 20 delays in milliseconds, e.g. 1000,5000,30000" });
  return z.NEVER;
});

const gitHost = /^([a-z0-9-]+(\.[a-z0-9-]+)*\.?|\[[0-9a-f:.]+\])$/;
/** `true` allows every private host, `false` none, otherwise a list of hosts (compared lower-cased). */
const gitPrivateHosts = z.string().transform((raw, ctx): "all" | string[] => {
  const value = raw.trim().toLowerCase();
  if (value === "true") return "all";
  if (value === "false") return [];
  const hosts = value.split(",").map((h) => h.trim());
  if (hosts.every((h) => gitHost.test(h))) return hosts.map((h) => h.replace(/\.$/, ""));
  ctx.addIssue({
    code: "custom",
    message: "must be true, false, or a comma-separated list of host names or IP literals (IPv6 in brackets) as written in repository URLs",
  });
  return z.NEVER;
});

/**
 * Every `SPROCKET_*` setting of the server, and only here: each key is one environment variable (some also a flag of
 * `sprocket server start`, see FLAGS in config.ts). Unset and empty values take the default; a bad value is an error.
 * docs/operations.md and the README list every key (test/config-docs.test.ts checks it).
 */
export const settingsShape = {
  // Listeners
  SPROCKET_PORT: port.default(DEFAULT_PORT),
  SPROCKET_HTTPS_PORT: port.optional(),
  SPROCKET_TLS_CERT: nonEmpty.optional(),
  SPROCKET_TLS_KEY: nonEmpty.optional(),
  SPROCKET_HOST: nonEmpty.default("127.0.0.1"),
  SPROCKET_PUBLIC_URL: httpUrl("must be an http:// or https:// URL").optional(),
  SPROCKET_TRUST_PROXY: trustProxySetting.default(false),
  // find-my-way turns each method's route tree into generated code at start: about 2 µs less per request, about half a
  // second more per start on a 2 GHz core. Off, the tree is walked, with the same matches.
  SPROCKET_ROUTER_COMPILE: onOff.default(true),
  // Storage and scale-out
  SPROCKET_DATA_DIR: nonEmpty.default(".sprocket"),
  SPROCKET_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL (leave it unset for the embedded SQLite store)")
    .optional(),
  SPROCKET_DATABASE_ALLOW_SUPERUSER: onOff.default(false),
  SPROCKET_DATABASE_CONNECTIONS: wholeNumber(1, 1_000).default(DEFAULT_POOL_SIZES.pool),
  // 0: none, every statement shares the pool above. Else a pool of their own (store/pool-lanes.ts), of at least 2: a
  // session lock is held on one (cluster/advisory-lock.ts) while its work runs on the others.
  SPROCKET_DATABASE_STATEMENT_CONNECTIONS: wholeNumber(0, 1_000)
    .refine((n) => n !== 1, "must be 0 (statements share the pool) or at least 2")
    .default(DEFAULT_POOL_SIZES.statements),
  SPROCKET_REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "must be a redis:// or rediss:// URL")
    .optional(),
  SPROCKET_REDIS_PREFIX: z
    .string()
    .regex(/^[\w.:-]+$/, "may hold letters, digits and _ . : - only")
    .default("sprocket"),
  SPROCKET_SECRET_KEY: secretKey.optional(),
  // Console passwords: scrypt's N is 2 to this power. At most OWASP's 2^17 (128 MB a hash); below the default for test
  // suites, whose every account and sign-in is a hash.
  SPROCKET_PASSWORD_HASH_COST: wholeNumber(10, 17).default(DEFAULT_PASSWORD_HASH_COST),
  // Logs
  SPROCKET_LOG_LEVEL: z
    .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
      message: "must be one of fatal, error, warn, info, debug, trace, silent",
    })
    .default("info"),
  SPROCKET_LOG_RETENTION_DAYS: wholeNumber(1, 3650, " of days").default(30),
  SPROCKET_OTLP_ENDPOINT: httpUrl("must be an http:// or https:// URL of an OTLP/HTTP collector, e.g. http://127.0.0.1:4318").optional(),
  // Functions
  SPROCKET_FUNCTION_TIMEOUT_MS: wholeNumber(100, 15 * 60 * 1000).optional(),
  SPROCKET_FUNCTION_MEMORY_MB: wholeNumber(16, 4096).optional(),
  SPROCKET_FUNCTION_LOG_BYTES: wholeNumber(1024, 64 * 1024 * 1024).optional(),
  SPROCKET_FUNCTION_ALLOW_PRIVATE_NETWORK: onOff.default(false),
  SPROCKET_FUNCTION_RUNNER_IDLE_MS: wholeNumber(100, 24 * 60 * 60 * 1000).default(DEFAULT_RUNNER_IDLE_MS),
  SPROCKET_FUNCTION_MAX_IDLE_RUNNERS: wholeNumber(0, 100_000).default(DEFAULT_MAX_IDLE_RUNNERS),
  SPROCKET_FUNCTION_MAX_RUNNERS_PER_APP: wholeNumber(1, 1_000).default(DEFAULT_MAX_RUNNERS_PER_BUILD),
  // A handful: each is a started process whatever the load, and only back-to-back cold calls need more than one.
  SPROCKET_FUNCTION_SPARE_RUNNERS: wholeNumber(0, 32).default(DEFAULT_SPARE_RUNNERS),
  SPROCKET_CARD_FETCH_ALLOW_PRIVATE_NETWORK: onOff.default(false),
  SPROCKET_FUNCTIONS_PORT: port.optional(),
  // Webhooks, and workflow action calls (an actionUrl is reached and retried as a targetUrl is)
  SPROCKET_WEBHOOK_ALLOW_PRIVATE_NETWORK: onOff.default(false),
  SPROCKET_WEBHOOK_BATCH_MS: wholeNumber(0, 60_000, " of ms").default(100),
  SPROCKET_WEBHOOK_RETRY_DELAYS_MS: retryDelays.prefault(DEFAULT_WEBHOOK_RETRY_DELAYS_MS),
  SPROCKET_FUNCTIONS_PUBLIC_URL: httpUrl("must be an http:// or https:// URL").optional(),
  SPROCKET_FUNCTIONS_CALLS_PER_MINUTE: wholeNumber(1, 1_000_000).default(600),
  // CRM search: the in-memory index (crm/search-index.ts), 24 bytes a record, 8 per sort order, 8–16 per property searched
  SPROCKET_SEARCH_INDEX_MAX_RECORDS: wholeNumber(0, 100_000_000).default(2_000_000),
  SPROCKET_SEARCH_INDEX_MIN_RECORDS: wholeNumber(0, 100_000_000).default(10_000),
  // Builds
  SPROCKET_GIT_ALLOW_PRIVATE_HOSTS: gitPrivateHosts.default([]),
  SPROCKET_BUILD_UID: wholeNumber(1, 2 ** 32 - 2).default(DEFAULT_BUILD_UID),
  SPROCKET_DEPS_CACHE_DIR: nonEmpty.optional(),
  SPROCKET_JOB_LEASE_MS: wholeNumber(100, 24 * 60 * 60 * 1000).default(15_000),
  SPROCKET_JOB_POLL_MS: wholeNumber(10, 60 * 60 * 1000).default(500),
};

export type SettingName = keyof typeof settingsShape;
export const SETTING_NAMES = Object.keys(settingsShape) as SettingName[];

/** What the environment can say: the whole ServerConfig but the options only code passes (ConfigInput's extras). */
export type EnvConfig = Omit<ServerConfig, "testHooks" | "logs"> & { logs: Omit<ServerConfig["logs"], "recordApiCalls"> };

/** The one schema: the settings above, checked against each other and shaped into the server's configuration. */
export const settingsSchema = z.object(settingsShape).transform((s, ctx): EnvConfig => {
  const issue = (setting: SettingName, message: string) => ctx.addIssue({ code: "custom", path: [setting], message });
  if (Boolean(s.SPROCKET_TLS_CERT) !== Boolean(s.SPROCKET_TLS_KEY)) {
    issue(
      s.SPROCKET_TLS_CERT ? "SPROCKET_TLS_KEY" : "SPROCKET_TLS_CERT",
      "--tls-cert and --tls-key (SPROCKET_TLS_CERT, SPROCKET_TLS_KEY) go together: give both or neither",
    );
  }
  if (s.SPROCKET_TLS_CERT && s.SPROCKET_HTTPS_PORT === undefined) {
    issue("SPROCKET_HTTPS_PORT", "is needed with --tls-cert and --tls-key: they are for the HTTPS listener");
  }
  if (s.SPROCKET_REDIS_URL && !s.SPROCKET_SECRET_KEY) {
    // Nodes sign what they tell each other over Redis with a key derived from it (cluster/signed-messages.ts).
    issue(
      "SPROCKET_SECRET_KEY",
      "is required with SPROCKET_REDIS_URL: every node of a deployment must share it (generate one with `openssl rand -hex 32`)",
    );
  }
  // The endpoint listener defaults to the console's port + 1 (a free port when the console's is 0, as in tests).
  const consolePort = s.SPROCKET_PORT;
  const endpointPort = s.SPROCKET_FUNCTIONS_PORT ?? (consolePort === 0 ? 0 : consolePort + 1);
  if (endpointPort > MAX_PORT)
    issue("SPROCKET_FUNCTIONS_PORT", `must be between 0 and ${MAX_PORT} (by default it is the console's port + 1)`);
  if (endpointPort !== 0 && endpointPort === consolePort) {
    issue("SPROCKET_FUNCTIONS_PORT", `must differ from the console's port ${consolePort}: endpoint functions get an origin of their own`);
  }
  // Its public URL must not be the console's origin: that is the whole point of the second listener.
  const endpointUrl = s.SPROCKET_FUNCTIONS_PUBLIC_URL?.replace(/\/+$/, "");
  if (endpointUrl && s.SPROCKET_PUBLIC_URL && new URL(endpointUrl).origin === new URL(s.SPROCKET_PUBLIC_URL).origin) {
    issue(
      "SPROCKET_FUNCTIONS_PUBLIC_URL",
      `must be another origin than SPROCKET_PUBLIC_URL (${new URL(s.SPROCKET_PUBLIC_URL).origin}): endpoint functions serve tenants' content`,
    );
  }
  const functionLimits = {
    ...(s.SPROCKET_FUNCTION_TIMEOUT_MS !== undefined && { timeoutMs: s.SPROCKET_FUNCTION_TIMEOUT_MS }),
    ...(s.SPROCKET_FUNCTION_MEMORY_MB !== undefined && { heapMb: s.SPROCKET_FUNCTION_MEMORY_MB }),
    ...(s.SPROCKET_FUNCTION_LOG_BYTES !== undefined && { logBytes: s.SPROCKET_FUNCTION_LOG_BYTES }),
  };
  return {
    port: consolePort,
    httpsPort: s.SPROCKET_HTTPS_PORT,
    tlsCertFile: s.SPROCKET_TLS_CERT && path.resolve(s.SPROCKET_TLS_CERT),
    tlsKeyFile: s.SPROCKET_TLS_KEY && path.resolve(s.SPROCKET_TLS_KEY),
    host: s.SPROCKET_HOST,
    dataDir: path.resolve(s.SPROCKET_DATA_DIR),
    databaseUrl: s.SPROCKET_DATABASE_URL,
    databaseAllowSuperuser: s.SPROCKET_DATABASE_ALLOW_SUPERUSER,
    databasePool: { pool: s.SPROCKET_DATABASE_CONNECTIONS, statements: s.SPROCKET_DATABASE_STATEMENT_CONNECTIONS },
    redisUrl: s.SPROCKET_REDIS_URL,
    redisPrefix: s.SPROCKET_REDIS_PREFIX,
    secretKey: s.SPROCKET_SECRET_KEY,
    passwordHashCost: s.SPROCKET_PASSWORD_HASH_COST,
    publicUrl: s.SPROCKET_PUBLIC_URL,
    trustProxy: s.SPROCKET_TRUST_PROXY,
    routerCompile: s.SPROCKET_ROUTER_COMPILE,
    logLevel: s.SPROCKET_LOG_LEVEL,
    functionLimits,
    gitPrivateHosts: s.SPROCKET_GIT_ALLOW_PRIVATE_HOSTS,
    functionAllowPrivateNetwork: s.SPROCKET_FUNCTION_ALLOW_PRIVATE_NETWORK,
    functionRunners: {
      idleMs: s.SPROCKET_FUNCTION_RUNNER_IDLE_MS,
      maxIdle: s.SPROCKET_FUNCTION_MAX_IDLE_RUNNERS,
      maxPerBuild: s.SPROCKET_FUNCTION_MAX_RUNNERS_PER_APP,
      spareRunners: s.SPROCKET_FUNCTION_SPARE_RUNNERS,
    },
    cardFetchAllowPrivateNetwork: s.SPROCKET_CARD_FETCH_ALLOW_PRIVATE_NETWORK,
    webhooks: {
      allowPrivateNetwork: s.SPROCKET_WEBHOOK_ALLOW_PRIVATE_NETWORK,
      batchMs: s.SPROCKET_WEBHOOK_BATCH_MS,
      retryDelaysMs: s.SPROCKET_WEBHOOK_RETRY_DELAYS_MS,
    },
    endpoints: { port: endpointPort, publicUrl: endpointUrl, callsPerMinute: s.SPROCKET_FUNCTIONS_CALLS_PER_MINUTE },
    searchIndex: { maxRecords: s.SPROCKET_SEARCH_INDEX_MAX_RECORDS, minRecords: s.SPROCKET_SEARCH_INDEX_MIN_RECORDS },
    // Only root can switch users; otherwise the builder's confinement plugin is what holds.
    buildIdentity: process.getuid?.() === 0 ? { uid: s.SPROCKET_BUILD_UID, gid: s.SPROCKET_BUILD_UID } : undefined,
    logs: { retentionDays: s.SPROCKET_LOG_RETENTION_DAYS, otlpEndpoint: s.SPROCKET_OTLP_ENDPOINT },
    builds: {
      depsCacheDir: s.SPROCKET_DEPS_CACHE_DIR && path.resolve(s.SPROCKET_DEPS_CACHE_DIR),
      jobLeaseMs: s.SPROCKET_JOB_LEASE_MS,
      jobPollMs: s.SPROCKET_JOB_POLL_MS,
    },
  };
});
