import path from "node:path";
import { z } from "zod";
import { trustProxySetting, type TrustProxy } from "./http/trust-proxy";

/** Everything the server can be told, from flags first, then the environment. */
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
  redisUrl: string | undefined;
  /** Namespaces every Redis key, so several deployments (or test runs) can share one Redis. */
  redisPrefix: string;
  secretKey: Buffer | undefined;
  publicUrl: string | undefined;
  /** Which proxies' X-Forwarded-* headers to believe (client address, scheme); false unless told. */
  trustProxy: TrustProxy;
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
  /** Let cards' `hubspot.fetch` reach http:// URLs and loopback, private and link-local addresses (off: public https only). */
  cardFetchAllowPrivateNetwork: boolean;
  /** The listener of public endpoint functions (`/_hcms/api`), an origin apart from the console's. */
  endpoints: EndpointConfig;
  /**
   * Who builds and npm installs run as when the server runs as root: a uid (and gid of the same number) that owns
   * nothing of the server's, so it cannot read the data dir. Undefined when the server is not root (it cannot switch
   * users; the builder's confinement plugin still holds).
   */
  buildIdentity: { uid: number; gid: number } | undefined;
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
  constructor(readonly setting: string, message: string) {
    super(`Invalid setting ${setting}: ${message}`);
    this.name = "ConfigError";
  }
}

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
}

const port = z.coerce
  .number({ message: "must be a number" })
  .int("must be a whole number")
  .min(0, "must be between 0 and 65535")
  .max(65535, "must be between 0 and 65535");

const dbUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL (leave it unset for the embedded SQLite store)");
const redisUrl = z.string().regex(/^rediss?:\/\//, "must be a redis:// or rediss:// URL");
const onOff = z.enum(["true", "false"], { message: "must be true or false" });
const logLevel = z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
  message: "must be one of fatal, error, warn, info, debug, trace, silent",
});

function parse<T>(setting: string, schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new ConfigError(setting, `${result.error.issues[0]?.message ?? "invalid"} (got ${JSON.stringify(value)})`);
  return result.data;
}

/** The secret key encrypts tokens and secrets at rest: exactly 32 bytes, as hex or base64. */
export function parseSecretKey(value: string): Buffer {
  const hex = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, "hex") : undefined;
  const key = hex ?? Buffer.from(value, "base64");
  if (key.length !== 32 || (!hex && key.toString("base64").replace(/=+$/, "") !== value.replace(/=+$/, ""))) {
    throw new ConfigError(
      "SPROCKET_SECRET_KEY",
      "must be 32 bytes written as 64 hex characters or as base64 (generate one with `openssl rand -hex 32`)",
    );
  }
  return key;
}

export function loadConfig(input: ConfigInput = {}, env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const secret = env.SPROCKET_SECRET_KEY;
  const httpsPort = input.httpsPort ?? env.SPROCKET_HTTPS_PORT;
  const tlsCertFile = input.tlsCert ?? env.SPROCKET_TLS_CERT;
  const tlsKeyFile = input.tlsKey ?? env.SPROCKET_TLS_KEY;
  if (Boolean(tlsCertFile) !== Boolean(tlsKeyFile)) {
    throw new ConfigError(tlsCertFile ? "--tls-key" : "--tls-cert", "--tls-cert and --tls-key (SPROCKET_TLS_CERT, SPROCKET_TLS_KEY) go together: give both or neither");
  }
  if (tlsCertFile && (httpsPort === undefined || httpsPort === "")) {
    throw new ConfigError("--https-port", "is needed with --tls-cert and --tls-key: they are for the HTTPS listener");
  }
  if (env.SPROCKET_REDIS_URL && !secret) {
    // Nodes sign what they tell each other over Redis with a key derived from it (cluster/signed-messages.ts).
    throw new ConfigError("SPROCKET_SECRET_KEY", "is required with SPROCKET_REDIS_URL: every node of a deployment must share it (generate one with `openssl rand -hex 32`)");
  }
  const consolePort = parse("--port", port, input.port ?? env.SPROCKET_PORT ?? 3900);
  return {
    port: consolePort,
    httpsPort: httpsPort === undefined || httpsPort === "" ? undefined : parse("--https-port", port, httpsPort),
    tlsCertFile: tlsCertFile ? path.resolve(tlsCertFile) : undefined,
    tlsKeyFile: tlsKeyFile ? path.resolve(tlsKeyFile) : undefined,
    host: parse("--host", z.string().min(1, "must not be empty"), input.host ?? env.SPROCKET_HOST ?? "127.0.0.1"),
    dataDir: path.resolve(input.dataDir ?? env.SPROCKET_DATA_DIR ?? ".sprocket"),
    databaseUrl: env.SPROCKET_DATABASE_URL ? parse("SPROCKET_DATABASE_URL", dbUrl, env.SPROCKET_DATABASE_URL) : undefined,
    databaseAllowSuperuser: parse("SPROCKET_DATABASE_ALLOW_SUPERUSER", z.enum(["true", "false"], { message: "must be true or false" }), env.SPROCKET_DATABASE_ALLOW_SUPERUSER || "false") === "true",
    redisUrl: env.SPROCKET_REDIS_URL ? parse("SPROCKET_REDIS_URL", redisUrl, env.SPROCKET_REDIS_URL) : undefined,
    redisPrefix: parse("SPROCKET_REDIS_PREFIX", z.string().regex(/^[\w.:-]+$/, "may hold letters, digits and _ . : - only"), env.SPROCKET_REDIS_PREFIX ?? "sprocket"),
    secretKey: secret ? parseSecretKey(secret) : undefined,
    publicUrl: input.publicUrl ?? env.SPROCKET_PUBLIC_URL,
    trustProxy: parse("SPROCKET_TRUST_PROXY", trustProxySetting, env.SPROCKET_TRUST_PROXY ?? "false"),
    logLevel: parse("SPROCKET_LOG_LEVEL", logLevel, env.SPROCKET_LOG_LEVEL ?? "info"),
    functionLimits: {
      ...optionalInt(env, "SPROCKET_FUNCTION_TIMEOUT_MS", "timeoutMs", 100, 15 * 60 * 1000),
      ...optionalInt(env, "SPROCKET_FUNCTION_MEMORY_MB", "heapMb", 16, 4096),
      ...optionalInt(env, "SPROCKET_FUNCTION_LOG_BYTES", "logBytes", 1024, 64 * 1024 * 1024),
    },
    gitPrivateHosts: parseGitPrivateHosts(env.SPROCKET_GIT_ALLOW_PRIVATE_HOSTS),
    functionAllowPrivateNetwork:
      parse("SPROCKET_FUNCTION_ALLOW_PRIVATE_NETWORK", onOff, env.SPROCKET_FUNCTION_ALLOW_PRIVATE_NETWORK || "false") === "true",
    cardFetchAllowPrivateNetwork:
      parse("SPROCKET_CARD_FETCH_ALLOW_PRIVATE_NETWORK", onOff, env.SPROCKET_CARD_FETCH_ALLOW_PRIVATE_NETWORK || "false") === "true",
    endpoints: loadEndpointConfig(input, env, consolePort),
    buildIdentity: process.getuid?.() === 0 ? buildIdentity(env) : undefined,
  };
}

/**
 * The endpoint listener defaults to the console's port + 1 (a free port when the console's is 0, as in tests). Its
 * public URL must not be the console's origin: that is the whole point of the second listener.
 */
function loadEndpointConfig(input: ConfigInput, env: NodeJS.ProcessEnv, consolePort: number): EndpointConfig {
  const raw = input.functionsPort ?? env.SPROCKET_FUNCTIONS_PORT;
  const fallback = consolePort === 0 ? 0 : consolePort + 1;
  const endpointPort = raw === undefined || raw === "" ? parse("--functions-port", port, fallback) : parse("--functions-port", port, raw);
  if (endpointPort !== 0 && endpointPort === consolePort) throw new ConfigError("--functions-port", `must differ from the console's port ${consolePort}: endpoint functions get an origin of their own`);
  const url = input.functionsPublicUrl ?? env.SPROCKET_FUNCTIONS_PUBLIC_URL;
  const publicUrl = url ? parse("SPROCKET_FUNCTIONS_PUBLIC_URL", z.url({ protocol: /^https?$/, message: "must be an http:// or https:// URL" }), url).replace(/\/+$/, "") : undefined;
  const consoleUrl = input.publicUrl ?? env.SPROCKET_PUBLIC_URL;
  if (publicUrl && consoleUrl && URL.canParse(consoleUrl) && new URL(publicUrl).origin === new URL(consoleUrl).origin) {
    throw new ConfigError("SPROCKET_FUNCTIONS_PUBLIC_URL", `must be another origin than SPROCKET_PUBLIC_URL (${new URL(consoleUrl).origin}): endpoint functions serve tenants' content`);
  }
  const perMinute = env.SPROCKET_FUNCTIONS_CALLS_PER_MINUTE;
  return {
    port: endpointPort,
    publicUrl,
    callsPerMinute: perMinute === undefined || perMinute === "" ? 600 : parse("SPROCKET_FUNCTIONS_CALLS_PER_MINUTE", z.coerce.number().int("must be a whole number from 1 to 1000000").min(1, "must be at least 1").max(1_000_000, "must be at most 1000000"), perMinute),
  };
}

const gitHost = z.string().regex(/^([a-z0-9-]+(\.[a-z0-9-]+)*\.?|\[[0-9a-f:.]+\])$/, "must be true, false, or a comma-separated list of host names or IP literals (IPv6 in brackets) as written in repository URLs");

/** `true` allows every private host, `false` or unset none, otherwise a list of hosts (compared lower-cased). */
function parseGitPrivateHosts(raw: string | undefined): "all" | string[] {
  const value = (raw ?? "").trim().toLowerCase();
  if (value === "true") return "all";
  if (value === "" || value === "false") return [];
  return value.split(",").map((h) => parse("SPROCKET_GIT_ALLOW_PRIVATE_HOSTS", gitHost, h.trim()).replace(/\.$/, ""));
}

/** The build identity's uid (and gid): SPROCKET_BUILD_UID, by default 64990, a number no distribution hands out. */
function buildIdentity(env: NodeJS.ProcessEnv): { uid: number; gid: number } {
  const uid = parse("SPROCKET_BUILD_UID", z.coerce.number().int("must be a whole number").min(1, "must not be 0 (root)").max(2 ** 32 - 2, "must be a valid uid"), env.SPROCKET_BUILD_UID || 64990);
  return { uid, gid: uid };
}

function optionalInt<K extends string>(env: NodeJS.ProcessEnv, setting: string, key: K, min: number, max: number): Partial<Record<K, number>> {
  const raw = env[setting];
  if (raw === undefined || raw === "") return {};
  const value = parse(setting, z.coerce.number().int(`must be a whole number from ${min} to ${max}`).min(min, `must be at least ${min}`).max(max, `must be at most ${max}`), raw);
  return { [key]: value } as Partial<Record<K, number>>;
}
