import { posix } from "node:path";
import type { Kysely } from "kysely";
import { readZipEntries, zipEntries } from "@sprocket/builder";
import { isKnownPlatform } from "@sprocket/project-format";
import type { Database } from "../store/schema";
import { DomainError, invalid } from "../errors/domain-error";
import type { ProjectsContext } from "../projects/projects-context";
import { requireProject, type ProjectRow } from "../projects/project-lookup";
import { findStagedBuild, projectLocked } from "../projects/project-lock";
import { recordBuild } from "../projects/accept-upload";
import { planBuild } from "../projects/plan-build";
import { uploadRejection } from "../projects/upload-rejection";
import { BUILD_JOB } from "../projects/run-build";

/**
 * Staged builds, what `hs project watch` drives: provision a build that starts from the latest build's source, put
 * and delete single files in it, then queue it like an upload (or cancel it). While one is open the project is locked.
 */
type Who = { accountId: number; userId: number };

const notProvisioned = (name: string) =>
  new DomainError("invalid", `Project "${name}" has no staged build. Provision one first (POST …/builds/staged/provision).`, {
    subCategory: "BuildPipelineErrorType.MISSING_PROJECT_PROVISION",
  });

export function checkPlatformVersion(version: string | undefined): string {
  if (!version) throw invalid('Give the platform version as ?platformVersion= (hsproject.json "platformVersion").');
  if (!isKnownPlatform(version))
    throw invalid(`Unknown platform version ${JSON.stringify(version)}.`, [{ message: "Unknown platform version", in: "platformVersion" }]);
  return version;
}

/** A path inside the source folder, as the CLI sends it (relative to srcDir); nothing that could climb out. */
export function checkStagedPath(raw: string): string {
  const path = raw.replace(/\\/g, "/");
  const normal = posix.normalize(path);
  if (path === "" || normal !== path || path.startsWith("/") || normal === ".." || normal.startsWith("../") || path.endsWith("/")) {
    throw invalid(`Invalid file path ${JSON.stringify(raw)}: give a path relative to the project's source folder, without "..".`, [
      { message: "Invalid path", in: "path" },
    ]);
  }
  return path;
}

/** The open staged build of a project, with its files so far. */
const stagedBuild = (trx: Kysely<Database>, projectId: number) =>
  trx
    .selectFrom("builds")
    .select(["id", "build_number", "source_zip", "platform_version"])
    .where("project_id", "=", projectId)
    .where("status", "=", "STAGED")
    .executeTakeFirst();

/** Runs `change` on the project's staged build inside one transaction; the project row is written first, which locks it on PostgreSQL. */
async function withProjectLocked<T>(
  ctx: ProjectsContext,
  who: Who,
  name: string,
  change: (trx: Kysely<Database>, project: ProjectRow) => Promise<T>,
): Promise<T> {
  const project = await requireProject(ctx.p.store.db, who.accountId, name);
  return ctx.p.store.db.transaction().execute(async (trx) => {
    await trx.updateTable("projects").set({ updated_at: ctx.p.clock.now() }).where("id", "=", project.id).execute();
    return change(trx, project);
  });
}

export async function provisionStagedBuild(
  ctx: ProjectsContext,
  who: Who,
  name: string,
  platformVersion: string,
): Promise<{ buildId: number }> {
  return withProjectLocked(ctx, who, name, async (trx, project) => {
    if (await findStagedBuild(trx, project.id)) throw projectLocked(project.name);
    const latest = await trx
      .selectFrom("builds")
      .select("source_zip")
      .where("project_id", "=", project.id)
      .where("source_zip", "is not", null)
      .orderBy("build_number", "desc")
      .limit(1)
      .executeTakeFirst();
    const { buildNumber } = await recordBuild(ctx, trx, project, {
      platformVersion,
      uploadMessage: "",
      source: { type: "HUBSPOT_USER", userId: who.userId },
      skipAutoDeploy: false,
      sourceZip: latest?.source_zip ? Buffer.from(latest.source_zip) : await zipEntries([]),
      subtasks: [],
      staged: true,
    });
    return { buildId: buildNumber };
  });
}

/** Writes one file into the staged build (`content`), or removes a file or a whole folder (`undefined`). */
export async function changeStagedFile(
  ctx: ProjectsContext,
  who: Who,
  name: string,
  rawPath: string,
  content: Buffer | undefined,
): Promise<void> {
  const path = checkStagedPath(rawPath);
  await withProjectLocked(ctx, who, name, async (trx, project) => {
    const staged = await stagedBuild(trx, project.id);
    if (!staged?.source_zip) throw notProvisioned(project.name);
    const entries = await readZipEntries(Buffer.from(staged.source_zip));
    if (content) entries.set(path, content);
    else for (const key of [...entries.keys()]) if (key === path || key.startsWith(`${path}/`)) entries.delete(key);
    await trx
      .updateTable("builds")
      .set({ source_zip: await zipEntries(entries) })
      .where("id", "=", staged.id)
      .execute();
  });
}

/** Turns the staged build into an ordinary one: its files are checked and planned like an upload's, and its job queued. */
export async function queueStagedBuild(
  ctx: ProjectsContext,
  who: Who,
  name: string,
  platformVersion: string | undefined,
): Promise<{ buildId: number }> {
  const result = await withProjectLocked(ctx, who, name, async (trx, project) => {
    const staged = await stagedBuild(trx, project.id);
    if (!staged?.source_zip) throw notProvisioned(project.name);
    const version = platformVersion ?? staged.platform_version ?? "";
    const entries = await readZipEntries(Buffer.from(staged.source_zip)).catch((e: unknown) => {
      throw uploadRejection(e);
    });
    const plan = planBuild(entries, { platformVersion: version, projectName: project.name });
    await trx
      .updateTable("builds")
      .set({ status: "PENDING", platform_version: version, subbuilds: JSON.stringify(plan.subtasks), created_at: ctx.p.clock.now() })
      .where("id", "=", staged.id)
      .execute();
    await ctx.queue.enqueue(trx, BUILD_JOB, { buildId: staged.id });
    return { buildId: staged.build_number };
  });
  ctx.queue.wake();
  return result;
}

/** Drops the staged build; its number is handed out again when no later build took one. */
export async function cancelStagedBuild(ctx: ProjectsContext, who: Who, name: string): Promise<void> {
  await withProjectLocked(ctx, who, name, async (trx, project) => {
    const staged = await findStagedBuild(trx, project.id);
    if (!staged) {
      throw new DomainError("invalid", `Project "${project.name}" has no staged build to cancel.`, {
        subCategory: "BuildPipelineErrorType.BUILD_NOT_IN_PROGRESS",
      });
    }
    await trx.deleteFrom("builds").where("id", "=", staged.id).execute();
    await trx
      .updateTable("projects")
      .set((eb) => ({ last_build_number: eb("last_build_number", "-", 1) }))
      .where("id", "=", project.id)
      .where("last_build_number", "=", staged.build_number)
      .execute();
  });
}
