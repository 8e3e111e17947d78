import type { Kysely } from "kysely";
import type { GraphQLSchema } from "graphql";
import type { Database } from "../../store/schema";
import { OBJECT_TYPES, objectTypeById } from "../object-types";
import { liveProperties, type PropertyDef } from "../property-definitions";
import { typesBetween } from "../association-types";
import { buildCrmSchema, type TypeSource } from "./crm-schema";

type Db = Kysely<Database>;

/** Accounts whose schema is kept; past this the least recently built one is dropped (it is rebuilt on demand). */
const MAX_ACCOUNTS = 200;
const built = new Map<number, { version: string; schema: GraphQLSchema }>();

/** A definitions map's fingerprint, worked out once per map (liveProperties hands out the same map while it is fresh). */
const fingerprints = new WeakMap<ReadonlyMap<string, PropertyDef>, string>();
function fingerprint(defs: ReadonlyMap<string, PropertyDef>): string {
  let f = fingerprints.get(defs);
  if (f === undefined) {
    f = [...defs.values()].map((d) => `${d.name}:${d.type}:${d.updatedAt}`).join(",");
    fingerprints.set(defs, f);
  }
  return f;
}

/**
 * The account's schema, rebuilt only when what shapes it changed: a property created, changed or archived on any type
 * (each definition's name, type and update time), or an association label added or removed.
 */
export async function accountSchema(db: Db, accountId: number, now: number): Promise<GraphQLSchema> {
  const defs = await Promise.all(OBJECT_TYPES.map((t) => liveProperties(db, accountId, t.id, now)));
  const labels = await db.selectFrom("crm_association_labels").select(["type_id", "label", "name"]).where("account_id", "=", accountId).orderBy("type_id").execute();
  const version = [...defs.map(fingerprint), labels.map((l) => `${l.type_id}:${l.label}:${l.name}`).join(",")].join("|");
  const hit = built.get(accountId);
  if (hit && hit.version === version) return hit.schema;
  const sources: TypeSource[] = [];
  for (const [i, t] of OBJECT_TYPES.entries()) {
    const associations: TypeSource["associations"][number][] = [];
    for (const other of OBJECT_TYPES) {
      for (const def of await typesBetween(db, accountId, t.id, other.id)) associations.push({ target: objectTypeById(def.toType), def });
    }
    sources.push({ t, defs: defs[i]!, associations });
  }
  const schema = buildCrmSchema(sources);
  built.delete(accountId);
  built.set(accountId, { version, schema });
  if (built.size > MAX_ACCOUNTS) built.delete(built.keys().next().value!);
  return schema;
}
