import type { Platform } from "../platform";
import { validationError } from "../http/api-error";
import { requireProject } from "./project-lookup";
import { allowedGitProtocols } from "./git-source";

export interface GitLinkInput {
  repositoryUrl: string;
  branch: string;
  webhookSecret: string;
}

/** Links a project to a branch of a git repository; pushes to it, signed with the secret, build the project. */
export async function linkRepository(p: Platform, accountId: number, name: string, input: GitLinkInput): Promise<void> {
  const project = await requireProject(p.store.db, accountId, name);
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(input.repositoryUrl)?.[1]?.toLowerCase();
  const allowed = allowedGitProtocols();
  if (!scheme || !allowed.includes(scheme)) {
    throw validationError(`repositoryUrl must be a ${allowed.join(", ")} URL such as https://github.com/acme/crm-app.git (got ${JSON.stringify(input.repositoryUrl)}).`, [{ message: "Unsupported repository URL", in: "repositoryUrl" }]);
  }
  if (!/^[A-Za-z0-9._/-]+$/.test(input.branch) || input.branch.startsWith("-")) {
    throw validationError(`branch ${JSON.stringify(input.branch)} is not a valid branch name.`, [{ message: "Invalid branch", in: "branch" }]);
  }
  if (input.webhookSecret.length < 16) {
    throw validationError("webhookSecret must be at least 16 characters: it is what proves a push event comes from your git host.", [{ message: "Secret too short", in: "webhookSecret" }]);
  }
  await p.store.db
    .updateTable("projects")
    .set({ git_url: input.repositoryUrl, git_branch: input.branch, git_secret_sealed: p.box.seal(input.webhookSecret), updated_at: p.clock.now() })
    .where("id", "=", project.id)
    .execute();
}

export async function unlinkRepository(p: Platform, accountId: number, name: string): Promise<void> {
  const project = await requireProject(p.store.db, accountId, name);
  await p.store.db.updateTable("projects").set({ git_url: null, git_branch: null, git_secret_sealed: null, updated_at: p.clock.now() }).where("id", "=", project.id).execute();
}

export const gitWebhookPath = (projectId: number) => `/git-webhooks/v1/projects/${projectId}`;
