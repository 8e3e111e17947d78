import { DomainError } from "../errors/domain-error";
import type { Kysely } from "kysely";
import type { Database } from "../store/schema";
import { DEAL_STAGES } from "./default-properties";

type Db = Kysely<Database>;

/** One stage as HubSpot's pipelines API sends it; metadata values are strings there too. */
export interface PipelineStage {
  id: string;
  label: string;
  displayOrder: number;
  metadata: Record<string, string>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  writePermissions: "CRM_PERMISSIONS_ENFORCEMENT";
}

export interface Pipeline {
  id: string;
  label: string;
  displayOrder: number;
  stages: PipelineStage[];
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

/** HubSpot dates its built-in pipelines at the epoch. */
const BUILT_IN_AT = new Date(0).toISOString();

const stage = (id: string, label: string, displayOrder: number, metadata: Record<string, string>): PipelineStage => ({
  id,
  label,
  displayOrder,
  metadata,
  createdAt: BUILT_IN_AT,
  updatedAt: BUILT_IN_AT,
  archived: false,
  writePermissions: "CRM_PERMISSIONS_ENFORCEMENT",
});

const pipeline = (id: string, label: string, stages: PipelineStage[]): Pipeline => ({
  id,
  label,
  displayOrder: 0,
  stages,
  createdAt: BUILT_IN_AT,
  updatedAt: BUILT_IN_AT,
  archived: false,
});

const DEAL_STAGE_LABELS = [
  "Appointment Scheduled",
  "Qualified To Buy",
  "Presentation Scheduled",
  "Decision Maker Bought-In",
  "Contract Sent",
  "Closed Won",
  "Closed Lost",
];
const DEAL_PROBABILITIES = ["0.2", "0.4", "0.6", "0.8", "0.9", "1.0", "0.0"];

const TICKET_STAGES: Array<[id: string, label: string, state: "OPEN" | "CLOSED"]> = [
  ["1", "New", "OPEN"],
  ["2", "Waiting on contact", "OPEN"],
  ["3", "Waiting on us", "OPEN"],
  ["4", "Closed", "CLOSED"],
];

/**
 * Every account's built-in pipelines: the ids the deal and ticket properties (pipeline/dealstage, hs_pipeline/
 * hs_pipeline_stage) hold, so a card can map a record's stage id to its label and order.
 */
const BUILT_IN_PIPELINES: Record<string, Pipeline[]> = {
  "0-3": [
    pipeline(
      "default",
      "Sales Pipeline",
      DEAL_STAGES.map((id, i) =>
        stage(id, DEAL_STAGE_LABELS[i]!, i, { isClosed: String(id.startsWith("closed")), probability: DEAL_PROBABILITIES[i]! }),
      ),
    ),
  ],
  "0-5": [
    pipeline(
      "0",
      "Support Pipeline",
      TICKET_STAGES.map(([id, label, state], i) => stage(id, label, i, { ticketState: state, isClosed: String(state === "CLOSED") })),
    ),
  ],
};

/** Object types that have pipelines, and the properties that hold a record's pipeline and stage. */
export const PIPELINE_PROPERTIES: Record<string, { pipeline: string; stage: string }> = {
  "0-3": { pipeline: "pipeline", stage: "dealstage" },
  "0-5": { pipeline: "hs_pipeline", stage: "hs_pipeline_stage" },
};
export const PIPELINE_OBJECT_TYPES = Object.keys(BUILT_IN_PIPELINES);

/** HubSpot lists pipelines and stages by display order, then label. */
export const byDisplayOrder = <T extends { displayOrder: number; label: string }>(a: T, b: T) =>
  a.displayOrder - b.displayOrder || a.label.localeCompare(b.label);

/**
 * The account's pipelines of a type: HubSpot's built-in ones as the account left them, and its own. With `archived`,
 * the archived ones too (ids stay taken).
 */
export async function accountPipelines(db: Db, accountId: number, objectTypeId: string, archived = false): Promise<Pipeline[]> {
  const rows = await db
    .selectFrom("crm_pipelines")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("object_type_id", "=", objectTypeId)
    .execute();
  const byId = new Map((BUILT_IN_PIPELINES[objectTypeId] ?? []).map((x) => [x.id, x]));
  for (const r of rows) byId.set(r.pipeline_id, { ...(JSON.parse(r.definition) as Pipeline), archived: r.archived === 1 });
  return [...byId.values()].filter((x) => archived || !x.archived).sort(byDisplayOrder);
}

/** A pipeline as the API shows it: its live stages, in order. */
export const pipelineView = (x: Pipeline): Pipeline => ({ ...x, stages: x.stages.filter((st) => !st.archived).sort(byDisplayOrder) });

export async function pipelineById(db: Db, accountId: number, objectTypeId: string, pipelineId: string): Promise<Pipeline> {
  const found = (await accountPipelines(db, accountId, objectTypeId)).find((x) => x.id === pipelineId);
  if (!found) throw new DomainError("not_found", `Unable to find pipeline ${pipelineId}`);
  return found;
}

export async function stageById(
  db: Db,
  accountId: number,
  objectTypeId: string,
  pipelineId: string,
  stageId: string,
): Promise<PipelineStage> {
  const found = (await pipelineById(db, accountId, objectTypeId, pipelineId)).stages.find((st) => st.id === stageId && !st.archived);
  if (!found) throw new DomainError("not_found", `Unable to find stage ${stageId} in pipeline ${pipelineId}`);
  return found;
}
