import type { FastifyInstance } from "fastify";
import type { InvocationResult } from "@sprocket/runtime";
import type { Platform } from "../platform";
import { DomainError } from "../errors/domain-error";
import { newSpanId, newTraceId, parseTraceparent, traceparent as formatTraceparent } from "../logs/trace-context";
import { runAccountOf, runnerBuildKey, type DeployedAppFunction } from "./app-function";
import { installAccessToken } from "../oauth/oauth-service";
import { secretValues } from "./secret-store";
import { recordFunctionRun } from "../logs/function-runs";
import { withProjectStacks } from "./function-stacks";

export interface FunctionCall {
  target: DeployedAppFunction;
  parameters?: Record<string, unknown>;
  /** Names of the record's properties to read for `context.propertiesToSend`. */
  propertiesToSend?: string[];
  objectQuery?: { objectId: string | number; objectTypeId: string };
  event?: { type: string; payload: unknown };
  /** Fields an endpoint function gets besides HubSpot's card context (`params`, `body`, `headers`, `method`). */
  extraContext?: Record<string, unknown>;
  traceparent?: string | undefined;
  invoker: { userId: number | null; label: string };
}

export interface FunctionRun {
  result: InvocationResult;
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
}

/**
 * Runs one app function the way HubSpot does: the app's token and declared secrets in its environment,
 * `propertiesToSend` read from the record with the app's own token (so its scopes apply), the caller's trace carried on.
 */
export async function invokeAppFunction(p: Platform, http: FastifyInstance, call: FunctionCall): Promise<FunctionRun> {
  const pool = p.functions.runners;
  if (!pool.ready) throw new DomainError("unavailable", "Functions are not running on this node.");
  const { target } = call;
  // An installed OAuth app acts in the installed account with that install's token; a private app with its own.
  const accountId = runAccountOf(target);
  const token = target.install
    ? await installAccessToken(p, target.appId, target.install.id)
    : await p.functions.configs.appToken(target.appId);
  if (!token)
    throw target.install
      ? new DomainError("unauthenticated", `App ${target.appId} is no longer installed in account ${accountId}.`)
      : new DomainError("unauthenticated", `App ${target.appId} has no live access token; rotate it in the app's Auth tab.`);

  const parent = parseTraceparent(call.traceparent);
  const traceId = parent?.traceId ?? newTraceId();
  const spanId = newSpanId();
  const [secrets, propertiesToSend, bundleDir] = await Promise.all([
    // Secrets are the developer's, set in the account that deployed the app.
    secretValues(p, target.accountId, target.fn.secrets),
    readRecordProperties(http, token, call.objectQuery, call.propertiesToSend ?? [], formatTraceparent(traceId, spanId)),
    p.functions.files.appFunctionDir(target),
  ]);
  // Runners are kept per account acted in, so that no state of one install's runs is ever seen by another's.
  const buildKey = runnerBuildKey(accountId, target.appId, target.buildId);
  const ran = await pool.invoke({
    buildKey,
    accountId,
    bundleDir,
    file: target.fn.bundle,
    functionName: target.fn.name,
    context: {
      parameters: call.parameters ?? {},
      propertiesToSend,
      event: call.event ?? { type: "SERVERLESS_ACTION_HOOK", payload: {} },
      secrets: {
        PRIVATE_APP_ACCESS_TOKEN: token,
        HS_ENVIRONMENT: "prod",
        HS_HUBLET: "na1",
        HS_SERVERLESS_FUNCTION_ID: `${target.appId}-${target.fn.name}`,
      },
      accountId,
      ...call.extraContext,
    },
    secrets,
    traceparent: formatTraceparent(traceId, spanId),
  });
  const result = withProjectStacks(ran, bundleDir);
  const parentSpanId = parent?.parentId ?? null;
  recordFunctionRun(p, {
    accountId,
    appId: target.appId,
    buildId: target.buildId,
    functionName: target.fn.name,
    outcome: result.outcome,
    durationMs: result.durationMs,
    peakRssBytes: result.peakRssBytes,
    logs: result.logs,
    error: result.error ?? null,
    traceId,
    spanId,
    parentSpanId,
    invoker: call.invoker,
    secretValues: [token, ...Object.values(secrets)],
  });
  return { result, traceId, spanId, parentSpanId };
}

/** Reads the card's record through the CRM API in-process, with the app's token, as HubSpot's executor does. */
async function readRecordProperties(
  http: FastifyInstance,
  token: string,
  query: FunctionCall["objectQuery"],
  names: string[],
  traceparent: string,
): Promise<Record<string, unknown>> {
  if (!query || names.length === 0) return {};
  const url = `/crm/v3/objects/${encodeURIComponent(query.objectTypeId)}/${encodeURIComponent(String(query.objectId))}?${names.map((n) => `properties=${encodeURIComponent(n)}`).join("&")}`;
  const res = await http.inject({ method: "GET", url, headers: { authorization: `Bearer ${token}`, traceparent } });
  const body = res.json() as { properties?: Record<string, unknown>; message?: string };
  if (res.statusCode !== 200) {
    const message = `Could not read propertiesToSend from ${query.objectTypeId}/${query.objectId}: ${body.message ?? res.statusCode}`;
    throw res.statusCode === 403
      ? new DomainError("forbidden", message, { category: "MISSING_SCOPES" })
      : new DomainError("invalid", message);
  }
  return Object.fromEntries(names.map((n) => [n, body.properties?.[n] ?? null]));
}
