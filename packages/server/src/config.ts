import type { SearchIndexConfig } from "./crm/search-index";
import type { TrustProxy } from "./http/trust-proxy";
import { settingsSchema, type SettingName } from "./config-schema";
import type { PoolSizes } from "./store/pool-lanes";

/**
 * Everything the server can be told: from flags first, then the environment (config-schema.ts, the one place that
 * reads `SPROCKET_*` settings), then options only code passes (benchmarks' and tests' hooks).
 */
export interface ServerConfig {
  port: number;
  /** A second listener serving the same API over TLS (what HubSpot's CLI needs); unset means HTTP only. */
  httpsPort: number | undefined;
  /** The operator's certificate and key for it; unset means a self-signed one generated into `<dataDir>/tls/`. */
  tlsCertFile: string | undefined;
  tlsKeyFile: string | undefined;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  /** SPROCKET_DATABASE_ALLOW_SUPERUSER: the operator accepts a PostgreSQL role that could read every tenant and run programs. */
  databaseAllowSuperuser: boolean;
  /** PostgreSQL connections per node: one pool, or one for transactions and searches and one for other statements. */
  databasePool: PoolSizes;
  redisUrl: string | undefined;
  /** Namespaces every Redis key, so several deployments (or test runs) can share one Redis. */
  redisPrefix: string;
  secretKey: Buffer | undefined;
  /** scrypt's N = 2^passwordHashCost for console passwords hashed from now on (crypto/password.ts). */
  passwordHashCost: number;
  publicUrl: string | undefined;
  /** Which proxies' X-Forwarded-* headers to believe (client address, scheme); false unless told. */
  trustProxy: TrustProxy;
  /** Whether the router compiles its trees to code at start (faster lookups) or walks them (a faster start). */
  routerCompile: boolean;
  logLevel: string;
  /** Overrides of the function runners' limits (timeout, heap, log bytes); unset ones keep the runtime's defaults. */
  functionLimits: { timeoutMs?: number; heapMb?: number; logBytes?: number };
  /**
   * Repository hosts a git-linked build may fetch from although they resolve to a loopback, private, link-local or
   * CGNAT address (an internal git server): `"all"`, or host names and IP literals as written in repository URLs.
   */
  gitPrivateHosts: "all" | string[];
  /** Let functions connect to loopback, private and link-local addresses (off: public hosts and this node's API only). */
  functionAllowPrivateNetwork: boolean;
  /**
   * Idle runners are stopped after `idleMs` unused, and at most `maxIdle` are kept across all apps of the node; one app
   * build runs at most `maxPerBuild` calls at once (further calls wait for one of its runners); `spareRunners` started
   * runners bound to no app wait for cold calls.
   */
  functionRunners: { idleMs: number; maxIdle: number; maxPerBuild: number; spareRunners: number };
  /** Let cards' `hubspot.fetch` reach http:// URLs and loopback, private and link-local addresses (off: public https only). */
  cardFetchAllowPrivateNetwork: boolean;
  webhooks: WebhooksConfig;
  /** The listener of public endpoint functions (`/_hcms/api`), an origin apart from the console's. */
  endpoints: EndpointConfig;
  /** The CRM search's in-memory index (crm/search-index.ts). */
  searchIndex: SearchIndexConfig;
  /**
   * Who builds and npm installs run as when the server runs as root: a uid (and gid of the same number) that owns
   * nothing of the server's, so it cannot read the data dir. Undefined when the server is not root (it cannot switch
   * users; the builder's confinement plugin still holds).
   */
  buildIdentity: { uid: number; gid: number } | undefined;
  logs: LogsConfig;
  builds: BuildsConfig;
  testHooks: TestHooks;
}

export interface WebhooksConfig {
  /** Let deliveries reach http:// targets and loopback, private and link-local addresses (off: public https only). */
  allowPrivateNetwork: boolean;
  /** How long events wait to be batched into one request (HubSpot sends up to 100 per request). */
  batchMs: number;
  /** The wait before each retry of a failed delivery; its length is the number of retries. */
  retryDelaysMs: number[];
}

export interface LogsConfig {
  retentionDays: number;
  /** An OTLP/HTTP collector's base URL; export is off when unset. */
  otlpEndpoint: string | undefined;
  /** Off only where API calls must not be recorded at all: the logs benchmark's baseline (never from the environment). */
  recordApiCalls: boolean;
}

export interface BuildsConfig {
  /** Where installed npm dependencies are cached; unset means under the data dir (see projects/build-settings.ts). */
  depsCacheDir: string | undefined;
  /** Job lease: after a crash, another node (or start) picks up the job once this has passed. */
  jobLeaseMs: number;
  /** How soon a node that did not take the request starts a queued job. */
  jobPollMs: number;
}

/** Hooks for tests only: code passes them (ConfigInput.testHooks); no setting of a deployed server can turn them on. */
export interface TestHooks {
  /** Crash-safety tests kill the server while a build or a deploy waits here (it logs "crash-test pause" on arrival). */
  crashPause?: { at: "build" | "deploy"; ms: number };
}

export interface EndpointConfig {
  /** Its own port: endpoint responses are the tenants' content and must never share the console's origin. */
  port: number;
  /** The URL people reach it at (another origin than `publicUrl`); unset means `http://host:port`. */
  publicUrl: string | undefined;
  /** Anonymous calls one account's endpoints answer per minute, all its endpoints together. */
  callsPerMinute: number;
}

export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(`Invalid setting ${setting}: ${message}`);
    this.name = "ConfigError";
  }
}

/** The flags of `sprocket server start`, and options only code passes. */
export interface ConfigInput {
  port?: string | number | undefined;
  httpsPort?: string | number | undefined;
  tlsCert?: string | undefined;
  tlsKey?: string | undefined;
  host?: string | undefined;
  dataDir?: string | undefined;
  publicUrl?: string | undefined;
  functionsPort?: string | number | undefined;
  functionsPublicUrl?: string | undefined;
  /** The logs benchmark's baseline turns API-call recording off (see LogsConfig.recordApiCalls). */
  recordApiCalls?: boolean;
  testHooks?: TestHooks;
}

/** Which setting each flag stands for; an error in a setting not given in the environment names its flag. */
const FLAGS = {
  port: ["--port", "SPROCKET_PORT"],
  httpsPort: ["--https-port", "SPROCKET_HTTPS_PORT"],
  tlsCert: ["--tls-cert", "SPROCKET_TLS_CERT"],
  tlsKey: ["--tls-key", "SPROCKET_TLS_KEY"],
  host: ["--host", "SPROCKET_HOST"],
  dataDir: ["--data-dir", "SPROCKET_DATA_DIR"],
  publicUrl: ["--public-url", "SPROCKET_PUBLIC_URL"],
  functionsPort: ["--functions-port", "SPROCKET_FUNCTIONS_PORT"],
  functionsPublicUrl: ["--functions-public-url", "SPROCKET_FUNCTIONS_PUBLIC_URL"],
} as const satisfies Record<string, readonly [string, SettingName]>;

/** Settings whose values may hold a password or a key: an error names them but never repeats what was given. */
const SECRET_BEARING = new Set<string>(["SPROCKET_SECRET_KEY", "SPROCKET_DATABASE_URL", "SPROCKET_REDIS_URL"] satisfies SettingName[]);

export function loadConfig(input: ConfigInput = {}, env: NodeJS.ProcessEnv = process.env): ServerConfig {
  // An empty variable means unset, as it does to a shell user who writes `SPROCKET_X= sprocket server start`.
  const raw: Record<string, unknown> = Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith("SPROCKET_") && v !== ""));
  const flagOf = new Map<string, string>();
  for (const [key, [flag, setting]] of Object.entries(FLAGS)) {
    const value = input[key as keyof typeof FLAGS];
    if (value !== undefined && value !== "") raw[setting] = value;
    if (!(setting in env) || (value !== undefined && value !== "")) flagOf.set(setting, flag);
  }
  const result = settingsSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const setting = String(issue.path[0]);
    const shown = raw[setting] !== undefined && issue.code !== "custom" && !SECRET_BEARING.has(setting);
    const got = shown ? ` (got ${JSON.stringify(raw[setting])})` : "";
    throw new ConfigError(flagOf.get(setting) ?? setting, issue.message + got);
  }
  const { logs, ...rest } = result.data;
  return { ...rest, logs: { ...logs, recordApiCalls: input.recordApiCalls ?? true }, testHooks: input.testHooks ?? {} };
}
