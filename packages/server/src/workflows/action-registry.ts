import type { Kysely, Selectable } from "kysely";
import type { WorkflowAction } from "@sprocket/contract";
import type { WorkflowActionConfig } from "@sprocket/project-format";
import type { Database } from "../store/schema";
import type { DeployedFeature } from "../apps/provision";
import { notFound } from "../errors/domain-error";
import type { WorkflowActionsTable } from "./tables";

type Db = Kysely<Database>;

/**
 * At deploy, inside its transaction: the app's workflow-action components become rows that keep their id across
 * deploys (HubSpot's actionDefinitionId), with a version that moves when the config changes; components the build
 * no longer has are marked removed, so workflows naming them fail with a clear error rather than call a stale URL.
 */
export async function registerWorkflowActions(
  trx: Db,
  accountId: number,
  appId: number,
  buildId: number,
  features: readonly DeployedFeature[],
  now: number,
): Promise<void> {
  const existing = new Map(
    (await trx.selectFrom("workflow_actions").selectAll().where("app_id", "=", appId).execute()).map((r) => [r.uid, r]),
  );
  const kept = new Set<string>();
  for (const f of features) {
    if (f.type !== "workflow-action") continue;
    kept.add(f.uid);
    const config = JSON.stringify(f.config);
    const row = existing.get(f.uid);
    if (!row) {
      await trx
        .insertInto("workflow_actions")
        .values({
          account_id: accountId,
          app_id: appId,
          uid: f.uid,
          version: 1,
          config,
          build_id: buildId,
          updated_at: now,
          removed_at: null,
        })
        .execute();
      continue;
    }
    const changed = row.config !== config || row.removed_at !== null;
    await trx
      .updateTable("workflow_actions")
      .set({ config, build_id: buildId, removed_at: null, ...(changed ? { version: row.version + 1, updated_at: now } : {}) })
      .where("id", "=", row.id)
      .execute();
  }
  const gone = [...existing.values()].filter((r) => !kept.has(r.uid) && r.removed_at === null).map((r) => r.id);
  if (gone.length) await trx.updateTable("workflow_actions").set({ removed_at: now }).where("id", "in", gone).execute();
}

/** When an app is deleted: its actions stop being callable. */
export async function removeWorkflowActionsOf(db: Db, appId: number, now: number): Promise<void> {
  await db.updateTable("workflow_actions").set({ removed_at: now }).where("app_id", "=", appId).where("removed_at", "is", null).execute();
}

export interface ActionRow extends Selectable<WorkflowActionsTable> {
  app_uid: string;
  app_name: string;
}

const actionRows = (db: Db, accountId: number) =>
  db
    .selectFrom("workflow_actions")
    .innerJoin("private_apps", "private_apps.id", "workflow_actions.app_id")
    .selectAll("workflow_actions")
    .select(["private_apps.uid as app_uid", "private_apps.name as app_name"])
    .where("workflow_actions.account_id", "=", accountId)
    .where("workflow_actions.removed_at", "is", null)
    .where("private_apps.deleted_at", "is", null);

/** The live workflow actions of the account, or of one of its apps. */
export async function listActions(db: Db, accountId: number, appId?: number): Promise<ActionRow[]> {
  let q = actionRows(db, accountId);
  if (appId !== undefined) q = q.where("workflow_actions.app_id", "=", appId);
  return q.orderBy("workflow_actions.app_id").orderBy("workflow_actions.uid").execute();
}

/** A live action by id, or by the app's component uid. */
export async function findAction(db: Db, accountId: number, ref: { id: number } | { appId: number; uid: string }): Promise<ActionRow> {
  let q = actionRows(db, accountId);
  q =
    "id" in ref
      ? q.where("workflow_actions.id", "=", ref.id)
      : q.where("workflow_actions.app_id", "=", ref.appId).where("workflow_actions.uid", "=", ref.uid);
  const row = await q.executeTakeFirst();
  if (row) return row;
  throw notFound(
    "id" in ref
      ? `No deployed workflow action ${ref.id} in account ${accountId}: its app was deleted or its last deploy dropped the workflow-action component. Run \`sprocket apps actions list <app>\` to see the actions.`
      : `The app has no deployed workflow action "${ref.uid}". Run \`sprocket apps actions list <app>\` to see its actions (a workflow-action component's uid, from its *-hsmeta.json).`,
  );
}

export const actionConfig = (row: Pick<ActionRow, "config">) => JSON.parse(row.config) as WorkflowActionConfig;

/** HubSpot's action name: the English label, or the first language's. */
export function actionName(config: WorkflowActionConfig, uid: string): string {
  const labels = config.labels.en ?? Object.values(config.labels)[0];
  return labels?.actionName ?? uid;
}

export function actionView(row: ActionRow): WorkflowAction {
  const config = actionConfig(row);
  const labels = (config.labels.en ?? Object.values(config.labels)[0]) as { actionDescription?: unknown } | undefined;
  return {
    id: Number(row.id),
    appId: Number(row.app_id),
    appUid: row.app_uid,
    appName: row.app_name,
    uid: row.uid,
    version: row.version,
    name: actionName(config, row.uid),
    description: typeof labels?.actionDescription === "string" ? labels.actionDescription : null,
    actionUrl: config.actionUrl,
    objectTypes: config.objectTypes ?? [],
    inputFields: (config.inputFields ?? []).map((f) => ({
      name: f.typeDefinition.name,
      type: f.typeDefinition.type,
      ...(f.typeDefinition.fieldType ? { fieldType: f.typeDefinition.fieldType } : {}),
      ...(f.typeDefinition.options ? { options: f.typeDefinition.options.map((o) => ({ label: o.label, value: o.value })) } : {}),
      supportedValueTypes: f.supportedValueTypes ?? ["STATIC_VALUE"],
      isRequired: f.isRequired ?? false,
    })),
    outputFields: (config.outputFields ?? []).map((f) => ({ name: f.typeDefinition.name, type: f.typeDefinition.type })),
    requestProperties: config.objectRequestOptions?.properties ?? [],
    buildId: Number(row.build_id),
    updatedAt: new Date(Number(row.updated_at)).toISOString(),
  };
}
