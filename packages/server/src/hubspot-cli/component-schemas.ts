import { componentJsonSchemas } from "@sprocket/project-format";

/**
 * What `project-schemas/v3/:version` serves: a JSON Schema of the `config` block of every `*-hsmeta.json` type
 * HubSpot's CLI knows, keyed by its internal type names. HubSpot's CLI checks configs against these with Ajv before
 * it uploads. Generated from the zod descriptions Sprocket's validator uses (project-format component-configs.ts).
 */
export const componentSchemas: Readonly<Record<string, object>> = componentJsonSchemas();
