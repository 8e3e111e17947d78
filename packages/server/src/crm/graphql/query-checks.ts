import {
  GraphQLError,
  TypeInfo,
  parse,
  specifiedRules,
  validate,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationContext,
} from "graphql";
import { getComplexity, simpleEstimator, type ComplexityEstimator } from "graphql-query-complexity";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import type { CrmFieldExtensions } from "./crm-schema";
import { DEFAULT_LIMIT } from "./crm-reads";

/**
 * What one query may ask for. Associations nest without end (contact → company → contact …) and every paged field
 * multiplies what is under it by its limit, so a hostile query is refused before it runs: by size (tokens), nesting
 * (depth 10 is two association hops below a collection) and estimated records and fields (complexity).
 */
export const QUERY_LIMITS = { tokens: 10_000, depth: 10, complexity: 30_000 };

/** graphql-java's error classifications, which HubSpot's GraphQL errors carry. */
type Classification = "InvalidSyntax" | "ValidationError" | "QueryLimitExceeded";

const classified = (e: GraphQLError, classification: Classification) =>
  new GraphQLError(e.message, {
    ...(e.source ? { source: e.source } : {}),
    ...(e.positions ? { positions: e.positions } : {}),
    extensions: { ...e.extensions, classification },
  });

/** A paged field costs its selection once per record it may return. */
const pagedEstimator: ComplexityEstimator = ({ field, args, childComplexity }) => {
  if (!(field.extensions as CrmFieldExtensions).paged) return undefined;
  const limit = typeof args.limit === "number" && args.limit > 0 ? args.limit : DEFAULT_LIMIT;
  return 1 + limit * childComplexity;
};

const depthRule = maxDepthRule({
  n: QUERY_LIMITS.depth,
  propagateOnRejection: false,
  onReject: [
    (context: ValidationContext | null, error: GraphQLError) =>
      context?.reportError(
        new GraphQLError(error.message.replace(/^Syntax Error: /, ""), { extensions: { classification: "QueryLimitExceeded" } }),
      ),
  ],
});

export type Checked = { document: DocumentNode } | { errors: GraphQLError[] };

/**
 * Documents that passed validation, per schema (a rebuilt schema starts afresh): a function sends the same query text
 * on every run, and parsing and validating it against a schema of a thousand filter fields cost more than running it.
 */
const VALID_DOCUMENTS_PER_SCHEMA = 100;
const validDocuments = new WeakMap<GraphQLSchema, Map<string, DocumentNode>>();

function parseAndValidate(schema: GraphQLSchema, query: string): Checked {
  let known = validDocuments.get(schema);
  const hit = known?.get(query);
  if (hit) return { document: hit };
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: QUERY_LIMITS.tokens });
  } catch (e) {
    if (e instanceof GraphQLError) return { errors: [classified(e, "InvalidSyntax")] };
    throw e;
  }
  const invalid = validate(schema, document, [...specifiedRules, depthRule]);
  if (invalid.length > 0) return { errors: invalid.map((e) => (e.extensions.classification ? e : classified(e, "ValidationError"))) };
  if (!known) validDocuments.set(schema, (known = new Map()));
  if (known.size >= VALID_DOCUMENTS_PER_SCHEMA) known.delete(known.keys().next().value!);
  known.set(query, document);
  return { document };
}

/** Parses and validates a query against the account's schema, within QUERY_LIMITS; what fails is a 400. */
export function checkQuery(
  schema: GraphQLSchema,
  query: string,
  variables: Record<string, unknown> | undefined,
  operationName: string | undefined,
): Checked {
  const valid = parseAndValidate(schema, query);
  if ("errors" in valid) return valid;
  const { document } = valid;
  // Complexity depends on the variables (a `limit: $n`), so it is worked out on every call.
  let complexity: number;
  try {
    complexity = getComplexity({
      schema,
      query: document,
      estimators: [pagedEstimator, simpleEstimator({ defaultComplexity: 1 })],
      ...(variables ? { variables } : {}),
      ...(operationName ? { operationName } : {}),
    });
  } catch (e) {
    // Variables that do not fit their declared types; execute would refuse them the same way.
    if (e instanceof GraphQLError) return { errors: [classified(e, "ValidationError")] };
    throw e;
  }
  if (complexity > QUERY_LIMITS.complexity) {
    const message = `Query complexity ${complexity} exceeds the limit of ${QUERY_LIMITS.complexity}: ask for fewer records (a lower limit), fewer fields or fewer nested associations.`;
    return {
      errors: [
        new GraphQLError(message, { extensions: { classification: "QueryLimitExceeded", complexity, limit: QUERY_LIMITS.complexity } }),
      ],
    };
  }
  return { document };
}

/** The object types a query reads (for their read scopes) and whether it introspects the schema. */
export function queryReach(schema: GraphQLSchema, document: DocumentNode): { objectTypeIds: Set<string>; introspects: boolean } {
  const objectTypeIds = new Set<string>();
  let introspects = false;
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        if (node.name.value === "__schema" || node.name.value === "__type") introspects = true;
        const id = (typeInfo.getFieldDef()?.extensions as CrmFieldExtensions | undefined)?.objectTypeId;
        if (id) objectTypeIds.add(id);
      },
    }),
  );
  return { objectTypeIds, introspects };
}
