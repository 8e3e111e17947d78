import { randomInt } from "node:crypto";
import { z } from "zod";
import type { Platform } from "../platform";
import { DomainError, conflict, invalid } from "../errors/domain-error";
import { parseBody } from "../util/parse-body";
import type { ObjectType } from "./object-types";
import { inTransaction, type Db } from "./object-writes";
import { PIPELINE_PROPERTIES, accountPipelines, pipelineView, type Pipeline, type PipelineStage } from "./pipelines";
import { labelInput } from "./property-definitions";

const metadataInput = z.record(z.string(), z.string());
const stageInput = z.object({ label: labelInput, displayOrder: z.number().int(), metadata: metadataInput.optional() });
const pipelineInput = z.object({ label: labelInput, displayOrder: z.number().int(), stages: z.array(stageInput) });
const pipelinePatch = z.object({
  label: labelInput.optional(),
  displayOrder: z.number().int().optional(),
  archived: z.boolean().optional(),
});
const stagePatch = z.object({
  label: labelInput.optional(),
  displayOrder: z.number().int().optional(),
  metadata: metadataInput.optional(),
  archived: z.boolean().optional(),
});
type StageInput = z.infer<typeof stageInput>;

/** HubSpot's `validateReferencesBeforeDelete` and `validateDealStageUsagesBeforeDelete`: either asks to check records. */
export interface DeleteChecks {
  validateReferences: boolean;
}

interface Change {
  pipelineId: string;
  stageId?: string;
  action: "CREATE" | "UPDATE" | "DELETE";
  raw: unknown;
}

/** Who made a change, for the audit. */
export interface PipelineActor {
  sourceId: string;
}

/**
 * The stage metadata HubSpot requires: a deal stage's `probability` (0.0 to 1.0; `isClosed` defaults to false), a
 * ticket stage's `ticketState` (OPEN or CLOSED; `isClosed` follows it).
 */
function stageMetadata(t: ObjectType, label: string, metadata: Record<string, string> = {}): Record<string, string> {
  if (t.id === "0-3") {
    const probability = metadata.probability;
    const n = probability === undefined || probability.trim() === "" ? NaN : Number(probability);
    if (!(n >= 0 && n <= 1))
      throw invalid(
        `Stage "${label}": deal stages need metadata.probability, a number from 0.0 to 1.0 (got ${probability === undefined ? "none" : JSON.stringify(probability)}).`,
      );
    return { ...metadata, isClosed: metadata.isClosed === "true" ? "true" : "false" };
  }
  const state = metadata.ticketState;
  if (state !== "OPEN" && state !== "CLOSED")
    throw invalid(
      `Stage "${label}": ticket stages need metadata.ticketState, OPEN or CLOSED (got ${state === undefined ? "none" : JSON.stringify(state)}).`,
    );
  return { ...metadata, isClosed: String(state === "CLOSED") };
}

/** HubSpot's rules for a pipeline among its type's others: a unique label, at least one stage, unique stage labels. */
function checkPipeline(pipeline: Pipeline, all: readonly Pipeline[]): void {
  const label = pipeline.label.trim().toLowerCase();
  const twin = all.find((x) => x.id !== pipeline.id && !x.archived && x.label.trim().toLowerCase() === label);
  if (twin) throw conflict(`A pipeline labelled "${pipeline.label}" already exists (${twin.id}): pipeline labels are unique.`);
  const live = pipeline.stages.filter((st) => !st.archived);
  if (live.length === 0) throw invalid(`Pipeline "${pipeline.label}" needs at least one stage.`);
  const seen = new Set<string>();
  for (const st of live) {
    const key = st.label.trim().toLowerCase();
    if (seen.has(key))
      throw invalid(`Pipeline "${pipeline.label}" has two stages labelled "${st.label}": stage labels are unique in a pipeline.`);
    seen.add(key);
  }
}

/** A new id no pipeline or stage of the type holds (HubSpot's are numbers too). */
function freshId(all: readonly Pipeline[], taken: Set<string> = new Set()): string {
  const used = new Set([...taken, ...all.flatMap((x) => [x.id, ...x.stages.map((st) => st.id)])]);
  for (;;) {
    const id = String(randomInt(100_000_000, 1_000_000_000));
    if (!used.has(id)) {
      taken.add(id);
      return id;
    }
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

function newStage(t: ObjectType, input: StageInput, id: string, now: number): PipelineStage {
  return {
    id,
    label: input.label,
    displayOrder: input.displayOrder,
    metadata: stageMetadata(t, input.label, input.metadata),
    createdAt: iso(now),
    updatedAt: iso(now),
    archived: false,
    writePermissions: "CRM_PERMISSIONS_ENFORCEMENT",
  };
}

/** Whether live records sit in any of these stages (or pipelines, with `property` "pipeline"). */
async function inUse(db: Db, accountId: number, t: ObjectType, which: "pipeline" | "stage", ids: readonly string[]): Promise<boolean> {
  if (ids.length === 0) return false;
  const row = await db
    .selectFrom("crm_property_values")
    .select("object_id")
    .where("account_id", "=", accountId)
    .where("object_type_id", "=", t.id)
    .where("name", "=", PIPELINE_PROPERTIES[t.id]![which])
    .where("value_text", "in", [...ids])
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * One change to a type's pipelines: `change` gets them all (archived too), returns the pipeline as it is to be stored
 * and what to audit; it is checked, stored and audited in one transaction, and the pipeline and stage properties'
 * options follow.
 */
async function writePipeline(
  p: Platform,
  accountId: number,
  t: ObjectType,
  actor: PipelineActor,
  change: (all: Pipeline[], now: number, trx: Db) => Promise<{ pipeline: Pipeline; changes: Change[] }>,
): Promise<Pipeline> {
  const now = p.clock.now();
  const saved = await inTransaction(p, async (trx) => {
    const all = await accountPipelines(trx, accountId, t.id, true);
    const { pipeline, changes } = await change(all, now, trx);
    if (!pipeline.archived) checkPipeline(pipeline, all);
    const row = {
      definition: JSON.stringify({ ...pipeline, archived: false }),
      archived: pipeline.archived ? 1 : 0,
      updated_at: now,
    } as const;
    await trx
      .insertInto("crm_pipelines")
      .values({ account_id: accountId, object_type_id: t.id, pipeline_id: pipeline.id, created_at: now, ...row })
      .onConflict((oc) => oc.columns(["account_id", "object_type_id", "pipeline_id"]).doUpdateSet(row))
      .execute();
    if (changes.length > 0)
      await trx
        .insertInto("crm_pipeline_audits")
        .values(
          changes.map((c) => ({
            account_id: accountId,
            object_type_id: t.id,
            pipeline_id: c.pipelineId,
            stage_id: c.stageId ?? null,
            action: c.action,
            source_id: actor.sourceId,
            raw: JSON.stringify(c.raw),
            created_at: now,
          })),
        )
        .execute();
    return pipeline;
  });
  p.crm.properties.invalidate(accountId, t.id);
  return pipelineView(saved);
}

function livePipeline(all: readonly Pipeline[], pipelineId: string): Pipeline {
  const found = all.find((x) => x.id === pipelineId && !x.archived);
  if (!found) throw new DomainError("not_found", `Unable to find pipeline ${pipelineId}`);
  return found;
}

function liveStage(pipeline: Pipeline, stageId: string): PipelineStage {
  const found = pipeline.stages.find((st) => st.id === stageId && !st.archived);
  if (!found) throw new DomainError("not_found", `Unable to find stage ${stageId} in pipeline ${pipeline.id}`);
  return found;
}

export function createPipeline(p: Platform, accountId: number, t: ObjectType, actor: PipelineActor, body: unknown): Promise<Pipeline> {
  const input = parseBody(pipelineInput, body, "PipelineInput");
  return writePipeline(p, accountId, t, actor, async (all, now) => {
    const taken = new Set<string>();
    const id = freshId(all, taken);
    const pipeline: Pipeline = {
      id,
      label: input.label,
      displayOrder: input.displayOrder,
      stages: input.stages.map((st) => newStage(t, st, freshId(all, taken), now)),
      createdAt: iso(now),
      updatedAt: iso(now),
      archived: false,
    };
    return {
      pipeline,
      changes: [
        { pipelineId: id, action: "CREATE", raw: pipeline },
        ...pipeline.stages.map((st) => ({ pipelineId: id, stageId: st.id, action: "CREATE" as const, raw: st })),
      ],
    };
  });
}

/**
 * Replaces a pipeline's label, order and stages. Input stages carry no ids: one labelled like a current stage keeps
 * that stage's id (so its records stay in it), the others are new; current stages left out are archived, which
 * `validateReferences` refuses while records sit in them.
 */
export function replacePipeline(
  p: Platform,
  accountId: number,
  t: ObjectType,
  actor: PipelineActor,
  pipelineId: string,
  body: unknown,
  checks: DeleteChecks,
): Promise<Pipeline> {
  const input = parseBody(pipelineInput, body, "PipelineInput");
  return writePipeline(p, accountId, t, actor, async (all, now, trx) => {
    const old = livePipeline(all, pipelineId);
    const current = old.stages.filter((st) => !st.archived);
    const taken = new Set<string>();
    const changes: Change[] = [];
    const kept = new Set<string>();
    const stages = input.stages.map((st) => {
      const same = current.find((c) => !kept.has(c.id) && c.label.trim().toLowerCase() === st.label.trim().toLowerCase());
      if (same) {
        kept.add(same.id);
        const next = { ...newStage(t, st, same.id, now), createdAt: same.createdAt };
        changes.push({ pipelineId, stageId: same.id, action: "UPDATE", raw: next });
        return next;
      }
      const next = newStage(t, st, freshId(all, taken), now);
      changes.push({ pipelineId, stageId: next.id, action: "CREATE", raw: next });
      return next;
    });
    const dropped = current.filter((c) => !kept.has(c.id));
    if (
      checks.validateReferences &&
      (await inUse(
        trx,
        accountId,
        t,
        "stage",
        dropped.map((d) => d.id),
      ))
    )
      throw conflict(`Records are in stages this replace removes (${dropped.map((d) => d.label).join(", ")}): move them first.`);
    for (const d of dropped) changes.push({ pipelineId, stageId: d.id, action: "DELETE", raw: { ...d, archived: true } });
    const archivedBefore = old.stages.filter((st) => st.archived);
    const pipeline: Pipeline = {
      ...old,
      label: input.label,
      displayOrder: input.displayOrder,
      stages: [...stages, ...dropped.map((d) => ({ ...d, archived: true, updatedAt: iso(now) })), ...archivedBefore],
      updatedAt: iso(now),
    };
    changes.unshift({ pipelineId, action: "UPDATE", raw: pipelineView(pipeline) });
    return { pipeline, changes };
  });
}

export function updatePipeline(
  p: Platform,
  accountId: number,
  t: ObjectType,
  actor: PipelineActor,
  pipelineId: string,
  body: unknown,
  checks: DeleteChecks,
): Promise<Pipeline> {
  const patch = parseBody(pipelinePatch, body, "PipelinePatchInput");
  if (patch.archived === true) return archivePipeline(p, accountId, t, actor, pipelineId, checks);
  return writePipeline(p, accountId, t, actor, async (all, now) => {
    // `archived: false` brings an archived pipeline back, as HubSpot does.
    const old = patch.archived === false ? all.find((x) => x.id === pipelineId) : livePipeline(all, pipelineId);
    if (!old) throw new DomainError("not_found", `Unable to find pipeline ${pipelineId}`);
    const pipeline: Pipeline = {
      ...old,
      ...(patch.label !== undefined ? { label: patch.label } : {}),
      ...(patch.displayOrder !== undefined ? { displayOrder: patch.displayOrder } : {}),
      archived: false,
      updatedAt: iso(now),
    };
    return { pipeline, changes: [{ pipelineId, action: old.archived ? "CREATE" : "UPDATE", raw: pipelineView(pipeline) }] };
  });
}

/** Archives a pipeline; never a type's last one, nor, when asked to validate, one that records are in. */
export function archivePipeline(
  p: Platform,
  accountId: number,
  t: ObjectType,
  actor: PipelineActor,
  pipelineId: string,
  checks: DeleteChecks,
): Promise<Pipeline> {
  return writePipeline(p, accountId, t, actor, async (all, now, trx) => {
    const old = livePipeline(all, pipelineId);
    if (all.filter((x) => !x.archived).length === 1)
      throw invalid(`Pipeline ${pipelineId} is the only ${t.singular} pipeline: a ${t.singular} needs one.`);
    if (checks.validateReferences && (await inUse(trx, accountId, t, "pipeline", [pipelineId])))
      throw conflict(`Records are in pipeline ${pipelineId}: move them to another pipeline first.`);
    const pipeline = { ...old, archived: true, updatedAt: iso(now) };
    return { pipeline, changes: [{ pipelineId, action: "DELETE", raw: pipelineView(pipeline) }] };
  });
}

export async function createStage(
  p: Platform,
  accountId: number,
  t: ObjectType,
  actor: PipelineActor,
  pipelineId: string,
  body: unknown,
): Promise<PipelineStage> {
  const input = parseBody(stageInput, body, "PipelineStageInput");
  let created: PipelineStage | undefined;
  await writePipeline(p, accountId, t, actor, async (all, now) => {
    const old = livePipeline(all, pipelineId);
    created = newStage(t, input, freshId(all), now);
    return {
      pipeline: { ...old, stages: [...old.stages, created], updatedAt: iso(now) },
      changes: [{ pipelineId, stageId: created.id, action: "CREATE", raw: created }],
    };
  });
  return created!;
}

/** Updates (PATCH, `replace` false) or replaces (PUT) a stage; `archived: true` in a patch archives it. */
export async function updateStage(
  p: Platform,
  accountId: number,
  t: ObjectType,
  actor: PipelineActor,
  ids: { pipelineId: string; stageId: string },
  body: unknown,
  replace: boolean,
): Promise<PipelineStage> {
  const patch = replace ? parseBody(stageInput, body, "PipelineStageInput") : parseBody(stagePatch, body, "PipelineStagePatchInput");
  if ("archived" in patch && patch.archived === true) return archiveStage(p, accountId, t, actor, ids);
  let updated: PipelineStage | undefined;
  await writePipeline(p, accountId, t, actor, async (all, now) => {
    const old = livePipeline(all, ids.pipelineId);
    const current = liveStage(old, ids.stageId);
    const label = patch.label ?? current.label;
    // A patch's metadata merges into the stage's; a replace's is the whole of it.
    const metadata = replace ? (patch.metadata ?? {}) : { ...current.metadata, ...patch.metadata };
    updated = {
      ...current,
      label,
      displayOrder: patch.displayOrder ?? current.displayOrder,
      metadata: stageMetadata(t, label, metadata),
      updatedAt: iso(now),
    };
    return {
      pipeline: { ...old, stages: old.stages.map((st) => (st.id === ids.stageId ? updated! : st)), updatedAt: iso(now) },
      changes: [{ pipelineId: ids.pipelineId, stageId: ids.stageId, action: "UPDATE", raw: updated }],
    };
  });
  return updated!;
}

/** Archives a stage: never a pipeline's last one, nor one that records are in (HubSpot asks to move them first). */
export async function archiveStage(
  p: Platform,
  accountId: number,
  t: ObjectType,
  actor: PipelineActor,
  ids: { pipelineId: string; stageId: string },
): Promise<PipelineStage> {
  let archived: PipelineStage | undefined;
  await writePipeline(p, accountId, t, actor, async (all, now, trx) => {
    const old = livePipeline(all, ids.pipelineId);
    const current = liveStage(old, ids.stageId);
    if (await inUse(trx, accountId, t, "stage", [ids.stageId]))
      throw conflict(`Records are in stage ${ids.stageId} ("${current.label}"): move them to another stage first.`);
    archived = { ...current, archived: true, updatedAt: iso(now) };
    return {
      pipeline: { ...old, stages: old.stages.map((st) => (st.id === ids.stageId ? archived! : st)), updatedAt: iso(now) },
      changes: [{ pipelineId: ids.pipelineId, stageId: ids.stageId, action: "DELETE", raw: archived }],
    };
  });
  return archived!;
}

/** HubSpot's `PublicAuditInfo` list, newest first: a pipeline's own changes, or one stage's. */
export async function pipelineAudit(
  p: Platform,
  accountId: number,
  t: ObjectType,
  pipelineId: string,
  stageId?: string,
): Promise<Record<string, unknown>[]> {
  let q = p.store.db
    .selectFrom("crm_pipeline_audits")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("object_type_id", "=", t.id)
    .orderBy("id", "desc");
  // The SDK's stage audit call leaves the pipeline id out of its path: a stage id alone names the stage.
  q = stageId === undefined ? q.where("pipeline_id", "=", pipelineId).where("stage_id", "is", null) : q.where("stage_id", "=", stageId);
  const rows = await q.execute();
  if (rows.length === 0 && stageId === undefined) {
    const all = await accountPipelines(p.store.db, accountId, t.id, true);
    if (!all.some((x) => x.id === pipelineId)) throw new DomainError("not_found", `Unable to find pipeline ${pipelineId}`);
  }
  return rows.map((r) => ({
    identifier: r.stage_id ?? r.pipeline_id,
    action: r.action,
    portalId: accountId,
    timestamp: iso(Number(r.created_at)),
    message: `${r.action} by app ${r.source_id}`,
    rawObject: JSON.parse(r.raw) as unknown,
  }));
}
