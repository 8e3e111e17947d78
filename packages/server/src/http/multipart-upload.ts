import type { FastifyRequest } from "fastify";
import { DEFAULT_UNPACK_LIMITS } from "@sprocket/builder";
import { ApiError } from "./api-error";
import { DomainError, invalid } from "../errors/domain-error";

export const MULTIPART_LIMITS = { fileSize: DEFAULT_UNPACK_LIMITS.maxCompressedBytes, files: 1, fields: 20, fieldSize: 1024 * 1024 };

/** Reads a multipart upload: the one file (named `fileField`) into memory, the text fields by name. */
export async function readMultipartUpload(
  request: FastifyRequest,
  fileField: string,
): Promise<{ file: Buffer; fields: Record<string, string> }> {
  if (!request.isMultipart())
    throw new ApiError(415, "UNSUPPORTED_MEDIA_TYPE", `Send the project as multipart/form-data with the zip in the "${fileField}" field.`);
  const fields: Record<string, string> = {};
  let file: Buffer | undefined;
  try {
    for await (const part of request.parts()) {
      if (part.type === "file") {
        const bytes = await part.toBuffer();
        if (part.fieldname === fileField) file = bytes;
      } else fields[part.fieldname] = String(part.value);
    }
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "FST_REQ_FILE_TOO_LARGE") {
      throw new DomainError(
        "too_large",
        `The upload is larger than ${MULTIPART_LIMITS.fileSize / 1024 / 1024} MB, the most a project archive may be.`,
        { subCategory: "UPLOAD_TOO_LARGE" },
      );
    }
    if (code === "FST_FILES_LIMIT" || code === "FST_PARTS_LIMIT")
      throw new DomainError("too_large", "Send one project archive per upload.");
    // Anything else here is the body failing to parse (no boundary, a cut-off part): the sender's mistake.
    throw invalid(`The multipart body could not be read: ${(e as Error).message}.`, [{ message: (e as Error).message, in: "body" }]);
  }
  if (!file)
    throw invalid(`The upload has no "${fileField}" file field holding the project zip.`, [{ message: "Missing file", in: fileField }]);
  return { file, fields };
}
