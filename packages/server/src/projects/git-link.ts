import type { Platform } from "../platform";
import { invalid } from "../errors/domain-error";
import { requireProject } from "./project-lookup";
import { RepositoryUrlError, checkAddresses, parseRepositoryUrl, resolveHost } from "./git-remote";

export interface GitLinkInput {
  repositoryUrl: string;
  branch: string;
  webhookSecret: string;
}

/** Links a project to a branch of a git repository; pushes to it, signed with the secret, build the project. */
export async function linkRepository(p: Platform, accountId: number, name: string, input: GitLinkInput): Promise<void> {
  const project = await requireProject(p.store.db, accountId, name);
  try {
    const remote = parseRepositoryUrl(input.repositoryUrl);
    // A host that does not resolve now is let through: the build checks it again, resolved, right before fetching.
    const addresses = await resolveHost(remote).catch(() => []);
    checkAddresses(remote, addresses, p.config.gitPrivateHosts);
  } catch (e) {
    if (e instanceof RepositoryUrlError) throw invalid(e.message, [{ message: "Unsupported repository URL", in: "repositoryUrl" }]);
    throw e;
  }
  if (!/^[A-Za-z0-9._/-]+$/.test(input.branch) || input.branch.startsWith("-")) {
    throw invalid(`branch ${JSON.stringify(input.branch)} is not a valid branch name.`, [{ message: "Invalid branch", in: "branch" }]);
  }
  if (input.webhookSecret.length < 16) {
    throw invalid("webhookSecret must be at least 16 characters: it is what proves a push event comes from your git host.", [
      { message: "Secret too short", in: "webhookSecret" },
    ]);
  }
  await p.store.db
    .updateTable("projects")
    .set({
      git_url: input.repositoryUrl,
      git_branch: input.branch,
      git_secret_sealed: p.box.seal(input.webhookSecret),
      updated_at: p.clock.now(),
    })
    .where("id", "=", project.id)
    .execute();
}

export async function unlinkRepository(p: Platform, accountId: number, name: string): Promise<void> {
  const project = await requireProject(p.store.db, accountId, name);
  await p.store.db
    .updateTable("projects")
    .set({ git_url: null, git_branch: null, git_secret_sealed: null, updated_at: p.clock.now() })
    .where("id", "=", project.id)
    .execute();
}

export const gitWebhookPath = (projectId: number) => `/git-webhooks/v1/projects/${projectId}`;
