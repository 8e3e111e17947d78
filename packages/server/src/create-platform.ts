import { pino } from "pino";
import type { Redis } from "ioredis";
import type { ServerConfig } from "./config";
import { systemClock, type Clock, type Platform } from "./platform";
import { openStore } from "./store/database";
import { migrateToLatest } from "./store/migrate";
import { checkDatabaseRole } from "./store/database-role";
import { makeDataDirPrivate } from "./store/private-data-dir";
import { SecretBox, loadOrCreateKey } from "./crypto/secret-box";
import { openRedis } from "./cluster/open-redis";
import { InProcessPubSub } from "./cluster/pub-sub";
import { RedisPubSub } from "./cluster/redis-pub-sub";
import { MessageSigner } from "./cluster/signed-messages";
import { ClusterEvents } from "./cluster/cluster-events";
import { openJobQueue } from "./jobs/open-job-queue";
import { Addresses } from "./http/addresses";
import { userAuthenticators } from "./http/authenticate";
import { Logs } from "./logs/logs-service";
import { PropertyDefinitions } from "./crm/property-service";
import { ObjectTypeRegistry } from "./crm/object-type-registry";
import { GraphqlSchemas } from "./crm/graphql/schema-cache";
import { RedisLogBus } from "./logs/redis-log-bus";
import { FollowedFlag } from "./logs/followed-flag";
import { SqliteLogWriter } from "./logs/sqlite-log-writer";
import { PgLogWriter } from "./logs/pg-log-writer";
import { pruneLogsAtStart, registerLogRetention } from "./logs/retention-job";
import { ApiLimits } from "./apps/rate-limits";
import { AppTokens } from "./apps/app-tokens";
import { DeveloperTokens } from "./accounts/developer-tokens";
import { LimitPlans } from "./apps/limit-plans";
import { authenticateApp } from "./apps/app-auth";
import { FunctionRunners } from "./functions/function-runners";
import { FunctionFiles } from "./functions/build-files";
import { FunctionConfigs } from "./functions/function-configs";
import { followDeploysForRunners } from "./functions/follow-deploys";
import { LiveBuilds } from "./extensions/live-builds";
import { buildSettings } from "./projects/build-settings";
import { clearBuildScratch, registerProjectJobs } from "./projects/projects-jobs";
import { CrmEvents } from "./crm/crm-events";
import { followCrmEventsForWebhooks, registerWebhookJobs } from "./webhooks/webhooks-domain";
import { SearchIndex } from "./crm/search-index";
import { LocalGenerations, RedisGenerations } from "./crm/search-generations";
import { dataVersion } from "./store/sqlite-now";
import { WorkflowTriggers, followCrmEventsForWorkflows, registerWorkflowJobs } from "./workflows/workflow-runner";

export interface PlatformOptions {
  clock?: Clock;
}

/**
 * The composition root: opens the store (migrated), Redis when configured, and builds every long-lived part of a node
 * once, each domain's caches with it. Operator commands use it as built; the server also calls `start` once it
 * listens. Nothing is assigned onto the platform afterwards: what is known only later (the listening addresses) is
 * asked of `addresses` when needed.
 */
export async function createPlatform(config: ServerConfig, opts: PlatformOptions = {}): Promise<Platform> {
  const clock = opts.clock ?? systemClock;
  const log = pino({ level: config.logLevel });
  const store = openStore(config);
  let redis: Redis | undefined;
  // Before anything else is written there; startServer repeats it once bootstrap.json and tls/ exist.
  makeDataDirPrivate(config.dataDir);
  try {
    await checkDatabaseRole(store, config.databaseAllowSuperuser);
    const { logTablesRecreated } = await migrateToLatest(store);
    if (logTablesRecreated) {
      log.warn(
        "sprocket-logs.db was missing or empty (a restore of sprocket.db alone?): its tables were made again, empty; the logs from before are not in it",
      );
    }
    if (config.redisUrl) redis = await openRedis(config.redisUrl);
  } catch (e) {
    await store.close();
    throw e;
  }
  const key = loadOrCreateKey(config.dataDir, config.secretKey);
  const properties = new PropertyDefinitions(store.db, clock);
  const reportFailure = (error: unknown, what: string) => log.warn({ err: error }, `${what} failed`);
  // Nodes hear of each other's deploys and log events through Redis, signed with the shared key; a lone node keeps them in-process.
  const pubsub = redis
    ? new RedisPubSub(redis, config.redisPrefix, new MessageSigner(key), (e) => reportFailure(e, "Redis pub/sub"))
    : new InProcessPubSub();
  const bus = redis
    ? new RedisLogBus(
        pubsub,
        new FollowedFlag(redis, `${config.redisPrefix}:logs:followed`, (e) => reportFailure(e, "log follower check")),
        (e) => reportFailure(e, "log stream publish"),
      )
    : undefined;
  // Log rows are written on a thread of their own with a connection of its own, on either engine.
  const logWriter = store.file ? new SqliteLogWriter(store.file) : new PgLogWriter(config.databaseUrl!);
  const logs = new Logs(store.db, clock, config.logs, reportFailure, logWriter, bus);
  const builds = buildSettings(config);
  const addresses = new Addresses();
  // Functions call the HubSpot API host; their calls come back to this very node over loopback, the one local address
  // they may reach unless the operator allows private networks (runtime's child/network-guard.ts). Idle runners retire
  // after the operator's idle time and past the idle cap.
  const runners = new FunctionRunners(() =>
    addresses.api === undefined
      ? undefined
      : {
          hubspotApiBaseUrl: addresses.api,
          limits: config.functionLimits,
          allowPrivateNetwork: config.functionAllowPrivateNetwork,
          ...config.functionRunners,
        },
  );
  const stopFollowing: Array<() => void> = [];
  const box = new SecretBox(key);
  const tokens = new AppTokens(store.db, clock);
  let closing: Promise<void> | undefined;

  const platform: Platform = {
    config,
    store,
    box,
    clock,
    log,
    limits: new ApiLimits(redis, config.redisPrefix),
    logs,
    cluster: new ClusterEvents(pubsub),
    jobs: openJobQueue(store, clock, { leaseMs: builds.jobLeaseMs, pollMs: builds.jobPollMs, log: log.child({ domain: "jobs" }) }),
    addresses,
    authenticators: { ...userAuthenticators, app: authenticateApp },
    builds,
    accounts: { developerTokens: new DeveloperTokens(store.db, clock) },
    apps: { tokens, limitPlans: new LimitPlans(store.db, clock) },
    crm: {
      properties,
      graphqlSchemas: new GraphqlSchemas(store.db, properties),
      events: new CrmEvents((e) => reportFailure(e, "a CRM event listener")),
      types: new ObjectTypeRegistry(store.db, clock),
      search: new SearchIndex(
        store,
        redis ? new RedisGenerations(redis, config.redisPrefix) : new LocalGenerations(() => dataVersion(store.db)),
        config.searchIndex,
        (e) => reportFailure(e, "a search index build"),
      ),
    },
    workflows: { triggers: new WorkflowTriggers(store.db, clock) },
    functions: {
      runners,
      files: new FunctionFiles(store.db, config.dataDir),
      configs: new FunctionConfigs(store.db, clock, box, tokens, !redis),
    },
    liveBuilds: new LiveBuilds(),
    async start() {
      // What each domain does when an app's live build changes, on whichever node the deploy ran.
      stopFollowing.push(
        await platform.cluster.onDeploy(() => platform.apps.tokens.invalidate()),
        await followDeploysForRunners(platform),
        await platform.liveBuilds.follow(platform.cluster),
        await followCrmEventsForWebhooks(platform),
        followCrmEventsForWorkflows(platform),
      );
      await clearBuildScratch(platform);
      await platform.jobs.start();
      await pruneLogsAtStart(platform);
    },
    close() {
      closing ??= (async () => {
        for (const stop of stopFollowing) stop();
        // Unfinished jobs go back to the queue; then the runners, the log's pending writes, and what holds connections.
        await platform.jobs.stop();
        await runners.close();
        await logs.close();
        await pubsub.close();
        await platform.crm.search.close();
        await Promise.all([store.close(), redis?.quit()]);
      })();
      return closing;
    },
  };
  // Each domain registers its workers before the queue starts.
  registerProjectJobs(platform);
  registerLogRetention(platform);
  registerWebhookJobs(platform);
  registerWorkflowJobs(platform);
  return platform;
}
