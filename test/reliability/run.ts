// `npm run reliability`: every case on both engines, against real servers, as a table. Exits 1 if any case fails.
//   tsx --conditions=sprocket-source test/reliability/run.ts [--profile short|full] [--engine sqlite|postgres] [--group <text>]
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import Table from "cli-table3";
import pc from "picocolors";
import { PROFILES, casesOf, runCase, type CaseResult } from "./case";
import { collectRoutes } from "./route-catalogue";

const { values } = parseArgs({
  options: { profile: { type: "string", default: "full" }, engine: { type: "string" }, group: { type: "string" }, out: { type: "string" } },
});
const profile = PROFILES[values.profile as "short" | "full"];
if (!profile) {
  console.error(`--profile must be short or full, not ${values.profile}`);
  process.exit(2);
}
if (values.engine && values.engine !== "sqlite" && values.engine !== "postgres") {
  console.error(`--engine must be sqlite or postgres, not ${values.engine}`);
  process.exit(2);
}

/** One engine, in this process (the test support picks the engine from SPROCKET_TEST_DB when it loads). */
async function runEngine(engine: string): Promise<CaseResult[]> {
  // `--engine postgres` alone used to run SQLite under PostgreSQL's name: the engine is read from the environment when
  // the groups load, and only the child processes of a run on both engines had it set. The groups load below.
  process.env.SPROCKET_TEST_DB = engine;
  collectRoutes();
  const { GROUPS } = await import("./groups");
  const results: CaseResult[] = [];
  for (const group of GROUPS.filter((g) => !values.group || g.name.toLowerCase().startsWith(values.group.toLowerCase()))) {
    const ctx = await group.open(profile);
    try {
      for (const c of casesOf(group, profile)) {
        const result = await runCase(group, c, ctx, profile, engine);
        console.error(
          `${result.ok ? pc.green("pass") : pc.red("FAIL")} ${engine} ${group.name} › ${c.name} (${(result.ms / 1000).toFixed(1)} s)${result.ok ? "" : `: ${result.detail}`}`,
        );
        results.push(result);
      }
    } finally {
      await group.close(ctx);
    }
  }
  return results;
}

/** Each engine in a child process of its own: a clean module state, and memory figures that are that engine's alone. */
function runChild(engine: string): Promise<CaseResult[]> {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "sprocket-reliability-")), "results.json");
  const args = [
    ...process.execArgv,
    import.meta.filename,
    "--profile",
    profile.name,
    "--engine",
    engine,
    "--out",
    out,
    ...(values.group ? ["--group", values.group] : []),
  ];
  const child = spawn(process.execPath, args, {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, SPROCKET_TEST_DB: engine },
  });
  return new Promise((resolve) => {
    child.on("exit", (code) => {
      const results = fs.existsSync(out) ? (JSON.parse(fs.readFileSync(out, "utf8")) as CaseResult[]) : [];
      if (code !== 0 && results.length === 0)
        results.push({ group: "runner", name: "run the suite", engine, ok: false, detail: `the ${engine} run exited with ${code}`, ms: 0 });
      resolve(results);
    });
  });
}

function printTable(results: CaseResult[]): void {
  const table = new Table({
    head: ["group", "case", "engine", "outcome", "detail", "time"].map((h) => pc.bold(h)),
    colWidths: [18, 44, 10, 9, 70, 9],
    wordWrap: true,
  });
  for (const r of results) {
    table.push([r.group, r.name, r.engine, r.ok ? pc.green("pass") : pc.red("FAIL"), r.detail, `${(r.ms / 1000).toFixed(1)} s`]);
  }
  console.log(table.toString());
  const failed = results.filter((r) => !r.ok).length;
  console.log(
    failed === 0
      ? pc.green(`All ${results.length} cases hold (profile ${profile.name}).`)
      : pc.red(`${failed} of ${results.length} cases failed (profile ${profile.name}).`),
  );
}

if (values.engine) {
  const results = await runEngine(values.engine);
  if (values.out) fs.writeFileSync(values.out, JSON.stringify(results));
  else printTable(results);
  process.exit(results.every((r) => r.ok) ? 0 : 1);
} else {
  const results: CaseResult[] = [];
  for (const engine of ["sqlite", "postgres"]) results.push(...(await runChild(engine)));
  printTable(results);
  process.exit(results.every((r) => r.ok) ? 0 : 1);
}
