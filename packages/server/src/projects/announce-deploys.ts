import type { Kysely } from "kysely";
import type { Database } from "../store/schema";
import type { Platform } from "../platform";
import type { JobHandler } from "../jobs/job-queue";
import type { DeployNotice } from "../cluster/cluster-events";
import { noticesForInstalls } from "../apps/app-reach";

const projectApps = (db: Kysely<Database>, projectId: number) =>
  db.selectFrom("private_apps").select(["id", "account_id", "active_build_id"]).where("project_id", "=", projectId).execute();

/**
 * Wraps the deploy job: once a deploy has committed, every node hears which apps moved to which build, so it can
 * retire the old build's runners and warm the new one. A deploy job run again after a crash announces again; that is
 * harmless, as the notices are idempotent.
 */
export function announceDeploys(
  p: Platform,
  handler: JobHandler<{ deployId: number }>,
  log: { error(obj: object, msg: string): void },
): JobHandler<{ deployId: number }> {
  return {
    ...handler,
    async run(payload, ctx) {
      const db = p.store.db;
      const deploy = await db.selectFrom("deploys").select("project_id").where("id", "=", payload.deployId).executeTakeFirst();
      const before = deploy
        ? new Map((await projectApps(db, deploy.project_id)).map((a) => [a.id, a.active_build_id]))
        : new Map<number, number | null>();
      await handler.run(payload, ctx);
      const done = await db.selectFrom("deploys").select(["project_id", "status"]).where("id", "=", payload.deployId).executeTakeFirst();
      if (done?.status !== "SUCCESS") return;
      const notices: DeployNotice[] = await noticesForInstalls(
        db,
        (await projectApps(db, done.project_id))
          .filter((a) => a.active_build_id !== null || before.get(a.id) != null)
          .map((a) => ({ accountId: a.account_id, appId: a.id, buildId: a.active_build_id, previousBuildId: before.get(a.id) ?? null })),
      );
      // The deploy stands whether or not the notice gets out: nodes still read the active build per request.
      await Promise.all(notices.map((n) => p.cluster.announceDeploy(n))).catch((err: unknown) =>
        log.error({ err, deployId: payload.deployId }, "could not announce a deploy"),
      );
    },
  };
}
