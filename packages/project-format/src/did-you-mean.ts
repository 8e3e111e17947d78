import { closest, distance } from "fastest-levenshtein";

/** The closest candidate if it is near enough to be a plausible typo, else undefined. */
export function didYouMean(input: string, candidates: readonly string[]): string | undefined {
  if (input.trim() === "" || candidates.length === 0) return undefined;
  const lower = input.toLowerCase();
  const exactCase = candidates.find((c) => c.toLowerCase() === lower);
  if (exactCase) return exactCase;
  const best = closest(lower, candidates as string[]);
  return distance(lower, best.toLowerCase()) <= Math.max(2, Math.floor(input.length / 5)) ? best : undefined;
}

export function suggestion(input: string, candidates: readonly string[]): string {
  const match = didYouMean(input, candidates);
  return match ? `; did you mean '${match}'?` : "";
}
