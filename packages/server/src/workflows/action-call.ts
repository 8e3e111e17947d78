import type { Kysely } from "kysely";
import type { Platform } from "../platform";
import type { Database } from "../store/schema";
import type { ObjectType } from "../crm/object-types";
import type { StoredObject } from "../crm/object-store";
import { appClientSecret } from "../apps/client-secret";
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signatureV3 } from "../extensions/request-signature";
import { FetchRefused, sendOutbound } from "../http/outbound-request";
import { newSpanId } from "../logs/trace-context";
import { actionConfig, type ActionRow } from "./action-registry";
import type { ActionCallOutcome } from "./tables";

/** Sprocket's deadline for an actionUrl, as for a webhook target. */
const ACTION_TIMEOUT_MS = 5_000;
const MAX_RESPONSE_BYTES = 64 * 1024;
const KEPT_RESPONSE_CHARS = 2_000;

/** What one execution of an action is about: the action, the record, and the inputs already resolved to strings. */
export interface ActionExecution {
  action: ActionRow;
  accountId: number;
  /** Null for a test: the payload then names workflowId 0. */
  workflowId: number | null;
  objectType: ObjectType;
  record: StoredObject;
  inputFields: Record<string, string>;
  callbackId: string;
  /** 1 for the first try. */
  attempt: number;
  traceId: string;
}

/** HubSpot's execution payload (the body its workflows POST to an action's actionUrl). */
export function executionPayload(e: ActionExecution) {
  const config = actionConfig(e.action);
  const wanted = config.objectRequestOptions?.properties ?? [];
  const properties = Object.fromEntries(
    wanted.filter((name) => e.record.properties[name] !== undefined).map((n) => [n, e.record.properties[n]!]),
  );
  return {
    callbackId: e.callbackId,
    origin: {
      portalId: e.accountId,
      actionDefinitionId: Number(e.action.id),
      actionDefinitionVersion: e.action.version,
      extensionDefinitionId: Number(e.action.id),
      extensionDefinitionVersionId: e.action.version,
    },
    context: { source: "WORKFLOWS", workflowId: e.workflowId ?? 0 },
    object: { objectId: e.record.id, objectType: e.objectType.upper, ...(wanted.length ? { properties } : {}) },
    // HubSpot sends the inputs under both names.
    fields: e.inputFields,
    inputFields: e.inputFields,
  };
}

export interface ActionAnswer {
  status: number | null;
  durationMs: number;
  /** Why nothing (usable) came back: a refused address, a timeout, a non-2xx answer. */
  error: string | null;
  /** A 5xx, a 429, a timeout or a lost connection: HubSpot tries again. */
  retryable: boolean;
  responseBody: string;
  outputFields: Record<string, unknown> | null;
  request: string;
  startedAt: number;
}

/** The actionUrl as logs show it: never its query or user info. */
const shownUrl = (url: URL) => `${url.origin}${url.pathname}`;

function outputFieldsOf(body: string): Record<string, unknown> | null {
  try {
    const parsed = JSON.parse(body) as { outputFields?: unknown };
    const out = parsed?.outputFields;
    return out && typeof out === "object" && !Array.isArray(out) ? (out as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * POSTs the execution payload to the action's actionUrl as HubSpot does, signed (v3) with the app's client secret,
 * behind the private-address policy of webhook targets. Never throws for what the target does: the answer says it.
 */
export async function callActionUrl(p: Platform, e: ActionExecution): Promise<ActionAnswer> {
  const url = new URL(actionConfig(e.action).actionUrl);
  const request = JSON.stringify(executionPayload(e));
  const timestamp = Date.now();
  const headers = {
    "content-type": "application/json",
    "user-agent": "Sprocket-Workflows",
    [TIMESTAMP_HEADER]: String(timestamp),
    [SIGNATURE_HEADER]: signatureV3({
      clientSecret: await appClientSecret(p, Number(e.action.app_id)),
      method: "POST",
      uri: url.href,
      body: request,
      timestamp,
    }),
    "X-HubSpot-Signature-Version": "v3",
  };
  const startedAt = p.clock.now();
  let status: number | null = null;
  let responseBody = "";
  let refusal: FetchRefused | undefined;
  try {
    const response = await sendOutbound(
      { url, method: "POST", headers, body: request, timeoutMs: ACTION_TIMEOUT_MS, maxResponseBytes: MAX_RESPONSE_BYTES },
      {
        allowPrivateNetwork: p.config.webhooks.allowPrivateNetwork,
        sender: "A workflow action",
        setting: "SPROCKET_WEBHOOK_ALLOW_PRIVATE_NETWORK",
      },
    );
    status = response.status;
    responseBody = response.body.slice(0, KEPT_RESPONSE_CHARS);
  } catch (error) {
    if (!(error instanceof FetchRefused)) throw error;
    refusal = error;
  }
  const ok = status !== null && status >= 200 && status < 300;
  return {
    status,
    durationMs: p.clock.now() - startedAt,
    error: refusal?.message ?? (ok ? null : `${shownUrl(url)} answered ${status}${responseBody ? `: ${responseBody.slice(0, 500)}` : ""}`),
    retryable: refusal ? refusal.kind === "timeout" || refusal.kind === "unreachable" : status === 429 || (status ?? 0) >= 500,
    responseBody,
    outputFields: ok ? outputFieldsOf(responseBody) : null,
    request,
    startedAt,
  };
}

/** The call's row in the app's workflow action log. */
export async function recordCall(
  db: Kysely<Database>,
  e: ActionExecution,
  answer: ActionAnswer,
  result: { outcome: ActionCallOutcome; error: string | null; written: Record<string, string> | null },
): Promise<number> {
  const row = await db
    .insertInto("workflow_action_calls")
    .values({
      account_id: e.accountId,
      app_id: Number(e.action.app_id),
      action_id: Number(e.action.id),
      action_uid: e.action.uid,
      workflow_id: e.workflowId,
      object_type_id: e.objectType.id,
      object_id: e.record.id,
      callback_id: e.callbackId,
      attempt: e.attempt,
      outcome: result.outcome,
      status: answer.status,
      duration_ms: answer.durationMs,
      error: result.error,
      request: answer.request,
      response: answer.responseBody,
      output_fields: answer.outputFields ? JSON.stringify(answer.outputFields) : null,
      written: result.written ? JSON.stringify(result.written) : null,
      trace_id: e.traceId,
      span_id: newSpanId(),
      created_at: answer.startedAt,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return Number(row.id);
}
