import {
  GraphQLBoolean,
  GraphQLEnumType,
  GraphQLFloat,
  GraphQLInputObjectType,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLScalarType,
  GraphQLSchema,
  GraphQLString,
  Kind,
  type GraphQLFieldConfig,
  type GraphQLFieldConfigMap,
  type GraphQLInputFieldConfigMap,
  type GraphQLInputType,
  type GraphQLOutputType,
} from "graphql";
import type { ObjectType } from "../object-types";
import type { PropertyDef } from "../property-definitions";
import type { AssociationTypeDef } from "../association-types";
import { FILTER_SUFFIXES, type FilterField, type SortChoice } from "./collection-args";
import { associated, collection, DEFAULT_LIMIT, findOne, type CollectionPage, type GraphqlContext, type RecordView } from "./crm-reads";
import { associationFieldName, isGraphqlName } from "./names";

/** One object type as this account has it: its live properties and the association types leaving it. */
export interface TypeSource {
  t: ObjectType;
  defs: ReadonlyMap<string, PropertyDef>;
  associations: ReadonlyArray<{ target: ObjectType; def: AssociationTypeDef }>;
}

/**
 * Marks the fields that read records: the scope check reads `objectTypeId` (that type's read scopes), the complexity
 * estimate multiplies a `paged` field's selection by its `limit`.
 */
export type CrmFieldExtensions = {
  objectTypeId?: string;
  paged?: boolean;
};

const parseLong = (v: unknown): number => {
  const s = typeof v === "number" ? String(v) : v;
  if (typeof s === "string" && /^\d{1,15}$/.test(s)) return Number(s);
  throw new TypeError(`Long cannot represent ${JSON.stringify(v)}: a record id is a whole number of at most 15 digits.`);
};

/** Record ids: numbers on the wire (HubSpot's examples call `hs_object_id.toString()`), wider than GraphQL's Int. */
const Long = new GraphQLScalarType({
  name: "Long",
  serialize: (v) => Number(v),
  parseValue: parseLong,
  parseLiteral: (ast) => {
    if (ast.kind === Kind.INT || ast.kind === Kind.STRING) return parseLong(ast.value);
    throw new TypeError("Long takes a whole number or a string of digits.");
  },
});

const Metadata = new GraphQLObjectType<RecordView>({
  name: "crm_object_metadata",
  fields: {
    id: { type: new GraphQLNonNull(GraphQLString) },
    createdAt: { type: GraphQLString },
    updatedAt: { type: GraphQLString },
    archived: { type: GraphQLBoolean },
  },
});

/** A property's GraphQL type and how a stored string becomes a value of it. */
function kindOf(def: PropertyDef): { type: GraphQLOutputType & GraphQLInputType; value: (raw: string) => unknown } {
  if (def.name === "hs_object_id") return { type: Long, value: Number };
  if (def.type === "number") return { type: GraphQLFloat, value: (raw) => (Number.isFinite(Number(raw)) ? Number(raw) : null) };
  if (def.type === "bool") return { type: GraphQLBoolean, value: (raw) => raw === "true" };
  return { type: GraphQLString, value: (raw) => raw };
}

const named = (defs: ReadonlyMap<string, PropertyDef>) =>
  [...defs.values()].filter((d) => isGraphqlName(d.name) && d.name !== "associations");

function propertyFields(s: TypeSource): GraphQLFieldConfigMap<RecordView, GraphqlContext> {
  const fields: GraphQLFieldConfigMap<RecordView, GraphqlContext> = {};
  for (const def of named(s.defs)) {
    const kind = kindOf(def);
    fields[def.name] = {
      type: kind.type,
      ...(def.label ? { description: def.label } : {}),
      resolve: (v) => {
        const raw = v.properties[def.name];
        return raw === null || raw === undefined || raw === "" ? null : kind.value(raw);
      },
    };
  }
  return fields;
}

/** `<type>_filter`: `<property>__<suffix>` for every property, and which property and operator each field means. */
function filterInput(s: TypeSource): { input: GraphQLInputObjectType; fields: Map<string, FilterField> } {
  const fields = new Map<string, FilterField>();
  const config: GraphQLInputFieldConfigMap = {};
  for (const def of named(s.defs)) {
    const { type } = kindOf(def);
    for (const suffix of FILTER_SUFFIXES) {
      const name = `${def.name}__${suffix}`;
      fields.set(name, { propertyName: def.name, suffix });
      const valueType =
        suffix === "null" || suffix === "not_null"
          ? GraphQLBoolean
          : suffix === "contains" || suffix === "not_contains"
            ? GraphQLString
            : type;
      config[name] = { type: suffix === "in" || suffix === "not_in" ? new GraphQLList(new GraphQLNonNull(valueType)) : valueType };
    }
  }
  return { input: new GraphQLInputObjectType({ name: `${s.t.singular}_filter`, fields: config }), fields };
}

function orderByEnum(s: TypeSource): GraphQLEnumType {
  const values: Record<string, { value: SortChoice }> = {};
  for (const def of named(s.defs)) {
    values[`${def.name}__asc`] = { value: { propertyName: def.name, direction: "ASCENDING" } };
    values[`${def.name}__desc`] = { value: { propertyName: def.name, direction: "DESCENDING" } };
  }
  return new GraphQLEnumType({ name: `${s.t.singular}_order_by`, values });
}

/** Optional, but never null: resolvers always get numbers. */
const pagingArgs = {
  limit: { type: new GraphQLNonNull(GraphQLInt), defaultValue: DEFAULT_LIMIT },
  offset: { type: new GraphQLNonNull(GraphQLInt), defaultValue: 0 },
};

/**
 * The CRM part of HubSpot's GraphQL schema for one account: `CRM { contact(…) contact_collection(…) … }`, each
 * record type carrying its live properties as fields, `_metadata`, and `associations` by association type.
 */
export function buildCrmSchema(sources: readonly TypeSource[]): GraphQLSchema {
  const records = new Map<string, GraphQLObjectType<RecordView, GraphqlContext>>();
  const pages = new Map<string, GraphQLObjectType<CollectionPage, GraphqlContext>>();
  const root: GraphQLFieldConfigMap<unknown, GraphqlContext> = {};

  for (const s of sources) {
    const { t } = s;
    const associations = new GraphQLObjectType<RecordView, GraphqlContext>({
      name: `${t.singular}_associations`,
      fields: () => associationFields(s),
    });
    const record = new GraphQLObjectType<RecordView, GraphqlContext>({
      name: t.singular,
      fields: () => ({
        ...propertyFields(s),
        _metadata: { type: new GraphQLNonNull(Metadata), resolve: (v) => v },
        ...(s.associations.length > 0 ? { associations: { type: new GraphQLNonNull(associations), resolve: (v: RecordView) => v } } : {}),
      }),
    });
    records.set(t.id, record);
    pages.set(
      t.id,
      new GraphQLObjectType<CollectionPage, GraphqlContext>({
        name: `${t.singular}_collection`,
        fields: {
          total: { type: new GraphQLNonNull(GraphQLInt) },
          items: { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(record))) },
          offset: { type: new GraphQLNonNull(GraphQLInt) },
          limit: { type: new GraphQLNonNull(GraphQLInt) },
          hasMore: { type: new GraphQLNonNull(GraphQLBoolean) },
        },
      }),
    );
    const { input, fields } = filterInput(s);
    const extensions: CrmFieldExtensions = { objectTypeId: t.id };
    root[t.singular] = {
      type: record,
      args: {
        uniqueIdentifier: { type: GraphQLString, defaultValue: "id" },
        uniqueIdentifierValue: { type: new GraphQLNonNull(GraphQLString) },
      },
      extensions,
      resolve: (_src, args: { uniqueIdentifier: string; uniqueIdentifierValue: string }, ctx) =>
        findOne(ctx, t, args.uniqueIdentifier, args.uniqueIdentifierValue),
    } satisfies GraphQLFieldConfig<unknown, GraphqlContext, { uniqueIdentifier: string; uniqueIdentifierValue: string }>;
    root[`${t.singular}_collection`] = {
      type: new GraphQLNonNull(pages.get(t.id)!),
      args: { filter: { type: input }, orderBy: { type: new GraphQLList(new GraphQLNonNull(orderByEnum(s))) }, ...pagingArgs },
      extensions: { ...extensions, paged: true } satisfies CrmFieldExtensions,
      resolve: (_src, args: { filter?: Record<string, unknown>; orderBy?: SortChoice[]; limit: number; offset: number }, ctx) =>
        collection(ctx, t, fields, args),
    } satisfies GraphQLFieldConfig<
      unknown,
      GraphqlContext,
      { filter?: Record<string, unknown>; orderBy?: SortChoice[]; limit: number; offset: number }
    >;
  }

  function associationFields(s: TypeSource): GraphQLFieldConfigMap<RecordView, GraphqlContext> {
    const fields: GraphQLFieldConfigMap<RecordView, GraphqlContext> = {};
    for (const { target, def } of s.associations) {
      const name = associationFieldName(target, def);
      const type = pages.get(target.id);
      if (!type || fields[name] || !isGraphqlName(name)) continue;
      fields[name] = {
        type: new GraphQLNonNull(type),
        args: pagingArgs,
        extensions: { objectTypeId: target.id, paged: true } satisfies CrmFieldExtensions,
        resolve: (v, args: { limit: number; offset: number }, ctx) =>
          associated(ctx, { from: s.t, to: target, typeId: def.typeId, ...args }, Number(v.id)),
      } satisfies GraphQLFieldConfig<RecordView, GraphqlContext, { limit: number; offset: number }>;
    }
    return fields;
  }

  const crm = new GraphQLObjectType<unknown, GraphqlContext>({ name: "CRM", fields: root });
  const query = new GraphQLObjectType({ name: "Query", fields: { CRM: { type: new GraphQLNonNull(crm), resolve: () => ({}) } } });
  return new GraphQLSchema({ query });
}
