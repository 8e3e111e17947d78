import { z } from "zod";
import { cardLocations } from "./model";

/**
 * The `config` block of every `*-hsmeta.json` type, described once: the validator reads the extension and feature
 * types with these (component-config-check.ts), and the JSON Schemas served to HubSpot's CLI are generated from all
 * of them (component-json-schemas.ts). App, card and app-function configs get deeper checks in hsmeta-project.ts
 * (scope catalogue, object types, files that must exist); these fix their shape only.
 *
 * Top-level configs are strict so unknown fields are reported (as warnings); nested objects are loose, as HubSpot
 * adds fields to them between platform versions.
 */
const text = z.string().min(1);
const stringList = z.array(z.string());
const entrypoint = (example: string) => text.meta({ description: `The code, from the source folder, e.g. "${example}".` });
const httpMethod = z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"]);

const app = z.strictObject({
  name: text.meta({ description: "The app's display name." }),
  description: z.string().optional(),
  distribution: z.enum(["private"]).optional().meta({ description: "Sprocket hosts private apps." }),
  auth: z.looseObject({
    type: z.enum(["static"]).optional().meta({ description: "Private apps use a static access token." }),
    requiredScopes: z.array(z.string()).min(1).meta({ description: "Scope names, e.g. crm.objects.contacts.read." }),
    optionalScopes: stringList.optional(),
    conditionallyRequiredScopes: stringList.optional(),
  }),
  permittedUrls: z.looseObject({ fetch: stringList.optional(), iframe: stringList.optional(), img: stringList.optional() }).optional(),
  support: z.looseObject({}).optional(),
  logo: z.unknown().optional(),
});

const card = z.strictObject({
  name: text.meta({ description: "The card's title." }),
  description: z.string().optional(),
  location: z.enum(cardLocations),
  entrypoint: entrypoint("/app/cards/Card.jsx"),
  objectTypes: z.array(text).min(1).meta({ description: 'CRM objects whose records show the card, e.g. ["CONTACT"].' }),
  previewImage: z.looseObject({}).optional(),
});

const appFunction = z.strictObject({
  entrypoint: entrypoint("/app/functions/fn.js"),
  secretKeys: z
    .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/))
    .optional()
    .meta({ description: "Names of the account secrets the function reads." }),
  endpoint: z
    .looseObject({
      path: z.string().regex(/^\/?[A-Za-z0-9_\-./]+$/),
      methods: z.union([httpMethod, z.array(httpMethod).min(1)]),
    })
    .optional(),
});

/** An app home page (`location: "home"`) or the app's pages: a React component rendered by the host. */
const page = z.strictObject({
  entrypoint: entrypoint("/app/pages/Home.tsx"),
  location: text.optional().meta({ description: 'Where the page shows, e.g. "home" for the app home page.' }),
});

const settings = z.strictObject({ entrypoint: entrypoint("/app/settings/Settings.tsx") });

const bulkAction = z.strictObject({
  label: text,
  entrypoint: entrypoint("/app/actions/Action.tsx"),
  objectTypes: z.array(text).min(1),
  displayMode: z.string().optional(),
  icon: z.string().optional(),
});

const subscription = z.looseObject({
  subscriptionType: text,
  objectType: z.string().optional(),
  propertyName: z.string().optional(),
  active: z.boolean().optional(),
});

const webhooks = z.strictObject({
  settings: z.looseObject({
    targetUrl: z.url().meta({ description: "Where HubSpot delivers event payloads." }),
    maxConcurrentRequests: z.number().int().positive(),
  }),
  subscriptions: z.looseObject({
    crmObjects: z.array(subscription).optional(),
    legacyCrmObjects: z.array(subscription).optional(),
    hubEvents: z.array(subscription).optional(),
  }),
});

const option = z.looseObject({ label: z.string(), value: z.string() });

const workflowAction = z.strictObject({
  actionUrl: z.url().meta({ description: "The URL HubSpot calls when the action runs." }),
  isPublished: z.boolean().optional(),
  supportedClients: z.array(z.looseObject({ client: text })).optional(),
  inputFields: z
    .array(
      z.looseObject({
        typeDefinition: z.looseObject({ name: text, type: text, fieldType: z.string().optional(), options: z.array(option).optional() }),
        supportedValueTypes: stringList.optional(),
        isRequired: z.boolean().optional(),
      }),
    )
    .optional(),
  outputFields: z.array(z.looseObject({ typeDefinition: z.looseObject({ name: text, type: text }) })).optional(),
  inputFieldDependencies: z.array(z.looseObject({})).optional(),
  executionRules: z.array(z.looseObject({})).optional(),
  labels: z
    .record(z.string(), z.looseObject({ actionName: text }))
    .meta({ description: 'Labels per language, e.g. { "en": { "actionName": "Notify" } }.' }),
  objectTypes: z.array(text).optional(),
  objectRequestOptions: z
    .looseObject({ properties: stringList })
    .optional()
    .meta({ description: "Properties of the enrolled record sent with each execution, in object.properties." }),
  functions: z.array(z.looseObject({})).optional(),
});

const objectProperty = z.looseObject({
  name: text,
  label: text,
  type: text,
  fieldType: z.string().optional(),
  options: z.array(option).optional(),
});

const appObject = z.strictObject({
  name: text,
  description: z.string().optional(),
  singularForm: text,
  pluralForm: text,
  appPrefix: z.string().optional(),
  primaryDisplayLabelPropertyName: text,
  secondaryDisplayLabelPropertyNames: stringList.optional(),
  properties: z.array(objectProperty).min(1),
  propertyGroups: z.array(z.looseObject({ name: text, label: text })).optional(),
  defaultCreateFormFields: z.array(z.looseObject({ propertyName: text })).optional(),
  settings: z.looseObject({}).optional(),
});

const appObjectAssociation = z.strictObject({
  firstObjectType: text,
  secondObjectType: text,
  // How many records one record may be associated with, each way (HubSpot's generated projects write them).
  firstToSecondBaseLimit: z.number().int().positive().optional(),
  secondToFirstBaseLimit: z.number().int().positive().optional(),
  labels: z.looseObject({}).optional(),
});

const appEvent = z.strictObject({
  name: text,
  objectType: text,
  headerTemplate: z.string().optional(),
  detailTemplate: z.string().optional(),
  properties: z.array(z.looseObject({ name: text, label: text, type: text, options: z.array(option).optional() })).optional(),
});

/** Types Sprocket does not run: any object is accepted (here and by the CLI), so they never fail a build. */
const notRun = z.looseObject({});

export const componentConfigs = {
  app,
  card,
  "app-function": appFunction,
  page,
  pages: page,
  settings,
  "crm-bulk-action": bulkAction,
  webhooks,
  "workflow-action": workflowAction,
  "app-object": appObject,
  "app-object-association": appObjectAssociation,
  "app-event": appEvent,
  "webhooks-journal": notRun,
  "api-client": notRun,
  "marketing-event": notRun,
  "media-bridge": notRun,
  "video-conferencing": notRun,
  calling: notRun,
  scim: notRun,
  telemetry: notRun,
  "mcp-client": notRun,
  "mcp-server": notRun,
  theme: notRun,
  "cms-assets": notRun,
} as const satisfies Record<string, z.ZodType>;

export type ComponentConfigType = keyof typeof componentConfigs;
export type PageConfig = z.infer<typeof page>;
export type SettingsConfig = z.infer<typeof settings>;
export type BulkActionConfig = z.infer<typeof bulkAction>;
export type WebhooksConfig = z.infer<typeof webhooks>;
export type WorkflowActionConfig = z.infer<typeof workflowAction>;
export type AppObjectConfig = z.infer<typeof appObject>;
export type AppObjectAssociationConfig = z.infer<typeof appObjectAssociation>;
export type AppEventConfig = z.infer<typeof appEvent>;

/** Generated by HubSpot's CLI for the functions folder; listed so the type is known (the CLI does not validate it). */
export const serverlessPackageConfig = z.looseObject({ packageFile: z.string().optional(), packageLockfile: z.string().optional() });
