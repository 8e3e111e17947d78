import { posix } from "node:path";
import { checkRedirectUrls } from "./app-auth";
import { pointerJoin } from "./json-document";
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
import type { AppModel, CardModel, FeatureModel, FunctionModel } from "./model";
import { componentConfigs } from "./component-configs";
import { checkConfig } from "./component-config-check";
import { loadJson, rootObject, type ProjectContext } from "./project-context";
import { dirOf, joinPath, nearestPackageDir } from "./project-paths";

const appFields = ["name", "description", "uid", "scopes", "public", "extensions", "permittedUrls", "webhooks"];
const publicAppFields = ["name", "description", "uid", "allowedUrls", "auth", "support", "extensions", "webhooks"];

type Access = Pick<AppModel, "scopes" | "optionalScopes" | "permittedFetchUrls" | "public" | "oauth">;

/** app.json: `scopes` and `"public": false`, the app's one static token. */
function privateAppAccess(ctx: ProjectContext, app: JsonObject): Access | undefined {
  const scopes = checkScopes(ctx, app, "scopes", true);
  const permittedFetchUrls = checkPermittedFetchUrls(ctx, app);
  const isPublic = app.boolean("public", {
    required: true,
    hint: 'Private apps must say "public": false; public apps use public-app.json.',
  });
  if (isPublic === true)
    ctx.report.error(
      "APP_NOT_PRIVATE",
      app.at("public"),
      "app.json holds private apps; a public app is declared in public-app.json",
      'Set "public": false, or move the app to public-app.json with "auth": { "redirectUrls", "requiredScopes" }.',
    );
  if (!scopes || !permittedFetchUrls) return undefined;
  return { scopes, optionalScopes: [], permittedFetchUrls, public: false };
}

/** public-app.json: `auth` with redirect URLs and scopes; accounts install it through OAuth. */
function publicAppAuth(ctx: ProjectContext, app: JsonObject): Access | undefined {
  const auth = app.object("auth", {
    required: true,
    hint: 'Declare "auth": { "redirectUrls": ["https://example.com/oauth-callback"], "requiredScopes": ["crm.objects.contacts.read"] }.',
  });
  // allowedUrls is public-app.json's name for the URLs hubspot.fetch may reach.
  const allowed = app.strings("allowedUrls", { required: false, hint: 'List URLs, e.g. "allowedUrls": ["https://api.example.com"].' });
  if (!auth) return undefined;
  auth.unknownFields(["redirectUrls", "requiredScopes", "optionalScopes", "conditionallyRequiredScopes"], "'auth'");
  const redirectUrls = checkRedirectUrls(ctx, auth);
  const scopes = checkScopes(ctx, auth, "requiredScopes", true);
  const optional = checkScopes(ctx, auth, "optionalScopes", false) ?? [];
  const conditional = checkScopes(ctx, auth, "conditionallyRequiredScopes", false) ?? [];
  if (!redirectUrls || !scopes) return undefined;
  return {
    scopes,
    optionalScopes: [...new Set([...optional, ...conditional])],
    permittedFetchUrls: (allowed ?? []).map((a) => a.value),
    public: true,
    oauth: { distribution: "marketplace", redirectUrls },
  };
}

/** Validates one legacy app folder (its app.json or public-app.json, cards and app.functions). Undefined when it has errors. */
export function validateLegacyApp(ctx: ProjectContext, appJsonPath: string): AppModel | undefined {
  const isPublic = posix.basename(appJsonPath) === "public-app.json";
  const fileName = posix.basename(appJsonPath);
  const doc = loadJson(ctx, appJsonPath);
  const app = doc && rootObject(ctx, doc, fileName);
  if (!app) return undefined;
  const appDir = dirOf(appJsonPath);
  const before = ctx.report.diagnostics.length;
  app.unknownFields(isPublic ? publicAppFields : appFields, fileName);
  const name = app.string("name", { required: true, nonEmpty: true, hint: 'Give the app a display name, e.g. "name": "My app".' });
  const description = app.string("description", {
    required: true,
    hint: 'Describe the app in a sentence, e.g. "description": "Shows deal health on contacts".',
  });
  const uid = checkUid(ctx, app, "uid");
  const access = isPublic ? publicAppAuth(ctx, app) : privateAppAccess(ctx, app);
  const cards = legacyCards(ctx, app, appDir);
  const webhooks = legacyWebhooks(ctx, app, appDir, uid);
  const functions = legacyFunctions(ctx, appDir);
  if (ctx.report.diagnostics.slice(before).some((d) => d.severity === "error") || !access) return undefined;
  return {
    uid: uid!,
    name: name!,
    description: description!,
    ...access,
    rootDir: appDir,
    configFile: appJsonPath,
    cards,
    extensions: [],
    features: webhooks,
    ...functions,
  };
}

/**
 * `"webhooks": { "file": "./webhooks/webhooks.json" }` (2023.x–2025.1; HubSpot's templates write it so, as cards are
 * referenced) or the bare path: the same settings and subscriptions as a 2025.2 webhooks component, recorded on the
 * app as one (uid `<app uid>-webhooks`) so both formats are delivered alike.
 */
function legacyWebhooks(ctx: ProjectContext, app: JsonObject, appDir: string, appUid: string | undefined): FeatureModel[] {
  const value = app.value("webhooks");
  if (value === undefined) return [];
  const refOpts = {
    relativeTo: appDir,
    within: appDir,
    describe: "the webhooks file",
    hint: 'e.g. "webhooks": { "file": "./webhooks/webhooks.json" }.',
  };
  let file: string | undefined;
  if (value.type !== "object") file = checkFileRef(ctx, app, "webhooks", refOpts);
  else {
    const ref = app.object("webhooks", { required: true, hint: refOpts.hint });
    ref?.unknownFields(["file"], "'webhooks'");
    file = ref && checkFileRef(ctx, ref, "file", refOpts);
  }
  const doc = file === undefined ? undefined : loadJson(ctx, file);
  const root = doc && rootObject(ctx, doc, "webhooks.json");
  const config = root && checkConfig(ctx.report, root, componentConfigs.webhooks, "webhooks.json");
  return config && file ? [{ uid: `${appUid ?? "app"}-webhooks`, type: "webhooks", config, configFile: file }] : [];
}

function legacyCards(ctx: ProjectContext, app: JsonObject, appDir: string): CardModel[] {
  const extensions = app.object("extensions", { required: false, hint: "" });
  if (!extensions) return [];
  extensions.unknownFields(["crm"], "'extensions'");
  const crm = extensions.object("crm", { required: false, hint: "" });
  if (!crm) return [];
  crm.unknownFields(["cards"], "'extensions.crm'");
  const refs = crm.array("cards", { required: false, hint: 'List card files, e.g. "cards": [{ "file": "extensions/card.json" }].' }) ?? [];
  const cards: CardModel[] = [];
  const uids = new Map<string, string>();
  refs.forEach((node, i) => {
    const pointer = pointerJoin(crm.pointerOf("cards"), i);
    const ref = crm.child(node, pointer, `'extensions.crm.cards[${i}]'`);
    if (!ref) return;
    ref.unknownFields(["file"], "a card reference");
    const file = checkFileRef(ctx, ref, "file", {
      relativeTo: appDir,
      within: appDir,
      describe: "card files",
      hint: 'Give the card JSON path relative to the app folder, e.g. "extensions/card.json".',
    });
    const card = file && legacyCard(ctx, file, appDir, uids);
    if (!card) return;
    cards.push(card);
  });
  return cards;
}

/** `uids` maps the card uids seen so far in this app to their files: card ids are `${app.uid}::${card.uid}`. */
function legacyCard(ctx: ProjectContext, file: string, appDir: string, uids: Map<string, string>): CardModel | undefined {
  const doc = loadJson(ctx, file);
  const card = doc && rootObject(ctx, doc, "a card file");
  if (!card) return undefined;
  const before = ctx.report.diagnostics.length;
  card.unknownFields(["type", "data"], "a card file");
  const type = card.string("type", { required: true, hint: 'Cards built with React declare "type": "crm-card".' });
  if (type !== undefined && type !== "crm-card")
    ctx.report.error(
      "CARD_TYPE_INVALID",
      card.at("type"),
      `card type must be "crm-card", not ${JSON.stringify(type)}`,
      'Set "type": "crm-card".',
    );
  const data = card.object("data", {
    required: true,
    hint: 'Put the card settings in "data": { "title", "uid", "location", "module", "objectTypes" }.',
  });
  if (!data) return undefined;
  data.unknownFields(["title", "uid", "location", "module", "objectTypes"], "the card's 'data'");
  if (data.value("fetch"))
    ctx.report.error(
      "CARD_LEGACY_FETCH",
      data.at("fetch", data.keyNode("fetch")),
      "cards driven by 'data.fetch' (the pre-React card format) are not supported",
      'Build the card with React: replace "fetch" with "module": { "file": "Card.jsx" } and "objectTypes".',
    );
  const title = data.string("title", { required: true, nonEmpty: true, hint: 'Give the card a title, e.g. "title": "Deal health".' });
  // HubSpot derives a card's uid from its file when data.uid is absent; the same file keeps the same uid across uploads.
  const uid = data.value("uid") === undefined ? uidFromFile(file) : checkUid(ctx, data, "uid");
  const first = uid === undefined ? undefined : uids.get(uid);
  if (first)
    ctx.report.error(
      "UID_DUPLICATE",
      data.at("uid"),
      `card uid '${uid}' is already used by ${first}`,
      "Card uids must be unique within an app; rename one of them.",
    );
  else if (uid !== undefined) uids.set(uid, file);
  const location = checkCardLocation(ctx, data, "location");
  const module = data.object("module", {
    required: !data.value("fetch"),
    hint: 'Name the React entry file, e.g. "module": { "file": "Card.jsx" }.',
  });
  module?.unknownFields(["file"], "the card's 'data.module'");
  const entryFile =
    module &&
    checkFileRef(ctx, module, "file", {
      relativeTo: dirOf(file),
      within: appDir,
      describe: "card code",
      hint: 'Give the path relative to the card JSON file, e.g. "Card.jsx".',
    });
  const objectTypes = checkObjectTypes(ctx, data, "objectTypes", "plural");
  if (ctx.report.diagnostics.slice(before).some((d) => d.severity === "error") || !entryFile) return undefined;
  const packageDir = nearestPackageDir(ctx.files, dirOf(file), appDir);
  return {
    uid: uid!,
    title: title!,
    location: location!,
    objectTypes: objectTypes!,
    entryFile,
    configFile: file,
    ...(packageDir !== undefined ? { packageDir } : {}),
  };
}

/** A stable uid from a card file's name: `extensions/Deal Card.json` → `deal-card`. */
function uidFromFile(file: string): string {
  const base = posix.basename(file).replace(/\.json$/i, "");
  return (
    base
      .toLowerCase()
      .replace(/[^a-z0-9_-]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 64) || "card"
  );
}

const knownRuntimes = ["nodejs16.x", "nodejs18.x", "nodejs20.x", "nodejs22.x"];
const functionName = /^[A-Za-z0-9_.-]{1,64}$/;

function legacyFunctions(
  ctx: ProjectContext,
  appDir: string,
): Pick<AppModel, "functions" | "functionsDir" | "functionsPackageJson" | "serverlessRuntime"> {
  const functionsDir = joinPath(appDir, "app.functions");
  const serverlessPath = `${functionsDir}/serverless.json`;
  if (!ctx.files.has(serverlessPath)) {
    if ([...ctx.files.keys()].some((p) => p.startsWith(`${functionsDir}/`)))
      ctx.report.error(
        "FILE_NOT_FOUND",
        { file: serverlessPath },
        `${functionsDir} has no serverless.json, so its functions cannot be found`,
        'Add serverless.json: { "runtime": "nodejs18.x", "version": "1.0", "appFunctions": { "myFunc": { "file": "my-func.js", "secrets": [] } } }.',
      );
    return { functions: [] };
  }
  const doc = loadJson(ctx, serverlessPath);
  const serverless = doc && rootObject(ctx, doc, "serverless.json");
  // Without a package.json nothing is installed: functions that import no package still build, as on HubSpot.
  const packageJson = `${functionsDir}/package.json`;
  const hasPackageJson = ctx.files.has(packageJson);
  if (hasPackageJson) {
    const pkg = loadJson(ctx, packageJson);
    if (pkg) rootObject(ctx, pkg, "package.json");
  }
  if (!serverless) return { functions: [] };
  serverless.unknownFields(["runtime", "version", "appFunctions"], "serverless.json");
  // HubSpot treats runtime and version as optional: functions run on the platform's Node.js either way.
  const runtime = serverless.string("runtime", {
    required: false,
    nonEmpty: true,
    hint: 'Set the Node.js runtime, e.g. "runtime": "nodejs18.x".',
  });
  if (runtime !== undefined && !knownRuntimes.includes(runtime))
    ctx.report.warning(
      "FUNCTION_RUNTIME_UNKNOWN",
      serverless.at("runtime"),
      `unknown runtime ${JSON.stringify(runtime)}; functions run on Node.js 20`,
      `Use one of ${knownRuntimes.join(", ")}.`,
    );
  serverless.string("version", { required: false, nonEmpty: true, hint: 'Add "version": "1.0".' });
  const table = serverless.object(
    "appFunctions",
    { required: true, hint: 'Declare functions as "appFunctions": { "myFunc": { "file": "my-func.js", "secrets": [] } }.' },
    "FUNCTION_NAME_DUPLICATE",
  );
  const functions: FunctionModel[] = [];
  for (const name of table?.keys() ?? []) {
    const pointer = table!.pointerOf(name);
    if (!functionName.test(name))
      ctx.report.error(
        "FUNCTION_NAME_INVALID",
        table!.at(name, table!.keyNode(name)),
        `function name ${JSON.stringify(name)} is not valid`,
        "Use 1 to 64 letters, digits, '.', '-' or '_'; the card calls the function by this name.",
      );
    const fn = table!.child(table!.value(name)!, pointer, `function '${name}'`);
    if (!fn) continue;
    fn.unknownFields(["file", "secrets", "endpoint"], `function '${name}'`);
    const file = checkFileRef(ctx, fn, "file", {
      relativeTo: functionsDir,
      within: appDir,
      describe: "function code",
      hint: 'Give the path relative to app.functions, e.g. "my-func.js".',
    });
    const secrets = checkSecrets(ctx, fn, "secrets");
    const endpoint = checkEndpoint(ctx, fn, "method");
    if (file && secrets && endpoint !== undefined)
      functions.push({ name, file, configFile: serverlessPath, pointer, secrets, ...(endpoint ? { endpoint } : {}) });
  }
  return {
    functions,
    functionsDir,
    ...(hasPackageJson ? { functionsPackageJson: packageJson } : {}),
    ...(runtime ? { serverlessRuntime: runtime } : {}),
  };
}
