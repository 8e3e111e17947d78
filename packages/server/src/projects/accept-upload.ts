import { readZipEntries } from "@sprocket/builder";
import { DEFAULT_PLATFORM_VERSION } from "@sprocket/project-format";
import type { Kysely } from "kysely";
import type { Database } from "../store/schema";
import type { ProjectsContext } from "./projects-context";
import { requireProject, type ProjectRow } from "./project-lookup";
import { planBuild } from "./plan-build";
import { uploadRejection } from "./upload-rejection";
import type { Subtask } from "./subtasks";
import { BUILD_JOB } from "./run-build";
import { findStagedBuild, projectLocked } from "./project-lock";

export interface UploadInput {
  projectName: string;
  zip: Buffer;
  platformVersion: string;
  uploadMessage: string;
  skipAutoDeploy: boolean;
}

/**
 * Checks an uploaded archive (caps, paths, symlinks, duplicates) before anything is stored, then records
 * the build and queues it in one transaction. Returns the build's number in its project.
 */
export async function acceptUpload(ctx: ProjectsContext, who: { accountId: number; userId: number }, input: UploadInput) {
  const project = await requireProject(ctx.p.store.db, who.accountId, input.projectName);
  const entries = await readZipEntries(input.zip).catch((e: unknown) => {
    throw uploadRejection(e);
  });
  const plan = planBuild(entries, { platformVersion: input.platformVersion, projectName: project.name });
  const build = await ctx.p.store.db.transaction().execute(async (trx) => {
    if (await findStagedBuild(trx, project.id)) throw projectLocked(project.name);
    return recordBuild(ctx, trx, project, {
      platformVersion: plan.model?.platformVersion ?? (input.platformVersion || DEFAULT_PLATFORM_VERSION),
      uploadMessage: input.uploadMessage,
      source: { type: "HUBSPOT_USER", userId: who.userId },
      skipAutoDeploy: input.skipAutoDeploy,
      sourceZip: input.zip,
      subtasks: plan.subtasks,
    });
  });
  ctx.queue.wake();
  return { project, ...build };
}

/**
 * Inserts a PENDING build with the next number of its project and queues its job; call inside a transaction.
 * A STAGED build gets its number but no job: queueing it comes later.
 */
export async function recordBuild(
  ctx: ProjectsContext,
  trx: Kysely<Database>,
  project: ProjectRow,
  b: {
    platformVersion: string | null;
    uploadMessage: string;
    source: Record<string, unknown>;
    skipAutoDeploy: boolean;
    sourceZip: Buffer | null;
    subtasks: Subtask[];
    staged?: boolean;
  },
): Promise<{ id: number; buildNumber: number }> {
  const now = ctx.p.clock.now();
  const { last_build_number: buildNumber, auto_deploy: autoDeploy } = await trx
    .updateTable("projects")
    .set((eb) => ({ last_build_number: eb("last_build_number", "+", 1), updated_at: now }))
    .where("id", "=", project.id)
    .returning(["last_build_number", "auto_deploy"])
    .executeTakeFirstOrThrow();
  const { id } = await trx
    .insertInto("builds")
    .values({
      project_id: project.id,
      account_id: project.account_id,
      build_number: buildNumber,
      status: b.staged ? "STAGED" : "PENDING",
      platform_version: b.platformVersion,
      upload_message: b.uploadMessage,
      source: JSON.stringify(b.source),
      auto_deploy: autoDeploy === 1 && !b.skipAutoDeploy ? 1 : 0,
      auto_deploy_enabled: autoDeploy,
      auto_deploy_id: null,
      subbuilds: JSON.stringify(b.subtasks),
      apps: null,
      source_zip: b.sourceZip,
      artifact: null,
      error: null,
      created_at: now,
      started_at: null,
      finished_at: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  if (!b.staged) await ctx.queue.enqueue(trx, BUILD_JOB, { buildId: id });
  return { id, buildNumber };
}
