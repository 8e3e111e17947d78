import type { Clock } from "../platform";
import { after, type MaybePromise } from "../util/maybe-async";
import { customObjectType, type CustomObjectSchema, type SchemaDefinition } from "./custom-object-types";
import { findObjectType, unknownObjectType, type ObjectType } from "./object-types";
import type { Db } from "./object-writes";

/** How long an account's custom types are served from memory: a schema made through another node shows within this. */
const CACHE_MS = 1000;

interface AccountTypes {
  at: number;
  schemas: CustomObjectSchema[];
  byAlias: Map<string, ObjectType>;
}

/**
 * The object types one platform serves per account: HubSpot's standard ones (from code, no look-up) and the
 * account's custom objects, kept briefly in memory and dropped whenever a schema changes here, so that resolving a
 * type on a cache hit costs no query (the get-by-id hot path answers without a promise).
 */
export class ObjectTypeRegistry {
  private readonly cache = new Map<number, AccountTypes>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** A path's object type segment (name, singular, type id, p_<name>, fqn) → the type, or HubSpot's "unable to infer". */
  resolve(accountId: number, nameOrId: string): MaybePromise<ObjectType> {
    const standard = findObjectType(nameOrId);
    if (standard) return standard;
    return after(this.account(accountId), (types) => {
      const t = types.byAlias.get(nameOrId.toLowerCase());
      if (!t) throw unknownObjectType(nameOrId);
      return t;
    });
  }

  /** The account's live custom object schemas, oldest first. */
  customSchemas(accountId: number): MaybePromise<CustomObjectSchema[]> {
    return after(this.account(accountId), (types) => types.schemas);
  }

  invalidate(accountId: number): void {
    this.cache.delete(accountId);
  }

  private account(accountId: number): MaybePromise<AccountTypes> {
    const now = this.clock.now();
    const hit = this.cache.get(accountId);
    if (hit && now - hit.at < CACHE_MS && now >= hit.at) return hit;
    return this.load(accountId).then((schemas) => {
      const byAlias = new Map<string, ObjectType>();
      for (const s of schemas) {
        const t = customObjectType(s);
        for (const alias of t.aliases) byAlias.set(alias, t);
      }
      const types = { at: now, schemas, byAlias };
      this.cache.set(accountId, types);
      return types;
    });
  }

  private async load(accountId: number): Promise<CustomObjectSchema[]> {
    const rows = await this.db
      .selectFrom("crm_object_schemas")
      .selectAll()
      .where("account_id", "=", accountId)
      .where("archived", "=", 0)
      .orderBy("id")
      .execute();
    return rows.map((r) => ({
      id: Number(r.id),
      accountId,
      name: r.name,
      appId: r.app_id === null ? null : Number(r.app_id),
      componentUid: r.component_uid,
      definition: JSON.parse(r.definition) as SchemaDefinition,
      createdAt: Number(r.created_at),
      updatedAt: Number(r.updated_at),
    }));
  }
}
