/**
 * The runner's `--require` preload (compiled to dist/preload.cjs; see runner-entries.ts), loaded before the entry
 * script and any function code. The network guard comes first, so every socket made afterwards is under it.
 */
export { configureNetwork } from "./network-guard";
export { configureRouting, setTraceparent } from "./hubspot-routing";
