import type { ClusterEvents, DeployNotice, DevSessionNotice } from "../cluster/cluster-events";

/** An app of the account whose live build changed (null: the app was deleted or has no live build). */
export interface LiveBuildChange {
  appId: number;
  buildId: number | null;
  previousBuildId: number | null;
}

/** An app of the account whose cards or pages a dev session now serves differently (a save, or the session's start or end). */
export interface DevBundleChange {
  appId: number | null;
  sessionId: number;
}

export type LiveChange = { event: "build"; data: LiveBuildChange } | { event: "dev"; data: DevBundleChange };

type Listener = (change: LiveChange) => void;

/**
 * Tells open record pages when an app's live build changes, or a dev session serves it other bundles, so they re-mount
 * its cards. It hears the notices every node gets once a deploy (or an app's removal, or a dev session's push) has
 * committed, wherever it ran, and hands each to the listeners of its account.
 */
export class LiveBuilds {
  private readonly listeners = new Map<number, Set<Listener>>();

  /** Starts hearing the deployment's notices; resolves to the way to stop. */
  async follow(cluster: ClusterEvents): Promise<() => void> {
    const stops = [
      await cluster.onDeploy((notice) => this.tellDeploy(notice)),
      await cluster.onDevSession((notice) => this.tellDev(notice)),
    ];
    return () => stops.forEach((stop) => stop());
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

  private tellDeploy({ accountId, appId, buildId, previousBuildId }: DeployNotice): void {
    if (buildId === previousBuildId) return;
    this.tell(accountId, { event: "build", data: { appId, buildId, previousBuildId } });
  }

  private tellDev({ accountId, appId, sessionId }: DevSessionNotice): void {
    this.tell(accountId, { event: "dev", data: { appId, sessionId } });
  }

  private tell(accountId: number, change: LiveChange): void {
    for (const listener of this.listeners.get(accountId) ?? []) listener(change);
  }
}
