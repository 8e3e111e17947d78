// The developer-projects API as the console calls it, and how it shows builds (the shapes are @sprocket/contract's).
import type {
  Build,
  BuildPage,
  BuildStatus,
  Deploy,
  DeployPage,
  DeployRequest,
  DeployStatus,
  DevSessionList,
  LinkedProject,
  Project,
  ProjectList,
  ProjectSettings,
  QueuedDeploy,
} from "@sprocket/contract";
import { api } from "../api-client";

export const isFinished = (status: BuildStatus | DeployStatus) => status === "SUCCESS" || status === "FAILURE";

const name = (project: string) => encodeURIComponent(project);

export const projectsApi = {
  list: () => api<ProjectList>("GET", "/developer/projects/v1").then((r) => r.results),
  get: (project: string) => api<Project>("GET", `/developer/projects/v1/by-name/${name(project)}`),
  builds: (project: string, limit: number, after?: string) =>
    api<BuildPage>("GET", `/dfs/v1/projects/${name(project)}/builds?limit=${limit}${after ? `&after=${after}` : ""}`),
  devSessions: (project: string) => api<DevSessionList>("GET", `/api/v1/projects/${name(project)}/dev-sessions`).then((r) => r.results),
  build: (project: string, buildId: number) => api<Build>("GET", `/dfs/v1/projects/${name(project)}/builds/${buildId}/status`),
  deploy: (project: string, buildId: number, skipRemovalWarning: boolean) =>
    api<QueuedDeploy>("POST", "/dfs/deploy/v1/deploys/queue/async", {
      projectName: project,
      buildId,
      skipRemovalWarning,
    } satisfies DeployRequest),
  deploys: (project: string, limit: number, after?: string) =>
    api<DeployPage>(
      "GET",
      `/dfs/deploy/v1/deploys/by-project-name/${name(project)}/deploys?limit=${limit}${after ? `&after=${after}` : ""}`,
    ),
  deployStatus: (project: string, deployId: number) =>
    api<Deploy>("GET", `/dfs/deploy/v1/deploy-status/projects/${name(project)}/deploys/${deployId}`),
  settings: (project: string) => api<ProjectSettings>("GET", `/developer/projects/v1/${name(project)}/settings`),
  setAutoDeploy: (project: string, isAutoDeployEnabled: boolean) =>
    api<ProjectSettings>("PUT", `/developer/projects/v1/${name(project)}/settings`, { isAutoDeployEnabled }),
  linkRepository: (project: string, link: { repositoryUrl: string; branch: string; webhookSecret: string }) =>
    api<LinkedProject>("PUT", `/developer/projects/v1/${name(project)}/source-integration`, link),
  unlinkRepository: (project: string) => api("DELETE", `/developer/projects/v1/${name(project)}/source-integration`),
};

/** Who or what started a build: the CLI (a user) or a git push. */
export function buildSource(build: Build): string {
  const s = build.activitySource;
  if (s.commitHash) return `git ${s.owner ? `${s.owner}/` : ""}${s.repositoryName ?? ""}@${s.commitHash.slice(0, 7)}`;
  return s.type === "HUBSPOT_USER" ? "CLI upload" : (s.type ?? "—");
}

/** Who started a build: a git commit's author, or the uploading user by email (`emailOf` from useMemberEmail). */
export function buildAuthor(build: Build, emailOf: (userId: number | undefined) => string): string {
  const s = build.activitySource;
  return s.authorName ?? emailOf(s.userId);
}

export function durationMs(from: string | null, to: string | null): number | undefined {
  if (!from || !to) return undefined;
  return Math.max(0, Date.parse(to) - Date.parse(from));
}

export const formatDuration = (ms: number | undefined) => (ms === undefined ? "—" : ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);

export const statusColor = (status: BuildStatus | DeployStatus) => (status === "SUCCESS" ? "green" : status === "FAILURE" ? "red" : "blue");

/** A deploy's status as people say it: a refused or broken deploy reads FAILED. */
export const deployStatusLabel = (status: DeployStatus) => (status === "FAILURE" ? "FAILED" : status === "SUCCESS" ? "DEPLOYED" : status);
