import type { Generated } from "kysely";
import type { Millis } from "../store/schema";

/** A deployed app's `workflow-action` component; the row (and its id) stays while the app keeps a component of that uid. */
export interface WorkflowActionsTable {
  /** HubSpot's actionDefinitionId. */
  id: Generated<number>;
  account_id: number;
  app_id: number;
  uid: string;
  /** actionDefinitionVersion: one more at each deploy that changes the config. */
  version: number;
  /** The checked hsmeta `config`, as JSON. */
  config: string;
  build_id: number;
  updated_at: Millis;
  /** Set when a deploy drops the component or the app is deleted; workflows naming it then fail with a clear error. */
  removed_at: Millis | null;
}

/** A workflow of an account: records of one type enrolled on one trigger into one action. */
export interface WorkflowsTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  object_type_id: string;
  /** JSON of the contract's workflowTrigger. */
  trigger: string;
  action_id: number;
  /** JSON: input field name → the contract's inputMapping. */
  input_fields: string;
  created_by: number;
  created_at: Millis;
  deleted_at: Millis | null;
}

export type ActionCallOutcome = "succeeded" | "retrying" | "failed";

/** One call of an actionUrl (a test, or one try of a workflow execution; the tries of one execution share a trace). */
export interface WorkflowActionCallsTable {
  id: Generated<number>;
  account_id: number;
  app_id: number;
  action_id: number;
  action_uid: string;
  /** Null for a test call. */
  workflow_id: number | null;
  object_type_id: string;
  object_id: number;
  callback_id: string;
  attempt: number;
  outcome: ActionCallOutcome;
  status: number | null;
  duration_ms: number;
  error: string | null;
  /** The JSON body sent. */
  request: string;
  /** The start of the answer. */
  response: string;
  /** JSON: the answer's outputFields. */
  output_fields: string | null;
  /** JSON: the properties written back to the record. */
  written: string | null;
  trace_id: string;
  span_id: string;
  created_at: Millis;
}

export interface WorkflowTables {
  workflow_actions: WorkflowActionsTable;
  workflows: WorkflowsTable;
  workflow_action_calls: WorkflowActionCallsTable;
}
