import { chmod, chown, mkdir, mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { BuildError, checkBuildOutputSize, readZipEntries, unpackZip } from "@sprocket/builder";
import type { JobHandler } from "../jobs/job-queue";
import type { ProjectsContext } from "./projects-context";
import { planBuild, diagnosticError } from "./plan-build";
import { buildComponents } from "./build-components";
import { withoutBuildPaths } from "./build-messages";
import { packArtifact } from "./build-artifact";
import { crashTestPause } from "./crash-test-pause";
import { fetchGitSource } from "./git-source";
import { recordDeploy } from "./queue-deploy";
import type { Subtask } from "./subtasks";

export const BUILD_JOB = "projects.build";

export function buildJobHandler(ctx: ProjectsContext): JobHandler<{ buildId: number }> {
  return {
    run: ({ buildId }, job) => runBuild(ctx, buildId, job.signal),
    abandon: ({ buildId }, reason) => failBuild(ctx, buildId, `The build could not finish: ${reason}. Upload the project again.`),
  };
}

/**
 * The build job: fetch (git builds), unpack, validate, install and bundle each component, store the artifact, and
 * queue the auto-deploy in the same transaction that marks the build SUCCESS. Running it again after a crash starts
 * over from the stored source, so a build interrupted anywhere resumes cleanly.
 */
export async function runBuild(ctx: ProjectsContext, buildId: number, signal: AbortSignal): Promise<void> {
  const db = ctx.p.store.db;
  const now = () => ctx.p.clock.now();
  const found = await db
    .selectFrom("builds")
    .innerJoin("projects", "projects.id", "builds.project_id")
    .select([
      "builds.status",
      "builds.source_zip",
      "builds.platform_version",
      "builds.source",
      "builds.build_number",
      "builds.started_at",
      "projects.name",
      "projects.id as project_id",
    ])
    .where("builds.id", "=", buildId)
    .executeTakeFirst();
  if (!found || found.status === "SUCCESS" || found.status === "FAILURE") return;

  await mkdir(ctx.settings.workDir, { recursive: true, mode: 0o711 });
  const work = await mkdtemp(join(ctx.settings.workDir, `build-${buildId}-`));
  // The build identity passes through to the sources (world-readable, as unpacked) and writes only the output folder.
  if (ctx.settings.runAs) await chmod(work, 0o711);
  // The outcome is recorded only once the scratch folder is gone, so a finished build never leaves files behind.
  let outcome: Outcome | undefined;
  try {
    outcome = await buildIn(work, found);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  if (outcome) {
    const folders = {
      srcDir: join(work, "src"),
      work,
      workDir: ctx.settings.workDir,
      depsCacheDir: ctx.settings.depsCacheDir,
      dataDir: ctx.p.config.dataDir,
    };
    await finishBuild(ctx, buildId, { ...outcome, ...withoutBuildPaths(outcome.subtasks, outcome.warnings, outcome.error, folders) });
  }

  async function buildIn(work: string, build: NonNullable<typeof found>): Promise<Outcome | undefined> {
    await db
      .updateTable("builds")
      .set({ status: "BUILDING", started_at: build.started_at ?? now() })
      .where("id", "=", buildId)
      .execute();
    let sourceZip: Buffer;
    let platformVersion = build.platform_version;
    if (build.source_zip !== null) sourceZip = Buffer.from(build.source_zip);
    else {
      const source = JSON.parse(build.source) as { commitHash: string };
      const fetched = await fetchGitSource(ctx, build.project_id, source.commitHash).catch((e: Error) => e);
      if (fetched instanceof Error) return failureOf(ctx, buildId, fetched.message);
      sourceZip = fetched.sourceZip;
      platformVersion = fetched.platformVersion;
      await db.updateTable("builds").set({ source_zip: sourceZip, platform_version: platformVersion }).where("id", "=", buildId).execute();
    }
    signal.throwIfAborted();

    const plan = planBuild(await readZipEntries(sourceZip), { platformVersion: platformVersion ?? "", projectName: build.name });
    let subtasks = plan.subtasks;
    const warnings = plan.diagnostics.filter((d) => d.severity === "warning").map((d) => diagnosticError(d).message);
    if (!plan.model) {
      const errors = plan.diagnostics.filter((d) => d.severity === "error").map(diagnosticError);
      subtasks = subtasks.map((s) => ({
        ...s,
        status: "FAILURE",
        startedAt: now(),
        finishedAt: now(),
        errorMessage: "Project validation failed",
        subCategory: "BuildPipelineErrorType.PROJECT_VALIDATION_FAILED",
        errors,
      }));
      return { status: "FAILURE", subtasks, warnings, error: "Project validation failed" };
    }
    await db
      .updateTable("builds")
      .set({ subbuilds: JSON.stringify(subtasks) })
      .where("id", "=", buildId)
      .execute();

    const srcDir = join(work, "src");
    const outDir = join(work, "out");
    await mkdir(outDir, { mode: 0o700 });
    if (ctx.settings.runAs) await chown(outDir, ctx.settings.runAs.uid, ctx.settings.runAs.gid);
    await unpackZip(sourceZip, srcDir);
    // unpackZip stages in a 0700 mkdtemp folder; the build identity reads the sources (their files are 0644).
    if (ctx.settings.runAs) await chmod(srcDir, 0o755);
    await crashTestPause(ctx.p.config.testHooks, "build", ctx.log);

    // Sub-builds finish concurrently; their updates are written one after another from this one list.
    let saving = Promise.resolve();
    const update = (id: string, change: Partial<Subtask>) => {
      subtasks = subtasks.map((s) => (s.id === id ? { ...s, ...change } : s));
      const snapshot = JSON.stringify(subtasks);
      saving = saving.then(() =>
        db
          .updateTable("builds")
          .set({ subbuilds: snapshot })
          .where("id", "=", buildId)
          .execute()
          .then(() => undefined),
      );
      return saving;
    };
    const apps = await buildComponents(
      plan.model,
      { srcDir, outDir, depsCacheDir: ctx.settings.depsCacheDir, runAs: ctx.settings.runAs },
      update,
      now,
      signal,
    );
    await saving;
    if (!apps) return { status: "FAILURE", subtasks, warnings, error: null };
    const tooLarge = await checkBuildOutputSize(outDir).then(
      () => undefined,
      (e: unknown) => (e instanceof BuildError ? e : Promise.reject(e)),
    );
    if (tooLarge) return { status: "FAILURE", subtasks, warnings, error: tooLarge.message };
    const artifact = await packArtifact(outDir, {
      format: 1,
      projectName: build.name,
      buildNumber: build.build_number,
      platformVersion: plan.model.platformVersion,
      apps,
    });
    return { status: "SUCCESS", subtasks, warnings, error: null, apps: JSON.stringify(apps), artifact };
  }
}

interface Outcome {
  status: "SUCCESS" | "FAILURE";
  subtasks: Subtask[];
  warnings: string[];
  error: string | null;
  apps?: string;
  artifact?: Buffer;
}

async function finishBuild(ctx: ProjectsContext, buildId: number, r: Outcome): Promise<void> {
  // The project's warnings go with the first sub-build, beside any of its own (an install's).
  const subtasks = r.subtasks.map((s, i) =>
    i === 0 && r.warnings.length ? { ...s, warnings: [...r.warnings, ...(s.warnings ?? [])] } : s,
  );
  await ctx.p.store.db.transaction().execute(async (trx) => {
    await trx
      .updateTable("builds")
      .set({
        status: r.status,
        subbuilds: JSON.stringify(subtasks),
        error: r.error,
        finished_at: ctx.p.clock.now(),
        ...(r.apps ? { apps: r.apps } : {}),
        ...(r.artifact ? { artifact: r.artifact } : {}),
      })
      .where("id", "=", buildId)
      .execute();
    const build = await trx
      .selectFrom("builds")
      .select(["project_id", "account_id", "auto_deploy"])
      .where("id", "=", buildId)
      .executeTakeFirstOrThrow();
    if (r.status === "SUCCESS" && build.auto_deploy === 1) {
      const deployId = await recordDeploy(ctx, trx, {
        projectId: build.project_id,
        accountId: build.account_id,
        buildId,
        userId: null,
        allowRemovals: false,
      });
      await trx.updateTable("builds").set({ auto_deploy_id: deployId }).where("id", "=", buildId).execute();
    }
  });
  ctx.queue.wake();
}

/** Ends a build as FAILURE with one reason, e.g. after its job was given up on. */
export async function failBuild(ctx: ProjectsContext, buildId: number, reason: string): Promise<void> {
  const outcome = await failureOf(ctx, buildId, reason);
  if (outcome) await finishBuild(ctx, buildId, outcome);
}

async function failureOf(ctx: ProjectsContext, buildId: number, reason: string): Promise<Outcome | undefined> {
  const row = await ctx.p.store.db.selectFrom("builds").select(["subbuilds", "status"]).where("id", "=", buildId).executeTakeFirst();
  if (!row || row.status === "SUCCESS" || row.status === "FAILURE") return undefined;
  const now = ctx.p.clock.now();
  const subtasks = (JSON.parse(row.subbuilds) as Subtask[]).map((s) =>
    s.status === "SUCCESS"
      ? s
      : {
          ...s,
          status: "FAILURE" as const,
          finishedAt: now,
          errorMessage: s.errorMessage || reason,
          errors: s.errors.length ? s.errors : [{ message: reason }],
        },
  );
  return { status: "FAILURE", subtasks, warnings: [], error: reason };
}
