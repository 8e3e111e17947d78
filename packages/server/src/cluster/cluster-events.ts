import type { PubSub } from "./pub-sub";

/** An app moved to another build (or was removed, `buildId` null) by a deploy that has committed. */
export interface DeployNotice {
  accountId: number;
  appId: number;
  buildId: number | null;
  previousBuildId: number | null;
}

const DEPLOYS = "deploys";

/** What nodes tell each other: over Redis with several nodes, in-process on one. */
export class ClusterEvents {
  constructor(private readonly pubsub: PubSub) {}

  announceDeploy(notice: DeployNotice): Promise<void> {
    return this.pubsub.publish(DEPLOYS, notice);
  }

  onDeploy(listener: (notice: DeployNotice) => void): Promise<() => void> {
    return this.pubsub.subscribe(DEPLOYS, (message) => listener(message as DeployNotice));
  }
}
