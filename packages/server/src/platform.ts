import type { ServerConfig } from "./config";
import type { SecretBox } from "./crypto/secret-box";
import type { Store } from "./store/database";
import type { ApiLimits } from "./apps/rate-limits";
import type { RunnerPool } from "@sprocket/runtime";
import type { Logs } from "./logs/logs-service";
import type { ClusterEvents } from "./cluster/cluster-events";
import type { PropertyDefinitions } from "./crm/property-service";

/** What every domain gets: configuration, the store, the key for data at rest and a clock tests can move. */
export interface Platform {
  config: ServerConfig;
  store: Store;
  box: SecretBox;
  clock: Clock;
  limits: ApiLimits;
  logs: Logs;
  /** Messages between the nodes of a deployment (a deploy finished); in-process on a single node. */
  cluster: ClusterEvents;
  /** CRM property definitions, cached for this platform (every object read and write needs them). */
  properties: PropertyDefinitions;
  /** Function runners; started once the server knows the URL functions call back to. */
  functions?: RunnerPool;
  /** The public URL of the endpoint functions' listener, once it listens (functions/endpoint-server.ts). */
  functionsUrl?: string;
}

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
