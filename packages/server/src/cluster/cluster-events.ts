import type { PubSub } from "./pub-sub";

/** An app moved to another build (or was removed, `buildId` null) by a deploy that has committed. */
export interface DeployNotice {
  accountId: number;
  appId: number;
  buildId: number | null;
  previousBuildId: number | null;
}

/**
 * A dev session changed what an account's pages should load for one of its apps: a bundle was pushed, or the session
 * opened or ended (the app's cards and pages go back to its live build).
 */
export interface DevSessionNotice {
  accountId: number;
  /** Null for an `hs project dev` session starting or ending: its local dev server decides which apps it serves. */
  appId: number | null;
  sessionId: number;
}

const DEPLOYS = "deploys";
const DEV_SESSIONS = "dev-sessions";

/** What nodes tell each other: over Redis with several nodes, in-process on one. */
export class ClusterEvents {
  constructor(private readonly pubsub: PubSub) {}

  announceDeploy(notice: DeployNotice): Promise<void> {
    return this.pubsub.publish(DEPLOYS, notice);
  }

  onDeploy(listener: (notice: DeployNotice) => void): Promise<() => void> {
    return this.pubsub.subscribe(DEPLOYS, (message) => listener(message as DeployNotice));
  }

  announceDevSession(notice: DevSessionNotice): Promise<void> {
    return this.pubsub.publish(DEV_SESSIONS, notice);
  }

  onDevSession(listener: (notice: DevSessionNotice) => void): Promise<() => void> {
    return this.pubsub.subscribe(DEV_SESSIONS, (message) => listener(message as DevSessionNotice));
  }
}
