import type { ServerConfig } from "./config";
import type { SecretBox } from "./crypto/secret-box";
import type { Store } from "./store/database";
import type { ApiLimits } from "./apps/rate-limits";
import type { RunnerPool } from "@sprocket/runtime";
import type { Logs } from "./logs/logs-service";

/** What every domain gets: configuration, the store, the key for data at rest and a clock tests can move. */
export interface Platform {
  config: ServerConfig;
  store: Store;
  box: SecretBox;
  clock: Clock;
  limits: ApiLimits;
  logs: Logs;
  /** Function runners; started once the server knows the URL functions call back to. */
  functions?: RunnerPool;
}

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
