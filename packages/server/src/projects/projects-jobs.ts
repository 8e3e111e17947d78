import { rm } from "node:fs/promises";
import type { Platform } from "../platform";
import type { ProjectsContext } from "./projects-context";
import { BUILD_JOB, buildJobHandler } from "./run-build";
import { DEPLOY_JOB, deployJobHandler } from "./run-deploy";
import { announceDeploys } from "./announce-deploys";

/** What the projects domain's routes and workers share, from the platform's parts. */
export const projectsContext = (p: Platform): ProjectsContext => ({
  p,
  queue: p.jobs,
  settings: p.builds,
  log: p.log.child({ domain: "projects" }),
});

/** The build and deploy workers, registered on the platform's job queue at the root; a deploy that commits is announced to every node. */
export function registerProjectJobs(p: Platform): void {
  const ctx = projectsContext(p);
  p.jobs.handle(BUILD_JOB, buildJobHandler(ctx));
  p.jobs.handle(DEPLOY_JOB, announceDeploys(p, deployJobHandler(ctx), ctx.log));
}

/** Before the queue starts: scratch folders of builds this process was running when it died; their jobs start over from the stored source. */
export async function clearBuildScratch(p: Platform): Promise<void> {
  await rm(p.builds.workDir, { recursive: true, force: true });
}
