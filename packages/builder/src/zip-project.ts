import { createReadStream } from "node:fs";
import { lstat, readdir } from "node:fs/promises";
import { join } from "node:path";
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
const FIXED_MTIME = new Date(1980, 0, 1);
const FILE_MODE = 0o100644;

/** Zips a folder's files with paths relative to it, in sorted order, so the same tree always gives the same bytes. */
export async function zipDirectory(dir: string, options: ZipDirectoryOptions = {}): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const file of await listFiles(dir, "", options.ignore ?? (() => false))) {
    zip.addReadStreamLazy(file.path, { mtime: FIXED_MTIME, mode: FILE_MODE, forceDosTimestamp: true, size: file.size }, (done) =>
      done(null, createReadStream(join(dir, file.path))),
    );
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function listFiles(root: string, prefix: string, ignore: IgnoreRule): Promise<{ path: string; size: number }[]> {
  const names = (await readdir(join(root, prefix))).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const files: { path: string; size: number }[] = [];
  for (const name of names) {
    const path = prefix === "" ? name : `${prefix}/${name}`;
    const info = await lstat(join(root, path));
    if (ignore(path, info.isDirectory())) continue;
    if (info.isDirectory()) files.push(...(await listFiles(root, path, ignore)));
    else if (info.isFile()) files.push({ path, size: info.size });
    else throw new Error(`${join(root, path)} is a symbolic link or special file; uploads may only contain regular files. Replace it with a copy.`);
  }
  return files;
}
