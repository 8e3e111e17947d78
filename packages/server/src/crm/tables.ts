import type { Generated } from "kysely";
import type { Flag, Millis } from "../store/schema";

/** One CRM record. `properties` is a JSON object of string values: the response is built from it alone. */
export interface CrmObjectsTable {
  id: Generated<number>;
  account_id: number;
  /** "0-1" contacts, "0-2" companies, … */
  object_type_id: string;
  archived: Flag;
  created_at: Millis;
  updated_at: Millis;
  archived_at: Millis | null;
  properties: string;
}

/**
 * The search index: one row per set property of a live record, lower-cased text and a number for numeric and date
 * types, so filters and sorts are index range scans on both engines. Archived records have no rows here.
 */
export interface CrmPropertyValuesTable {
  object_id: number;
  name: string;
  account_id: number;
  object_type_id: string;
  value_text: string | null;
  value_num: number | null;
}

export interface CrmPropertyHistoryTable {
  id: Generated<number>;
  account_id: number;
  object_id: number;
  name: string;
  value: string | null;
  timestamp: Millis;
  source_type: string;
  source_id: string | null;
}

/** Custom properties, and accounts' changes to HubSpot-defined ones (those live in code). JSON definition. */
export interface CrmPropertiesTable {
  account_id: number;
  object_type_id: string;
  name: string;
  definition: string;
  archived: Flag;
  created_at: Millis;
  updated_at: Millis;
}

export interface CrmPropertyGroupsTable {
  account_id: number;
  object_type_id: string;
  name: string;
  label: string;
  display_order: number;
  archived: Flag;
}

/** Both directions are stored, so every read is by `from_id`. */
export interface CrmAssociationsTable {
  account_id: number;
  from_type: string;
  from_id: number;
  to_type: string;
  to_id: number;
  type_id: number;
  category: string;
}

/**
 * Association types of an account, one row per direction: USER_DEFINED labels, and the INTEGRATOR_DEFINED types an
 * app's `app-object-association` components define (`app_id` set; `unlabeled` the plain type, its label empty).
 */
export interface CrmAssociationLabelsTable {
  account_id: number;
  from_type: string;
  to_type: string;
  type_id: number;
  label: string;
  name: string;
  category: Generated<string>;
  app_id: number | null;
  unlabeled: Generated<Flag>;
}

export interface CrmOwnersTable {
  id: Generated<number>;
  account_id: number;
  email: string;
  first_name: string;
  last_name: string;
  user_id: number;
  type: "PERSON" | "QUEUE";
  /** JSON array of {id, name, primary}. */
  teams: string;
  archived: Flag;
  created_at: Millis;
  updated_at: Millis;
}

/** A custom object type; `definition` is the JSON of its labels, display and required properties, associated objects. */
export interface CrmObjectSchemasTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  /** An app object's app and `app-object` component uid; null for a schema made through the schemas API. */
  app_id: number | null;
  component_uid: string | null;
  definition: string;
  archived: Flag;
  created_at: Millis;
  updated_at: Millis;
}

/** An account's own pipeline, or its version of a built-in one; `definition` is the JSON of the pipeline and its stages. */
export interface CrmPipelinesTable {
  account_id: number;
  object_type_id: string;
  pipeline_id: string;
  definition: string;
  archived: Flag;
  created_at: Millis;
  updated_at: Millis;
}

/** One change the pipelines API made to a pipeline (`stage_id` null) or one of its stages; `raw` is the JSON after it. */
export interface CrmPipelineAuditsTable {
  id: Generated<number>;
  account_id: number;
  object_type_id: string;
  pipeline_id: string;
  stage_id: string | null;
  action: "CREATE" | "UPDATE" | "DELETE";
  source_id: string;
  raw: string;
  created_at: Millis;
}

/** An `app-event` component's timeline event template; `tokens` is the JSON of HubSpot's token definitions. */
export interface TimelineEventTemplatesTable {
  id: Generated<number>;
  app_id: number;
  component_uid: string;
  name: string;
  /** The object type id events of the template attach to ("0-1", "2-7"). */
  object_type: string;
  header_template: string | null;
  detail_template: string | null;
  tokens: string;
  archived: Flag;
  created_at: Millis;
  updated_at: Millis;
}

/** One timeline event on one record; `tokens` and `extra_data` are JSON. Events are never changed once sent. */
export interface TimelineEventsTable {
  account_id: number;
  template_id: number;
  event_id: string;
  object_type_id: string;
  object_id: number;
  timestamp: Millis;
  tokens: string;
  extra_data: string | null;
  created_at: Millis;
}

export interface CrmTables {
  crm_objects: CrmObjectsTable;
  crm_property_values: CrmPropertyValuesTable;
  crm_property_history: CrmPropertyHistoryTable;
  crm_properties: CrmPropertiesTable;
  crm_property_groups: CrmPropertyGroupsTable;
  crm_associations: CrmAssociationsTable;
  crm_association_labels: CrmAssociationLabelsTable;
  crm_owners: CrmOwnersTable;
  crm_object_schemas: CrmObjectSchemasTable;
  crm_pipelines: CrmPipelinesTable;
  crm_pipeline_audits: CrmPipelineAuditsTable;
  timeline_event_templates: TimelineEventTemplatesTable;
  timeline_events: TimelineEventsTable;
}
