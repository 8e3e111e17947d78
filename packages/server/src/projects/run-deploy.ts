import type { JobHandler } from "../jobs/job-queue";
import { DomainError } from "../errors/domain-error";
import { planAppRemovals, provisionApps, type DeployedApp } from "../apps/provision";
import type { ProjectsContext } from "./projects-context";
import { crashTestPause } from "./crash-test-pause";
import { missingSecrets } from "../functions/missing-secrets";
import { appSubdeploy, describeRemoval } from "./queue-deploy";
import type { Subtask } from "./subtasks";

export const DEPLOY_JOB = "projects.deploy";

export function deployJobHandler(ctx: ProjectsContext): JobHandler<{ deployId: number }> {
  return {
    run: ({ deployId }) => runDeploy(ctx, deployId),
    abandon: ({ deployId }, reason) => failDeploy(ctx, deployId, `The deploy could not finish: ${reason}. Nothing was changed.`, []),
  };
}

/**
 * The deploy job. Provisioning the apps, registering the build's cards and functions and switching the active build
 * happen in one transaction, so a deploy that fails (or a server that dies half-way) changes nothing.
 */
export async function runDeploy(ctx: ProjectsContext, deployId: number): Promise<void> {
  const db = ctx.p.store.db;
  const now = () => ctx.p.clock.now();
  const deploy = await db
    .selectFrom("deploys")
    .innerJoin("builds", "builds.id", "deploys.build_id")
    .select([
      "deploys.status",
      "deploys.account_id",
      "deploys.project_id",
      "deploys.build_id",
      "deploys.allow_removals",
      "deploys.subdeploys",
      "deploys.started_at",
      "builds.apps",
    ])
    .where("deploys.id", "=", deployId)
    .executeTakeFirst();
  if (!deploy || deploy.status === "SUCCESS" || deploy.status === "FAILURE") return;
  const startedAt = deploy.started_at ?? now();
  const planned = (JSON.parse(deploy.subdeploys) as Subtask[]).map((s) => ({ ...s, status: "DEPLOYING" as const, startedAt }));
  await db
    .updateTable("deploys")
    .set({ status: "DEPLOYING", started_at: startedAt, subdeploys: JSON.stringify(planned) })
    .where("id", "=", deployId)
    .execute();

  const apps = JSON.parse(deploy.apps ?? "[]") as DeployedApp[];
  if (deploy.allow_removals === 0) {
    const removals = await planAppRemovals(db, deploy.account_id, deploy.project_id, apps);
    if (removals.length) {
      const names = removals.map(describeRemoval).join(", ");
      return failDeploy(
        ctx,
        deployId,
        `Not deployed automatically: this build would remove ${names}. Deploy it explicitly to confirm (sprocket project deploy --build N --force).`,
        planned,
        "DeployPipelineErrorType.WARNING_DEPLOY_CONTAINS_REMOVALS",
      );
    }
  }
  try {
    const provisioned = await db.transaction().execute(async (trx) => {
      const result = await provisionApps(trx, ctx.p, {
        accountId: deploy.account_id,
        projectId: deploy.project_id,
        buildId: deploy.build_id,
        apps,
      });
      await crashTestPause(ctx.p.config.testHooks, "deploy", ctx.log);
      const finishedAt = now();
      const secretWarnings = await missingSecrets(trx, deploy.account_id, apps);
      const done = [
        ...planned.map((s) => ({
          ...s,
          status: "SUCCESS" as const,
          finishedAt,
          ...withWarnings(s, s.parent ? undefined : secretWarnings.get(s.name)),
        })),
        ...result.removed.map((uid) => ({ ...appSubdeploy(uid, "REMOVE"), status: "SUCCESS" as const, startedAt, finishedAt })),
      ];
      await trx
        .updateTable("projects")
        .set({ deployed_build_id: deploy.build_id, updated_at: finishedAt })
        .where("id", "=", deploy.project_id)
        .execute();
      await trx
        .updateTable("deploys")
        .set({ status: "SUCCESS", finished_at: finishedAt, subdeploys: JSON.stringify(done) })
        .where("id", "=", deployId)
        .execute();
      return result;
    });
    // Tokens minted, apps removed and app objects made (here and in the apps' installs) are what they are now; every
    // node also drops its token cache on the deploy notice (and its object types within a second).
    ctx.p.apps.tokens.invalidate();
    ctx.p.crm.types.invalidate(deploy.account_id);
    for (const { accountId, typeId } of provisioned.appObjectTypes) {
      ctx.p.crm.types.invalidate(accountId);
      ctx.p.crm.properties.invalidate(accountId, typeId);
    }
  } catch (e) {
    // A domain's refusal (an app uid taken, the app limit reached) fails the deploy for good; anything else (the
    // store gone, a crash) and a service that is merely unavailable leave it to the job queue's retry.
    if (!(e instanceof DomainError) || e.kind === "unavailable") throw e;
    await failDeploy(ctx, deployId, e.message, planned, e.details.subCategory);
  }
}

function withWarnings(s: Subtask, extra: string[] | undefined): Pick<Subtask, "warnings"> {
  return extra ? { warnings: [...(s.warnings ?? []), ...extra] } : {};
}

async function failDeploy(ctx: ProjectsContext, deployId: number, reason: string, planned: Subtask[], subCategory?: string): Promise<void> {
  const finishedAt = ctx.p.clock.now();
  const failed = (planned.length ? planned : [appSubdeploy("project", "INSTALL")]).map((s) => ({
    ...s,
    status: "FAILURE" as const,
    finishedAt,
    errorMessage: reason,
    errors: [{ message: reason }],
    ...(subCategory ? { subCategory } : {}),
  }));
  await ctx.p.store.db
    .updateTable("deploys")
    .set({ status: "FAILURE", finished_at: finishedAt, error: reason, subdeploys: JSON.stringify(failed) })
    .where("id", "=", deployId)
    .where("status", "not in", ["SUCCESS", "FAILURE"])
    .execute();
}
