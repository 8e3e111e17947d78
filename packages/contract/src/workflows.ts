// Workflow actions (the `workflow-action` components of deployed apps), their test calls, and the account's workflows:
// `/api/v1/private-apps/:app/workflow-actions`, `/api/v1/workflow-actions` and `/api/v1/workflows`.
import { z } from "zod";

const field = z.object({
  name: z.string(),
  type: z.string(),
  fieldType: z.string().optional(),
  options: z.array(z.object({ label: z.string(), value: z.string() })).optional(),
  /** STATIC_VALUE and/or OBJECT_PROPERTY: how a workflow may fill the input. */
  supportedValueTypes: z.array(z.string()),
  isRequired: z.boolean(),
});

/** A deployed `workflow-action`: HubSpot's action definition, its id and version as the execution payload names them. */
export const workflowAction = z.object({
  /** HubSpot's actionDefinitionId: stable for the app's component uid across deploys. */
  id: z.number(),
  appId: z.number(),
  appUid: z.string(),
  appName: z.string(),
  uid: z.string(),
  /** actionDefinitionVersion: 1 at the first deploy, one more at each deploy that changes the config. */
  version: z.number(),
  /** labels.en.actionName, or the first language's. */
  name: z.string(),
  description: z.string().nullable(),
  actionUrl: z.string(),
  /** Object types the action offers itself for (empty: any). */
  objectTypes: z.array(z.string()),
  inputFields: z.array(field),
  outputFields: z.array(z.object({ name: z.string(), type: z.string() })),
  /** Properties of the enrolled record sent in `object.properties` (HubSpot's objectRequestOptions). */
  requestProperties: z.array(z.string()),
  buildId: z.number(),
  updatedAt: z.string(),
});

export const workflowActionList = z.object({ results: z.array(workflowAction) });

/** `key=value` inputs as typed by a person: every input field's value is a string in HubSpot's payload. */
export const actionTestRequest = z.strictObject({
  /** A CRM object type name or id: contacts, 0-1, ... */
  objectType: z.string().min(1),
  objectId: z.union([z.string().regex(/^\d+$/), z.number().int().positive()]).transform(String),
  inputFields: z.record(z.string(), z.string()).default({}),
});

/** One call of an actionUrl: a test, or a step of a workflow execution. */
export const actionCall = z.object({
  id: z.string(),
  actionId: z.number(),
  actionUid: z.string(),
  appId: z.number(),
  /** Null for a test call. */
  workflowId: z.number().nullable(),
  objectTypeId: z.string(),
  objectId: z.number(),
  callbackId: z.string(),
  attempt: z.number(),
  /** succeeded: 2xx. retrying: a 5xx, 429, timeout or lost connection, tried again later. failed: anything else, or out of retries. */
  outcome: z.enum(["succeeded", "retrying", "failed"]),
  status: z.number().nullable(),
  latencyMs: z.number(),
  error: z.string().nullable(),
  /** The JSON body sent. */
  request: z.unknown(),
  /** The start of the answer, as text. */
  responseBody: z.string(),
  /** The answer's `outputFields`, when it had some. */
  outputFields: z.record(z.string(), z.unknown()).nullable(),
  /** Properties the execution wrote back to the record (workflows only). */
  written: z.record(z.string(), z.string()).nullable(),
  traceId: z.string(),
  createdAt: z.string(),
});

export const actionCallList = z.object({
  results: z.array(actionCall),
  paging: z.object({ next: z.object({ before: z.string() }) }).optional(),
});

/** How a workflow fills one input field: a fixed value, or a property of the enrolled record. */
export const inputMapping = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("STATIC_VALUE"), value: z.string() }),
  z.strictObject({ type: z.literal("OBJECT_PROPERTY"), propertyName: z.string().min(1) }),
]);

export const workflowTrigger = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("RECORD_CREATED") }),
  z.strictObject({ type: z.literal("PROPERTY_CHANGED"), propertyName: z.string().min(1) }),
]);

export const workflowInput = z.strictObject({
  name: z.string().trim().min(1).max(200),
  /** contacts, companies, ... or a type id. */
  objectType: z.string().min(1),
  trigger: workflowTrigger,
  /** The workflow action's id (`GET /api/v1/workflow-actions`). */
  actionId: z.number().int().positive(),
  inputFields: z.record(z.string(), inputMapping).default({}),
});

export const workflow = z.object({
  id: z.number(),
  name: z.string(),
  objectTypeId: z.string(),
  trigger: workflowTrigger,
  actionId: z.number(),
  actionUid: z.string(),
  actionName: z.string(),
  appId: z.number(),
  inputFields: z.record(z.string(), inputMapping),
  createdAt: z.string(),
});

export const workflowList = z.object({ results: z.array(workflow) });

export type WorkflowAction = z.infer<typeof workflowAction>;
export type WorkflowActionList = z.infer<typeof workflowActionList>;
export type ActionTestRequest = z.input<typeof actionTestRequest>;
export type ActionCall = z.infer<typeof actionCall>;
export type ActionCallList = z.infer<typeof actionCallList>;
export type InputMapping = z.infer<typeof inputMapping>;
export type WorkflowTrigger = z.infer<typeof workflowTrigger>;
export type WorkflowInput = z.input<typeof workflowInput>;
export type Workflow = z.infer<typeof workflow>;
export type WorkflowList = z.infer<typeof workflowList>;
