import { access } from "node:fs/promises";
import { join, posix } from "node:path";
import {
  BuildError,
  bundleCard,
  bundleFunction,
  installDependencies,
  type BuildIdentity,
  type InstalledDependencies,
} from "@sprocket/builder";
import type { AppModel, ExtensionType, ProjectModel } from "@sprocket/project-format";
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
/** App pages, settings pages and bulk actions: React like cards, kept apart so a card and a page may share a uid. */
export const extensionBundlePath = (appUid: string, uid: string) => `apps/${appUid}/extensions/${uid}.js`;

/**
 * Installs each card's and function package's dependencies (from the shared cache when it has them) and bundles
 * them, one sub-build each, concurrently. Returns the deployable apps when every sub-build succeeded.
 */
export async function buildComponents(
  model: ProjectModel,
  paths: ComponentBuildPaths,
  update: SubtaskUpdate,
  now: () => number,
  signal: AbortSignal,
): Promise<DeployedApp[] | undefined> {
  const failedApps = new Set<string>();
  // An install's warnings (a lock file out of step, say) stay with the component whether or not its bundle builds.
  const step = async (appUid: string, id: string, work: (warn: (messages: string[]) => void) => Promise<void>) => {
    signal.throwIfAborted();
    await update(id, { status: "BUILDING", startedAt: now() });
    const warnings: string[] = [];
    const warned = () => (warnings.length ? { warnings } : {});
    try {
      await work((messages) => warnings.push(...messages));
      await update(id, { status: "SUCCESS", finishedAt: now(), ...warned() });
    } catch (e) {
      signal.throwIfAborted();
      failedApps.add(appUid);
      await update(id, { status: "FAILURE", finishedAt: now(), ...failure(e), ...warned() });
    }
  };
  for (const app of model.apps) {
    await update(`app:${app.uid}`, { status: "BUILDING", startedAt: now() });
  }
  // Pages, settings and bulk actions are React UI extensions like cards: the same install and bundle.
  const bundleUi =
    (ui: { entryFile: string; packageDir?: string }, outPath: string, label?: string) => async (warn: (messages: string[]) => void) => {
      const { nodeModulesDir, workspaces } = ui.packageDir ? await install(paths, ui.packageDir, signal, warn) : NOTHING_INSTALLED;
      await bundleCard({
        entry: join(paths.srcDir, ui.entryFile),
        ...(label ? { label } : {}),
        nodeModulesDir,
        workspaces,
        outFile: join(paths.outDir, outPath),
        mode: "production",
        root: paths.srcDir,
        runAs: paths.runAs ?? null,
      });
    };
  await Promise.all(
    model.apps.flatMap((app) => [
      ...app.cards.map((card) => step(app.uid, `card:${app.uid}:${card.uid}`, bundleUi(card, cardBundlePath(app.uid, card.uid)))),
      ...app.extensions.map((ext) =>
        step(app.uid, `extension:${app.uid}:${ext.uid}`, bundleUi(ext, extensionBundlePath(app.uid, ext.uid), extensionLabels[ext.type])),
      ),
      ...(app.functions.length ? [step(app.uid, `functions:${app.uid}`, (warn) => buildFunctions(app, paths, signal, warn))] : []),
    ]),
  );
  signal.throwIfAborted();
  for (const app of model.apps) {
    const failed = failedApps.has(app.uid);
    await update(`app:${app.uid}`, {
      status: failed ? "FAILURE" : "SUCCESS",
      finishedAt: now(),
      ...(failed
        ? { errorMessage: "A component of this app failed to build.", subCategory: "BuildPipelineErrorType.DEPENDENT_SUBBUILD_FAILED" }
        : {}),
    });
  }
  return failedApps.size === 0 ? model.apps.map(deployedApp) : undefined;
}

async function buildFunctions(
  app: AppModel,
  paths: ComponentBuildPaths,
  signal: AbortSignal,
  warn: (messages: string[]) => void,
): Promise<void> {
  const dir = app.functionsDir ?? posix.dirname(app.functions[0]!.file);
  const { nodeModulesDir, workspaces } = await install(paths, dir, signal, warn);
  for (const fn of app.functions) {
    await bundleFunction({
      entry: join(paths.srcDir, fn.file),
      nodeModulesDir,
      workspaces,
      outFile: join(paths.outDir, functionBundlePath(app.uid, fn.name)),
      root: paths.srcDir,
      runAs: paths.runAs ?? null,
    });
  }
}

export const extensionLabels: Record<ExtensionType, string> = {
  page: "Page",
  pages: "Pages",
  settings: "Settings page",
  "crm-bulk-action": "Bulk action",
};

export type Installed = Pick<InstalledDependencies, "nodeModulesDir" | "workspaces">;
const NOTHING_INSTALLED: Installed = { nodeModulesDir: null, workspaces: {} };

/**
 * Installs the package.json of a folder, if it has one, from its npm lock file (npm-shrinkwrap.json before
 * package-lock.json, as npm reads them) or else its yarn.lock; hands the install's warnings to `warn`.
 */
export async function install(
  paths: Pick<ComponentBuildPaths, "srcDir" | "depsCacheDir" | "runAs">,
  dir: string,
  signal: AbortSignal,
  warn: (messages: string[]) => void,
): Promise<Installed> {
  const inDir = (file: string) => join(paths.srcDir, dir, file);
  const present = (path: string) =>
    access(path).then(
      () => true,
      () => false,
    );
  if (!(await present(inDir("package.json")))) return NOTHING_INSTALLED;
  const lockfilePath = (await present(inDir("npm-shrinkwrap.json"))) ? inDir("npm-shrinkwrap.json") : inDir("package-lock.json");
  const installed = await installDependencies({
    packageJsonPath: inDir("package.json"),
    lockfilePath,
    yarnLockPath: inDir("yarn.lock"),
    cacheDir: paths.depsCacheDir,
    signal,
    root: paths.srcDir,
    runAs: paths.runAs ?? null,
  });
  warn(installed.warnings);
  return installed;
}

function failure(e: unknown): Partial<Subtask> {
  if (e instanceof BuildError) {
    const errors = e.problems.length
      ? e.problems.map((p) => ({
          message: p.file ? `${p.file}:${p.line}:${p.column} ${p.message}` : p.message,
          file: p.file,
          line: p.line,
          column: p.column,
          code: e.code,
        }))
      : // One error per line: an install's first line says where, then npm's own lines, each an item in the CLI and console.
        e.message.split("\n").map((message) => ({ message, code: e.code }));
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
    ...(app.oauth ? { oauth: app.oauth, optionalScopes: app.optionalScopes } : {}),
    cards: app.cards.map((c) => ({
      uid: c.uid,
      title: c.title,
      location: c.location,
      objectTypes: c.objectTypes.map((o) => o.name),
      bundle: cardBundlePath(app.uid, c.uid),
    })),
    functions: app.functions.map((f) => ({
      name: f.name,
      secrets: f.secrets,
      ...(f.endpoint ? { endpoint: { path: f.endpoint.path, methods: [...f.endpoint.methods] } } : {}),
      bundle: functionBundlePath(app.uid, f.name),
    })),
    extensions: app.extensions.map((e) => ({ uid: e.uid, type: e.type, config: e.config, bundle: extensionBundlePath(app.uid, e.uid) })),
    features: app.features.map((f) => ({ uid: f.uid, type: f.type, config: f.config })),
  };
}
