import type { Kysely } from "kysely";
import type { Database } from "../store/schema";

/** An app of the account whose live build changed (null: the app was deleted or has no live build). */
export interface LiveBuildChange {
  appId: number;
  buildId: number | null;
  previousBuildId: number | null;
}

type Listener = (change: LiveBuildChange) => void;

interface WatchedAccount {
  builds: Map<number, number | null>;
  listeners: Set<Listener>;
}

/**
 * Tells open record pages when an app's live build changes, so they re-mount its cards. It reads
 * `private_apps.active_build_id` for the watched accounts in one small query per tick, and only while some page
 * listens: that sees deploys made by any node of a scale-out deployment, with nothing to wire into the deployer.
 */
export class LiveBuildWatch {
  private readonly accounts = new Map<number, WatchedAccount>();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Starts telling `listener` about the account's changes; the returned function stops it. */
  async subscribe(accountId: number, listener: Listener): Promise<() => void> {
    let watched = this.accounts.get(accountId);
    if (!watched) {
      watched = { builds: await this.liveBuilds(accountId), listeners: new Set() };
      // Another subscriber of the same account may have arrived while we read.
      watched = this.accounts.get(accountId) ?? watched;
      this.accounts.set(accountId, watched);
    }
    watched.listeners.add(listener);
    this.timer ??= setInterval(() => void this.poll(), this.intervalMs).unref();
    return () => {
      watched.listeners.delete(listener);
      if (watched.listeners.size === 0 && this.accounts.get(accountId) === watched) this.accounts.delete(accountId);
      if (this.accounts.size === 0) this.stop();
    };
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async liveBuilds(accountId: number): Promise<Map<number, number | null>> {
    const rows = await this.db.selectFrom("private_apps").select(["id", "active_build_id", "deleted_at"]).where("account_id", "=", accountId).execute();
    return new Map(rows.map((r) => [r.id, r.deleted_at === null ? r.active_build_id : null]));
  }

  private async poll(): Promise<void> {
    if (this.polling || this.accounts.size === 0) return;
    this.polling = true;
    try {
      const rows = await this.db
        .selectFrom("private_apps")
        .select(["id", "account_id", "active_build_id", "deleted_at"])
        .where("account_id", "in", [...this.accounts.keys()])
        .execute();
      for (const row of rows) {
        const watched = this.accounts.get(row.account_id);
        if (!watched) continue;
        const buildId = row.deleted_at === null ? row.active_build_id : null;
        const previousBuildId = watched.builds.get(row.id) ?? null;
        const known = watched.builds.has(row.id);
        watched.builds.set(row.id, buildId);
        if (previousBuildId === buildId && (known || buildId === null)) continue;
        for (const listener of watched.listeners) listener({ appId: row.id, buildId, previousBuildId });
      }
    } catch (error) {
      this.onError(error);
    } finally {
      this.polling = false;
    }
  }
}
