import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config";
import { SETTING_NAMES, type SettingName } from "../src/config-schema";

/** For every setting, a value it refuses. */
const BAD: Record<SettingName, string> = {
  SPROCKET_PORT: "http",
  SPROCKET_HTTPS_PORT: "-1",
  SPROCKET_TLS_CERT: "cert.pem", // without its key
  SPROCKET_TLS_KEY: "key.pem", // without its certificate
  SPROCKET_HOST: "",
  SPROCKET_PUBLIC_URL: "sprocket.example.com",
  SPROCKET_TRUST_PROXY: "the balancer",
  SPROCKET_ROUTER_COMPILE: "compiled",
  SPROCKET_DATA_DIR: "",
  SPROCKET_DATABASE_URL: "mysql://db/sprocket",
  SPROCKET_DATABASE_ALLOW_SUPERUSER: "yes",
  SPROCKET_DATABASE_CONNECTIONS: "0",
  SPROCKET_DATABASE_STATEMENT_CONNECTIONS: "1", // one would be taken by a session lock its own work waits behind
  SPROCKET_REDIS_URL: "http://redis:6379",
  SPROCKET_REDIS_PREFIX: "my prefix",
  SPROCKET_SECRET_KEY: "short",
  SPROCKET_PASSWORD_HASH_COST: "9", // below 2^10
  SPROCKET_LOG_LEVEL: "loud",
  SPROCKET_LOG_RETENTION_DAYS: "0",
  SPROCKET_OTLP_ENDPOINT: "collector:4318",
  SPROCKET_FUNCTION_TIMEOUT_MS: "fast",
  SPROCKET_FUNCTION_MEMORY_MB: "1",
  SPROCKET_FUNCTION_LOG_BYTES: "1e12",
  SPROCKET_FUNCTION_ALLOW_PRIVATE_NETWORK: "on",
  SPROCKET_FUNCTION_RUNNER_IDLE_MS: "10",
  SPROCKET_FUNCTION_MAX_IDLE_RUNNERS: "-1",
  SPROCKET_FUNCTION_MAX_RUNNERS_PER_APP: "0",
  SPROCKET_FUNCTION_SPARE_RUNNERS: "33",
  SPROCKET_CARD_FETCH_ALLOW_PRIVATE_NETWORK: "on",
  SPROCKET_WEBHOOK_ALLOW_PRIVATE_NETWORK: "yes",
  SPROCKET_WEBHOOK_BATCH_MS: "soon",
  SPROCKET_WEBHOOK_RETRY_DELAYS_MS: "1s,5s",
  SPROCKET_FUNCTIONS_PORT: "65536",
  SPROCKET_FUNCTIONS_PUBLIC_URL: "ftp://fn.example.com",
  SPROCKET_FUNCTIONS_CALLS_PER_MINUTE: "0",
  SPROCKET_SEARCH_INDEX_MAX_RECORDS: "-1",
  SPROCKET_SEARCH_INDEX_MIN_RECORDS: "many",
  SPROCKET_GIT_ALLOW_PRIVATE_HOSTS: "gitlab.internal,http://10.0.0.5",
  SPROCKET_BUILD_UID: "0",
  SPROCKET_DEPS_CACHE_DIR: "",
  SPROCKET_JOB_LEASE_MS: "abc",
  SPROCKET_JOB_POLL_MS: "-5",
};

/** Given alone, the certificate or the key is refused naming the one missing (a file that is not PEM fails at start). */
const NAMED: Partial<Record<SettingName, string>> = { SPROCKET_TLS_CERT: "--tls-key", SPROCKET_TLS_KEY: "--tls-cert" };

describe("every setting", () => {
  // An empty variable counts as unset (its default), as in a shell; the other values stop the server naming the setting.
  const refused = SETTING_NAMES.filter((name) => BAD[name] !== "");

  it.each(refused)("%s: a bad value stops the server naming it", (name) => {
    const load = () => loadConfig({}, { [name]: BAD[name] });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(`Invalid setting ${NAMED[name] ?? name}: `);
  });

  it("has a value to refuse for each setting, or is a path or name whose empty value means its default", () => {
    expect(SETTING_NAMES.filter((name) => BAD[name] === "")).toEqual(["SPROCKET_HOST", "SPROCKET_DATA_DIR", "SPROCKET_DEPS_CACHE_DIR"]);
    expect(loadConfig({}, { SPROCKET_HOST: "", SPROCKET_DATA_DIR: "", SPROCKET_DEPS_CACHE_DIR: "" })).toMatchObject({
      host: "127.0.0.1",
      builds: { depsCacheDir: undefined },
    });
  });

  it("names the flag when the value came from one, and never repeats a secret it refuses", () => {
    expect(() => loadConfig({ port: "http" }, { SPROCKET_PORT: "3900" })).toThrow('Invalid setting --port: must be a number (got "http")');
    expect(() => loadConfig({}, { SPROCKET_PORT: "http" })).toThrow('Invalid setting SPROCKET_PORT: must be a number (got "http")');
    expect(() => loadConfig({}, { SPROCKET_DATABASE_URL: "mysql://root:hunter2@db/sprocket" })).toThrow(
      /^Invalid setting SPROCKET_DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL[^"]*$/,
    );
  });

  it("gives no silent fallback: the job lease, poll and cache settings are taken as written or refused", () => {
    const c = loadConfig(
      {},
      { SPROCKET_JOB_LEASE_MS: "1500", SPROCKET_JOB_POLL_MS: "100", SPROCKET_DEPS_CACHE_DIR: "/var/cache/sprocket" },
    );
    expect(c.builds).toEqual({ jobLeaseMs: 1500, jobPollMs: 100, depsCacheDir: "/var/cache/sprocket" });
    expect(loadConfig({}, {}).builds).toEqual({ jobLeaseMs: 15_000, jobPollMs: 500, depsCacheDir: undefined });
    expect(() => loadConfig({}, { SPROCKET_JOB_LEASE_MS: "abc" })).toThrow(
      "Invalid setting SPROCKET_JOB_LEASE_MS: must be a whole number from 100 to 86400000",
    );
  });

  it("takes the runners' idle time, idle cap, cap per app and spares as written, and defaults them to the runtime's", () => {
    const env = {
      SPROCKET_FUNCTION_RUNNER_IDLE_MS: "250",
      SPROCKET_FUNCTION_MAX_IDLE_RUNNERS: "0",
      SPROCKET_FUNCTION_MAX_RUNNERS_PER_APP: "2",
      SPROCKET_FUNCTION_SPARE_RUNNERS: "0",
    };
    expect(loadConfig({}, env).functionRunners).toEqual({ idleMs: 250, maxIdle: 0, maxPerBuild: 2, spareRunners: 0 });
    expect(loadConfig({}, {}).functionRunners).toEqual({ idleMs: 300_000, maxIdle: 16, maxPerBuild: 16, spareRunners: 2 });
    expect(() => loadConfig({}, { SPROCKET_FUNCTION_MAX_RUNNERS_PER_APP: "0" })).toThrow(/SPROCKET_FUNCTION_MAX_RUNNERS_PER_APP/);
  });

  it("has no test hook a setting can turn on: only code passes them", () => {
    expect(loadConfig({}, { SPROCKET_TEST_PAUSE_AT: "build", SPROCKET_TEST_PAUSE_MS: "1" }).testHooks).toEqual({});
    expect(loadConfig({ testHooks: { crashPause: { at: "deploy", ms: 5 } } }, {}).testHooks).toEqual({
      crashPause: { at: "deploy", ms: 5 },
    });
  });
});
