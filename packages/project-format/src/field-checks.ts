import type { Node } from "jsonc-parser";
import { suggestion } from "./did-you-mean";
import { describeType, fieldName, type JsonObject } from "./json-object";
import { pointerJoin } from "./json-document";
import { cardLocations, type CardLocation, type HttpMethod } from "./model";
import { objectTypeNames, resolveObjectType, suggestObjectType, type ObjectTypeRef } from "./object-types";
import type { ProjectContext } from "./project-context";
import { isUnder, resolveRelative } from "./project-paths";
import { isKnownScope, suggestScope } from "./scope-catalogue";
import { uidFixHint, uidHint, uidProblem } from "./uid";

/** The part of the project context the field checks use. */
export type Checker = Pick<ProjectContext, "files" | "report">;

export function checkUid(c: Checker, obj: JsonObject, key: string): string | undefined {
  const uid = obj.string(key, { required: true, hint: uidHint });
  if (uid === undefined) return undefined;
  const problem = uidProblem(uid);
  if (problem) {
    c.report.error("UID_INVALID", obj.at(key), `'${fieldName(obj.pointerOf(key))}' ${problem}: ${JSON.stringify(uid)}`, uidFixHint);
    return undefined;
  }
  return uid;
}

const scopeHint = "Use scope names as shown in HubSpot's private app settings, for example crm.objects.contacts.read.";

/** Scope names checked against the catalogue. `atLeastOne` makes an empty list an error. */
export function checkScopes(c: Checker, obj: JsonObject, key: string, atLeastOne: boolean): string[] | undefined {
  const items = obj.strings(key, {
    required: atLeastOne,
    hint: `List the scopes the app needs, e.g. "${key}": ["crm.objects.contacts.read"].`,
  });
  if (!items) return undefined;
  if (atLeastOne && items.length === 0 && obj.value(key)?.children?.length === 0) {
    c.report.error(
      "APP_SCOPES_EMPTY",
      obj.at(key),
      `'${fieldName(obj.pointerOf(key))}' must list at least one scope`,
      `A private app needs at least one scope, e.g. ["crm.objects.contacts.read"].`,
    );
  }
  const seen = new Set<string>();
  let ok = true;
  for (const { value, node, pointer } of items) {
    const at = { file: obj.doc.file, doc: obj.doc, node, pointer };
    if (value.trim() === "") {
      c.report.error(
        "FIELD_EMPTY",
        at,
        `${fieldName(pointer)} is an empty string, not a scope name`,
        `Replace it with a scope name such as crm.objects.contacts.read, or remove it.`,
      );
      ok = false;
    } else if (!isKnownScope(value)) {
      // A near miss of a known scope is a typo HubSpot refuses too; anything else may be a scope newer than this
      // catalogue, so it is granted with a warning rather than refused.
      const guess = suggestScope(value);
      if (guess) {
        c.report.error("APP_SCOPE_UNKNOWN", at, `unknown scope '${value}'; did you mean '${guess}'?`, `Replace it with '${guess}'.`);
        ok = false;
      } else
        c.report.warning(
          "APP_SCOPE_UNKNOWN",
          at,
          `scope '${value}' is not in Sprocket's scope catalogue; the app is granted it, but no API here checks it`,
          scopeHint,
        );
    } else if (seen.has(value)) {
      c.report.warning("APP_SCOPE_DUPLICATE", at, `scope '${value}' is listed twice`, "Remove the repeated entry.");
    }
    seen.add(value);
  }
  return ok ? [...seen] : undefined;
}

export function checkCardLocation(c: Checker, obj: JsonObject, key: string): CardLocation | undefined {
  const hint = `Set '${fieldName(obj.pointerOf(key))}' to one of ${cardLocations.join(", ")}.`;
  const location = obj.string(key, { required: true, hint });
  if (location === undefined) return undefined;
  if ((cardLocations as readonly string[]).includes(location)) return location as CardLocation;
  c.report.error(
    "CARD_LOCATION_INVALID",
    obj.at(key),
    `'${location}' is not a card location; expected one of ${cardLocations.join(", ")}${suggestion(location, cardLocations)}`,
    hint,
  );
  return undefined;
}

/** Object types as `[{name}]` (legacy card JSON) or `["CONTACT"]` (hsmeta). */
export function checkObjectTypes(c: Checker, obj: JsonObject, key: string, style: "plural" | "singular"): ObjectTypeRef[] | undefined {
  const example = style === "plural" ? '[{ "name": "contacts" }]' : '["CONTACT"]';
  const hint = `List the CRM objects whose records show the card, e.g. "${key}": ${example}.`;
  const items = obj.array(key, { required: true, hint });
  if (!items) return undefined;
  if (items.length === 0) {
    c.report.error("FIELD_EMPTY", obj.at(key), `'${fieldName(obj.pointerOf(key))}' must list at least one object type`, hint);
    return undefined;
  }
  const out: ObjectTypeRef[] = [];
  items.forEach((item, i) => {
    const pointer = pointerJoin(obj.pointerOf(key), i);
    let nameNode: Node | undefined = item;
    let namePointer = pointer;
    if (style === "plural") {
      const entry = obj.child(item, pointer, `'${fieldName(pointer)}'`);
      if (!entry) return;
      entry.unknownFields(["name", "propertiesToSend"], "an object type entry");
      if (entry.string("name", { required: true, hint: `Write each entry as { "name": "contacts" }.` }) === undefined) return;
      nameNode = entry.value("name");
      namePointer = entry.pointerOf("name");
    } else if (item.type !== "string") {
      c.report.error(
        "FIELD_TYPE",
        { file: obj.doc.file, doc: obj.doc, node: item, pointer },
        `'${fieldName(pointer)}' must be a string, not ${describeType(item)}`,
        hint,
      );
      return;
    }
    const name = nameNode!.value as string;
    const resolved = resolveObjectType(name);
    const canonical = style === "plural" ? resolved?.name : undefined;
    // Legacy card JSON wants the plural name HubSpot documents; aliases are accepted only in hsmeta.
    if (!resolved || (canonical && canonical !== name && !name.startsWith("p_"))) {
      const guess = suggestObjectType(name, style);
      c.report.error(
        "CARD_OBJECT_TYPE_UNKNOWN",
        { file: obj.doc.file, doc: obj.doc, node: nameNode, pointer: namePointer },
        `unknown object type '${name}'${guess ? `; did you mean '${guess}'?` : ""}`,
        `Use one of ${objectTypeNames(style)}, or a custom object's name starting with p_ (or its type id, 2-<n>).`,
      );
      return;
    }
    out.push(resolved);
  });
  return out.length === items.length ? out : undefined;
}

/**
 * A path field naming a file that must exist inside `within` (the app folder). Legacy paths are
 * relative to the referring file's folder; hsmeta entrypoints start with "/" meaning srcDir.
 */
export function checkFileRef(
  c: Checker,
  obj: JsonObject,
  key: string,
  opts: { relativeTo: string; within: string; rootRelative?: boolean; describe: string; hint: string },
): string | undefined {
  const rel = obj.string(key, { required: true, nonEmpty: true, hint: opts.hint });
  if (rel === undefined) return undefined;
  const path = resolveRelative(opts.relativeTo, opts.rootRelative ? rel.replace(/^\//, "") : rel);
  if (!path || !isUnder(path, opts.within)) {
    c.report.error(
      "FILE_OUTSIDE_APP",
      obj.at(key),
      `'${rel}' points outside ${opts.within || "the project source"}`,
      `Keep ${opts.describe} inside ${opts.within || "the source folder"}. ${opts.hint}`,
    );
    return undefined;
  }
  if (!c.files.has(path)) {
    // A name starting with "." may well exist on disk: the upload leaves it out, so for the build it does not.
    const hidden = path.split("/").find((part) => part.startsWith("."));
    const hint = hidden
      ? `'${hidden}' starts with ".", so uploads leave it out (as HubSpot's CLI does): rename it without the leading ".".`
      : `Create ${path}, or fix the path (relative to ${opts.relativeTo || "the source folder"}; names are case-sensitive).`;
    c.report.error("FILE_NOT_FOUND", obj.at(key), `file '${rel}' does not exist in ${opts.relativeTo || "the project source"}`, hint);
    return undefined;
  }
  return path;
}

const secretName = /^[A-Za-z_][A-Za-z0-9_]*$/;
const providedSecrets = new Set(["PRIVATE_APP_ACCESS_TOKEN", "HS_ENVIRONMENT", "HS_HUBLET", "HS_SERVERLESS_FUNCTION_ID"]);

export function checkSecrets(c: Checker, obj: JsonObject, key: string): string[] | undefined {
  const items = obj.strings(key, { required: false, hint: `List secret names, e.g. "${key}": ["MY_API_KEY"].` });
  if (!items) return obj.value(key) ? undefined : [];
  const out: string[] = [];
  let ok = true;
  for (const { value, node, pointer } of items) {
    const at = { file: obj.doc.file, doc: obj.doc, node, pointer };
    if (!secretName.test(value)) {
      c.report.error(
        "FUNCTION_SECRET_INVALID",
        at,
        `secret name ${JSON.stringify(value)} is not valid`,
        "Secret names are environment variable names: letters, digits and underscores, not starting with a digit, e.g. MY_API_KEY.",
      );
      ok = false;
    } else if (providedSecrets.has(value)) {
      c.report.warning(
        "FUNCTION_SECRET_RESERVED",
        at,
        `secret '${value}' is provided by the platform and need not be declared`,
        "Remove it from the list; functions always receive it.",
      );
    } else if (out.includes(value)) {
      c.report.warning("JSON_DUPLICATE_KEY", at, `secret '${value}' is listed twice`, "Remove the repeated entry.");
    } else out.push(value);
  }
  return ok ? out : undefined;
}

/**
 * `permittedUrls: { fetch, iframe, img }`: only `fetch` is enforced here (by the server's `hubspot.fetch` proxy); each
 * entry is an absolute http(s) URL, a prefix of the URLs cards may call.
 */
export function checkPermittedFetchUrls(c: Checker, obj: JsonObject): string[] | undefined {
  const permitted = obj.object("permittedUrls", {
    required: false,
    hint: 'e.g. "permittedUrls": { "fetch": ["https://api.example.com"] }',
  });
  if (!permitted) return obj.value("permittedUrls") ? undefined : [];
  permitted.unknownFields(["fetch", "iframe", "img"], "'permittedUrls'");
  const items = permitted.strings("fetch", { required: false, hint: 'List URLs, e.g. "fetch": ["https://api.example.com"].' });
  if (!items) return permitted.value("fetch") ? undefined : [];
  let ok = true;
  for (const { value, node, pointer } of items) {
    if (URL.canParse(value) && /^https?:$/.test(new URL(value).protocol)) continue;
    c.report.error(
      "PERMITTED_URL_INVALID",
      { file: obj.doc.file, doc: obj.doc, node, pointer },
      `permitted fetch URL ${JSON.stringify(value)} is not an absolute https:// (or http://) URL`,
      'Write the full URL your cards call, e.g. "https://api.example.com/v1".',
    );
    ok = false;
  }
  return ok ? items.map((i) => i.value) : undefined;
}

const httpMethods: readonly HttpMethod[] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/** `endpoint: {path, method | methods}`; `method` may be one name or a list. */
export function checkEndpoint(
  c: Checker,
  fn: JsonObject,
  methodsKey: "method" | "methods",
): { path: string; methods: HttpMethod[] } | null | undefined {
  const endpoint = fn.object("endpoint", { required: false, hint: "" });
  if (!endpoint) return fn.value("endpoint") ? undefined : null;
  endpoint.unknownFields(["path", methodsKey], "an endpoint");
  const hint = `Write it as "endpoint": { "path": "my-endpoint", "${methodsKey}": ${methodsKey === "method" ? '"GET"' : '["GET"]'} }.`;
  const path = endpoint.string("path", { required: true, nonEmpty: true, hint });
  if (path !== undefined && !/^\/?[A-Za-z0-9_\-./]+$/.test(path)) {
    c.report.error(
      "FUNCTION_ENDPOINT_INVALID",
      endpoint.at("path"),
      `endpoint path ${JSON.stringify(path)} is not valid`,
      "Use letters, digits, '-', '_', '.' and '/' only, e.g. \"quotes/fetch\".",
    );
    return undefined;
  }
  const node = endpoint.value(methodsKey);
  if (!node) {
    endpoint.missing(methodsKey, hint);
    return undefined;
  }
  const list = node.type === "array" ? (node.children ?? []) : [node];
  if (
    (node.type === "array" && list.length === 0) ||
    list.some((m) => m.type !== "string" || !httpMethods.includes(m.value as HttpMethod))
  ) {
    c.report.error(
      "FUNCTION_ENDPOINT_INVALID",
      endpoint.at(methodsKey),
      `'${fieldName(endpoint.pointerOf(methodsKey))}' must name HTTP methods among ${httpMethods.join(", ")}, not ${describeType(node)}`,
      hint,
    );
    return undefined;
  }
  return path === undefined ? undefined : { path: path.replace(/^\//, ""), methods: [...new Set(list.map((m) => m.value as HttpMethod))] };
}
