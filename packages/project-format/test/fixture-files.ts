import { loadProjectFromDir, type ProjectFiles } from "@sprocket/project-format";
import { PROJECTS_DIR } from "../../../fixtures/paths";

export const fixturesDir = PROJECTS_DIR;

/** A fixture project as an editable in-memory file set with string contents. */
export async function fixture(name: string): Promise<Map<string, string>> {
  const files = await loadProjectFromDir(`${fixturesDir}/${name}`);
  return new Map([...files].map(([path, bytes]) => [path, new TextDecoder().decode(bytes)]));
}

/** Copy of `files` with one JSON file rewritten by `change` (and re-serialised). */
export function editJson(files: ProjectFiles, path: string, change: (json: any) => void): Map<string, string | Uint8Array> {
  const text = files.get(path);
  if (typeof text !== "string") throw new Error(`no text file ${path} in the fixture`);
  const json = JSON.parse(text);
  change(json);
  return new Map(files).set(path, JSON.stringify(json, null, 2));
}

export function withFile(files: ProjectFiles, path: string, content: string | undefined): Map<string, string | Uint8Array> {
  const copy = new Map(files);
  if (content === undefined) copy.delete(path);
  else copy.set(path, content);
  return copy;
}
