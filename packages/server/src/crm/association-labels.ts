import type { Platform } from "../platform";
import { conflict, notFound } from "../errors/domain-error";
import type { ObjectType } from "./object-types";
import { nextUserTypeId } from "./association-types";
import { inTransaction, type Db } from "./object-writes";

/** A USER_DEFINED label: its forward type id, and the inverse (from `to` back to `from`) at the next id. */
export interface LabelInput {
  name: string;
  label: string;
  inverseLabel?: string | undefined;
}

const labelNotFound = (from: ObjectType, to: ObjectType, typeId: number) =>
  notFound(`No USER_DEFINED association type ${typeId} from ${from.name} to ${to.name}.`);

/** A USER_DEFINED label; an app's INTEGRATOR_DEFINED types change only with its deploys. */
function findLabel(db: Db, accountId: number, from: ObjectType, to: ObjectType, typeId: number) {
  return db
    .selectFrom("crm_association_labels")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("category", "=", "USER_DEFINED")
    .where("from_type", "=", from.id)
    .where("to_type", "=", to.id)
    .where("type_id", "=", typeId)
    .executeTakeFirst();
}

/** Creates a label and its inverse; a name is unique per pair of types. Returns the two rows, forward first. */
export function createAssociationLabel(p: Platform, accountId: number, from: ObjectType, to: ObjectType, input: LabelInput) {
  return inTransaction(p, async (trx) => {
    const existing = await trx
      .selectFrom("crm_association_labels")
      .select("type_id")
      .where("account_id", "=", accountId)
      .where("from_type", "=", from.id)
      .where("to_type", "=", to.id)
      .where("name", "=", input.name)
      .executeTakeFirst();
    if (existing) throw conflict(`An association label named ${input.name} already exists from ${from.name} to ${to.name}.`);
    const forwardId = await nextUserTypeId(trx, accountId);
    const rows = [
      { account_id: accountId, from_type: from.id, to_type: to.id, type_id: forwardId, label: input.label, name: input.name },
      {
        account_id: accountId,
        from_type: to.id,
        to_type: from.id,
        type_id: forwardId + 1,
        label: input.inverseLabel ?? input.label,
        name: input.name,
      },
    ];
    await trx.insertInto("crm_association_labels").values(rows).execute();
    return rows;
  });
}

/** Relabels a USER_DEFINED type, and its inverse when `inverseLabel` is given. */
export function updateAssociationLabel(
  p: Platform,
  accountId: number,
  from: ObjectType,
  to: ObjectType,
  input: { associationTypeId: number; label: string; inverseLabel?: string | undefined },
): Promise<void> {
  return inTransaction(p, async (trx) => {
    const row = await findLabel(trx, accountId, from, to, input.associationTypeId);
    if (!row) throw labelNotFound(from, to, input.associationTypeId);
    await trx
      .updateTable("crm_association_labels")
      .set({ label: input.label })
      .where("account_id", "=", accountId)
      .where("type_id", "=", row.type_id)
      .where("from_type", "=", from.id)
      .execute();
    if (input.inverseLabel) {
      await trx
        .updateTable("crm_association_labels")
        .set({ label: input.inverseLabel })
        .where("account_id", "=", accountId)
        .where("name", "=", row.name)
        .where("from_type", "=", to.id)
        .where("to_type", "=", from.id)
        .where("type_id", "<>", row.type_id)
        .execute();
    }
  });
}

/** Deletes a USER_DEFINED type with its inverse, and every association made with either. */
export function deleteAssociationLabel(p: Platform, accountId: number, from: ObjectType, to: ObjectType, typeId: number): Promise<void> {
  return inTransaction(p, async (trx) => {
    const row = await findLabel(trx, accountId, from, to, typeId);
    if (!row) throw labelNotFound(from, to, typeId);
    // The label's pair shares its name: the forward type from→to and the inverse to→from.
    const pair = await trx
      .selectFrom("crm_association_labels")
      .select(["type_id", "from_type"])
      .where("account_id", "=", accountId)
      .where("name", "=", row.name)
      .where((eb) =>
        eb.or([
          eb.and([eb("from_type", "=", from.id), eb("to_type", "=", to.id)]),
          eb.and([eb("from_type", "=", to.id), eb("to_type", "=", from.id)]),
        ]),
      )
      .execute();
    for (const r of pair) {
      await trx
        .deleteFrom("crm_associations")
        .where("account_id", "=", accountId)
        .where("from_type", "=", r.from_type)
        .where("type_id", "=", r.type_id)
        .where("category", "=", "USER_DEFINED")
        .execute();
      await trx
        .deleteFrom("crm_association_labels")
        .where("account_id", "=", accountId)
        .where("from_type", "=", r.from_type)
        .where("type_id", "=", r.type_id)
        .execute();
    }
  });
}
