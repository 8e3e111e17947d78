// `npm run build:packages` (the first half of `npm run build`): rolldown.config.ts through rolldown's API, which (unlike
// its CLI) does not list every module it writes, so `npm install` prints one line for it. Stamped, so the test run's
// set-up can tell that this dist/ is current (scripts/dist-stamp.ts).
import { packageBuild } from "../rolldown.config";
import { buildStamped } from "./dist-stamp";

const started = performance.now();
const modules = await buildStamped(packageBuild);
console.log(`Compiled the packages to dist/ (${modules} files) in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
