import type { Kysely } from "kysely";
import type { Database } from "../store/schema";
import { DomainError } from "../errors/domain-error";

/**
 * A staged build (what `hs project watch` fills file by file) locks its project: until it is queued or cancelled,
 * no other upload or staged build may start. Its row is a build with status STAGED, outside listings.
 */
export function findStagedBuild(db: Kysely<Database>, projectId: number) {
  return db
    .selectFrom("builds")
    .select(["id", "build_number"])
    .where("project_id", "=", projectId)
    .where("status", "=", "STAGED")
    .executeTakeFirst();
}

/** HubSpot's error for a locked project; the CLI recognises the subCategory (and `hs project watch` offers to cancel). */
export const projectLocked = (name: string) =>
  new DomainError(
    "conflict",
    `Project "${name}" is locked by a staged build (hs project watch). Finish or cancel it first (POST …/builds/staged/cancel, or quit the watch).`,
    {
      subCategory: "BuildPipelineErrorType.PROJECT_LOCKED",
    },
  );
