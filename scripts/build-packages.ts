// `npm run build:packages` (the first half of `npm run build`): rolldown.config.ts through rolldown's API, which (unlike
// its CLI) does not list every module it writes, so `npm install` prints one line for it.
import { build } from "rolldown";
import { builds } from "../rolldown.config";

const started = performance.now();
const outputs = await build(builds);
const modules = outputs.reduce((sum, { output }) => sum + output.length, 0);
console.log(`Compiled the packages to dist/ (${modules} files) in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
