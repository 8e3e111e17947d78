import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, readdir, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { crc32 } from "node:zlib";
import yauzl from "yauzl";
import { DEFAULT_UNPACK_LIMITS, type UnpackLimits } from "./unpack-limits";
import { UploadRejectedError } from "./upload-rejected-error";
import { parseEntryName, type EntryName } from "./zip-entry-name";

/** A zip as bytes in memory or as a path on disk. */
export type ZipSource = Buffer | string;

export interface UnpackResult {
  /** Relative paths of the files written, in archive order. */
  files: string[];
  /** Bytes written in total. */
  bytes: number;
}

interface CheckedEntry {
  entry: yauzl.Entry;
  name: EntryName;
}

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const STORED = 0;
const DEFLATED = 8;

/**
 * Unpacks an uploaded zip into `destDir`, which must not exist yet or be empty.
 * Every entry is checked before a byte is written; files are then written into a sibling staging
 * folder that is renamed into place at the end, so a refused archive leaves nothing behind.
 */
export async function unpackZip(source: ZipSource, destDir: string, limits: Partial<UnpackLimits> = {}): Promise<UnpackResult> {
  const dest = resolve(destDir);
  await assertEmptyOrAbsent(dest);
  return withArchive(source, limits, async (zip, entries) => {
    await mkdir(dirname(dest), { recursive: true });
    const staging = await mkdtemp(join(dirname(dest), `.${basename(dest)}.unpacking-`));
    try {
      const files: string[] = [];
      let bytes = 0;
      for (const { entry, name } of entries) {
        const target = join(staging, ...name.path.split("/"));
        if (name.isDirectory) {
          await mkdir(target, { recursive: true });
          continue;
        }
        await mkdir(dirname(target), { recursive: true });
        // `wx`: never follow or overwrite something already there; duplicates were refused earlier.
        await pipeline(Readable.from(checkedChunks(zip, entry, name)), createWriteStream(target, { flags: "wx", mode: 0o644 }));
        files.push(name.path);
        bytes += entry.uncompressedSize;
      }
      await rename(staging, dest);
      return { files, bytes };
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      throw error;
    }
  });
}

/** Reads every file of a zip into memory (for validation before unpacking), with the same checks as `unpackZip`. */
export async function readZipEntries(source: ZipSource, limits: Partial<UnpackLimits> = {}): Promise<Map<string, Buffer>> {
  return withArchive(source, limits, async (zip, entries) => {
    const files = new Map<string, Buffer>();
    for (const { entry, name } of entries) {
      if (name.isDirectory) continue;
      const chunks: Buffer[] = [];
      for await (const chunk of checkedChunks(zip, entry, name)) chunks.push(chunk);
      files.set(name.path, Buffer.concat(chunks));
    }
    return files;
  });
}

async function assertEmptyOrAbsent(dest: string): Promise<void> {
  try {
    if ((await readdir(dest)).length > 0) throw new Error(`Cannot unpack into ${dest}: the folder is not empty.`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}

async function withArchive<T>(
  source: ZipSource,
  partialLimits: Partial<UnpackLimits>,
  use: (zip: yauzl.ZipFile, entries: CheckedEntry[]) => Promise<T>,
): Promise<T> {
  const limits = { ...DEFAULT_UNPACK_LIMITS, ...partialLimits };
  const size = typeof source === "string" ? (await stat(source)).size : source.length;
  if (size > limits.maxCompressedBytes) {
    throw new UploadRejectedError(
      "UPLOAD_TOO_LARGE",
      `The upload is ${formatBytes(size)}; the limit is ${formatBytes(limits.maxCompressedBytes)}. Remove build output and large assets from the project.`,
    );
  }
  // Names stay raw bytes (decodeStrings: false) and sizes are checked here, so every refusal carries our code.
  const options: yauzl.Options = { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: false };
  let zip: yauzl.ZipFile;
  try {
    zip = typeof source === "string" ? await yauzl.openPromise(source, options) : await yauzl.fromBufferPromise(source, options);
  } catch (error) {
    throw new UploadRejectedError("UPLOAD_CORRUPT", `The upload is not a readable zip archive (${(error as Error).message}).`);
  }
  try {
    return await use(zip, await scanEntries(zip, size, limits));
  } finally {
    zip.close();
  }
}

/** Reads the central directory and refuses the archive if any entry breaks a rule. Writes nothing. */
async function scanEntries(zip: yauzl.ZipFile, archiveSize: number, limits: UnpackLimits): Promise<CheckedEntry[]> {
  if (zip.entryCount > limits.maxEntries) {
    throw new UploadRejectedError(
      "UPLOAD_TOO_MANY_ENTRIES",
      `The upload has ${zip.entryCount} entries; the limit is ${limits.maxEntries}. Leave node_modules and generated files out of the project.`,
    );
  }
  const checked: CheckedEntry[] = [];
  // collisionKey → what is there: a file, a folder someone declared, or a folder implied by a file's path.
  const occupied = new Map<string, "file" | "dir" | "implied-dir">();
  const offsets = new Set<number>();
  let declaredTotal = 0;
  let compressedTotal = 0;
  try {
    for await (const entry of zip.eachEntry()) {
      const name = parseEntryName(entry.fileNameRaw, limits.maxPathDepth);
      const shown = JSON.stringify(name.path);
      const type = (entry.externalFileAttributes >>> 16) & S_IFMT;
      if (type === S_IFLNK) {
        throw new UploadRejectedError(
          "UPLOAD_SYMLINK",
          `Zip entry ${shown} is a symbolic link. Replace it with the file it points to.`,
          name.path,
        );
      }
      if (type !== 0 && type !== S_IFREG && type !== S_IFDIR) {
        throw new UploadRejectedError(
          "UPLOAD_SPECIAL_FILE",
          `Zip entry ${shown} is not a regular file or folder (a device, pipe or socket).`,
          name.path,
        );
      }
      if (type === S_IFDIR) name.isDirectory = true;
      if (entry.isEncrypted()) {
        throw new UploadRejectedError(
          "UPLOAD_UNSUPPORTED",
          `Zip entry ${shown} is encrypted. Upload an archive without a password.`,
          name.path,
        );
      }
      if (entry.compressionMethod !== STORED && entry.compressionMethod !== DEFLATED) {
        throw new UploadRejectedError(
          "UPLOAD_UNSUPPORTED",
          `Zip entry ${shown} uses compression method ${entry.compressionMethod}; only stored and deflated entries are supported.`,
          name.path,
        );
      }
      if (
        (name.isDirectory && entry.uncompressedSize > 0) ||
        (entry.compressionMethod === STORED && entry.compressedSize !== entry.uncompressedSize)
      ) {
        throw new UploadRejectedError("UPLOAD_CORRUPT", `Zip entry ${shown} has inconsistent sizes in its header.`, name.path);
      }
      if (entry.relativeOffsetOfLocalHeader + entry.compressedSize > archiveSize) {
        throw new UploadRejectedError(
          "UPLOAD_CORRUPT",
          `Zip entry ${shown} points past the end of the archive; the upload is truncated or damaged.`,
          name.path,
        );
      }
      // Entries sharing data (the "overlapping files" bomb) reuse offsets or claim more bytes than the archive has.
      compressedTotal += entry.compressedSize;
      if (offsets.has(entry.relativeOffsetOfLocalHeader) || compressedTotal > archiveSize) {
        throw new UploadRejectedError(
          "UPLOAD_ZIP_BOMB",
          `Zip entry ${shown} overlaps another entry's data, a zip-bomb construction.`,
          name.path,
        );
      }
      offsets.add(entry.relativeOffsetOfLocalHeader);
      if (entry.uncompressedSize > limits.ratioFloorBytes && entry.uncompressedSize > limits.maxRatio * entry.compressedSize) {
        throw new UploadRejectedError(
          "UPLOAD_ZIP_BOMB",
          `Zip entry ${shown} inflates from ${formatBytes(entry.compressedSize)} to ${formatBytes(entry.uncompressedSize)}, more than ${limits.maxRatio}:1.`,
          name.path,
        );
      }
      declaredTotal += entry.uncompressedSize;
      if (declaredTotal > limits.maxUncompressedBytes) {
        throw new UploadRejectedError(
          "UPLOAD_TOO_LARGE",
          `The upload inflates to more than ${formatBytes(limits.maxUncompressedBytes)} (reached at entry ${shown}). Remove large files from the project.`,
          name.path,
        );
      }
      claimPath(occupied, name);
      checked.push({ entry, name });
    }
  } catch (error) {
    if (error instanceof UploadRejectedError) throw error;
    throw new UploadRejectedError("UPLOAD_CORRUPT", `The upload's zip directory is damaged (${(error as Error).message}).`);
  }
  return checked;
}

function claimPath(occupied: Map<string, "file" | "dir" | "implied-dir">, name: EntryName): void {
  const duplicate = (why: string) =>
    new UploadRejectedError(
      "UPLOAD_DUPLICATE_ENTRY",
      `Zip entry ${JSON.stringify(name.path)} ${why}. Each path may appear once.`,
      name.path,
    );
  const parts = name.collisionKey.split("/");
  for (let i = 1; i < parts.length; i++) {
    const ancestor = parts.slice(0, i).join("/");
    if (occupied.get(ancestor) === "file") {
      throw duplicate(`lies under ${JSON.stringify(name.path.split("/").slice(0, i).join("/"))}, which is a file`);
    }
    if (!occupied.has(ancestor)) occupied.set(ancestor, "implied-dir");
  }
  const existing = occupied.get(name.collisionKey);
  if (name.isDirectory) {
    if (existing === "file") throw duplicate("is a folder but the same path (ignoring case) is also a file");
    if (existing === "dir") throw duplicate("appears twice (names are compared ignoring case)");
    occupied.set(name.collisionKey, "dir");
    return;
  }
  if (existing === "file") throw duplicate("appears twice (names are compared ignoring case)");
  if (existing !== undefined) throw duplicate("is a file but the same path (ignoring case) is also a folder");
  occupied.set(name.collisionKey, "file");
}

/**
 * Yields an entry's inflated bytes, refusing it as soon as it produces more than its header declared.
 * Since the declared sizes already fit the caps, this bounds the real total too, whatever the header says.
 */
async function* checkedChunks(zip: yauzl.ZipFile, entry: yauzl.Entry, name: EntryName): AsyncGenerator<Buffer> {
  const shown = JSON.stringify(name.path);
  let actual = 0;
  let checksum = 0;
  try {
    const stream = await zip.openReadStreamPromise(entry);
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      actual += chunk.length;
      if (actual > entry.uncompressedSize) {
        throw new UploadRejectedError(
          "UPLOAD_ZIP_BOMB",
          `Zip entry ${shown} inflates to more than the ${formatBytes(entry.uncompressedSize)} its header declares.`,
          name.path,
        );
      }
      checksum = crc32(chunk, checksum);
      yield chunk;
    }
  } catch (error) {
    if (error instanceof UploadRejectedError) throw error;
    throw new UploadRejectedError("UPLOAD_CORRUPT", `Zip entry ${shown} cannot be read (${(error as Error).message}).`, name.path);
  }
  if (actual !== entry.uncompressedSize) {
    throw new UploadRejectedError(
      "UPLOAD_CORRUPT",
      `Zip entry ${shown} is truncated: ${actual} of ${entry.uncompressedSize} bytes.`,
      name.path,
    );
  }
  if (checksum !== entry.crc32) {
    throw new UploadRejectedError("UPLOAD_CORRUPT", `Zip entry ${shown} fails its CRC-32 check; the upload is damaged.`, name.path);
  }
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
