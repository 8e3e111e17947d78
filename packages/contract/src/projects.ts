// HubSpot's developer-projects shapes as Sprocket serves them (`/developer/projects/v1/...`, `/dfs/...`), read by
// HubSpot's CLI, the sprocket CLI and the console. Every key HubSpot's CLI reads is here: serialising through these
// schemas drops what they do not name.
import { z } from "zod";

export const BUILD_STATUSES = ["STAGED", "PENDING", "BUILDING", "SUCCESS", "FAILURE"] as const;
export const DEPLOY_STATUSES = ["PENDING", "DEPLOYING", "SUCCESS", "FAILURE"] as const;
export type BuildStatus = (typeof BUILD_STATUSES)[number];
export type DeployStatus = (typeof DEPLOY_STATUSES)[number];

const isoTime = z.string();
const maybeTime = z.string().nullable();

/** A problem found in one component, where the user's files put it. */
export const buildError = z.object({
  message: z.string(),
  context: z.object({
    message: z.string(),
    file: z.string().optional(),
    line: z.number().optional(),
    column: z.number().optional(),
    code: z.string().optional(),
  }),
});

const subtaskFields = {
  /** A build's statuses in a build, a deploy's in a deploy. */
  status: z.enum(["STAGED", "PENDING", "BUILDING", "DEPLOYING", "SUCCESS", "FAILURE"]),
  visible: z.boolean(),
  action: z.enum(["INSTALL", "REMOVE"]).optional(),
  errorMessage: z.string(),
  standardError: z.object({ subCategory: z.string().nullable(), errors: z.array(buildError) }).nullable(),
  rootPath: z.string(),
  startedAt: maybeTime,
  finishedAt: maybeTime,
};

/** One component's part of a build (HubSpot's sub-build status). */
export const subBuild = z.object({ id: z.string(), buildName: z.string(), buildType: z.string(), ...subtaskFields });
/** One component's part of a deploy. */
export const subDeploy = z.object({ id: z.string(), deployName: z.string(), deployType: z.string(), ...subtaskFields });

/** Who or what started a build: a user of the CLI (`userId`) or a git push (the commit and its author). */
export const activitySource = z.looseObject({
  type: z.string().optional(),
  userId: z.number().optional(),
  commitHash: z.string().optional(),
  branch: z.string().optional(),
  authorName: z.string().optional(),
  repositoryName: z.string().optional(),
  owner: z.string().optional(),
});

/** HubSpot's Build (local-dev-lib types/Build.d.ts). */
export const build = z.object({
  buildId: z.number(),
  status: z.enum(BUILD_STATUSES),
  projectName: z.string(),
  portalId: z.number(),
  platformVersion: z.string().nullable(),
  isAutoDeployEnabled: z.boolean(),
  /** The deploy it started; 0 once finished without one (HubSpot's CLI reads that as "skipped"). */
  autoDeployId: z.number().optional(),
  deployStatusTaskLocator: z.object({ id: z.string(), links: z.array(z.unknown()) }).optional(),
  uploadMessage: z.string(),
  subbuildStatuses: z.array(subBuild),
  errorMessage: z.string().optional(),
  enqueuedAt: isoTime,
  createdAt: isoTime,
  startedAt: maybeTime,
  finishedAt: maybeTime,
  deployableState: z.literal("DEPLOYABLE"),
  isDeployed: z.boolean(),
  activitySource,
});

/** `/dfs/v1/projects/:name/builds`: newest first, paged by build number. */
export const buildPage = z.object({
  results: z.array(build),
  paging: z.object({ next: z.object({ after: z.string(), link: z.string() }) }).optional(),
});

/** HubSpot's Deploy, with Sprocket's `userEmail` (who deployed; absent for an auto-deploy). */
export const deploy = z.object({
  deployId: z.number(),
  buildId: z.number(),
  status: z.enum(DEPLOY_STATUSES),
  projectName: z.string(),
  portalId: z.number(),
  userId: z.number().nullable(),
  userEmail: z.string().optional(),
  source: z.enum(["AUTO_DEPLOY", "HUBSPOT_USER"]),
  errorMessage: z.string().optional(),
  enqueuedAt: isoTime,
  startedAt: maybeTime,
  finishedAt: maybeTime,
  subdeployStatuses: z.array(subDeploy),
});

/** `/dfs/deploy/v1/deploys/by-project-name/:name/deploys` (Sprocket's addition): the deploy history, newest first. */
export const deployPage = z.object({
  results: z.array(deploy),
  paging: z.object({ next: z.object({ after: z.string() }) }).optional(),
});

/** A project's link to a git repository; pushes to `branch` build it. */
export const sourceIntegration = z.object({
  source: z.literal("GIT"),
  url: z.string(),
  owner: z.string(),
  repositoryName: z.string(),
  branch: z.string().nullable(),
  createdAt: maybeTime,
});

/** HubSpot's Project, with its latest and its deployed build. Times are epoch milliseconds. */
export const project = z.object({
  id: z.number(),
  name: z.string(),
  portalId: z.number(),
  createdAt: z.number(),
  updatedAt: z.number(),
  deletedAt: z.number(),
  /** A staged build (HubSpot's CLI's two-step upload) holds the project. */
  isLocked: z.boolean(),
  latestBuild: build.optional(),
  deployedBuild: build.optional(),
  deployedBuildId: z.number().optional(),
  sourceIntegration: sourceIntegration.optional(),
});

export const projectList = z.object({ results: z.array(project) });
export const linkedProject = project.extend({ webhookUrl: z.string() });
export const projectSettings = z.object({ isAutoDeployEnabled: z.boolean() });

/** `POST /dfs/v1/projects/upload/:name`. */
export const uploadResult = z.object({
  buildId: z.number(),
  projectTree: z.null(),
  buildStatusTaskLocator: z.object({ id: z.string(), links: z.array(z.object({ status: z.string() })) }),
});

export const deployRequest = z.object({
  projectName: z.string().min(1),
  buildId: z.coerce.number().int().positive(),
  skipRemovalWarning: z.boolean().optional(),
});
export const queuedDeploy = z.object({ id: z.number(), links: z.object({ status: z.string() }) });

export type BuildError = z.infer<typeof buildError>;
export type SubBuild = z.infer<typeof subBuild>;
export type SubDeploy = z.infer<typeof subDeploy>;
export type ActivitySource = z.infer<typeof activitySource>;
export type Build = z.infer<typeof build>;
export type BuildPage = z.infer<typeof buildPage>;
export type Deploy = z.infer<typeof deploy>;
export type DeployPage = z.infer<typeof deployPage>;
export type SourceIntegration = z.infer<typeof sourceIntegration>;
export type Project = z.infer<typeof project>;
export type ProjectList = z.infer<typeof projectList>;
export type LinkedProject = z.infer<typeof linkedProject>;
export type ProjectSettings = z.infer<typeof projectSettings>;
export type UploadResult = z.infer<typeof uploadResult>;
export type DeployRequest = z.input<typeof deployRequest>;
export type QueuedDeploy = z.infer<typeof queuedDeploy>;
