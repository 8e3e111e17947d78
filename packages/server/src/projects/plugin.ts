import { rm } from "node:fs/promises";
import type { FastifyPluginAsync } from "fastify";
import multipart from "@fastify/multipart";
import type { Platform } from "../platform";
import { openJobQueue } from "../jobs/open-job-queue";
import { announceDeploys } from "../cluster/announce-deploys";
import { buildSettings } from "./build-settings";
import type { ProjectsContext } from "./projects-context";
import { MULTIPART_LIMITS } from "../http/multipart-upload";
import { BUILD_JOB, buildJobHandler } from "./run-build";
import { DEPLOY_JOB, deployJobHandler } from "./run-deploy";
import { projectRoutes } from "./project-routes";
import { buildRoutes } from "./build-routes";
import { deployRoutes } from "./deploy-routes";
import { gitWebhookRoutes } from "./git-webhook-routes";
import { hubspotCliRoutes } from "../hubspot-cli/routes";

/**
 * The projects domain: its routes, and the build and deploy workers, which start when the server is ready and
 * stop (handing unfinished jobs back to the queue) when it closes.
 */
export const projectsPlugin =
  (p: Platform): FastifyPluginAsync =>
  async (app) => {
    const settings = buildSettings(p.config);
    const log = app.log.child({ domain: "projects" });
    const queue = openJobQueue(p.store, p.clock, { leaseMs: settings.jobLeaseMs, pollMs: settings.jobPollMs, log });
    const ctx: ProjectsContext = { p, queue, settings, log };
    queue.handle(BUILD_JOB, buildJobHandler(ctx));
    queue.handle(DEPLOY_JOB, announceDeploys(p, deployJobHandler(ctx), log));

    await app.register(multipart, { limits: MULTIPART_LIMITS });
    await app.register(projectRoutes(ctx));
    await app.register(buildRoutes(ctx));
    await app.register(deployRoutes(ctx));
    await app.register(gitWebhookRoutes(ctx));
    await app.register(hubspotCliRoutes(ctx));

    app.addHook("onReady", async () => {
      // Scratch folders of builds this process was running when it died; their jobs start over from the stored source.
      await rm(settings.workDir, { recursive: true, force: true });
      await queue.start();
    });
    app.addHook("onClose", async () => {
      await queue.stop();
    });
  };
