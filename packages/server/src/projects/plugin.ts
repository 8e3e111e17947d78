import type { FastifyPluginAsync } from "fastify";
import multipart from "@fastify/multipart";
import type { Platform } from "../platform";
import { MULTIPART_LIMITS } from "../http/multipart-upload";
import { projectsContext } from "./projects-jobs";
import { projectRoutes } from "./project-routes";
import { buildRoutes } from "./build-routes";
import { deployRoutes } from "./deploy-routes";
import { gitWebhookRoutes } from "./git-webhook-routes";
import { hubspotCliRoutes } from "../hubspot-cli/routes";
import { devSessionRoutes } from "../dev-sessions/routes";
import { hsLocalDevRoutes } from "../dev-sessions/hs-local-dev-routes";

/** The projects domain over HTTP; its build and deploy workers run on the platform's job queue (projects-jobs.ts). */
export const projectsPlugin =
  (p: Platform): FastifyPluginAsync =>
  async (app) => {
    const ctx = projectsContext(p);

    await app.register(multipart, { limits: MULTIPART_LIMITS });
    await app.register(projectRoutes(ctx));
    await app.register(buildRoutes(ctx));
    await app.register(deployRoutes(ctx));
    await app.register(gitWebhookRoutes(ctx));
    await app.register(hubspotCliRoutes(ctx));
    await app.register(devSessionRoutes(ctx));
    await app.register(hsLocalDevRoutes(ctx));
  };
