/** Stable codes for every reason an uploaded archive is refused; the server and CLI key their messages on these. */
export type UploadRejectedCode =
  | "UPLOAD_TOO_LARGE"
  | "UPLOAD_TOO_MANY_ENTRIES"
  | "UPLOAD_ZIP_BOMB"
  | "UPLOAD_ZIP_SLIP"
  | "UPLOAD_SYMLINK"
  | "UPLOAD_SPECIAL_FILE"
  | "UPLOAD_DUPLICATE_ENTRY"
  | "UPLOAD_INVALID_NAME"
  | "UPLOAD_PATH_TOO_DEEP"
  | "UPLOAD_UNSUPPORTED"
  | "UPLOAD_CORRUPT";

/** An upload refused for something the uploader can fix; `entry` names the offending archive entry when there is one. */
export class UploadRejectedError extends Error {
  override readonly name = "UploadRejectedError";
  constructor(
    readonly code: UploadRejectedCode,
    message: string,
    readonly entry?: string,
  ) {
    super(message);
  }
}
