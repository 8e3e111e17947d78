import { posix } from "node:path";
import { sortDiagnostics, type Diagnostic } from "./diagnostic";
import { suggestion } from "./did-you-mean";
import { validateHsmetaApps } from "./hsmeta-project";
import { nodeAtPointer } from "./json-document";
import type { JsonObject } from "./json-object";
import { validateLegacyApp } from "./legacy-app";
import type { AppModel, ProjectModel } from "./model";
import { deprecatedPlatformVersions, isKnownPlatform, isLegacyPlatform, platformVersions } from "./platform-versions";
import { loadJson, rootObject, type ProjectContext } from "./project-context";
import { checkHiddenFolders } from "./hidden-folders";
import type { HiddenFolder, ProjectFiles } from "./project-files";
import { dirOf, isUnder, joinPath } from "./project-paths";
import { Report, type Where } from "./report";

export interface ValidationResult {
  /** Present only when there are no errors. */
  project?: ProjectModel;
  diagnostics: Diagnostic[];
}

export interface ValidateOptions {
  /** Maximum number of apps in one project (HubSpot: 20). */
  maxApps?: number;
  /** Hidden folders the loader left out (loadProjectFolder); those that look like project parts are warned about. */
  hiddenFolders?: readonly HiddenFolder[];
}

const projectFile = "hsproject.json";
const hsprojectFields = ["name", "srcDir", "platformVersion"];

/** Validates a whole project: hsproject.json at the root of `files`, the apps under its srcDir. */
export function validateProject(files: ProjectFiles, opts: ValidateOptions = {}): ValidationResult {
  const report = new Report();
  const ctx = (srcDir: string, platformVersion: string): ProjectContext => ({
    files,
    report,
    srcDir,
    platformVersion,
    projectFile,
    parsed: new Map(),
  });
  if (!files.has(projectFile)) {
    report.error(
      "PROJECT_CONFIG_MISSING",
      { file: projectFile },
      "hsproject.json is missing: this folder is not a project",
      'Create hsproject.json at the project root: { "name": "my-project", "srcDir": "src", "platformVersion": "2023.2" }.',
    );
    return finish(report);
  }
  const bootstrap = ctx("", "");
  const doc = loadJson(bootstrap, projectFile);
  const config = doc && rootObject(bootstrap, doc, "hsproject.json");
  if (!config) return finish(report);
  config.unknownFields(hsprojectFields, "hsproject.json");
  const name = config.string("name", { required: true, nonEmpty: true, hint: 'Name the project, e.g. "name": "my-project".' });
  const srcDir = checkSrcDir(files, report, config);
  const platformVersion = checkPlatformVersion(
    report,
    config.at("platformVersion"),
    config.string("platformVersion", {
      required: false,
      nonEmpty: true,
      hint: `Set the platform version, e.g. "platformVersion": "2025.2".`,
    }),
  );
  if (name === undefined || srcDir === undefined || platformVersion === undefined) return finish(report);
  return finish(report, validateTree(ctx(srcDir, platformVersion), name, opts, config.at("srcDir")));
}

export interface SourceOptions extends ValidateOptions {
  platformVersion: string;
  projectName: string;
  /** The project's srcDir if known: `files` are then reported (and modelled) as under it, e.g. src/app/app.json. */
  srcDir?: string;
}

/**
 * Validates a source tree without hsproject.json: what HubSpot's CLI uploads (the contents of
 * srcDir at the zip root), with the name and version that came with the upload.
 */
export function validateSource(files: ProjectFiles, opts: SourceOptions): ValidationResult {
  const report = new Report();
  const srcDir = posix
    .normalize(opts.srcDir ?? ".")
    .replace(/^\.$/, "")
    .replace(/\/$/, "");
  const mounted: ProjectFiles = srcDir ? new Map([...files].map(([path, content]) => [`${srcDir}/${path}`, content])) : files;
  const where: Where = { file: projectFile, pointer: "/platformVersion" };
  const version = checkPlatformVersion(report, where, opts.platformVersion.trim() === "" ? undefined : opts.platformVersion);
  if (opts.projectName.trim() === "")
    report.error(
      "FIELD_EMPTY",
      { file: projectFile, pointer: "/name" },
      "the project name is empty",
      "Upload with the project's name (hsproject.json 'name').",
    );
  if (version === undefined || opts.projectName.trim() === "") return finish(report);
  const ctx: ProjectContext = { files: mounted, report, srcDir, platformVersion: version, projectFile, parsed: new Map() };
  return finish(report, validateTree(ctx, opts.projectName, opts, { file: srcDir || projectFile }));
}

function checkSrcDir(files: ProjectFiles, report: Report, config: JsonObject): string | undefined {
  const raw = config.string("srcDir", {
    required: true,
    nonEmpty: true,
    hint: 'Name the folder that holds the apps, e.g. "srcDir": "src".',
  });
  if (raw === undefined) return undefined;
  const normalised = posix.normalize(raw.replace(/\\/g, "/")).replace(/\/$/, "");
  if (raw.startsWith("/") || /^[a-zA-Z]:/.test(raw) || normalised === ".." || normalised.startsWith("../")) {
    report.error(
      "PROJECT_SRC_DIR_INVALID",
      config.at("srcDir"),
      `invalid srcDir ${JSON.stringify(raw)}: it must be a relative path to a folder under the project root`,
      'Use a folder inside the project, e.g. "srcDir": "src".',
    );
    return undefined;
  }
  // "." is the project root itself: its apps sit beside hsproject.json.
  const srcDir = normalised === "." ? "" : normalised;
  if (![...files.keys()].some((p) => isUnder(p, srcDir) && p !== projectFile)) {
    report.error(
      "PROJECT_SRC_DIR_NOT_FOUND",
      config.at("srcDir"),
      `source folder '${srcDir}' does not exist or is empty`,
      `Create ${srcDir}/ with an app folder in it, or point srcDir at the folder holding your apps.`,
    );
    return undefined;
  }
  return srcDir;
}

/** HubSpot reads a project that names no platform version as the oldest one it still builds. */
export const DEFAULT_PLATFORM_VERSION = "2023.1";

function checkPlatformVersion(report: Report, where: Where, version: string | undefined): string | undefined {
  if (version === undefined) {
    report.warning(
      "PROJECT_PLATFORM_VERSION_MISSING",
      where,
      `no platform version is set, so the project is read as ${DEFAULT_PLATFORM_VERSION}, the oldest`,
      `Set it in hsproject.json, e.g. "platformVersion": "2025.2".`,
    );
    return DEFAULT_PLATFORM_VERSION;
  }
  if (deprecatedPlatformVersions.includes(version))
    report.warning(
      "PROJECT_PLATFORM_VERSION_DEPRECATED",
      where,
      `platform version ${version} is deprecated in HubSpot's CLI; it still builds here`,
      'Move to "platformVersion": "2025.2" or later (the *-hsmeta.json format).',
    );
  if (isKnownPlatform(version)) return version;
  report.error(
    "PROJECT_PLATFORM_VERSION_UNKNOWN",
    where,
    `unknown platform version ${JSON.stringify(version)}${suggestion(version, platformVersions)}`,
    `Use one of ${platformVersions.join(", ")}.`,
  );
  return undefined;
}

function validateTree(ctx: ProjectContext, name: string, opts: ValidateOptions, srcDirWhere: Where): ProjectModel | undefined {
  const maxApps = opts.maxApps ?? 20;
  const legacy = isLegacyPlatform(ctx.platformVersion);
  const paths = [...ctx.files.keys()].filter((p) => isUnder(p, ctx.srcDir)).sort();
  const named = (base: string) => paths.filter((p) => posix.basename(p) === base);
  // A legacy app folder holds app.json (a private app) or public-app.json (an OAuth app installed into many accounts).
  const appJsons = [...named("app.json"), ...named("public-app.json")].sort();
  const metaFiles = paths.filter((p) => p.endsWith("-hsmeta.json"));
  const legacyFiles = [...appJsons, ...named("serverless.json")];
  let apps: AppModel[];
  if (legacy) {
    for (const file of metaFiles)
      ctx.report.error(
        "FORMAT_MISMATCH",
        { file },
        `*-hsmeta.json components need platform version 2025.2 or later; this project uses ${ctx.platformVersion}`,
        'Either raise "platformVersion" in hsproject.json and move to the *-hsmeta.json format, or remove this file.',
      );
    for (const file of named("serverless.json"))
      if (
        posix.basename(dirOf(file)) !== "app.functions" ||
        !["app.json", "public-app.json"].some((f) => ctx.files.has(joinPath(dirOf(dirOf(file)), f)))
      )
        ctx.report.error(
          "SERVERLESS_OUTSIDE_APP",
          { file },
          `${file} is not read: serverless.json belongs in an app's app.functions folder, next to app.json`,
          "Move it to <app folder>/app.functions/serverless.json.",
        );
    appJsons
      .slice(maxApps)
      .forEach((file) =>
        ctx.report.error(
          "PROJECT_TOO_MANY_APPS",
          { file },
          `a project holds at most ${maxApps} apps; this is app number ${appJsons.indexOf(file) + 1}`,
          "Split the apps across several projects.",
        ),
      );
    apps = appJsons.slice(0, maxApps).flatMap((file) => validateLegacyApp(ctx, file) ?? []);
    checkAppUids(ctx, apps);
    checkEndpoints(ctx, apps);
  } else {
    for (const file of legacyFiles)
      ctx.report.warning(
        "FORMAT_MISMATCH",
        { file },
        `${posix.basename(file)} is not used on platform version ${ctx.platformVersion} and will be ignored`,
        "Declare components in *-hsmeta.json files, or set an older platformVersion to keep this format.",
      );
    apps = validateHsmetaApps(ctx, metaFiles);
    checkEndpoints(ctx, apps);
  }
  checkHiddenFolders(ctx, opts.hiddenFolders ?? []);
  // HubSpot builds a project without components to an empty build; it only says so.
  if ((legacy ? appJsons : metaFiles).length === 0) {
    const where = ctx.srcDir ? `${ctx.srcDir}/` : "the uploaded files";
    ctx.report.warning(
      "PROJECT_NO_APPS",
      srcDirWhere,
      legacy ? `no app found: no app.json in ${where}` : `no components found: no *-hsmeta.json file in ${where}`,
      legacy
        ? "Each app is a folder under the source folder holding app.json, e.g. src/app/app.json."
        : "Add the app as src/app/app-hsmeta.json, its cards under src/app/cards/.",
    );
  }
  return { name, platformVersion: ctx.platformVersion, legacy, srcDir: ctx.srcDir, apps };
}

/** Endpoints are served per account, so a path and method may belong to one function only. */
function checkEndpoints(ctx: ProjectContext, apps: AppModel[]): void {
  const seen = new Map<string, string>();
  for (const fn of apps.flatMap((a) => a.functions)) {
    for (const method of fn.endpoint?.methods ?? []) {
      const key = `${method} ${fn.endpoint!.path}`;
      const first = seen.get(key);
      if (!first) {
        seen.set(key, fn.name);
        continue;
      }
      const pointer = `${fn.pointer}/endpoint/path`;
      const doc = ctx.parsed.get(fn.configFile);
      ctx.report.error(
        "FUNCTION_ENDPOINT_DUPLICATE",
        { file: fn.configFile, doc, node: nodeAtPointer(doc?.root, pointer), pointer },
        `endpoint ${key} is already served by function '${first}'`,
        "Give each function its own endpoint path.",
      );
    }
  }
}

function checkAppUids(ctx: ProjectContext, apps: AppModel[]): void {
  const seen = new Map<string, string>();
  for (const app of apps) {
    const first = seen.get(app.uid);
    if (first) {
      const doc = ctx.parsed.get(app.configFile);
      ctx.report.error(
        "UID_DUPLICATE",
        { file: app.configFile, doc, node: nodeAtPointer(doc?.root, "/uid"), pointer: "/uid" },
        `app uid '${app.uid}' is already used by ${first}`,
        "Every app in a project needs its own uid; rename one of them.",
      );
    } else seen.set(app.uid, app.configFile);
  }
}

function finish(report: Report, project?: ProjectModel): ValidationResult {
  const diagnostics = sortDiagnostics(report.diagnostics);
  return diagnostics.some((d) => d.severity === "error") || !project ? { diagnostics } : { project, diagnostics };
}
