import type { Platform } from "../platform";
import { DomainError, invalid } from "../errors/domain-error";
import { findProject, type ProjectRow } from "./project-lookup";

/** Letters, digits, spaces, dots, dashes and underscores; it names a folder and appears in URLs. */
const PROJECT_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}$/;

export function checkProjectName(name: string): void {
  if (!PROJECT_NAME.test(name)) {
    throw invalid(
      `Invalid project name ${JSON.stringify(name)}: use 1 to 100 letters, digits, spaces, dots, dashes or underscores, starting with a letter or digit.`,
      [{ message: "Invalid project name", in: "name" }],
    );
  }
}

export async function createProject(p: Platform, accountId: number, name: string): Promise<ProjectRow> {
  checkProjectName(name);
  if (await findProject(p.store.db, accountId, name)) {
    throw new DomainError("conflict", `A project named "${name}" already exists in account ${accountId}.`);
  }
  const now = p.clock.now();
  return p.store.db
    .insertInto("projects")
    .values({
      account_id: accountId,
      name,
      last_build_number: 0,
      auto_deploy: 1,
      deployed_build_id: null,
      git_url: null,
      git_branch: null,
      git_secret_sealed: null,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}
