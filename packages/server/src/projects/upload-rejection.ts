import { UploadRejectedError } from "@sprocket/builder";
import { ApiError } from "../http/api-error";

/** The size caps are 413s; everything else wrong with the archive is the uploader's to fix: 400. */
const TOO_LARGE = new Set(["UPLOAD_TOO_LARGE", "UPLOAD_TOO_MANY_ENTRIES", "UPLOAD_ZIP_BOMB"]);

export function uploadRejection(e: unknown): unknown {
  if (!(e instanceof UploadRejectedError)) return e;
  const errors = [{ message: e.message, code: e.code, ...(e.entry ? { in: e.entry } : {}) }];
  return TOO_LARGE.has(e.code)
    ? new ApiError(413, "PAYLOAD_TOO_LARGE", `The upload was refused: ${e.message}`, { subCategory: e.code, errors })
    : new ApiError(400, "VALIDATION_ERROR", `The upload was refused: ${e.message}`, { subCategory: e.code, errors });
}
