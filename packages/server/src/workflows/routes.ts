import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import { z } from "zod";
import {
  actionCall,
  actionCallList,
  actionTestRequest,
  workflow,
  workflowActionList,
  workflowInput,
  workflowList,
  type ActionCall,
} from "@sprocket/contract";
import type { Selectable } from "kysely";
import type { Platform } from "../platform";
import { responds } from "../http/response-schema";
import { forbidden } from "../errors/domain-error";
import { roleIn } from "../accounts/account-service";
import { findApp } from "../apps/app-queries";
import { parseBody } from "../util/parse-body";
import { getObject, objectNotFound, parseObjectId } from "../crm/object-store";
import { newTraceId } from "../logs/trace-context";
import { actionView, findAction, listActions } from "./action-registry";
import { callActionUrl, recordCall, type ActionExecution } from "./action-call";
import { checkInputs, createWorkflow, deleteWorkflow, listWorkflows } from "./workflow-service";
import { callbackIdFor } from "./workflow-runner";
import type { WorkflowActionCallsTable } from "./tables";

const logQuery = z
  .object({
    outcome: z.enum(["succeeded", "retrying", "failed"]).optional(),
    workflowId: z.coerce.number().int().positive().optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    /** The id of the last row of the previous page. */
    before: z.coerce.number().int().positive().optional(),
  })
  .strict();

export function callView(r: Selectable<WorkflowActionCallsTable>): ActionCall {
  return {
    id: String(r.id),
    actionId: Number(r.action_id),
    actionUid: r.action_uid,
    appId: Number(r.app_id),
    workflowId: r.workflow_id === null ? null : Number(r.workflow_id),
    objectTypeId: r.object_type_id,
    objectId: Number(r.object_id),
    callbackId: r.callback_id,
    attempt: r.attempt,
    outcome: r.outcome,
    status: r.status,
    latencyMs: Number(r.duration_ms),
    error: r.error,
    request: JSON.parse(r.request) as unknown,
    responseBody: r.response,
    outputFields: r.output_fields === null ? null : (JSON.parse(r.output_fields) as Record<string, unknown>),
    written: r.written === null ? null : (JSON.parse(r.written) as Record<string, string>),
    traceId: r.trace_id,
    createdAt: new Date(Number(r.created_at)).toISOString(),
  };
}

/**
 * Workflow actions of deployed apps, their test calls and log, and the account's workflows. Super admins only: a test
 * call shows what the app's backend answers, and a workflow writes to any record of its type.
 */
export const workflowRoutes =
  (p: Platform): FastifyPluginAsync =>
  async (app) => {
    async function requireSuperAdmin(request: FastifyRequest) {
      const user = request.user!;
      if ((await roleIn(p, user.accountId, user.userId)) !== "super_admin")
        throw forbidden("Only super admins can manage workflows and workflow actions.");
      return user;
    }
    const user = { config: { auth: "user" as const } };

    app.get("/api/v1/workflow-actions", { ...user, ...responds(workflowActionList) }, async (request) => {
      const { accountId } = await requireSuperAdmin(request);
      return { results: (await listActions(p.store.db, accountId)).map(actionView) };
    });

    app.get<{ Params: { app: string } }>(
      "/api/v1/private-apps/:app/workflow-actions",
      { ...user, ...responds(workflowActionList) },
      async (request) => {
        const { accountId } = await requireSuperAdmin(request);
        const found = await findApp(p.store.db, accountId, request.params.app);
        return { results: (await listActions(p.store.db, accountId, found.id)).map(actionView) };
      },
    );

    // "Test action": one signed call for a chosen record, answered with what came back; logged, never retried, nothing written.
    app.post<{ Params: { app: string; action: string } }>(
      "/api/v1/private-apps/:app/workflow-actions/:action/test",
      { ...user, ...responds(actionCall) },
      async (request) => {
        const { accountId } = await requireSuperAdmin(request);
        const body = parseBody(actionTestRequest, request.body ?? {}, "a workflow action test");
        const found = await findApp(p.store.db, accountId, request.params.app);
        const action = await findAction(p.store.db, accountId, { appId: found.id, uid: request.params.action });
        const t = await p.crm.types.resolve(accountId, body.objectType);
        checkInputs(
          action,
          Object.fromEntries(Object.entries(body.inputFields).map(([name, value]) => [name, { type: "STATIC_VALUE" as const, value }])),
          undefined,
          t,
          { typedByHand: true },
        );
        const objectId = parseObjectId(body.objectId);
        const record = objectId === undefined ? undefined : await getObject(p.store.db, accountId, t, objectId, false);
        if (!record) throw objectNotFound(t, body.objectId);
        const execution: ActionExecution = {
          action,
          accountId,
          workflowId: null,
          objectType: t,
          record,
          inputFields: body.inputFields,
          callbackId: callbackIdFor(accountId),
          attempt: 1,
          traceId: newTraceId(),
        };
        const answer = await callActionUrl(p, execution);
        const id = await recordCall(p.store.db, execution, answer, {
          outcome: answer.error === null ? "succeeded" : "failed",
          error: answer.error,
          written: null,
        });
        return callView(await p.store.db.selectFrom("workflow_action_calls").selectAll().where("id", "=", id).executeTakeFirstOrThrow());
      },
    );

    // The app's Workflow actions log: every call of its actionUrls (tests and executions), newest first.
    app.get<{ Params: { app: string } }>(
      "/api/v1/private-apps/:app/logs/workflow-actions",
      { ...user, ...responds(actionCallList) },
      async (request) => {
        const { accountId } = await requireSuperAdmin(request);
        const found = await findApp(p.store.db, accountId, request.params.app);
        const query = parseBody(logQuery, request.query, "the query");
        let q = p.store.db
          .selectFrom("workflow_action_calls")
          .selectAll()
          .where("app_id", "=", found.id)
          .where("account_id", "=", accountId);
        if (query.outcome) q = q.where("outcome", "=", query.outcome);
        if (query.workflowId) q = q.where("workflow_id", "=", query.workflowId);
        if (query.before) q = q.where("id", "<", query.before);
        const rows = await q
          .orderBy("id", "desc")
          .limit(query.limit + 1)
          .execute();
        const page = rows.slice(0, query.limit);
        return {
          results: page.map(callView),
          ...(rows.length > query.limit ? { paging: { next: { before: String(page.at(-1)!.id) } } } : {}),
        };
      },
    );

    app.get("/api/v1/workflows", { ...user, ...responds(workflowList) }, async (request) => {
      const { accountId } = await requireSuperAdmin(request);
      return { results: await listWorkflows(p, accountId) };
    });

    app.post("/api/v1/workflows", { ...user, ...responds(workflow, 201) }, async (request, reply) => {
      const { accountId, userId } = await requireSuperAdmin(request);
      const input = parseBody(workflowInput, request.body, "a workflow");
      const created = await createWorkflow(p, accountId, userId, input);
      p.workflows.triggers.invalidate(accountId);
      return reply.code(201).send(created);
    });

    app.delete<{ Params: { id: string } }>("/api/v1/workflows/:id", user, async (request, reply) => {
      const { accountId } = await requireSuperAdmin(request);
      const id = parseObjectId(request.params.id);
      await deleteWorkflow(p, accountId, id ?? 0);
      p.workflows.triggers.invalidate(accountId);
      return reply.status(204).send();
    });
  };
