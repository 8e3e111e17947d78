import { posix } from "node:path";
import { checkRedirectUrls } from "./app-auth";
import { checkConfig } from "./component-config-check";
import { componentConfigs } from "./component-configs";
import { componentTypes, type ComponentType } from "./component-types";
import { suggestion } from "./did-you-mean";
import {
  checkCardLocation,
  checkEndpoint,
  checkFileRef,
  checkObjectTypes,
  checkPermittedFetchUrls,
  checkScopes,
  checkSecrets,
  checkUid,
} from "./field-checks";
import type { JsonObject } from "./json-object";
import type { AppModel, CardModel, ExtensionModel, ExtensionType, FeatureModel, FeatureType, FunctionModel } from "./model";
import { loadJson, rootObject, type ProjectContext } from "./project-context";
import { dirOf, joinPath, nearestPackageDir } from "./project-paths";

interface Component {
  file: string;
  kind: ComponentType;
  uid: string;
  config: JsonObject;
}

const topLevelFields = ["uid", "type", "config", "dependencies", "permissions"];

/** Validates a 2025.2+ project: every `*-hsmeta.json` under srcDir, mapped into one app. */
export function validateHsmetaApps(ctx: ProjectContext, metaFiles: string[]): AppModel[] {
  const components: Component[] = [];
  const uids = new Map<string, string>();
  const counts = new Map<string, number>();
  for (const file of metaFiles) {
    const rel = ctx.srcDir ? file.slice(ctx.srcDir.length + 1) : file;
    const depth = rel.split("/").length;
    if (depth < 2 || depth > 3) {
      ctx.report.warning(
        "COMPONENT_LOCATION_IGNORED",
        { file },
        `${file} is not read: component files must be in ${joinPath(ctx.srcDir, "<component>")}/ or one folder below it`,
        "Move it to app/ (the app) or app/<feature folder>/, e.g. app/cards/.",
      );
      continue;
    }
    const component = readComponent(ctx, file, rel, uids);
    if (!component) continue;
    const single = component.kind.single;
    const count = single ? (counts.get(single) ?? 0) + 1 : 0;
    if (single) counts.set(single, count);
    if (count > 1) {
      const also = component.kind.type === "page" || component.kind.type === "pages" ? " ('page' and 'pages' count together)" : "";
      ctx.report.error(
        "COMPONENT_TOO_MANY",
        { file, pointer: "/type" },
        `only one '${component.kind.type}' component is allowed in a project${also}`,
        "Merge the components into one file or remove the extra one.",
      );
      continue;
    }
    components.push(component);
  }
  const appComponent = components.find((c) => c.kind.type === "app");
  const features = components.filter((c) => c.kind.type !== "app");
  // Themes and CMS assets stand alone; every other feature belongs to the app.
  if (!appComponent) {
    for (const f of features.filter((c) => c.kind.needsApp))
      ctx.report.error(
        "COMPONENT_NEEDS_APP",
        { file: f.file },
        `this '${f.kind.type}' component must belong to an app, but no *-hsmeta.json file has type 'app'`,
        `Add ${joinPath(ctx.srcDir, "app/app-hsmeta.json")} with { "uid": "my-app", "type": "app", "config": { ... } }.`,
      );
    return [];
  }
  const before = ctx.report.diagnostics.length;
  const app = appConfig(ctx, appComponent);
  const cards = features.filter((c) => c.kind.type === "card").map((c) => cardConfig(ctx, c));
  const fnComponents = features.filter((c) => c.kind.type === "app-function");
  const functions = fnComponents.map((c) => functionConfig(ctx, c));
  const extensions = features.filter((c) => c.kind.role === "extension").map((c) => extensionConfig(ctx, c));
  const recorded = features.filter((c) => c.kind.role === "feature").map((c) => featureConfig(ctx, c));
  const functionsDir = joinPath(ctx.srcDir, "app/functions");
  const packageJson = `${functionsDir}/package.json`;
  const firstFn = fnComponents[0];
  // Without a package.json nothing is installed: functions that import no package still build, as on HubSpot.
  const hasPackageJson = ctx.files.has(packageJson);
  if (firstFn && hasPackageJson) {
    const pkg = loadJson(ctx, packageJson);
    if (pkg) rootObject(ctx, pkg, "package.json");
  }
  if (!app || ctx.report.diagnostics.slice(before).some((d) => d.severity === "error")) return [];
  return [
    {
      ...app,
      cards: cards as CardModel[],
      functions: functions as FunctionModel[],
      extensions: extensions as ExtensionModel[],
      features: recorded as FeatureModel[],
      ...(firstFn ? { functionsDir } : {}),
      ...(firstFn && hasPackageJson ? { functionsPackageJson: packageJson } : {}),
    },
  ];
}

function readComponent(ctx: ProjectContext, file: string, rel: string, uids: Map<string, string>): Component | undefined {
  const doc = loadJson(ctx, file);
  const meta = doc && rootObject(ctx, doc, "a component file");
  if (!meta) return undefined;
  for (const key of meta.keys())
    if (!topLevelFields.includes(key))
      ctx.report.error(
        "COMPONENT_FIELD_UNEXPECTED",
        meta.at(key, meta.keyNode(key)),
        `unexpected top-level field '${key}'${suggestion(key, topLevelFields)}`,
        `A component file holds only ${topLevelFields.join(", ")}; settings go inside "config".`,
      );
  if (meta.value("permissions") && platformBefore(ctx.platformVersion, "2026.09"))
    ctx.report.error(
      "COMPONENT_FIELD_UNEXPECTED",
      meta.at("permissions", meta.keyNode("permissions")),
      `'permissions' needs platform version 2026.09-beta or later (this project uses ${ctx.platformVersion})`,
      "Remove 'permissions' or raise platformVersion in hsproject.json.",
    );
  const type = meta.string("type", { required: true, nonEmpty: true, hint: 'Say what this file declares, e.g. "type": "card".' });
  const uid = checkUid(ctx, meta, "uid");
  const config = meta.object("config", { required: true, hint: 'Put the component settings in "config": { ... }.' });
  if (type === undefined) return undefined;
  const kind = componentTypes.get(type);
  if (!kind) {
    ctx.report.error(
      "COMPONENT_TYPE_UNKNOWN",
      meta.at("type"),
      `unknown component type '${type}'${suggestion(type, [...componentTypes.keys()])}`,
      `Known types: ${[...componentTypes.keys()].join(", ")}.`,
    );
    return undefined;
  }
  const dir = dirOf(rel);
  if (dir !== kind.dir) {
    ctx.report.error(
      "COMPONENT_DIRECTORY_INVALID",
      meta.at("type"),
      `a '${type}' component must be in ${joinPath(ctx.srcDir, kind.dir)}/, not in ${joinPath(ctx.srcDir, dir)}/`,
      `Move ${posix.basename(file)} to ${joinPath(ctx.srcDir, kind.dir)}/.`,
    );
    return undefined;
  }
  if (kind.role === "not-run")
    ctx.report.warning(
      "COMPONENT_NOT_RUN",
      meta.at("type"),
      `'${type}' components are accepted but not run by Sprocket: this one is checked and left out of the deployed app`,
      "Nothing to do for the rest of the project to deploy; use HubSpot itself to try this component.",
    );
  if (uid === undefined || !config) return undefined;
  const first = uids.get(uid);
  if (first) {
    ctx.report.error(
      "UID_DUPLICATE",
      meta.at("uid"),
      `uid '${uid}' is already used by ${first}`,
      "Every component in a project needs its own uid; rename one of them.",
    );
    return undefined;
  }
  uids.set(uid, file);
  return { file, kind, uid, config };
}

/** Compares HubSpot's YYYY.MM versions; `unstable` and betas count as their month. */
function platformBefore(version: string, than: string): boolean {
  return version !== "unstable" && version.replace(/-beta$/, "") < than;
}

function appConfig(ctx: ProjectContext, c: Component): Omit<AppModel, "cards" | "functions" | "extensions" | "features"> | undefined {
  const config = c.config;
  config.unknownFields(["name", "description", "distribution", "auth", "permittedUrls", "support", "logo"], "the app's config");
  const name = config.string("name", { required: true, nonEmpty: true, hint: 'Give the app a display name, e.g. "name": "My app".' });
  const description =
    config.string("description", { required: false, hint: 'Describe the app, e.g. "description": "Shows deal health".' }) ?? "";
  const distribution =
    config.string("distribution", { required: false, hint: 'Use "distribution": "private" or "marketplace".' }) ?? "private";
  if (distribution !== "private" && distribution !== "marketplace")
    ctx.report.error(
      "APP_NOT_PRIVATE",
      config.at("distribution"),
      `distribution ${JSON.stringify(distribution)} is not known`,
      'Set "distribution": "private" or "marketplace".',
    );
  const auth = config.object("auth", {
    required: true,
    hint: 'Declare access, e.g. "auth": { "type": "static", "requiredScopes": ["crm.objects.contacts.read"] }.',
  });
  if (!auth) return undefined;
  auth.unknownFields(["type", "redirectUrls", "requiredScopes", "optionalScopes", "conditionallyRequiredScopes"], "'config.auth'");
  const authType =
    auth.string("type", { required: false, hint: 'Use "type": "static" (one token) or "oauth" (installed through OAuth).' }) ?? "static";
  if (authType !== "static" && authType !== "oauth")
    ctx.report.error(
      "APP_NOT_PRIVATE",
      auth.at("type"),
      `auth type ${JSON.stringify(authType)} is not known`,
      'Set "type": "static" or "oauth".',
    );
  // Marketplace apps are installed into other accounts, which only OAuth allows.
  if (authType === "static" && distribution === "marketplace")
    ctx.report.error(
      "APP_NOT_PRIVATE",
      auth.at("type"),
      'a marketplace app must use "type": "oauth"; a static token serves one account only',
      'Set "type": "oauth" with "redirectUrls", or "distribution": "private".',
    );
  const redirectUrls = authType === "oauth" ? checkRedirectUrls(ctx, auth) : [];
  const scopes = checkScopes(ctx, auth, "requiredScopes", true);
  const optional = checkScopes(ctx, auth, "optionalScopes", false) ?? [];
  const conditional = checkScopes(ctx, auth, "conditionallyRequiredScopes", false) ?? [];
  const permittedFetchUrls = checkPermittedFetchUrls(ctx, config);
  if (name === undefined || !scopes || !permittedFetchUrls || !redirectUrls) return undefined;
  return {
    uid: c.uid,
    name,
    description,
    scopes,
    optionalScopes: [...new Set([...optional, ...conditional])],
    permittedFetchUrls,
    public: distribution === "marketplace",
    ...(authType === "oauth" ? { oauth: { distribution: distribution === "marketplace" ? "marketplace" : "private", redirectUrls } } : {}),
    rootDir: dirOf(c.file),
    configFile: c.file,
  };
}

function cardConfig(ctx: ProjectContext, c: Component): CardModel | undefined {
  const config = c.config;
  config.unknownFields(["name", "description", "location", "entrypoint", "objectTypes", "previewImage"], "the card's config");
  const appDir = joinPath(ctx.srcDir, "app");
  const title = config.string("name", { required: true, nonEmpty: true, hint: 'Give the card a title, e.g. "name": "Deal health".' });
  const location = checkCardLocation(ctx, config, "location");
  const entryFile = checkFileRef(ctx, config, "entrypoint", {
    relativeTo: ctx.srcDir,
    within: appDir,
    rootRelative: true,
    describe: "card code",
    hint: 'Give the path from the source folder, e.g. "/app/cards/Card.tsx".',
  });
  const objectTypes = checkObjectTypes(ctx, config, "objectTypes", "singular");
  if (title === undefined || !location || !entryFile || !objectTypes) return undefined;
  const packageDir = nearestPackageDir(ctx.files, dirOf(entryFile), appDir);
  return { uid: c.uid, title, location, objectTypes, entryFile, configFile: c.file, ...(packageDir !== undefined ? { packageDir } : {}) };
}

function functionConfig(ctx: ProjectContext, c: Component): FunctionModel | undefined {
  const config = c.config;
  config.unknownFields(["entrypoint", "secretKeys", "endpoint"], "the function's config");
  const file = checkFileRef(ctx, config, "entrypoint", {
    relativeTo: ctx.srcDir,
    within: joinPath(ctx.srcDir, "app"),
    rootRelative: true,
    describe: "function code",
    hint: 'Give the path from the source folder, e.g. "/app/functions/my-func.js".',
  });
  const secrets = checkSecrets(ctx, config, "secretKeys");
  const endpoint = checkEndpoint(ctx, config, "methods");
  if (!file || !secrets || endpoint === undefined) return undefined;
  return { name: c.uid, file, configFile: c.file, pointer: "/config", secrets, ...(endpoint ? { endpoint } : {}) };
}

/** Pages, settings and bulk actions: the config's shape, then the React entry file like a card's. */
function extensionConfig(ctx: ProjectContext, c: Component): ExtensionModel | undefined {
  const type = c.kind.type as ExtensionType;
  const config = checkConfig(ctx.report, c.config, componentConfigs[type], `the ${type} config`);
  if (!config) return undefined;
  const appDir = joinPath(ctx.srcDir, "app");
  const entryFile = checkFileRef(ctx, c.config, "entrypoint", {
    relativeTo: ctx.srcDir,
    within: appDir,
    rootRelative: true,
    describe: `${type} code`,
    hint: `Give the path from the source folder, e.g. "/${c.kind.dir}/Page.tsx".`,
  });
  if (!entryFile) return undefined;
  const packageDir = nearestPackageDir(ctx.files, dirOf(entryFile), appDir);
  // The union's members differ only in `type` and `config`, which the schema lookup above keeps paired.
  return { uid: c.uid, type, config, entryFile, configFile: c.file, ...(packageDir !== undefined ? { packageDir } : {}) } as ExtensionModel;
}

/** Webhooks, workflow actions, app objects and events: recorded as checked data. */
function featureConfig(ctx: ProjectContext, c: Component): FeatureModel | undefined {
  const type = c.kind.type as FeatureType;
  const config = checkConfig(ctx.report, c.config, componentConfigs[type], `the ${type} config`);
  return config ? ({ uid: c.uid, type, config, configFile: c.file } as FeatureModel) : undefined;
}
