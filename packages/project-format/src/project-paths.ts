import { posix } from "node:path";
import type { ProjectFiles } from "./project-files";

export function dirOf(path: string): string {
  const dir = posix.dirname(path);
  return dir === "." ? "" : dir;
}

export function joinPath(dir: string, rel: string): string {
  return dir ? `${dir}/${rel}` : rel;
}

/** `rel` resolved against `base`, or undefined if it is absolute or climbs above the project root. */
export function resolveRelative(base: string, rel: string): string | undefined {
  if (rel.startsWith("/") || rel.includes("\\")) return undefined;
  const joined = posix.normalize(joinPath(base, rel));
  return joined === ".." || joined.startsWith("../") ? undefined : joined;
}

export function isUnder(path: string, dir: string): boolean {
  return dir === "" || path.startsWith(`${dir}/`);
}

/** The nearest folder from `from` up to `stop` (inclusive) that holds a package.json. */
export function nearestPackageDir(files: ProjectFiles, from: string, stop: string): string | undefined {
  for (let dir = from; isUnder(dir, stop) || dir === stop; dir = dirOf(dir)) {
    if (files.has(joinPath(dir, "package.json"))) return dir;
    if (dir === stop || dir === "") return undefined;
  }
  return undefined;
}
