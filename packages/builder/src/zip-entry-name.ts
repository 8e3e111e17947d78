import { UploadRejectedError } from "./upload-rejected-error";

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
const lossyUtf8 = new TextDecoder("utf-8");

export interface EntryName {
  /** Relative path with `/` separators, no empty or `.` segments. */
  path: string;
  isDirectory: boolean;
  /** Key under which two names collide on a case-insensitive or Unicode-normalising file system. */
  collisionKey: string;
}

/**
 * Turns a raw central-directory name into a safe relative path, or refuses it.
 * Names are read as UTF-8 whatever the zip's UTF-8 flag says: every mainstream zip tool writes
 * UTF-8 today, and bytes that are not valid UTF-8 are refused rather than guessed at.
 */
export function parseEntryName(raw: Buffer, maxPathDepth: number): EntryName {
  let name: string;
  try {
    name = strictUtf8.decode(raw);
  } catch {
    const shown = lossyUtf8.decode(raw);
    throw new UploadRejectedError(
      "UPLOAD_INVALID_NAME",
      `Zip entry ${JSON.stringify(shown)} has a name that is not valid UTF-8. Re-create the archive with a tool that writes UTF-8 file names.`,
      shown,
    );
  }
  if (/[\u0000-\u001f\u007f]/.test(name)) {
    throw new UploadRejectedError(
      "UPLOAD_INVALID_NAME",
      `Zip entry ${JSON.stringify(name)} has control characters in its name. Rename the file.`,
      name,
    );
  }
  // Windows tools sometimes write `\` as the separator; treat it as one, so `..\x` is caught below.
  const slashed = name.replaceAll("\\", "/");
  if (slashed.startsWith("/") || /^[A-Za-z]:/.test(slashed)) {
    throw new UploadRejectedError(
      "UPLOAD_ZIP_SLIP",
      `Zip entry ${JSON.stringify(name)} is an absolute path. Archive entries must be relative to the project folder.`,
      name,
    );
  }
  const segments = slashed.split("/").filter((segment) => segment !== "" && segment !== ".");
  if (segments.includes("..")) {
    throw new UploadRejectedError(
      "UPLOAD_ZIP_SLIP",
      `Zip entry ${JSON.stringify(name)} contains a ".." segment, which could write outside the project folder. Remove it from the archive.`,
      name,
    );
  }
  if (segments.length === 0) {
    throw new UploadRejectedError("UPLOAD_INVALID_NAME", `Zip entry ${JSON.stringify(name)} has an empty name.`, name);
  }
  const longSegment = segments.find((segment) => Buffer.byteLength(segment) > 255);
  if (longSegment !== undefined) {
    throw new UploadRejectedError(
      "UPLOAD_INVALID_NAME",
      `Zip entry ${JSON.stringify(name)} has a path segment longer than 255 bytes. Shorten the name.`,
      name,
    );
  }
  if (segments.length > maxPathDepth) {
    throw new UploadRejectedError(
      "UPLOAD_PATH_TOO_DEEP",
      `Zip entry ${JSON.stringify(name)} is nested ${segments.length} folders deep; the limit is ${maxPathDepth}.`,
      name,
    );
  }
  const path = segments.join("/");
  return { path, isDirectory: slashed.endsWith("/"), collisionKey: path.normalize("NFC").toLowerCase() };
}
