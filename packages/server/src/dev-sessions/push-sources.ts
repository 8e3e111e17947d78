import { mkdir, mkdtemp, readFile, rm, chmod, chown } from "node:fs/promises";
import { join } from "node:path";
import { BuildError, bundleCard, readZipEntries, unpackZip } from "@sprocket/builder";
import { invalid } from "../errors/domain-error";
import type { ProjectsContext } from "../projects/projects-context";
import { diagnosticError, planBuild } from "../projects/plan-build";
import { extensionLabels, install } from "../projects/build-components";
import { uploadRejection } from "../projects/upload-rejection";
import { withoutBuildPaths } from "../projects/build-messages";
import { ownSession, DEV_SESSION_TTL_MS, type DevSessionOwner } from "./sessions";

export interface PushInput {
  zip: Buffer;
  platformVersion: string;
  /** srcDir-relative paths saved since the last push; absent on the first push (every bundle is built). */
  changed?: string[];
}

export interface PushedBundle {
  appUid: string;
  uid: string;
  /** The bundle's version after the push; it went up only if the bytes changed. */
  version: number;
  changed: boolean;
}

export interface PushResult {
  bundles: PushedBundle[];
  /** UI components of apps that have no deployed build in the account yet: a dev session serves deployed apps only. */
  skippedApps: string[];
  buildMs: number;
}

/**
 * Rebuilds, from the project's sources, the card and page bundles a save touched (those whose last bundle read one of
 * the changed files, and those not yet built in this session) with the build's own installer (the shared dependency
 * cache) and bundler, in development mode; stores each whose bytes changed under the next version and announces the
 * apps whose pages should re-mount. No build is recorded: the project's build history does not grow per save.
 */
export async function pushSources(ctx: ProjectsContext, who: DevSessionOwner, sessionId: number, input: PushInput): Promise<PushResult> {
  const db = ctx.p.store.db;
  const started = ctx.p.clock.now();
  const session = await ownSession(db, who, sessionId, started);
  if (session.kind !== "sprocket" || session.project_id === null)
    throw invalid(`Dev session ${sessionId} is served by \`hs project dev\`'s local dev server; it takes no sources.`);
  const project = await db.selectFrom("projects").select(["name"]).where("id", "=", session.project_id).executeTakeFirstOrThrow();
  const entries = await readZipEntries(input.zip).catch((e: unknown) => {
    throw uploadRejection(e);
  });
  const plan = planBuild(entries, { platformVersion: input.platformVersion, projectName: project.name });
  if (!plan.model) {
    const errors = plan.diagnostics.filter((d) => d.severity === "error").map(diagnosticError);
    throw invalid(`The project does not validate: ${errors.map((e) => e.message).join("; ")}`, errors);
  }
  const model = plan.model;
  const apps = await db
    .selectFrom("private_apps")
    .select(["id", "uid"])
    .where("account_id", "=", who.accountId)
    .where("project_id", "=", session.project_id)
    .where("deleted_at", "is", null)
    .execute();
  const appIds = new Map(apps.map((a) => [a.uid, Number(a.id)]));
  const previous = await db
    .selectFrom("dev_session_bundles")
    .select(["app_id", "component_uid", "version", "source", "inputs"])
    .where("session_id", "=", sessionId)
    .execute();
  const before = new Map(previous.map((b) => [`${Number(b.app_id)}:${b.component_uid}`, b]));
  const changed = input.changed ? new Set(input.changed) : undefined;

  type Job = { appId: number; appUid: string; uid: string; entryFile: string; packageDir?: string; label: string };
  const jobs: Job[] = [];
  const skippedApps: string[] = [];
  for (const app of model.apps) {
    const appId = appIds.get(app.uid);
    const ui = [
      ...app.cards.map((c) => ({ uid: c.uid, entryFile: c.entryFile, packageDir: c.packageDir, label: "Card" })),
      ...app.extensions.map((e) => ({ uid: e.uid, entryFile: e.entryFile, packageDir: e.packageDir, label: extensionLabels[e.type] })),
    ];
    if (ui.length === 0) continue;
    if (appId === undefined) {
      skippedApps.push(app.uid);
      continue;
    }
    for (const u of ui) {
      const last = before.get(`${appId}:${u.uid}`);
      const read = last ? (JSON.parse(last.inputs) as string[]) : [];
      if (last && changed && !read.some((file) => changed.has(file))) continue;
      jobs.push({ appId, appUid: app.uid, ...u, ...(u.packageDir === undefined ? {} : { packageDir: u.packageDir }) });
    }
  }

  const bundles: PushedBundle[] = [];
  if (jobs.length > 0) {
    await mkdir(ctx.settings.workDir, { recursive: true, mode: 0o711 });
    const work = await mkdtemp(join(ctx.settings.workDir, `dev-${sessionId}-`));
    try {
      if (ctx.settings.runAs) await chmod(work, 0o711);
      const srcDir = join(work, "src");
      const outDir = join(work, "out");
      await mkdir(outDir, { mode: 0o700 });
      if (ctx.settings.runAs) await chown(outDir, ctx.settings.runAs.uid, ctx.settings.runAs.gid);
      await unpackZip(input.zip, srcDir);
      if (ctx.settings.runAs) await chmod(srcDir, 0o755);
      const paths = { srcDir, depsCacheDir: ctx.settings.depsCacheDir, runAs: ctx.settings.runAs };
      const signal = AbortSignal.timeout(5 * 60_000);
      const built = await Promise.all(
        jobs.map(async (job) => {
          try {
            const { nodeModulesDir, workspaces } = job.packageDir
              ? await install(paths, job.packageDir, signal, () => undefined)
              : { nodeModulesDir: null, workspaces: {} };
            const outFile = join(outDir, `${job.appUid}-${job.uid}.js`);
            const { manifest } = await bundleCard({
              entry: join(srcDir, job.entryFile),
              label: job.label,
              nodeModulesDir,
              workspaces,
              outFile,
              mode: "development",
              root: srcDir,
              runAs: ctx.settings.runAs ?? null,
            });
            return { job, source: await readFile(outFile), inputs: manifest.modules.internal.map((m) => m.module) };
          } catch (e) {
            if (!(e instanceof BuildError)) throw e;
            const folders = {
              srcDir,
              work,
              workDir: ctx.settings.workDir,
              depsCacheDir: ctx.settings.depsCacheDir,
              dataDir: ctx.p.config.dataDir,
            };
            const messages = e.problems.length
              ? e.problems.map((p) => (p.file ? `${p.file}:${p.line}:${p.column} ${p.message}` : p.message))
              : [e.message];
            const { error } = withoutBuildPaths([], [], messages.join("\n"), folders);
            throw invalid(
              error ?? e.message,
              (error ?? e.message).split("\n").map((message) => ({ message })),
            );
          }
        }),
      );
      const now = ctx.p.clock.now();
      await db.transaction().execute(async (trx) => {
        for (const { job, source, inputs } of built) {
          const last = before.get(`${job.appId}:${job.uid}`);
          const same = last !== undefined && Buffer.from(last.source).equals(source);
          const version = same ? last.version : (last?.version ?? 0) + 1;
          bundles.push({ appUid: job.appUid, uid: job.uid, version, changed: !same });
          if (last)
            await trx
              .updateTable("dev_session_bundles")
              .set({ inputs: JSON.stringify(inputs), updated_at: now, ...(same ? {} : { source, version }) })
              .where("session_id", "=", sessionId)
              .where("app_id", "=", job.appId)
              .where("component_uid", "=", job.uid)
              .execute();
          else
            await trx
              .insertInto("dev_session_bundles")
              .values({
                session_id: sessionId,
                app_id: job.appId,
                component_uid: job.uid,
                version,
                source,
                inputs: JSON.stringify(inputs),
                updated_at: now,
              })
              .execute();
        }
        await trx
          .updateTable("dev_sessions")
          .set((eb) => ({ expires_at: now + DEV_SESSION_TTL_MS, saves: eb("saves", "+", bundles.some((b) => b.changed) ? 1 : 0) }))
          .where("id", "=", sessionId)
          .execute();
      });
      const changedApps = new Set(built.filter((_, i) => bundles[i]!.changed).map(({ job }) => job.appId));
      for (const appId of changedApps) await ctx.p.cluster.announceDevSession({ accountId: who.accountId, appId, sessionId });
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }
  return { bundles, skippedApps, buildMs: ctx.p.clock.now() - started };
}
