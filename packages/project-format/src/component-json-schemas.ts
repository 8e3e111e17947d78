import { z } from "zod";
import { componentConfigs, serverlessPackageConfig } from "./component-configs";
import { internalType } from "./component-types";

/**
 * JSON Schemas (2020-12) of the `config` block of every `*-hsmeta.json` type, keyed by project-parsing-lib's internal
 * type names (APPLICATION, CARD, PAGE, WORKFLOW_ACTION, ...): HubSpot's CLI fetches them and checks configs with Ajv
 * before it uploads. Generated from the zod descriptions the validator uses, so the two cannot drift. They fix the
 * shape; what needs a catalogue or the other files is checked by Sprocket's validator after the upload.
 */
export function componentJsonSchemas(): Record<string, object> {
  const schemas: Record<string, object> = {};
  for (const [type, schema] of Object.entries(componentConfigs)) schemas[internalType(type)] ??= jsonSchema(type, schema);
  schemas.SERVERLESS_PACKAGE = jsonSchema("serverless package", serverlessPackageConfig);
  return schemas;
}

function jsonSchema(title: string, schema: z.ZodType): object {
  return {
    ...z.toJSONSchema(schema, {
      target: "draft-2020-12",
      io: "input",
      // Unknown fields are warnings in Sprocket's validator, so the CLI must not refuse them before the upload.
      override: ({ jsonSchema }) => {
        delete jsonSchema.additionalProperties;
      },
    }),
    title,
  };
}
