// HubSpot's developer-projects shapes (reference/cli-and-upload-protocol.md §3–4) as Sprocket serves them.
import { api } from "../api-client";

export type BuildStatus = "PENDING" | "BUILDING" | "SUCCESS" | "FAILURE" | string;

export interface BuildError {
  message: string;
  context?: { message?: string; file?: string; line?: number; column?: number; code?: string };
}

export interface SubBuild {
  id: string;
  buildName: string;
  buildType: string;
  status: BuildStatus;
  errorMessage: string;
  standardError: { subCategory: string | null; errors: BuildError[] } | null;
  rootPath: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface Build {
  buildId: number;
  status: BuildStatus;
  projectName: string;
  platformVersion: string | null;
  isAutoDeployEnabled: boolean;
  autoDeployId?: number;
  uploadMessage: string;
  subbuildStatuses: SubBuild[];
  errorMessage?: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  isDeployed: boolean;
  activitySource: { type?: string; userId?: number; commitHash?: string; branch?: string; authorName?: string; repositoryName?: string; owner?: string };
}

export type DeployStatus = "PENDING" | "DEPLOYING" | "SUCCESS" | "FAILURE" | string;

/** HubSpot's Deploy shape, with Sprocket's `userEmail` (who deployed; absent for an auto-deploy). */
export interface Deploy {
  deployId: number;
  buildId: number;
  status: DeployStatus;
  projectName: string;
  userId: number | null;
  userEmail?: string;
  source: "AUTO_DEPLOY" | "HUBSPOT_USER" | string;
  errorMessage?: string;
  enqueuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export const isFinished = (status: BuildStatus | DeployStatus) => status === "SUCCESS" || status === "FAILURE";

export interface Project {
  id: number;
  name: string;
  portalId: number;
  createdAt: number;
  updatedAt: number;
  latestBuild?: Build;
  deployedBuild?: Build;
  deployedBuildId?: number;
  sourceIntegration?: { source: string; url: string; owner: string; repositoryName: string; branch: string };
}

const name = (project: string) => encodeURIComponent(project);

export const projectsApi = {
  list: () => api<{ results: Project[] }>("GET", "/developer/projects/v1").then((r) => r.results),
  get: (project: string) => api<Project>("GET", `/developer/projects/v1/by-name/${name(project)}`),
  builds: (project: string, limit: number, after?: string) =>
    api<{ results: Build[]; paging?: { next?: { after: string } } }>("GET", `/dfs/v1/projects/${name(project)}/builds?limit=${limit}${after ? `&after=${after}` : ""}`),
  build: (project: string, buildId: number) => api<Build>("GET", `/dfs/v1/projects/${name(project)}/builds/${buildId}/status`),
  deploy: (project: string, buildId: number, skipRemovalWarning: boolean) =>
    api<{ id: number }>("POST", "/dfs/deploy/v1/deploys/queue/async", { projectName: project, buildId, skipRemovalWarning }),
  deploys: (project: string, limit: number, after?: string) =>
    api<{ results: Deploy[]; paging?: { next?: { after: string } } }>(
      "GET",
      `/dfs/deploy/v1/deploys/by-project-name/${name(project)}/deploys?limit=${limit}${after ? `&after=${after}` : ""}`,
    ),
  deployStatus: (project: string, deployId: number) => api<Deploy>("GET", `/dfs/deploy/v1/deploy-status/projects/${name(project)}/deploys/${deployId}`),
  settings: (project: string) => api<{ isAutoDeployEnabled: boolean }>("GET", `/developer/projects/v1/${name(project)}/settings`),
  setAutoDeploy: (project: string, isAutoDeployEnabled: boolean) =>
    api<{ isAutoDeployEnabled: boolean }>("PUT", `/developer/projects/v1/${name(project)}/settings`, { isAutoDeployEnabled }),
  linkRepository: (project: string, link: { repositoryUrl: string; branch: string; webhookSecret: string }) =>
    api<Project & { webhookUrl: string }>("PUT", `/developer/projects/v1/${name(project)}/source-integration`, link),
  unlinkRepository: (project: string) => api("DELETE", `/developer/projects/v1/${name(project)}/source-integration`),
};

/** Who or what started a build: the CLI (a user) or a git push. */
export function buildSource(build: Build): string {
  const s = build.activitySource;
  if (s.commitHash) return `git ${s.owner ? `${s.owner}/` : ""}${s.repositoryName ?? ""}@${s.commitHash.slice(0, 7)}`;
  return s.type === "HUBSPOT_USER" ? "CLI upload" : (s.type ?? "—");
}

export function buildAuthor(build: Build, me: { userId: number; email: string }): string {
  const s = build.activitySource;
  if (s.authorName) return s.authorName;
  if (s.userId === undefined) return "—";
  return s.userId === me.userId ? me.email : `user ${s.userId}`;
}

export function durationMs(from: string | null, to: string | null): number | undefined {
  if (!from || !to) return undefined;
  return Math.max(0, Date.parse(to) - Date.parse(from));
}

export const formatDuration = (ms: number | undefined) => (ms === undefined ? "—" : ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);

export const statusColor = (status: BuildStatus | DeployStatus) => (status === "SUCCESS" ? "green" : status === "FAILURE" ? "red" : "blue");

/** A deploy's status as people say it: a refused or broken deploy reads FAILED. */
export const deployStatusLabel = (status: DeployStatus) => (status === "FAILURE" ? "FAILED" : status === "SUCCESS" ? "DEPLOYED" : status);
