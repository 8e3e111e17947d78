// The source lines that build errors point at, read from the build's uploaded archive.
import { unzip } from "fflate";

export type SourceFiles = (path: string) => string[] | undefined;

/** GET …/archive-full: the zip the build was made from; files are then found by path suffix. */
export async function loadSourceFiles(project: string, buildId: number): Promise<SourceFiles> {
  const response = await fetch(`/dfs/v1/projects/${encodeURIComponent(project)}/builds/${buildId}/archive-full`, {
    credentials: "same-origin",
  });
  if (!response.ok) throw new Error(`The build's source is not available (HTTP ${response.status}).`);
  const zip = new Uint8Array(await response.arrayBuffer());
  const entries = await new Promise<Record<string, Uint8Array>>((resolve, reject) =>
    unzip(zip, (error, files) => (error ? reject(error) : resolve(files))),
  );
  const decoder = new TextDecoder();
  const cache = new Map<string, string[]>();
  return (path) => {
    const wanted = path.replace(/^\.?\//, "");
    const name = Object.keys(entries).find((entry) => entry === wanted || entry.endsWith(`/${wanted}`));
    if (!name) return undefined;
    if (!cache.has(name)) cache.set(name, decoder.decode(entries[name]).split(/\r?\n/));
    return cache.get(name);
  };
}
