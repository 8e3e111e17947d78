import type { ServerConfig } from "./config";
import type { SecretBox } from "./crypto/secret-box";
import type { Store } from "./store/database";
import type { ApiLimits } from "./apps/rate-limits";

/** What every domain gets: configuration, the store, the key for data at rest and a clock tests can move. */
export interface Platform {
  config: ServerConfig;
  store: Store;
  box: SecretBox;
  clock: Clock;
  limits: ApiLimits;
}

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
