import { crashGroup } from "./crash";
import { PROFILES } from "./case";
const w = await crashGroup.open(PROFILES.full);
console.log("open");
const t = Date.now();
try { console.log(await crashGroup.cases[0]!.run(w, PROFILES.full)); } catch (e) { console.log("ERR", String(e).slice(0, 300)); }
console.log(Date.now() - t);
await crashGroup.close(w);
