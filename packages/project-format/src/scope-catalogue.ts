import scopeNames from "../data/scopes.json" with { type: "json" };
import { didYouMean } from "./did-you-mean";

/** HubSpot scope names a private app may request (kept as data in ../data/scopes.json). */
export const scopeCatalogue: readonly string[] = scopeNames;

const known = new Set(scopeCatalogue);

export function isKnownScope(scope: string): boolean {
  return known.has(scope);
}

export function suggestScope(scope: string): string | undefined {
  return didYouMean(scope, scopeCatalogue);
}
