import type { Selectable } from "kysely";
import type { InputMapping, Workflow, WorkflowTrigger, workflowInput } from "@sprocket/contract";
import type { z } from "zod";
import type { Platform } from "../platform";
import type { ObjectType } from "../crm/object-types";
import type { WriteSource } from "../crm/object-store";
import { invalid, notFound } from "../errors/domain-error";
import { actionConfig, actionName, findAction, type ActionRow } from "./action-registry";
import type { WorkflowsTable } from "./tables";

/** HubSpot's changeSource for what workflows write. */
export const WORKFLOW_CHANGE_SOURCE = "AUTOMATION_PLATFORM";

/** Who an execution's write-back is, in the CRM's events and property history: the enrolment loop guard reads it. */
export const workflowWriteSource = (workflowId: number): WriteSource => ({
  sourceType: WORKFLOW_CHANGE_SOURCE,
  sourceId: `workflow:${workflowId}`,
});

export type WorkflowRow = Selectable<WorkflowsTable>;

/** The input fields an action accepts, as the checks below need them. */
function inputFieldsOf(action: ActionRow) {
  return (actionConfig(action).inputFields ?? []).map((f) => ({
    name: f.typeDefinition.name,
    supported: f.supportedValueTypes ?? ["STATIC_VALUE"],
    required: f.isRequired ?? false,
    options: f.typeDefinition.options?.map((o) => o.value),
  }));
}

/**
 * Checks a set of inputs against the action's input fields: every name is one of them, every required one is given,
 * each is filled the way the field supports, an enumeration's static value is one of its options, and a property
 * mapping names a property of the object type. Every problem is named at once.
 */
export function checkInputs(
  action: ActionRow,
  inputs: Record<string, InputMapping>,
  properties: ReadonlyMap<string, unknown> | undefined,
  t: ObjectType,
  { typedByHand = false } = {},
): void {
  const fields = inputFieldsOf(action);
  const byName = new Map(fields.map((f) => [f.name, f]));
  const problems: string[] = [];
  for (const [name, mapping] of Object.entries(inputs)) {
    const field = byName.get(name);
    if (!field) {
      problems.push(`"${name}" is not an input field of ${action.uid} (it has ${fields.map((f) => f.name).join(", ") || "none"})`);
      continue;
    }
    if (!typedByHand && !field.supported.includes(mapping.type))
      problems.push(`"${name}" takes ${field.supported.join(" or ")}, not ${mapping.type}`);
    if (mapping.type === "STATIC_VALUE" && field.options && !field.options.includes(mapping.value))
      problems.push(`"${name}" must be one of ${field.options.join(", ")}, not "${mapping.value}"`);
    if (mapping.type === "OBJECT_PROPERTY" && properties && !properties.has(mapping.propertyName))
      problems.push(`"${name}" maps property "${mapping.propertyName}", which ${t.name} do not have`);
  }
  for (const f of fields) if (f.required && !(f.name in inputs)) problems.push(`"${f.name}" is required`);
  if (problems.length)
    throw invalid(
      `The inputs do not fit workflow action ${action.uid}: ${problems.join("; ")}.`,
      problems.map((message) => ({ message, in: "inputFields" })),
    );
}

/** An action offers itself for the object types it lists (HubSpot's objectTypes: CONTACT, 0-1, ...); none listed is any. */
function checkObjectType(action: ActionRow, t: ObjectType): void {
  const listed = actionConfig(action).objectTypes ?? [];
  if (listed.length === 0) return;
  const names = new Set([t.id, t.upper, t.name.toUpperCase(), t.singular.toUpperCase()]);
  if (!listed.some((x) => names.has(x.toUpperCase())))
    throw invalid(`Workflow action ${action.uid} is for ${listed.join(", ")} records, not ${t.name}.`, [
      { message: "objectType", in: "objectType" },
    ]);
}

export function workflowView(row: WorkflowRow, action: Pick<ActionRow, "uid" | "config" | "app_id">): Workflow {
  return {
    id: Number(row.id),
    name: row.name,
    objectTypeId: row.object_type_id,
    trigger: JSON.parse(row.trigger) as WorkflowTrigger,
    actionId: Number(row.action_id),
    actionUid: action.uid,
    actionName: actionName(actionConfig(action), action.uid),
    appId: Number(action.app_id),
    inputFields: JSON.parse(row.input_fields) as Record<string, InputMapping>,
    createdAt: new Date(Number(row.created_at)).toISOString(),
  };
}

export async function createWorkflow(
  p: Platform,
  accountId: number,
  userId: number,
  input: z.output<typeof workflowInput>,
): Promise<Workflow> {
  const t = await p.crm.types.resolve(accountId, input.objectType);
  const action = await findAction(p.store.db, accountId, { id: input.actionId });
  checkObjectType(action, t);
  const properties = await p.crm.properties.live(accountId, t.id);
  if (input.trigger.type === "PROPERTY_CHANGED" && !properties.has(input.trigger.propertyName))
    throw invalid(`The trigger's property "${input.trigger.propertyName}" is not a property of ${t.name}.`, [
      { message: "trigger.propertyName", in: "trigger.propertyName" },
    ]);
  checkInputs(action, input.inputFields, properties, t);
  const row = await p.store.db
    .insertInto("workflows")
    .values({
      account_id: accountId,
      name: input.name,
      object_type_id: t.id,
      trigger: JSON.stringify(input.trigger),
      action_id: Number(action.id),
      input_fields: JSON.stringify(input.inputFields),
      created_by: userId,
      created_at: p.clock.now(),
      deleted_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return workflowView(row, action);
}

/** The account's workflows with their actions (an action since removed still names its uid). */
export async function listWorkflows(p: Platform, accountId: number): Promise<Workflow[]> {
  const rows = await p.store.db
    .selectFrom("workflows")
    .innerJoin("workflow_actions", "workflow_actions.id", "workflows.action_id")
    .selectAll("workflows")
    .select(["workflow_actions.uid", "workflow_actions.config", "workflow_actions.app_id"])
    .where("workflows.account_id", "=", accountId)
    .where("workflows.deleted_at", "is", null)
    .orderBy("workflows.id")
    .execute();
  return rows.map((r) => workflowView(r, r));
}

export async function deleteWorkflow(p: Platform, accountId: number, id: number): Promise<void> {
  const result = await p.store.db
    .updateTable("workflows")
    .set({ deleted_at: p.clock.now() })
    .where("id", "=", id)
    .where("account_id", "=", accountId)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0)
    throw notFound(`No workflow ${id} in account ${accountId}. Run \`sprocket workflows list\` to see them.`);
}
