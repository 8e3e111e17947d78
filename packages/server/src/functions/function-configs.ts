import type { Kysely } from "kysely";
import type { Database } from "../store/schema";
import type { Clock } from "../platform";
import type { SecretBox } from "../crypto/secret-box";
import type { AppTokens } from "../apps/app-tokens";
import { liveAppToken } from "../apps/app-tokens";
import type { DeployedFunction } from "../apps/provision";
import { REFRESH_AFTER_MS, TOKEN_CACHE_MS } from "../util/token-cache";
import { endpointPath } from "./endpoint-url";
import { findAppFunction, type DeployedAppFunction } from "./app-function";

/** A live endpoint function of an account, with its path and methods as requests are matched against them. */
interface Endpoint {
  target: DeployedAppFunction;
  path: string;
  /** Upper case; empty for every method. */
  methods: readonly string[];
}

interface Cached<T> {
  at: number;
  value: Promise<T>;
  /** A read started ahead of the expiry (REFRESH_AFTER_MS), which replaces this entry when it answers. */
  refreshing?: boolean;
}

/**
 * How long an answer is reused when no change is heard of: the bound on staleness if a deploy notice is lost (they
 * are at most once), as the token cache's second bounds a revocation on another node.
 */
const CACHE_MS = TOKEN_CACHE_MS;
const MAX_CACHED = 10_000;

/**
 * What a function call read from the database before its runner, kept per node (issue #24): an account's live
 * endpoint functions (its apps' builds and function configs), an app's live token for the function's environment, and
 * on a node alone a card function's app and build. On PostgreSQL these were round trips per call. Every answer is
 * dropped whenever the node's token cache is (`AppTokens.invalidate`): after a deploy, an app's removal, an install
 * change or a token change has committed on this node, and on every node at the deploy notice. A node that misses a
 * notice serves the old build for at most CACHE_MS. Loads in flight are shared, so an expiry under load costs one
 * read, not one per waiting request, and a hit past REFRESH_AFTER_MS reads again in the background (util/token-cache.ts).
 */
export class FunctionConfigs {
  private readonly endpoints = new Map<number, Cached<Endpoint[]>>();
  private readonly tokens = new Map<number, Cached<string | undefined>>();
  private readonly appFunctions = new Map<string, Cached<DeployedAppFunction>>();

  /** `alone`: no other node shares this node's database (no Redis), so every change to an app is made here. */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly box: SecretBox,
    appTokens: AppTokens,
    private readonly alone: boolean,
  ) {
    appTokens.onInvalidate(() => this.invalidate());
  }

  invalidate(): void {
    this.endpoints.clear();
    this.tokens.clear();
    this.appFunctions.clear();
  }

  /**
   * A card function call's target (findAppFunction). Kept only on a node alone: there the change that makes a deploy
   * read SUCCESS, or removes an app or an install, commits in this process and clears the cache before any client
   * can see it (a process beside the node on the same data, such as an operator command, is seen within CACHE_MS).
   * In a cluster another node's deploy must be served the moment it reads SUCCESS (test/e2e/cluster.test.ts), and a
   * notice comes after that, so every call reads. Read per call, this was the statement that queued a function call
   * for a pool connection behind the write transactions in the 200-client mix on PostgreSQL (docs/decisions.md).
   */
  appFunction(accountId: number, appId: number, name: string): Promise<DeployedAppFunction> {
    const load = () => findAppFunction(this.db, accountId, appId, name);
    return this.alone ? this.cached(this.appFunctions, `${accountId}/${appId}/${name}`, load) : load();
  }

  /** The live endpoint functions of `accountId`'s apps that serve `method` on `path` (more than one is a conflict). */
  async findEndpoint(accountId: number, path: string, method: string): Promise<DeployedAppFunction[]> {
    const wanted = endpointPath(path);
    const all = await this.cached(this.endpoints, accountId, () => loadEndpoints(this.db, accountId));
    return all.filter((e) => e.path === wanted && (e.methods.length === 0 || e.methods.includes(method))).map((e) => e.target);
  }

  /** The private app's live token, as a function's environment gets it. */
  appToken(appId: number): Promise<string | undefined> {
    return this.cached(this.tokens, appId, () => liveAppToken(this.db, this.box, appId, this.clock.now()));
  }

  private cached<K, T>(map: Map<K, Cached<T>>, key: K, load: () => Promise<T>): Promise<T> {
    const now = this.clock.now();
    const hit = map.get(key);
    if (hit && now - hit.at <= CACHE_MS && now >= hit.at) {
      if (now - hit.at > REFRESH_AFTER_MS && !hit.refreshing) {
        hit.refreshing = true;
        const next: Cached<T> = { at: now, value: load() };
        // Not after an invalidation (the map no longer holds `hit`): that read may have started before the change.
        next.value.then(
          () => map.get(key) === hit && map.set(key, next),
          () => undefined,
        );
      }
      return hit.value;
    }
    if (map.size >= MAX_CACHED) map.clear();
    const entry: Cached<T> = { at: now, value: load() };
    map.set(key, entry);
    // A failed read is not an answer: the next call reads again.
    entry.value.catch(() => map.get(key) === entry && map.delete(key));
    return entry.value;
  }
}

/** Every endpoint function of the account's live apps, each with its app's bundles (they share one runner folder). */
async function loadEndpoints(db: Kysely<Database>, accountId: number): Promise<Endpoint[]> {
  const rows = await db
    .selectFrom("app_components")
    .innerJoin("private_apps", "private_apps.id", "app_components.app_id")
    .select(["private_apps.id as app_id", "private_apps.active_build_id", "app_components.config"])
    .where("app_components.kind", "=", "function")
    .where("private_apps.deleted_at", "is", null)
    .where("private_apps.account_id", "=", accountId)
    .where("private_apps.active_build_id", "is not", null)
    .execute();
  const byApp = new Map<number, { buildId: number; fns: DeployedFunction[] }>();
  for (const row of rows) {
    const app = byApp.get(row.app_id) ?? { buildId: row.active_build_id!, fns: [] };
    app.fns.push(JSON.parse(row.config) as DeployedFunction);
    byApp.set(row.app_id, app);
  }
  const endpoints: Endpoint[] = [];
  for (const [appId, { buildId, fns }] of byApp) {
    const bundles = fns.map((f) => f.bundle);
    for (const fn of fns) {
      if (!fn.endpoint) continue;
      endpoints.push({
        // Public endpoints belong to the account that deployed the app (HubSpot's OAuth apps have none).
        target: { appId, accountId, install: null, buildId, fn, bundles },
        path: endpointPath(fn.endpoint.path),
        methods: fn.endpoint.methods.map((m) => m.toUpperCase()),
      });
    }
  }
  return endpoints;
}
