import path from "node:path";
import { z } from "zod";

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
  redisUrl: string | undefined;
  /** Namespaces every Redis key, so several deployments (or test runs) can share one Redis. */
  redisPrefix: string;
  secretKey: Buffer | undefined;
  publicUrl: string | undefined;
  logLevel: string;
  /** Overrides of the function runners' limits (timeout, heap, log bytes); unset ones keep the runtime's defaults. */
  functionLimits: { timeoutMs?: number; heapMb?: number; logBytes?: number };
  /**
   * Who builds and npm installs run as when the server runs as root: a uid (and gid of the same number) that owns
   * nothing of the server's, so it cannot read the data dir. Undefined when the server is not root (it cannot switch
   * users; the builder's confinement plugin still holds).
   */
  buildIdentity: { uid: number; gid: number } | undefined;
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
  return {
    port: parse("--port", port, input.port ?? env.SPROCKET_PORT ?? 3900),
    httpsPort: httpsPort === undefined || httpsPort === "" ? undefined : parse("--https-port", port, httpsPort),
    tlsCertFile: tlsCertFile ? path.resolve(tlsCertFile) : undefined,
    tlsKeyFile: tlsKeyFile ? path.resolve(tlsKeyFile) : undefined,
    host: parse("--host", z.string().min(1, "must not be empty"), input.host ?? env.SPROCKET_HOST ?? "127.0.0.1"),
    dataDir: path.resolve(input.dataDir ?? env.SPROCKET_DATA_DIR ?? ".sprocket"),
    databaseUrl: env.SPROCKET_DATABASE_URL ? parse("SPROCKET_DATABASE_URL", dbUrl, env.SPROCKET_DATABASE_URL) : undefined,
    redisUrl: env.SPROCKET_REDIS_URL ? parse("SPROCKET_REDIS_URL", redisUrl, env.SPROCKET_REDIS_URL) : undefined,
    redisPrefix: parse("SPROCKET_REDIS_PREFIX", z.string().regex(/^[\w.:-]+$/, "may hold letters, digits and _ . : - only"), env.SPROCKET_REDIS_PREFIX ?? "sprocket"),
    secretKey: secret ? parseSecretKey(secret) : undefined,
    publicUrl: input.publicUrl ?? env.SPROCKET_PUBLIC_URL,
    logLevel: parse("SPROCKET_LOG_LEVEL", logLevel, env.SPROCKET_LOG_LEVEL ?? "info"),
    functionLimits: {
      ...optionalInt(env, "SPROCKET_FUNCTION_TIMEOUT_MS", "timeoutMs", 100, 15 * 60 * 1000),
      ...optionalInt(env, "SPROCKET_FUNCTION_MEMORY_MB", "heapMb", 16, 4096),
      ...optionalInt(env, "SPROCKET_FUNCTION_LOG_BYTES", "logBytes", 1024, 64 * 1024 * 1024),
    },
    buildIdentity: process.getuid?.() === 0 ? buildIdentity(env) : undefined,
  };
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
