import type { ClusterEvents, DeployNotice } from "../cluster/cluster-events";

/** An app of the account whose live build changed (null: the app was deleted or has no live build). */
export interface LiveBuildChange {
  appId: number;
  buildId: number | null;
  previousBuildId: number | null;
}

type Listener = (change: LiveBuildChange) => void;

/**
 * Tells open record pages when an app's live build changes, so they re-mount its cards. It hears the notices every
 * node gets once a deploy (or an app's removal) has committed, wherever it ran, and hands each to the listeners of
 * its account.
 */
export class LiveBuilds {
  private readonly listeners = new Map<number, Set<Listener>>();

  /** Starts hearing the deployment's notices; resolves to the way to stop. */
  follow(cluster: ClusterEvents): Promise<() => void> {
    return cluster.onDeploy((notice) => this.tell(notice));
  }

  /** Starts telling `listener` about the account's changes; the returned function stops it. */
  subscribe(accountId: number, listener: Listener): () => void {
    let listeners = this.listeners.get(accountId);
    if (!listeners) this.listeners.set(accountId, (listeners = new Set()));
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && this.listeners.get(accountId) === listeners) this.listeners.delete(accountId);
    };
  }

  private tell({ accountId, appId, buildId, previousBuildId }: DeployNotice): void {
    if (buildId === previousBuildId) return;
    for (const listener of this.listeners.get(accountId) ?? []) listener({ appId, buildId, previousBuildId });
  }
}
