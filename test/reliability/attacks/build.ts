import fs from "node:fs";
import path from "node:path";
import { ProjectApi } from "../../../packages/server/test/support/project-api";
import { check, type ReliabilityCase } from "../case";
import { zipOf } from "../hostile-zips";
import type { World } from "../world";

/**
 * Boundary: the build step and the server host (F1 of the 2026-12 review). Enforced by the builder's confinement
 * plugin (packages/builder/src/build-confinement.ts) and, under root, the build's own uid (build-sandbox.ts).
 */
export const buildAttacks: Array<ReliabilityCase<World>> = [
  {
    name: "B's function cannot bundle the server's secret.key or bootstrap.json (F1)",
    run: async (w) => {
      const dataDir = w.server.db.dataDir;
      const keyFile = path.join(dataDir, "secret.key");
      const key = fs.existsSync(keyFile) ? fs.readFileSync(keyFile, "utf8").trim() : undefined;
      const boot = JSON.parse(fs.readFileSync(path.join(dataDir, "bootstrap.json"), "utf8")) as {
        superAdmin: { password: string };
        personalAccessKey: string;
      };
      // The review's repro, plus the same files by a ../ path from the build's scratch folder (under the data dir).
      const leak = [
        `import boot from ${JSON.stringify(path.join(dataDir, "bootstrap.json"))};`,
        `import key from ${JSON.stringify(keyFile)} with { type: "text" };`,
        `import passwd from "/etc/passwd" with { type: "text" };`,
        `import near from "../../../../../../bootstrap.json";`,
        `export const main = async () => ({ boot, key, near, passwdFirstLine: passwd.split("\\n")[0] });`,
      ].join("\n");
      const zip = await zipOf([
        {
          name: "app/app.json",
          data: Buffer.from(
            JSON.stringify({ name: "L", description: "x", uid: "leak-app", scopes: ["crm.objects.contacts.read"], public: false }),
          ),
        },
        { name: "app/app.functions/package.json", data: Buffer.from(JSON.stringify({ name: "f", version: "1.0.0", dependencies: {} })) },
        {
          name: "app/app.functions/serverless.json",
          data: Buffer.from(
            JSON.stringify({ runtime: "nodejs18.x", version: "1.0", appFunctions: { leak: { file: "leak.js", secrets: [] } } }),
          ),
        },
        { name: "app/app.functions/leak.js", data: Buffer.from(leak) },
      ]);
      const api = new ProjectApi(w.server.url, w.b.personalAccessKey);
      const name = `leak-${Date.now()}`;
      const created = await api.call("POST", "/developer/projects/v1", { body: { name } });
      check(created.status < 300, `B could not create a project: ${created.status}`);
      const upload = await api.upload(name, zip, { platformVersion: "2023.2" });
      check(upload.status < 300, `upload answered ${upload.status}: ${JSON.stringify(upload.body).slice(0, 200)}`);
      const build = await api.waitForBuild(name, upload.body.buildId);
      const detail = JSON.stringify((await api.call("GET", `/dfs/v1/projects/${name}/builds/${upload.body.buildId}`)).body);
      const stored = await w.server.platform.store.db
        .selectFrom("builds")
        .select("artifact")
        .where("id", "=", upload.body.buildId)
        .executeTakeFirstOrThrow();
      const artifact = stored.artifact ? Buffer.from(stored.artifact).toString("latin1") : "";
      const leaked = [key, boot.superAdmin.password, boot.personalAccessKey, "root:x:0:0"].filter(
        (s): s is string => !!s && (artifact.includes(s) || detail.includes(s)),
      );
      check(leaked.length === 0, `the build or its artifact carries ${leaked.length} secret(s)`);
      check(build.status === "FAILURE", `the build ended ${build.status}`);
      for (const line of [1, 2, 3, 4])
        check(detail.includes(`app/app.functions/leak.js:${line}:`), `the failure does not name leak.js:${line}: ${detail.slice(0, 400)}`);
      check(!detail.includes(path.join(dataDir, "work")), `the failure names the server's scratch folder: ${detail.slice(0, 400)}`);
      return "build FAILURE at leak.js:1-4, no artifact, no secret in the build's detail";
    },
  },
];
