import type { Platform } from "../platform";
import { loadBuildArtifact } from "../projects/build-artifact";
import { mapStack, parseSourceMap, type StackBundle } from "../logs/source-mapped-stack";
import { cardBundlePath } from "./record-cards";

// A card runs from its bundle's URL (routes.ts: /api/v1/card-bundles/:appId/:buildId/:card.js), so a frame of the
// card names its app, build and card: that is all it takes to find the build's source map. The origin is bounded so
// that a long message of URL-like text cannot make the scan quadratic.
const CARD_BUNDLE_URL = /\bhttps?:\/\/[^\s()]{1,256}?\/api\/v1\/card-bundles\/(\d{1,15})\/(\d{1,15})\/([\w.-]{1,64})\.js\b/g;

/** Parsed maps by account, app, build and card: a build's bundle never changes. */
const maps = new Map<string, StackBundle>();
const MAPS_KEPT = 64;

/**
 * A card's error text (a stack the console's extension host reports, React's component stack) with the frames of
 * the card's minified bundle turned into the project's files and lines (`app/cards/Thrower.jsx:5:35`), and the
 * console's own frames (the worker, the host's React) collapsed. Only the account's own cards are looked up.
 */
export async function mapCardStack(p: Platform, accountId: number, text: string): Promise<string> {
  if (!text.includes("/api/v1/card-bundles/")) return text;
  const bundles = new Map<string, StackBundle>();
  for (const [url, appId, buildId, cardUid] of text.matchAll(CARD_BUNDLE_URL)) {
    if (!bundles.has(url)) bundles.set(url, await cardBundle(p, accountId, Number(appId), Number(buildId), cardUid!));
  }
  if (bundles.size === 0) return text;
  return mapStack(text, {
    bundle: (file) => bundles.get(file),
    isHost: (file) => /^(https?|blob):/.test(file),
    clean: (line) => line,
  });
}

async function cardBundle(p: Platform, accountId: number, appId: number, buildId: number, cardUid: string): Promise<StackBundle> {
  const key = `${accountId}/${appId}/${buildId}/${cardUid}`;
  let bundle = maps.get(key);
  if (!bundle) {
    const found = await cardBundlePath(p.store.db, accountId, appId, buildId, cardUid);
    const json = found ? (await loadBuildArtifact(p.store.db, found.ownerAccountId, buildId))?.get(`${found.path}.map`) : undefined;
    bundle = { map: json ? parseSourceMap(json.toString("utf8")) : null, keepNames: false };
    if (maps.size >= MAPS_KEPT) maps.delete(maps.keys().next().value!);
    maps.set(key, bundle);
  }
  return bundle;
}
