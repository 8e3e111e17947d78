import type { NpmFailure } from "./npm-output";

// A lock file far out of step lists every missing package; the first few say what happened.
const SHOWN_MISMATCHES = 3;

/**
 * Why an install did not go exactly as the package's lock file says, kept in the cache entry beside node_modules so a
 * build served from the cache warns as the first one did. Kept as facts rather than text, because the same dependency
 * set is shared by projects whose folders have other names.
 */
export type InstallNote =
  | { kind: "lock-out-of-step"; lockfile: string; mismatches: string[] }
  | { kind: "lock-not-served"; lockfile: string; reason: string }
  | { kind: "yarn-lock-read"; pinned: number }
  | { kind: "yarn-pin-not-served"; reason: string };

export function outOfStepNote(lockfile: string, failure: NpmFailure): InstallNote {
  const { mismatches } = failure;
  const more = mismatches.length - SHOWN_MISMATCHES;
  return {
    kind: "lock-out-of-step",
    lockfile,
    mismatches: more > 0 ? [...mismatches.slice(0, SHOWN_MISMATCHES), `and ${more} more`] : mismatches,
  };
}

export function notServedNote(lockfile: string | null, failure: NpmFailure): InstallNote {
  return lockfile === null
    ? { kind: "yarn-pin-not-served", reason: failure.summary }
    : { kind: "lock-not-served", lockfile, reason: failure.summary };
}

/** The build warning for a note, naming the package folder by its path in the project. */
export function warningText(note: InstallNote, folder: string): string {
  const at = (file: string) => (folder === "" || folder === "." ? file : `${folder}/${file}`);
  switch (note.kind) {
    case "lock-out-of-step": {
      const why = note.mismatches.length ? ` (${note.mismatches.join("; ")})` : "";
      return `${at(note.lockfile)} is out of step with ${at("package.json")}, so npm ci refused it${why}. Installed with npm install within package.json's ranges instead, keeping the lock file's versions where they still fit. Run npm install in ${folder || "."} and commit ${note.lockfile} to build exactly what you tested.`;
    }
    case "lock-not-served":
      return `${at(note.lockfile)} pins a version the npm registry does not serve (${note.reason}). Installed with npm install from ${at("package.json")}'s ranges, without the lock file.`;
    case "yarn-lock-read":
      return `${at("yarn.lock")}: dependencies are installed with npm, not yarn. The ${note.pinned} direct dependencies found in yarn.lock keep its versions; npm resolved their own dependencies within their ranges. Commit a package-lock.json to lock them all.`;
    case "yarn-pin-not-served":
      return `${at("yarn.lock")} pins a version the npm registry does not serve (${note.reason}). Installed with npm install from ${at("package.json")}'s ranges instead.`;
  }
}
