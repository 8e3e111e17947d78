import { constants } from "node:fs";
import { lstat, open, readdir, realpath } from "node:fs/promises";
import { join, sep } from "node:path";
import yazl from "yazl";

/** Says whether a path (relative, `/`-separated) is left out of the archive; a left-out folder is not walked. */
export type IgnoreRule = (relativePath: string, isDirectory: boolean) => boolean;

export interface ZipDirectoryOptions {
  ignore?: IgnoreRule;
}

/** What `hs project upload` leaves out (local-dev-lib ignoreRules): node_modules, dotfiles (so `.env`), logs, CLI config. */
export const hubspotUploadIgnore: IgnoreRule = (relativePath) => {
  const name = relativePath.slice(relativePath.lastIndexOf("/") + 1);
  return name === "node_modules" || name.startsWith(".") || name.endsWith(".log") || name === "hubspot.config.yml";
};

// A fixed local time and mode make the archive a function of the file contents alone.
const ENTRY_OPTIONS = { mtime: new Date(1980, 0, 1), mode: 0o100644, forceDosTimestamp: true };
const byPath = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A path zipDirectory will not put in an archive: a symbolic link, a special file, or one that leads out of the folder. */
export class UnsafeEntryError extends Error {
  constructor(
    /** Relative to the zipped folder, `/`-separated; "" for the folder itself. */
    readonly relativePath: string,
    message: string,
  ) {
    super(message);
    this.name = "UnsafeEntryError";
  }
}

/**
 * Zips a folder's files with paths relative to it, in sorted order, so the same tree always gives the same bytes.
 * Only what is inside the folder goes in: the folder itself, and every entry below it, must be a real directory or
 * regular file (a symbolic link, the root included, is refused, since it could lead anywhere on the host), and each
 * file must still resolve inside the folder when it is read.
 */
export async function zipDirectory(dir: string, options: ZipDirectoryOptions = {}): Promise<Buffer> {
  const rootInfo = await lstat(dir);
  if (!rootInfo.isDirectory())
    throw new UnsafeEntryError(
      "",
      `${dir} is ${rootInfo.isSymbolicLink() ? "a symbolic link" : "not a folder"}; only a real folder can be zipped.`,
    );
  const root = await realpath(dir);
  const zip = new yazl.ZipFile();
  for (const file of await listFiles(root, "", options.ignore ?? (() => false))) {
    const path = join(root, file.path);
    // A folder swapped for a link after the walk would lead out: check again right before reading, and never follow
    // a link in the last step.
    const real = await realpath(path);
    if (!real.startsWith(root + sep))
      throw new UnsafeEntryError(file.path, `${join(dir, file.path)} leads outside ${dir}; uploads may only contain regular files.`);
    zip.addReadStreamLazy(file.path, { ...ENTRY_OPTIONS, size: file.size }, (done) => {
      open(real, constants.O_RDONLY | constants.O_NOFOLLOW).then(
        (handle) => done(null, handle.createReadStream()),
        (e: unknown) => done(e, undefined as unknown as NodeJS.ReadableStream),
      );
    });
  }
  return finish(zip);
}

/**
 * Zips files held in memory (path → content) the way zipDirectory zips a folder: sorted, with a fixed time and mode,
 * so the same entries always give the same bytes.
 */
export async function zipEntries(entries: Iterable<readonly [string, string | Uint8Array]>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [path, content] of [...entries].sort(([a], [b]) => byPath(a, b))) {
    const bytes = typeof content === "string" ? Buffer.from(content) : Buffer.from(content.buffer, content.byteOffset, content.byteLength);
    zip.addBuffer(bytes, path, ENTRY_OPTIONS);
  }
  return finish(zip);
}

/** Ends the archive and collects it into one buffer. */
async function finish(zip: yazl.ZipFile): Promise<Buffer> {
  zip.end();
  // A file that cannot be opened or changed size while being read fails the archive (yazl says so on the ZipFile).
  const failed = new Promise<never>((_, reject) => zip.on("error", reject));
  const collected = (async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
    return Buffer.concat(chunks);
  })();
  return Promise.race([collected, failed]);
}

async function listFiles(root: string, prefix: string, ignore: IgnoreRule): Promise<{ path: string; size: number }[]> {
  const names = (await readdir(join(root, prefix))).sort(byPath);
  const files: { path: string; size: number }[] = [];
  for (const name of names) {
    const path = prefix === "" ? name : `${prefix}/${name}`;
    const info = await lstat(join(root, path));
    if (ignore(path, info.isDirectory())) continue;
    if (info.isDirectory()) files.push(...(await listFiles(root, path, ignore)));
    else if (info.isFile()) files.push({ path, size: info.size });
    else
      throw new UnsafeEntryError(
        path,
        `${join(root, path)} is a symbolic link or special file; uploads may only contain regular files. Replace it with a copy.`,
      );
  }
  return files;
}
