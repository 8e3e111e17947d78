// The seed-example project grown to a size: `n` cards (each its own module) and `n` functions in one app, so builds
// and validation can be measured against the number of components, the rest of the project unchanged (n = 1 is the
// seed itself).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PROJECTS_DIR } from "../../fixtures/paths";

const SEED = path.join(PROJECTS_DIR, "seed-example");

/** Writes the project into a new temporary folder and returns it; the caller removes it. */
export function writeSizedProject(n: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `sprocket-bench-project-${n}-`));
  fs.cpSync(SEED, dir, { recursive: true });
  const app = path.join(dir, "src", "app");
  const read = (file: string) => fs.readFileSync(path.join(app, file), "utf8");
  const card = JSON.parse(read("extensions/example-card.json")) as { data: Record<string, unknown> };
  const module = read("extensions/Example.jsx");
  const fn = read("app.functions/example-function.js");
  const appJson = JSON.parse(read("app.json")) as { extensions: { crm: { cards: { file: string }[] } } };
  const serverless = JSON.parse(read("app.functions/serverless.json")) as { appFunctions: Record<string, unknown> };

  // The seed's own card and function stay as they are (same uid, same files), so a project grown from the seed on
  // one server only adds components: a deploy that would remove one waits for confirmation.
  const cards: { file: string }[] = [{ file: "extensions/example-card.json" }];
  const functions: Record<string, unknown> = { ...serverless.appFunctions };
  for (let i = 2; i <= n; i++) {
    // Each card and function a file of its own with its own content, as in a real project: nothing the build caches
    // by content can stand in for the work of bundling it.
    fs.writeFileSync(path.join(app, "extensions", `Example${i}.jsx`), `${module}\n// card ${i}\n`);
    fs.writeFileSync(
      path.join(app, "extensions", `example-card-${i}.json`),
      JSON.stringify({
        ...card,
        data: { ...card.data, title: `Example card ${i}`, uid: `example-card-${i}`, module: { file: `Example${i}.jsx` } },
      }),
    );
    cards.push({ file: `extensions/example-card-${i}.json` });
    fs.writeFileSync(path.join(app, "app.functions", `example-function-${i}.js`), `${fn}\n// function ${i}\n`);
    functions[`myFunc${i}`] = { file: `example-function-${i}.js`, secrets: [] };
  }
  fs.writeFileSync(path.join(app, "app.json"), JSON.stringify({ ...appJson, extensions: { crm: { cards } } }, null, 2));
  fs.writeFileSync(path.join(app, "app.functions", "serverless.json"), JSON.stringify({ ...serverless, appFunctions: functions }, null, 2));
  return dir;
}
