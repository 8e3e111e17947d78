import { posix } from "node:path";
import type { AppModel, ProjectModel } from "@sprocket/project-format";

/** `hs project migrate --platform-version` choices (HubSpot CLI 8.14 commands/project/migrate.js), its default last. */
export const MIGRATION_TARGETS = ["2025.2", "2026.03-beta", "2026.03"] as const;
export const DEFAULT_MIGRATION_TARGET = "2026.03";

/** A component file the migration writes, and the legacy file its settings came from. */
export interface MigratedComponent {
  type: "app" | "card" | "app-function" | "webhooks";
  uid: string;
  file: string;
  from: string;
}

export interface MigrationPlan {
  from: string;
  to: string;
  srcDir: string;
  /** The whole migrated project (hsproject.json, srcDir and what lies beside it), POSIX paths from the project root. */
  files: Map<string, Uint8Array>;
  components: MigratedComponent[];
  /** Code and assets that change folder (card code to app/cards, functions to app/functions), old path to new. */
  moved: Array<{ from: string; to: string }>;
  /** Legacy files whose settings now live in a component file: app.json, card JSON, serverless.json, webhooks.json. */
  replaced: string[];
  /** What the user should know: derived uids, dropped settings. */
  notes: string[];
}

type Json = Record<string, unknown>;
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const jsonBytes = (value: unknown) => encoder.encode(JSON.stringify(value, null, 2) + "\n");
const readJson = (files: ReadonlyMap<string, Uint8Array>, path: string) => JSON.parse(decoder.decode(files.get(path)!)) as Json;
const relTo = (dir: string, path: string) => (dir ? path.slice(dir.length + 1) : path);
const under = (path: string, dir: string) => dir === "" || path.startsWith(`${dir}/`);

/** Thrown with every reason the project cannot be migrated as it is, each saying what to change. */
export class MigrationRefused extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
    this.name = "MigrationRefused";
  }
}

/** platformVersion ordering as HubSpot's parser compares them (YYYY.MM, a beta before its release, unstable last). */
function versionKey(v: string): string {
  return v === "unstable"
    ? "9999.99"
    : v.replace(/^(\d{4})\.(\d)(?!\d)/, "$1.0$2").replace(/-beta$/, "-0") + (v.endsWith("-beta") ? "" : "-1");
}

/** Serverless functions in the hsmeta format need 2026.03 (HubSpot: "serverless function support for apps with static auth"). */
function supportsFunctions(version: string): boolean {
  return versionKey(version) >= versionKey("2026.03-beta");
}

/**
 * Plans `sprocket project migrate`: a validated 2023.x/2025.1 project (one app) rewritten as HubSpot's 2025.2+
 * layout, as `hs project migrate` downloads it: `src/app/app-hsmeta.json`, `src/app/cards/*-hsmeta.json` beside the
 * card code, `src/app/functions/*-hsmeta.json` beside the function code, `src/app/webhooks/webhooks-hsmeta.json`, and
 * the new platformVersion in hsproject.json. Component uids are kept (a card without one gets the uid its file name
 * gave it), so the deployed app keeps its identity. Pure: the caller writes the files.
 */
export function planMigration(
  files: ReadonlyMap<string, Uint8Array>,
  model: ProjectModel,
  to: string,
  /** Files under srcDir that uploads leave out (dotfiles, .hsignore's): they move like the others. */
  unuploaded: ReadonlyMap<string, Uint8Array> = new Map(),
): MigrationPlan {
  const problems: string[] = [];
  const notes: string[] = [];
  if (!model.legacy) {
    if (versionKey(model.platformVersion) >= versionKey(to))
      throw new MigrationRefused([`${model.name} is already on platform version ${model.platformVersion}: nothing to migrate.`]);
    // Already in the hsmeta format: HubSpot's guide only raises platformVersion.
    const out = new Map([...files, ...unuploaded]);
    out.set("hsproject.json", jsonBytes({ ...readJson(files, "hsproject.json"), platformVersion: to }));
    return { from: model.platformVersion, to, srcDir: model.srcDir, files: out, components: [], moved: [], replaced: [], notes };
  }
  if (model.apps.length === 0)
    throw new MigrationRefused([`${model.name} has no app (no app.json under ${model.srcDir || "."}/) to migrate.`]);
  if (model.apps.length > 1)
    throw new MigrationRefused([
      `${model.name} holds ${model.apps.length} apps (${model.apps.map((a) => a.configFile).join(", ")}); platform version ${to} allows one app per project. Split the apps into projects of their own first.`,
    ]);
  const app = model.apps[0]!;
  const src = model.srcDir;
  const appDir = app.rootDir;
  const newApp = posix.join(src, "app");
  const out = new Map<string, Uint8Array>();
  const origin = new Map<string, string>();
  const components: MigratedComponent[] = [];
  const moved: Array<{ from: string; to: string }> = [];
  const consumed = new Set<string>([app.configFile, "hsproject.json"]);
  const put = (path: string, content: Uint8Array, from: string) => {
    const first = origin.get(path);
    if (first !== undefined) problems.push(`${from} and ${first} would both become ${path}; rename one of them first.`);
    else {
      out.set(path, content);
      origin.set(path, from);
    }
  };
  const component = (c: MigratedComponent, config: Json) => {
    components.push(c);
    put(c.file, jsonBytes({ uid: c.uid, type: c.type, config }), c.from);
  };

  component(
    { type: "app", uid: app.uid, file: `${newApp}/app-hsmeta.json`, from: app.configFile },
    appConfig(readJson(files, app.configFile), app),
  );

  // Card code moves from its folder (extensions/ in HubSpot's templates) to app/cards/, keeping its layout there.
  // A card folder inside another (extensions/deals/ in extensions/) moves with the outer one.
  const cardDirs = [...new Set(app.cards.map((c) => posix.dirname(c.configFile)))];
  const cardRoots = cardDirs.filter((d) => d !== appDir && !cardDirs.some((o) => o !== d && o !== appDir && under(d, o)));
  for (const card of app.cards)
    if (posix.dirname(card.configFile) === appDir)
      problems.push(
        `${card.configFile} sits in the app folder itself; move the card's JSON and code into a folder of their own (e.g. ${appDir}/extensions/) first.`,
      );
  const cardDirOf = (path: string) => cardRoots.find((d) => under(path, d));
  const uids = new Map<string, string>();
  const claim = (uid: string, what: string) => {
    const first = uids.get(uid);
    if (first)
      problems.push(`${what} and ${first} both use the uid '${uid}', and 2025.2+ uids are unique in the whole project; rename one first.`);
    else uids.set(uid, what);
  };
  claim(app.uid, `the app (${app.configFile})`);
  for (const card of app.cards) {
    consumed.add(card.configFile);
    claim(card.uid, `card ${card.configFile}`);
    const dir = cardDirOf(card.configFile);
    if (dir === undefined) continue;
    if (!under(card.entryFile, dir)) {
      problems.push(`${card.configFile}: its code ${card.entryFile} is outside ${dir}/; move it into that folder first.`);
      continue;
    }
    const raw = readJson(files, card.configFile);
    const data = raw.data as Json;
    if (data.uid === undefined) notes.push(`${card.configFile} names no uid: the card keeps '${card.uid}', the one its file name gave it.`);
    const objectTypes = (data.objectTypes as Json[]).map((t) => t.name as string);
    if ((data.objectTypes as Json[]).some((t) => t.propertiesToSend !== undefined))
      notes.push(
        `${card.configFile}: 'propertiesToSend' has no place in a card component; the card's functions name the properties they need.`,
      );
    component(
      { type: "card", uid: card.uid, file: `${newApp}/cards/${card.uid}-hsmeta.json`, from: card.configFile },
      { name: card.title, location: card.location, entrypoint: `/app/cards/${relTo(dir, card.entryFile)}`, objectTypes },
    );
  }

  if (app.functions.length > 0) {
    if (!supportsFunctions(to))
      problems.push(
        `${app.functionsDir}/serverless.json declares ${app.functions.map((f) => f.name).join(", ")}: platform version ${to} has no serverless functions, and HubSpot's migration leaves them out. Migrate to 2026.03 (the default), which runs them.`,
      );
    else if (app.oauth)
      problems.push(
        `${app.configFile} is an OAuth app with serverless functions (${app.functions.map((f) => f.name).join(", ")}): from 2026.03 HubSpot runs functions for apps with static auth only. Move the functions' work to your own backend (hubspot.fetch) first.`,
      );
    const serverlessPath = `${app.functionsDir}/serverless.json`;
    const serverless = readJson(files, serverlessPath);
    consumed.add(serverlessPath);
    if (serverless.runtime !== undefined)
      notes.push(
        `${serverlessPath}: "runtime": ${JSON.stringify(serverless.runtime)} has no place in a function component; functions run on the platform's Node.js.`,
      );
    const table = serverless.appFunctions as Record<string, Json>;
    for (const fn of app.functions) {
      claim(fn.name, `function '${fn.name}' (${serverlessPath})`);
      const endpoint = table[fn.name]!.endpoint as Json | undefined;
      const method = endpoint?.method;
      component(
        { type: "app-function", uid: fn.name, file: `${newApp}/functions/${fn.name}-hsmeta.json`, from: serverlessPath },
        {
          entrypoint: `/app/functions/${relTo(app.functionsDir!, fn.file)}`,
          secretKeys: fn.secrets,
          ...(endpoint ? { endpoint: { path: endpoint.path, methods: Array.isArray(method) ? method : [method] } } : {}),
        },
      );
    }
  }

  for (const feature of app.features) {
    if (feature.type !== "webhooks") continue;
    consumed.add(feature.configFile);
    claim(feature.uid, `the webhooks of ${feature.configFile}`);
    component(
      { type: "webhooks", uid: feature.uid, file: `${newApp}/webhooks/webhooks-hsmeta.json`, from: feature.configFile },
      webhooksConfig(readJson(files, feature.configFile)),
    );
  }

  // Everything else keeps its place: card and function folders' other files move with their code, the app folder's
  // files go to app/, and what lies beside the app (or outside srcDir) stays where it is.
  for (const [path, content] of [...files, ...unuploaded]) {
    if (consumed.has(path)) continue;
    const cardDir = cardDirOf(path);
    let target: string;
    if (cardDir !== undefined) target = `${newApp}/cards/${relTo(cardDir, path)}`;
    else if (app.functionsDir && under(path, app.functionsDir)) target = `${newApp}/functions/${relTo(app.functionsDir, path)}`;
    else if (under(path, appDir) && appDir !== src) target = `${newApp}/${relTo(appDir, path)}`;
    else target = path;
    if (target !== path) moved.push({ from: path, to: target });
    put(target, content, path);
  }
  out.set("hsproject.json", jsonBytes({ ...readJson(files, "hsproject.json"), platformVersion: to }));
  if (problems.length) throw new MigrationRefused(problems);
  const replaced = [...consumed].filter((p) => p !== "hsproject.json").sort();
  return { from: model.platformVersion, to, srcDir: src, files: out, components, moved, replaced, notes };
}

/** app.json (a static token) or public-app.json (OAuth, installed into other accounts) as an app component's config. */
function appConfig(raw: Json, app: AppModel): Json {
  const permittedUrls = app.oauth
    ? { fetch: (raw.allowedUrls as string[] | undefined) ?? [] }
    : ((raw.permittedUrls as Json | undefined) ?? { fetch: [] });
  const auth = raw.auth as Json | undefined;
  return {
    name: app.name,
    description: app.description,
    distribution: app.oauth ? app.oauth.distribution : "private",
    auth: app.oauth
      ? {
          type: "oauth",
          redirectUrls: app.oauth.redirectUrls,
          requiredScopes: app.scopes,
          optionalScopes: (auth?.optionalScopes as string[] | undefined) ?? [],
          conditionallyRequiredScopes: (auth?.conditionallyRequiredScopes as string[] | undefined) ?? [],
        }
      : { type: "static", requiredScopes: app.scopes, optionalScopes: [], conditionallyRequiredScopes: [] },
    permittedUrls,
    ...(raw.support !== undefined ? { support: raw.support } : {}),
  };
}

/** webhooks.json as a webhooks component's config: the same settings, with `objectName` spelled `objectType` as in 2025.2. */
function webhooksConfig(raw: Json): Json {
  const subscriptions = { ...(raw.subscriptions as Json) };
  const crmObjects = subscriptions.crmObjects as Json[] | undefined;
  if (crmObjects)
    subscriptions.crmObjects = crmObjects.map(({ objectName, ...rest }) =>
      objectName === undefined || rest.objectType !== undefined ? rest : { ...rest, objectType: objectName },
    );
  return { ...raw, subscriptions };
}

/** What a deploy of the project registers, in a form both formats share: compared before any file is written. */
export function deployedShape(model: ProjectModel): unknown {
  return model.apps.map((a) => ({
    uid: a.uid,
    name: a.name,
    scopes: [...a.scopes].sort(),
    optionalScopes: [...a.optionalScopes].sort(),
    permittedFetchUrls: a.permittedFetchUrls,
    oauth: a.oauth ?? null,
    cards: a.cards
      .map((c) => ({ uid: c.uid, title: c.title, location: c.location, objectTypes: c.objectTypes.map((t) => t.name) }))
      .sort((x, y) => x.uid.localeCompare(y.uid)),
    functions: a.functions
      .map((f) => ({ name: f.name, secrets: f.secrets, endpoint: f.endpoint ?? null }))
      .sort((x, y) => x.name.localeCompare(y.name)),
    features: a.features.map((f) => ({
      uid: f.uid,
      type: f.type,
      config: f.type === "webhooks" ? webhooksConfig(f.config as Json) : f.config,
    })),
  }));
}
