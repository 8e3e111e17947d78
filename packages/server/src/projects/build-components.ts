import { access } from "node:fs/promises";
import { join, posix } from "node:path";
import { BuildError, bundleCard, bundleFunction, installDependencies, type BuildIdentity } from "@sprocket/builder";
import type { AppModel, ProjectModel } from "@sprocket/project-format";
import type { DeployedApp } from "../apps/provision";
import type { Subtask } from "./subtasks";

export interface ComponentBuildPaths {
  /** The unpacked source (srcDir's contents). */
  srcDir: string;
  /** Where bundles go; zipped afterwards into the artifact. */
  outDir: string;
  depsCacheDir: string;
  /** Who bundles and installs run as; undefined keeps the server's own user. */
  runAs?: BuildIdentity | undefined;
}

/** Reports a sub-build's progress; the build job persists each change so status polls see it. */
export type SubtaskUpdate = (id: string, change: Partial<Subtask>) => Promise<void>;

/** Where each bundle lives in the artifact; the deployer and the function runner read these paths. */
export const cardBundlePath = (appUid: string, cardUid: string) => `apps/${appUid}/cards/${cardUid}.js`;
export const functionBundlePath = (appUid: string, name: string) => `apps/${appUid}/functions/${name}.js`;

/**
 * Installs each card's and function package's dependencies (from the shared cache when it has them) and bundles
 * them, one sub-build each, concurrently. Returns the deployable apps when every sub-build succeeded.
 */
export async function buildComponents(model: ProjectModel, paths: ComponentBuildPaths, update: SubtaskUpdate, now: () => number, signal: AbortSignal): Promise<DeployedApp[] | undefined> {
  const failedApps = new Set<string>();
  const step = async (appUid: string, id: string, work: () => Promise<void>) => {
    signal.throwIfAborted();
    await update(id, { status: "BUILDING", startedAt: now() });
    try {
      await work();
      await update(id, { status: "SUCCESS", finishedAt: now() });
    } catch (e) {
      signal.throwIfAborted();
      failedApps.add(appUid);
      await update(id, { status: "FAILURE", finishedAt: now(), ...failure(e) });
    }
  };
  for (const app of model.apps) {
    await update(`app:${app.uid}`, { status: "BUILDING", startedAt: now() });
  }
  await Promise.all(
    model.apps.flatMap((app) => [
      ...app.cards.map((card) =>
        step(app.uid, `card:${app.uid}:${card.uid}`, async () => {
          const nodeModulesDir = card.packageDir ? await install(paths, card.packageDir, signal) : null;
          await bundleCard({ entry: join(paths.srcDir, card.entryFile), nodeModulesDir, outFile: join(paths.outDir, cardBundlePath(app.uid, card.uid)), mode: "production", root: paths.srcDir, runAs: paths.runAs ?? null });
        }),
      ),
      ...(app.functions.length ? [step(app.uid, `functions:${app.uid}`, () => buildFunctions(app, paths, signal))] : []),
    ]),
  );
  signal.throwIfAborted();
  for (const app of model.apps) {
    const failed = failedApps.has(app.uid);
    await update(`app:${app.uid}`, {
      status: failed ? "FAILURE" : "SUCCESS",
      finishedAt: now(),
      ...(failed ? { errorMessage: "A component of this app failed to build.", subCategory: "BuildPipelineErrorType.DEPENDENT_SUBBUILD_FAILED" } : {}),
    });
  }
  return failedApps.size === 0 ? model.apps.map(deployedApp) : undefined;
}

async function buildFunctions(app: AppModel, paths: ComponentBuildPaths, signal: AbortSignal): Promise<void> {
  const dir = app.functionsDir ?? posix.dirname(app.functions[0]!.file);
  const nodeModulesDir = await install(paths, dir, signal);
  for (const fn of app.functions) {
    await bundleFunction({ entry: join(paths.srcDir, fn.file), nodeModulesDir, outFile: join(paths.outDir, functionBundlePath(app.uid, fn.name)), root: paths.srcDir, runAs: paths.runAs ?? null });
  }
}

/** Installs the package.json of a folder, if it has one; returns its node_modules (null when nothing to install). */
async function install(paths: ComponentBuildPaths, dir: string, signal: AbortSignal): Promise<string | null> {
  const packageJsonPath = join(paths.srcDir, dir, "package.json");
  if (!(await access(packageJsonPath).then(() => true, () => false))) return null;
  const installed = await installDependencies({ packageJsonPath, lockfilePath: join(paths.srcDir, dir, "package-lock.json"), cacheDir: paths.depsCacheDir, signal, root: paths.srcDir, runAs: paths.runAs ?? null });
  return installed.nodeModulesDir;
}

function failure(e: unknown): Partial<Subtask> {
  if (e instanceof BuildError) {
    const errors = e.problems.length
      ? e.problems.map((p) => ({ message: p.file ? `${p.file}:${p.line}:${p.column} ${p.message}` : p.message, file: p.file, line: p.line, column: p.column, code: e.code }))
      : [{ message: e.message, code: e.code }];
    return { errorMessage: e.message.split("\n")[0] ?? e.message, subCategory: `BuildPipelineErrorType.${e.code}`, errors };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { errorMessage: message, errors: [{ message }] };
}

export function deployedApp(app: AppModel): DeployedApp {
  return {
    uid: app.uid,
    name: app.name,
    description: app.description,
    scopes: app.scopes,
    permittedFetchUrls: app.permittedFetchUrls,
    cards: app.cards.map((c) => ({ uid: c.uid, title: c.title, location: c.location, objectTypes: c.objectTypes.map((o) => o.name), bundle: cardBundlePath(app.uid, c.uid) })),
    functions: app.functions.map((f) => ({
      name: f.name,
      secrets: f.secrets,
      ...(f.endpoint ? { endpoint: { path: f.endpoint.path, methods: [...f.endpoint.methods] } } : {}),
      bundle: functionBundlePath(app.uid, f.name),
    })),
  };
}
