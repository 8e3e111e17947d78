import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from "fastify";
import { execute, GraphQLError, type GraphQLFormattedError } from "graphql";
import { z } from "zod";
import type { Platform } from "../../platform";
import { missingScopes } from "../../apps/app-auth";
import { absentAs, parseBody } from "../../util/parse-body";
import { objectTypeById } from "../object-types";
import { callerOf, json, routeConfig } from "../route-kit";
import { checkQuery, queryReach } from "./query-checks";
import { newContext } from "./crm-reads";

/** HubSpot's private-app scope for running GraphQL queries; introspecting the schema takes the schema scope too. */
export const GRAPHQL_SCOPES = { execute: "collector.graphql_query.execute", schema: "collector.graphql_schema.read" } as const;

const graphqlRequest = z.object({
  query: z.string().min(1),
  operationName: z.string().nullish(),
  variables: z.record(z.string(), z.unknown()).nullish(),
});

/** Every object type the query reads needs one of its REST read scopes, as the same read over REST would. */
function requireScopes(request: FastifyRequest, reach: ReturnType<typeof queryReach>): void {
  const scopes = request.app!.scopes;
  if (reach.introspects && !scopes.has(GRAPHQL_SCOPES.schema)) throw missingScopes([GRAPHQL_SCOPES.schema]);
  for (const id of reach.objectTypeIds) {
    const t = objectTypeById(id);
    if (!t.readScopes.some((s) => scopes.has(s))) throw missingScopes(t.readScopes);
  }
}

/** A resolver's error as GraphQL reports it: the CRM's own refusals (bad filter, unknown property) in its words, anything else masked and logged. */
function formatError(log: FastifyBaseLogger, e: GraphQLError): GraphQLFormattedError {
  const original = e.originalError as (Error & { category?: string; statusCode?: number }) | undefined;
  if (!original || original instanceof GraphQLError) return e.toJSON();
  if (typeof original.category === "string" && (original.statusCode ?? 400) < 500) {
    return { ...e.toJSON(), extensions: { classification: "DataFetchingException", category: original.category } };
  }
  log.error({ err: original, path: e.path }, "GraphQL resolver failed");
  return {
    message: "Internal error while fetching this field.",
    ...(e.locations ? { locations: e.locations } : {}),
    ...(e.path ? { path: e.path } : {}),
    extensions: { classification: "DataFetchingException" },
  };
}

/**
 * `POST /collector/graphql`, the CRM GraphQL API HubSpot's UI-extension examples call from serverless functions. A
 * private-app route like the REST CRM ones: same token check, rate limit and API-call log. Requests that cannot run
 * (syntax, validation, limits, variables) are 400s; a query that ran answers 200 with `data` and any field `errors`.
 */
export function registerGraphqlRoute(app: FastifyInstance, p: Platform): void {
  app.post("/collector/graphql", routeConfig([GRAPHQL_SCOPES.execute]), async (request, reply) => {
    const { accountId } = callerOf(request);
    const body = parseBody(graphqlRequest, absentAs(request.body, {}), "GraphQL request");
    const variables = body.variables ?? undefined;
    const operationName = body.operationName ?? undefined;
    const schema = await p.crm.graphqlSchemas.forAccount(accountId);
    const checked = checkQuery(schema, body.query, variables, operationName);
    if ("errors" in checked) return json(reply, 400, { errors: checked.errors.map((e) => e.toJSON()) });
    requireScopes(request, queryReach(schema, checked.document));
    const result = await execute({
      schema,
      document: checked.document,
      contextValue: newContext(p.store, p.crm.properties, accountId),
      variableValues: variables,
      operationName,
    });
    const errors = result.errors?.map((e) => formatError(p.log, e));
    if (!("data" in result)) return json(reply, 400, { errors });
    return json(reply, 200, { data: result.data, ...(errors ? { errors } : {}) });
  });
}
