import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Platform } from "../platform";
import { absentAs } from "../util/parse-body";
import type { ObjectType } from "./object-types";
import { accountPipelines, pipelineById, pipelineView, stageById } from "./pipelines";
import {
  archivePipeline,
  archiveStage,
  createPipeline,
  createStage,
  pipelineAudit,
  replacePipeline,
  updatePipeline,
  updateStage,
  type DeleteChecks,
} from "./pipeline-writes";
import { boolParam } from "./query-params";
import { callerOf, json, noContent, queryOf, routeConfig } from "./route-kit";

type Params = { pipelineId: string; stageId: string };

const checksOf = (request: FastifyRequest): DeleteChecks => ({
  validateReferences:
    boolParam(queryOf(request), "validateReferencesBeforeDelete") || boolParam(queryOf(request), "validateDealStageUsagesBeforeDelete"),
});

/** The pipelines API of a type with pipelines (deals, tickets): the account's pipelines and stages, their changes and audit. */
export function registerPipelineRoutes(app: FastifyInstance, p: Platform, t: ObjectType, alias: string): void {
  const base = `/crm/v3/pipelines/${alias}`;
  const read = routeConfig(t.readScopes);
  const write = routeConfig(t.writeScopes);
  const db = p.store.db;
  const actorOf = (request: FastifyRequest) => ({ sourceId: callerOf(request).source.sourceId ?? "" });

  app.get(base, read, async (request, reply) =>
    json(reply, 200, { results: (await accountPipelines(db, callerOf(request).accountId, t.id)).map(pipelineView) }),
  );
  app.get<{ Params: Params }>(`${base}/:pipelineId`, read, async (request, reply) =>
    json(reply, 200, pipelineView(await pipelineById(db, callerOf(request).accountId, t.id, request.params.pipelineId))),
  );
  app.get<{ Params: Params }>(`${base}/:pipelineId/stages`, read, async (request, reply) =>
    json(reply, 200, {
      results: pipelineView(await pipelineById(db, callerOf(request).accountId, t.id, request.params.pipelineId)).stages,
    }),
  );
  app.get<{ Params: Params }>(`${base}/:pipelineId/stages/:stageId`, read, async (request, reply) =>
    json(reply, 200, await stageById(db, callerOf(request).accountId, t.id, request.params.pipelineId, request.params.stageId)),
  );
  app.get<{ Params: Params }>(`${base}/:pipelineId/audit`, read, async (request, reply) =>
    json(reply, 200, { results: await pipelineAudit(p, callerOf(request).accountId, t, request.params.pipelineId) }),
  );
  app.get<{ Params: Params }>(`${base}/:pipelineId/stages/:stageId/audit`, read, async (request, reply) =>
    json(reply, 200, {
      results: await pipelineAudit(p, callerOf(request).accountId, t, request.params.pipelineId, request.params.stageId),
    }),
  );

  app.post(base, write, async (request, reply) =>
    json(reply, 201, await createPipeline(p, callerOf(request).accountId, t, actorOf(request), absentAs(request.body, {}))),
  );
  app.put<{ Params: Params }>(`${base}/:pipelineId`, write, async (request, reply) => {
    const { accountId } = callerOf(request);
    const body = absentAs(request.body, {});
    return json(reply, 200, await replacePipeline(p, accountId, t, actorOf(request), request.params.pipelineId, body, checksOf(request)));
  });
  app.patch<{ Params: Params }>(`${base}/:pipelineId`, write, async (request, reply) => {
    const { accountId } = callerOf(request);
    const body = absentAs(request.body, {});
    return json(reply, 200, await updatePipeline(p, accountId, t, actorOf(request), request.params.pipelineId, body, checksOf(request)));
  });
  app.delete<{ Params: Params }>(`${base}/:pipelineId`, write, async (request, reply) => {
    await archivePipeline(p, callerOf(request).accountId, t, actorOf(request), request.params.pipelineId, checksOf(request));
    return noContent(reply);
  });

  app.post<{ Params: Params }>(`${base}/:pipelineId/stages`, write, async (request, reply) => {
    const { accountId } = callerOf(request);
    return json(reply, 201, await createStage(p, accountId, t, actorOf(request), request.params.pipelineId, absentAs(request.body, {})));
  });
  for (const [method, replace] of [
    ["PUT", true],
    ["PATCH", false],
  ] as const) {
    app.route<{ Params: Params }>({
      method,
      url: `${base}/:pipelineId/stages/:stageId`,
      ...write,
      handler: async (request, reply) =>
        json(
          reply,
          200,
          await updateStage(p, callerOf(request).accountId, t, actorOf(request), request.params, absentAs(request.body, {}), replace),
        ),
    });
  }
  app.delete<{ Params: Params }>(`${base}/:pipelineId/stages/:stageId`, write, async (request, reply) => {
    await archiveStage(p, callerOf(request).accountId, t, actorOf(request), request.params);
    return noContent(reply);
  });
}
