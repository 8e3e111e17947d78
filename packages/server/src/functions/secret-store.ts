import { SECRET_NAME_PATTERN, SECRET_NAME_RULE } from "@sprocket/contract";
import type { Platform } from "../platform";
import { DomainError, invalid, notFound } from "../errors/domain-error";
import { recordSecurityEvent, type Actor } from "../logs/security-events";

export const MAX_SECRETS_PER_ACCOUNT = 50;
const MAX_SECRET_BYTES = 64 * 1024;

function checkSecret(name: string, value: string): void {
  if (!SECRET_NAME_PATTERN.test(name)) throw invalid(`"${name}" is not a valid secret name: ${SECRET_NAME_RULE}.`);
  if (Buffer.byteLength(value) > MAX_SECRET_BYTES) throw invalid(`The value of ${name} is larger than 64 KB.`);
}

/** Adds a secret, or replaces its value when `mode` is "upsert"; "add" refuses an existing name. Recorded as `actor`'s change. */
export async function putSecret(
  p: Platform,
  accountId: number,
  name: string,
  value: string,
  mode: "add" | "update" | "upsert",
  actor: Actor,
): Promise<"created" | "updated"> {
  checkSecret(name, value);
  const now = p.clock.now();
  const outcome = await p.store.db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom("secrets")
      .select("name")
      .where("account_id", "=", accountId)
      .where("name", "=", name)
      .executeTakeFirst();
    if (existing && mode === "add") throw new DomainError("conflict", `The secret ${name} already exists. Use update to change its value.`);
    if (!existing && mode === "update") throw notFound(`No secret named ${name}. Use add to create it.`);
    if (existing) {
      await trx
        .updateTable("secrets")
        .set({ value_sealed: p.box.seal(value), updated_at: now })
        .where("account_id", "=", accountId)
        .where("name", "=", name)
        .execute();
      return "updated";
    }
    const count = await trx
      .selectFrom("secrets")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("account_id", "=", accountId)
      .executeTakeFirstOrThrow();
    if (Number(count.n) >= MAX_SECRETS_PER_ACCOUNT)
      throw invalid(`An account holds at most ${MAX_SECRETS_PER_ACCOUNT} secrets; delete one first.`);
    await trx
      .insertInto("secrets")
      .values({ account_id: accountId, name, value_sealed: p.box.seal(value), created_at: now, updated_at: now })
      .execute();
    return "created";
  });
  await recordSecurityEvent(p.store.db, p.clock.now(), { accountId, type: "SECRET_CHANGED", actor, details: { name, change: outcome } });
  return outcome;
}

export async function listSecrets(p: Platform, accountId: number) {
  return p.store.db
    .selectFrom("secrets")
    .select(["name", "created_at", "updated_at"])
    .where("account_id", "=", accountId)
    .orderBy("name")
    .execute();
}

export async function deleteSecret(p: Platform, accountId: number, name: string, actor: Actor): Promise<void> {
  const res = await p.store.db.deleteFrom("secrets").where("account_id", "=", accountId).where("name", "=", name).executeTakeFirst();
  if (Number(res.numDeletedRows) === 0) throw notFound(`No secret named ${name}.`);
  await recordSecurityEvent(p.store.db, p.clock.now(), { accountId, type: "SECRET_CHANGED", actor, details: { name, change: "deleted" } });
}

/** The values of the named secrets that exist; a function gets only the ones its serverless.json lists. */
export async function secretValues(p: Platform, accountId: number, names: readonly string[]): Promise<Record<string, string>> {
  if (names.length === 0) return {};
  const rows = await p.store.db
    .selectFrom("secrets")
    .select(["name", "value_sealed"])
    .where("account_id", "=", accountId)
    .where("name", "in", [...names])
    .execute();
  return Object.fromEntries(rows.map((r) => [r.name, p.box.open(r.value_sealed)]));
}
