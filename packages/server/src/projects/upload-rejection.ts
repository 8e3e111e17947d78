import { UploadRejectedError } from "@sprocket/builder";
import { DomainError } from "../errors/domain-error";

/** The size caps are 413s; everything else wrong with the archive is the uploader's to fix: 400. */
const TOO_LARGE = new Set(["UPLOAD_TOO_LARGE", "UPLOAD_TOO_MANY_ENTRIES", "UPLOAD_ZIP_BOMB"]);

export function uploadRejection(e: unknown): unknown {
  if (!(e instanceof UploadRejectedError)) return e;
  const errors = [{ message: e.message, code: e.code, ...(e.entry ? { in: e.entry } : {}) }];
  return TOO_LARGE.has(e.code)
    ? new DomainError("too_large", `The upload was refused: ${e.message}`, { subCategory: e.code, errors })
    : new DomainError("invalid", `The upload was refused: ${e.message}`, { subCategory: e.code, errors });
}
