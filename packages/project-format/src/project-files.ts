import { lstat, readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import ignore, { type Ignore } from "ignore";

/**
 * A project as a virtual file set: POSIX paths relative to the project root (no leading "./")
 * mapped to contents. The CLI fills it from a folder, the server from the entries of a zip.
 */
export type ProjectFiles = ReadonlyMap<string, string | Uint8Array>;

// What HubSpot's CLI leaves out of an upload (local-dev-lib lib/ignoreRules.js), plus `.hsignore`.
const uploadIgnoreRules = [
  "node_modules",
  ".*",
  "*.log",
  "*.swp",
  "*~",
  "hubspot.config.yml",
  "hubspot.config.yaml",
  "fields.output.json",
  "__MACOSX",
  "ehthumbs.db",
  "Thumbs.db",
];

const decoder = new TextDecoder("utf-8");

export function fileText(files: ProjectFiles, path: string): string | undefined {
  const content = files.get(path);
  return content === undefined || typeof content === "string" ? content : decoder.decode(content);
}

function uploadIgnore(hsignore?: string): Ignore {
  const rules = ignore().add(uploadIgnoreRules);
  return hsignore ? rules.add(hsignore) : rules;
}

/** A folder the upload leaves out because its name starts with "." (e.g. `.functions`), and the names directly in it. */
export interface HiddenFolder {
  path: string;
  names: string[];
}

export interface LoadedFolder {
  files: Map<string, Uint8Array>;
  /** So that validation can say what a hidden folder held: the upload drops it without a word. */
  hiddenFolders: HiddenFolder[];
}

/** Reads a project folder, leaving out what HubSpot's CLI would not upload. Symlinks are skipped: uploads refuse them. */
export async function loadProjectFromDir(dir: string): Promise<Map<string, Uint8Array>> {
  return (await loadProjectFolder(dir)).files;
}

/** loadProjectFromDir, and the hidden folders it left out. */
export async function loadProjectFolder(dir: string): Promise<LoadedFolder> {
  if (!(await lstat(dir)).isDirectory()) throw new Error(`${dir} is not a folder`);
  const hsignore = await readFile(join(dir, ".hsignore"), "utf8").catch((e: NodeJS.ErrnoException) => {
    if (e.code === "ENOENT") return undefined;
    throw e;
  });
  const rules = uploadIgnore(hsignore);
  const files = new Map<string, Uint8Array>();
  const hiddenFolders: HiddenFolder[] = [];
  const walk = async (rel: string): Promise<void> => {
    const entries = await readdir(join(dir, rel), { withFileTypes: true });
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!rules.ignores(`${path}/`)) await walk(path);
        else if (entry.name.startsWith(".")) hiddenFolders.push({ path, names: (await readdir(join(dir, path))).sort() });
      } else if (entry.isFile() && !rules.ignores(path)) {
        files.set(path, await readFile(join(dir, path)));
      }
    }
  };
  await walk("");
  return { files, hiddenFolders };
}

/**
 * Builds a file set from archive entries (path, content), normalising `./` and `\` and dropping
 * folders and what the upload rules ignore. Throws on absolute paths and `..`, which no valid upload holds.
 */
export function projectFilesFromEntries(entries: Iterable<readonly [string, string | Uint8Array]>): Map<string, string | Uint8Array> {
  const rules = uploadIgnore();
  const files = new Map<string, string | Uint8Array>();
  for (const [raw, content] of entries) {
    const path = raw.replace(/\\/g, "/").replace(/^(\.\/)+/, "");
    if (path.startsWith("/") || /^[a-zA-Z]:/.test(path) || path.split("/").includes(".."))
      throw new Error(`archive entry '${raw}' is outside the project: absolute paths and '..' are not allowed`);
    if (path === "" || path.endsWith("/") || rules.ignores(path)) continue;
    files.set(path, content);
  }
  return files;
}
