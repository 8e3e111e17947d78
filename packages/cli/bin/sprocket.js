#!/usr/bin/env node
// Runs the compiled CLI (dist/, built by `npm install`). Under `--conditions=sprocket-source` (the tests, a developer
// trying a change without rebuilding) the package's export resolves to the TypeScript sources instead, which only
// tsx can load: it is a development dependency, imported only then.
const main = import.meta.resolve("@sprocket/cli/main");
if (main.endsWith(".ts")) (await import("tsx/esm/api")).register();
await import(main);
