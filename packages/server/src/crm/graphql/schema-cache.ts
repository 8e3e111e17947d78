import type { Kysely } from "kysely";
import type { GraphQLSchema } from "graphql";
import type { Database } from "../../store/schema";
import { OBJECT_TYPES, objectTypeById } from "../object-types";
import type { PropertyDef } from "../property-definitions";
import type { PropertyDefinitions } from "../property-service";
import { typesBetween } from "../association-types";
import { buildCrmSchema, type TypeSource } from "./crm-schema";

type Db = Kysely<Database>;

/** Accounts whose schema is kept; past this the least recently built one is dropped (it is rebuilt on demand). */
const MAX_ACCOUNTS = 200;

/**
 * The accounts' GraphQL schemas, owned by one platform (create-platform.ts), each rebuilt only when what shapes it
 * changed: a property created, changed or archived on any type (each definition's name, type and update time), or an
 * association label added or removed.
 */
export class GraphqlSchemas {
  private readonly built = new Map<number, { version: string; schema: GraphQLSchema }>();
  /** A definitions map's fingerprint, worked out once per map (the property service hands out the same map while it is fresh). */
  private readonly fingerprints = new WeakMap<ReadonlyMap<string, PropertyDef>, string>();

  constructor(
    private readonly db: Db,
    private readonly properties: PropertyDefinitions,
  ) {}

  async forAccount(accountId: number): Promise<GraphQLSchema> {
    const { db } = this;
    const defs = await Promise.all(OBJECT_TYPES.map((t) => this.properties.live(accountId, t.id)));
    const labels = await db
      .selectFrom("crm_association_labels")
      .select(["type_id", "label", "name"])
      .where("account_id", "=", accountId)
      .orderBy("type_id")
      .execute();
    const version = [...defs.map((d) => this.fingerprint(d)), labels.map((l) => `${l.type_id}:${l.label}:${l.name}`).join(",")].join("|");
    const hit = this.built.get(accountId);
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
    this.built.delete(accountId);
    this.built.set(accountId, { version, schema });
    if (this.built.size > MAX_ACCOUNTS) this.built.delete(this.built.keys().next().value!);
    return schema;
  }

  private fingerprint(defs: ReadonlyMap<string, PropertyDef>): string {
    let f = this.fingerprints.get(defs);
    if (f === undefined) {
      f = [...defs.values()].map((d) => `${d.name}:${d.type}:${d.updatedAt}`).join(",");
      this.fingerprints.set(defs, f);
    }
    return f;
  }
}
