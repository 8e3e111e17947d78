// `npm test`: the type check beside the suites, not before them. The suites keep about 1.4 of two cores busy (they
// wait on servers, browsers and child processes), and the type check's minute of CPU fits in the rest; run first, it
// added that minute to every run's wall time. Both must pass; the type check's output comes after the suites'.
import { spawn } from "node:child_process";

const run = (command, args, stdio) =>
  new Promise((resolve) => {
    const child = spawn(command, args, { stdio, shell: process.platform === "win32" });
    let output = "";
    child.stdout?.on("data", (chunk) => (output += chunk));
    child.stderr?.on("data", (chunk) => (output += chunk));
    child.on("close", (code, signal) => resolve({ ok: code === 0, output, code: code ?? signal }));
  });

const typecheck = run("npm", ["run", "--silent", "typecheck"], ["ignore", "pipe", "pipe"]);
const suites = await run("npx", ["vitest", "run", ...process.argv.slice(2)], "inherit");
const types = await typecheck;
if (types.ok) console.log("typecheck: clean");
else console.log(`typecheck failed (${types.code}):\n${types.output}`);
process.exit(suites.ok && types.ok ? 0 : 1);
