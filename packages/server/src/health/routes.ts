import { sql } from "kysely";
import type { FastifyPluginAsync } from "fastify";
import type { Platform } from "../platform";

export const healthRoutes =
  (p: Platform): FastifyPluginAsync =>
  async (app) => {
    /** Liveness: the process answers. */
    app.get("/healthz", async () => ({ status: "ok" }));
    /** Readiness: the store answers too. */
    app.get("/readyz", async (_req, reply) => {
      try {
        await sql`select 1`.execute(p.store.db);
        return { status: "ready", engine: p.store.engine };
      } catch (e) {
        return reply
          .status(503)
          .send({ status: "error", message: `Store unavailable: ${(e as Error).message}`, category: "INTERNAL_ERROR" });
      }
    });
  };
