import { randomInt } from "node:crypto";
import type { Kysely } from "kysely";
import type { Clock, Platform } from "../platform";
import type { Database } from "../store/schema";
import type { CrmEvent } from "../crm/crm-events";
import type { InputMapping, WorkflowTrigger } from "@sprocket/contract";
import type { JobHandler } from "../jobs/job-queue";
import { DomainError } from "../errors/domain-error";
import { getObject, type StoredObject } from "../crm/object-store";
import { updateRecords } from "../crm/object-writes";
import { newTraceId } from "../logs/trace-context";
import { findAction } from "./action-registry";
import { callActionUrl, recordCall, type ActionAnswer, type ActionExecution } from "./action-call";
import { WORKFLOW_CHANGE_SOURCE, workflowWriteSource } from "./workflow-service";
import type { ActionCallOutcome } from "./tables";

export const EXECUTION_JOB = "workflows.execute";
/** Executions of all workflows a node runs at once. */
const NODE_CONCURRENCY = 8;
/** How long a node trusts its copy of an account's workflows: one made through another node enrols within this. */
const TRIGGERS_CACHE_MS = 1000;

/** One enrolment of one record, as queued; a retry is a new job with the next attempt, in the same trace. */
export interface ExecutionJob {
  accountId: number;
  workflowId: number;
  objectTypeId: string;
  objectId: number;
  callbackId: string;
  attempt: number;
  traceId: string;
}

interface LiveWorkflow {
  id: number;
  objectTypeId: string;
  trigger: WorkflowTrigger;
}

/** An enrolled record's callbackId, in HubSpot's shape: ap-<portalId>-<enrollment>-<action index>-<attempt>. */
export const callbackIdFor = (accountId: number) => `ap-${accountId}-${randomInt(1, 2 ** 47)}-1-0`;

/** Whether an event enrols a record: its type and trigger, and never the workflow's own write-back (the loop guard). */
export function enrols(w: LiveWorkflow, event: CrmEvent): boolean {
  if (event.objectTypeId !== w.objectTypeId) return false;
  if (event.changeSource === WORKFLOW_CHANGE_SOURCE && event.sourceId === workflowWriteSource(w.id).sourceId) return false;
  if (w.trigger.type === "RECORD_CREATED") return event.kind === "creation";
  return event.kind === "propertyChange" && event.propertyName === w.trigger.propertyName;
}

/** The account's live workflows, read at most once a second per account, and at once after a change on this node. */
export class WorkflowTriggers {
  private readonly byAccount = new Map<number, { at: number; workflows: Promise<LiveWorkflow[]> }>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  of(accountId: number): Promise<LiveWorkflow[]> {
    const now = this.clock.now();
    const cached = this.byAccount.get(accountId);
    if (cached && now - cached.at < TRIGGERS_CACHE_MS) return cached.workflows;
    const workflows = this.load(accountId);
    this.byAccount.set(accountId, { at: now, workflows });
    workflows.catch(() => this.byAccount.delete(accountId));
    return workflows;
  }

  invalidate(accountId: number): void {
    this.byAccount.delete(accountId);
  }

  private async load(accountId: number): Promise<LiveWorkflow[]> {
    const rows = await this.db
      .selectFrom("workflows")
      .select(["id", "object_type_id", "trigger"])
      .where("account_id", "=", accountId)
      .where("deleted_at", "is", null)
      .execute();
    return rows.map((r) => ({ id: Number(r.id), objectTypeId: r.object_type_id, trigger: JSON.parse(r.trigger) as WorkflowTrigger }));
  }
}

/**
 * From `start`: CRM changes enrol records into the account's workflows whose trigger they match; each enrolment is a
 * job on the queue (durable, claimed by one node). Returns what stops it.
 */
export function followCrmEventsForWorkflows(p: Platform): () => void {
  const log = p.log.child({ domain: "workflows" });
  const enrol = async (events: readonly CrmEvent[]) => {
    const workflows = await p.workflows.triggers.of(events[0]!.accountId);
    if (workflows.length === 0) return;
    let queued = false;
    for (const event of events) {
      for (const w of workflows) {
        if (!enrols(w, event)) continue;
        const job: ExecutionJob = {
          accountId: event.accountId,
          workflowId: w.id,
          objectTypeId: event.objectTypeId,
          objectId: event.objectId,
          callbackId: callbackIdFor(event.accountId),
          attempt: 1,
          traceId: newTraceId(),
        };
        await p.jobs.enqueue(p.store.db, EXECUTION_JOB, job);
        queued = true;
      }
    }
    if (queued) p.jobs.wake();
  };
  return p.crm.events.subscribe(
    (events) => void enrol(events).catch((err: unknown) => log.error({ err }, "could not enrol records into workflows")),
  );
}

const resolveInput = (mapping: InputMapping, record: StoredObject) =>
  mapping.type === "STATIC_VALUE" ? mapping.value : (record.properties[mapping.propertyName] ?? "");

/** Output fields that steer HubSpot's engine rather than carry data; never written to the record. */
const EXECUTION_STATE_FIELDS = new Set(["hs_execution_state", "hs_expiration_duration"]);

/** What a 2xx answer means for the record: the properties to write, or why the execution stops here. */
function writeBackOf(answer: ActionAnswer): { properties: Record<string, string> } | { error: string } {
  const out = answer.outputFields ?? {};
  const state = out.hs_execution_state;
  if (state === "BLOCK" || state === "ASYNC")
    return {
      error: `The action answered hs_execution_state ${state}: Sprocket's workflows do not wait for callbacks, so the execution ends here.`,
    };
  if (state === "FAIL_CONTINUE") return { error: "The action answered hs_execution_state FAIL_CONTINUE: nothing was written." };
  const properties = Object.fromEntries(
    Object.entries(out)
      .filter(([name]) => !EXECUTION_STATE_FIELDS.has(name))
      .map(([name, value]) => [name, typeof value === "string" ? value : JSON.stringify(value)]),
  );
  return { properties };
}

/**
 * Runs one enrolment: resolves the inputs from the record, calls the actionUrl signed, and on success writes the
 * answer's outputFields back as properties of the record through the CRM's own write path (so its events and history
 * say AUTOMATION_PLATFORM, and the loop guard keeps this workflow from enrolling the record again). A retryable
 * failure queues the next try after the webhooks' back-off, in the same trace. Every try is a row of the app's log.
 */
export function executionJobHandler(p: Platform): JobHandler<ExecutionJob> {
  const log = p.log.child({ domain: "workflows" });
  const { retryDelaysMs } = p.config.webhooks;

  async function execute(job: ExecutionJob, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    const workflow = await p.store.db
      .selectFrom("workflows")
      .selectAll()
      .where("id", "=", job.workflowId)
      .where("deleted_at", "is", null)
      .executeTakeFirst();
    if (!workflow) return;
    let action;
    try {
      action = await findAction(p.store.db, job.accountId, { id: Number(workflow.action_id) });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      log.warn(
        { workflowId: job.workflowId, traceId: job.traceId, reason: error.message },
        "a workflow's action is gone; the enrolment ends",
      );
      return;
    }
    let t;
    try {
      t = await p.crm.types.resolve(job.accountId, job.objectTypeId);
    } catch (error) {
      // A custom object type deleted since the record enrolled: nothing left to run on.
      if (error instanceof DomainError) return;
      throw error;
    }
    const record = await getObject(p.store.db, job.accountId, t, job.objectId, false);
    // The record was deleted or merged away since it enrolled: HubSpot unenrols it.
    if (!record) return;
    const mappings = JSON.parse(workflow.input_fields) as Record<string, InputMapping>;
    const execution: ActionExecution = {
      action,
      accountId: job.accountId,
      workflowId: job.workflowId,
      objectType: t,
      record,
      inputFields: Object.fromEntries(Object.entries(mappings).map(([name, m]) => [name, resolveInput(m, record)])),
      callbackId: job.callbackId,
      attempt: job.attempt,
      traceId: job.traceId,
    };
    const answer = await callActionUrl(p, execution);
    let outcome: ActionCallOutcome;
    let error = answer.error;
    let written: Record<string, string> | null = null;
    let retryIn: number | undefined;
    if (answer.error === null) {
      const writeBack = writeBackOf(answer);
      if ("error" in writeBack) {
        outcome = "failed";
        error = writeBack.error;
      } else {
        outcome = "succeeded";
        if (Object.keys(writeBack.properties).length) {
          try {
            await updateRecords(
              p,
              job.accountId,
              t,
              [{ id: String(record.id), properties: writeBack.properties }],
              workflowWriteSource(job.workflowId),
            );
            written = writeBack.properties;
          } catch (e) {
            if (!(e instanceof DomainError)) throw e;
            outcome = "failed";
            error = `The output fields could not be written to ${t.singular} ${record.id}: ${e.message}`;
          }
        }
      }
    } else {
      retryIn = answer.retryable ? retryDelaysMs[job.attempt - 1] : undefined;
      outcome = retryIn !== undefined ? "retrying" : "failed";
    }
    await p.store.db.transaction().execute(async (trx) => {
      await recordCall(trx, execution, answer, { outcome, error, written });
      if (retryIn !== undefined) await p.jobs.enqueue(trx, EXECUTION_JOB, { ...job, attempt: job.attempt + 1 }, { delayMs: retryIn });
    });
    if (retryIn !== undefined) p.jobs.wake();
  }

  return {
    concurrency: NODE_CONCURRENCY,
    run: (job, ctx) => execute(job, ctx.signal),
    abandon: async (job, reason) =>
      log.error({ workflowId: job.workflowId, attempt: job.attempt, reason }, "a workflow execution was given up"),
  };
}

/** The execution worker, registered on the platform's job queue at the root. */
export function registerWorkflowJobs(p: Platform): void {
  p.jobs.handle(EXECUTION_JOB, executionJobHandler(p));
}
