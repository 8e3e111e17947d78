import type { ObjectTypeRegistry } from "./crm/object-type-registry";
import type { FastifyBaseLogger } from "fastify";
import type { ServerConfig } from "./config";
import type { SecretBox } from "./crypto/secret-box";
import type { Store } from "./store/database";
import type { ApiLimits } from "./apps/rate-limits";
import type { Logs } from "./logs/logs-service";
import type { ClusterEvents } from "./cluster/cluster-events";
import type { JobQueue } from "./jobs/job-queue";
import type { Authenticators } from "./http/authenticate";
import type { Addresses } from "./http/addresses";
import type { BuildSettings } from "./projects/build-settings";
import type { AppTokens } from "./apps/app-tokens";
import type { DeveloperTokens } from "./accounts/developer-tokens";
import type { LimitPlans } from "./apps/limit-plans";
import type { FunctionRunners } from "./functions/function-runners";
import type { FunctionFiles } from "./functions/build-files";
import type { FunctionConfigs } from "./functions/function-configs";
import type { LiveBuilds } from "./extensions/live-builds";
import type { PropertyDefinitions } from "./crm/property-service";
import type { GraphqlSchemas } from "./crm/graphql/schema-cache";
import type { CrmEvents } from "./crm/crm-events";
import type { SearchIndex } from "./crm/search-index";
import type { WorkflowTriggers } from "./workflows/workflow-runner";

/**
 * What every domain gets, built once by `createPlatform` (create-platform.ts) and never changed afterwards: the
 * configuration, the store, the key for data at rest, a clock tests can move, and the long-lived parts each domain
 * owns (caches included, so two platforms in one process share nothing).
 */
export interface Platform {
  config: ServerConfig;
  store: Store;
  box: SecretBox;
  clock: Clock;
  /** The server log; every Fastify instance of this platform logs through it. */
  log: FastifyBaseLogger;
  limits: ApiLimits;
  logs: Logs;
  /** Messages between the nodes of a deployment (an app's live build changed); in-process on a single node. */
  cluster: ClusterEvents;
  /** The one durable job queue: domains register their handlers at the root; it runs from `start` to `close`. */
  jobs: JobQueue;
  /** Where this node's listeners answer, known once they listen. */
  addresses: Addresses;
  /** Who may call a route, per `config.auth` kind (http/authenticate.ts). */
  authenticators: Authenticators;
  builds: BuildSettings;
  accounts: { developerTokens: DeveloperTokens };
  apps: { tokens: AppTokens; limitPlans: LimitPlans };
  functions: { runners: FunctionRunners; files: FunctionFiles; configs: FunctionConfigs };
  liveBuilds: LiveBuilds;
  /**
   * CRM property definitions, cached for this platform (every object read and write needs them), the GraphQL schemas
   * built from them, the object types each account has (standard and custom, likewise cached), and the events CRM
   * writes announce after their commit (webhooks listen), and the in-memory search index with its write generations.
   */
  crm: {
    properties: PropertyDefinitions;
    graphqlSchemas: GraphqlSchemas;
    events: CrmEvents;
    types: ObjectTypeRegistry;
    search: SearchIndex;
  };
  /** The account's workflow triggers, cached for enrolment (every CRM change is matched against them). */
  workflows: { triggers: WorkflowTriggers };
  /** Starts the background work: deploy reactions, the job queue and its schedules. Call once the API listens. */
  start(): Promise<void>;
  /** Stops the background work and closes what the platform opened; the HTTP listeners are closed first by their owner. */
  close(): Promise<void>;
}

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
