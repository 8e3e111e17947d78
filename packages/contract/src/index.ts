// The wire contract of Sprocket's own API: what the console and the CLI read, as zod schemas. The server serialises
// its responses through these schemas (fastify-type-provider-zod); the clients import the inferred types.
export * from "./log-kinds";
export * from "./log-events";
export * from "./traces";
export * from "./overview";
export * from "./apps";
export * from "./projects";
export * from "./sessions";
export * from "./secrets";
export * from "./secret-names";
export * from "./app-pages";
export * from "./workflows";
export * from "./webhooks";
export * from "./timeline";
export * from "./dev-sessions";
