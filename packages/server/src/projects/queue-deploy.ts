import type { Kysely } from "kysely";
import type { Database } from "../store/schema";
import { DomainError, notFound } from "../errors/domain-error";
import { planAppRemovals, type DeployedApp, type Removal } from "../apps/provision";
import type { ProjectsContext } from "./projects-context";
import { requireProject } from "./project-lookup";
import { DEPLOY_JOB } from "./run-deploy";
import type { Subtask } from "./subtasks";

export type QueueDeployResult = { queued: true; deployId: number } | { queued: false; removals: Removal[] };

/**
 * Queues a deploy of a successful build (any earlier one too: that is a rollback). When the deploy would remove
 * an app, card or function, it is not queued unless `allowRemovals`: the caller shows the removals and asks.
 */
export async function queueDeploy(
  ctx: ProjectsContext,
  who: { accountId: number; userId: number },
  input: { projectName: string; buildNumber: number; allowRemovals: boolean },
): Promise<QueueDeployResult> {
  const db = ctx.p.store.db;
  const project = await requireProject(db, who.accountId, input.projectName);
  const build = await db
    .selectFrom("builds")
    .select(["id", "status", "apps"])
    .where("project_id", "=", project.id)
    .where("build_number", "=", input.buildNumber)
    .executeTakeFirst();
  if (!build) throw notFound(`Project "${project.name}" has no build ${input.buildNumber}.`);
  if (build.status !== "SUCCESS" || build.apps === null) {
    throw new DomainError(
      "invalid",
      `Build ${input.buildNumber} of "${project.name}" is ${build.status}; only a successful build can be deployed.`,
      {
        subCategory: "DeployPipelineErrorType.BUILD_NOT_DEPLOYABLE",
      },
    );
  }
  const removals = await planAppRemovals(db, who.accountId, project.id, JSON.parse(build.apps) as DeployedApp[]);
  if (removals.length && !input.allowRemovals) return { queued: false, removals };
  const deployId = await db.transaction().execute((trx) =>
    recordDeploy(ctx, trx, {
      projectId: project.id,
      accountId: who.accountId,
      buildId: build.id,
      userId: who.userId,
      allowRemovals: true,
    }),
  );
  ctx.queue.wake();
  return { queued: true, deployId };
}

/** The v1 answer to a deploy that would remove components: HubSpot's warning error, which the CLI recognises. */
export function removalWarning(removals: Removal[]): DomainError {
  const names = removals.map(describeRemoval);
  return new DomainError(
    "invalid",
    `This deploy would remove ${names.join(", ")}. Deploy again with skipRemovalWarning (sprocket project deploy --force) to confirm.`,
    {
      subCategory: "DeployPipelineErrorType.WARNING_DEPLOY_CONTAINS_REMOVALS",
      context: { COMPONENT_NAME: names },
      errors: names.map((n) => ({ message: `${n} will be removed`, context: { COMPONENT_NAME: [n] } })),
    },
  );
}

export function describeRemoval(r: Removal): string {
  return r.kind === "app" ? `app "${r.name}" (${r.uid})` : `${r.kind} "${r.name}" of app ${r.uid}`;
}

/** Inserts a PENDING deploy and queues its job; call inside the transaction that decides on it. */
export async function recordDeploy(
  ctx: ProjectsContext,
  trx: Kysely<Database>,
  d: { projectId: number; accountId: number; buildId: number; userId: number | null; allowRemovals: boolean },
): Promise<number> {
  const build = await trx.selectFrom("builds").select("apps").where("id", "=", d.buildId).executeTakeFirstOrThrow();
  const planned = (JSON.parse(build.apps ?? "[]") as DeployedApp[]).map((a) => appSubdeploy(a.uid, "INSTALL"));
  const { id } = await trx
    .insertInto("deploys")
    .values({
      project_id: d.projectId,
      account_id: d.accountId,
      build_id: d.buildId,
      user_id: d.userId,
      status: "PENDING",
      allow_removals: d.allowRemovals ? 1 : 0,
      subdeploys: JSON.stringify(planned),
      error: null,
      created_at: ctx.p.clock.now(),
      started_at: null,
      finished_at: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await ctx.queue.enqueue(trx, DEPLOY_JOB, { deployId: id });
  return id;
}

export function appSubdeploy(uid: string, action: "INSTALL" | "REMOVE"): Subtask {
  return {
    id: `app:${uid}`,
    name: uid,
    type: "PRIVATE_APP",
    rootPath: "",
    status: "PENDING",
    action,
    startedAt: null,
    finishedAt: null,
    errorMessage: "",
    errors: [],
  };
}
