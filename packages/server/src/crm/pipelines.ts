import { DomainError } from "../errors/domain-error";
import { DEAL_STAGES } from "./default-properties";

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

/** Object types that have pipelines. */
export const PIPELINE_OBJECT_TYPES = Object.keys(BUILT_IN_PIPELINES);

export function pipelinesOf(objectTypeId: string): Pipeline[] {
  return BUILT_IN_PIPELINES[objectTypeId] ?? [];
}

export function pipelineById(objectTypeId: string, pipelineId: string): Pipeline {
  const found = pipelinesOf(objectTypeId).find((p) => p.id === pipelineId);
  if (!found) throw new DomainError("not_found", `Unable to find pipeline ${pipelineId}`);
  return found;
}

export function stageById(objectTypeId: string, pipelineId: string, stageId: string): PipelineStage {
  const found = pipelineById(objectTypeId, pipelineId).stages.find((s) => s.id === stageId);
  if (!found) throw new DomainError("not_found", `Unable to find stage ${stageId} in pipeline ${pipelineId}`);
  return found;
}
