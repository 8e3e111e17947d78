import type { FastifyInstance } from "fastify";
import type { ObjectType } from "./object-types";
import { pipelineById, pipelinesOf, stageById } from "./pipelines";
import { json, routeConfig } from "./route-kit";

type Params = { pipelineId: string; stageId: string };

/** The pipelines API, read side: HubSpot's built-in deal and ticket pipelines with their stages. */
export function registerPipelineRoutes(app: FastifyInstance, t: ObjectType, alias: string): void {
  const base = `/crm/v3/pipelines/${alias}`;
  const read = routeConfig(t.readScopes);
  app.get(base, read, async (_request, reply) => json(reply, 200, { results: pipelinesOf(t.id) }));
  app.get<{ Params: Params }>(`${base}/:pipelineId`, read, async (request, reply) =>
    json(reply, 200, pipelineById(t.id, request.params.pipelineId)),
  );
  app.get<{ Params: Params }>(`${base}/:pipelineId/stages`, read, async (request, reply) =>
    json(reply, 200, { results: pipelineById(t.id, request.params.pipelineId).stages }),
  );
  app.get<{ Params: Params }>(`${base}/:pipelineId/stages/:stageId`, read, async (request, reply) =>
    json(reply, 200, stageById(t.id, request.params.pipelineId, request.params.stageId)),
  );
}
