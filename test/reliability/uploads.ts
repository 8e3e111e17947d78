import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { readZipEntries } from "@sprocket/builder";
import { ProjectApi, zipFixtureSource } from "../../packages/server/test/support/project-api";
import { startTestServer, type TestServer } from "../../packages/server/test/support/test-server";
import { type CaseGroup, type ReliabilityCase, check } from "./case";
import { isHubSpotError } from "./http-probe";
import { hostileZips, zipOf } from "./hostile-zips";

interface UploadWorld {
  server: TestServer;
  api: ProjectApi;
  marker: string;
  zips: Awaited<ReturnType<typeof hostileZips>>;
  /** Highest resident memory seen while the server took the uploads. */
  peakRss: number;
  baseRss: number;
  sampler: NodeJS.Timeout;
}

const MB = 1024 * 1024;

async function uploadRefused(w: UploadWorld, zip: Buffer, code: string, status: number): Promise<string> {
  const res = await w.api.upload("hostile", zip, { platformVersion: "2023.2" });
  check(res.status === status, `answered ${res.status}, not ${status}: ${JSON.stringify(res.body).slice(0, 300)}`);
  check(isHubSpotError(res.body), `no HubSpot error body: ${JSON.stringify(res.body).slice(0, 200)}`);
  check(res.body.subCategory === code, `refused as ${res.body.subCategory}, not ${code}: ${res.body.message}`);
  return `${status} ${code}: ${String(res.body.message).slice(0, 90)}`;
}

/** Files named after the marker anywhere a slip could have put them. */
function escapedFiles(w: UploadWorld): string[] {
  const roots = [os.tmpdir(), path.dirname(w.server.db.dataDir), w.server.db.dataDir, process.cwd(), "/tmp"];
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.name.includes(w.marker)) found.push(path.join(dir, e.name));
      if (e.isDirectory() && depth > 0 && e.name !== "node_modules") walk(path.join(dir, e.name), depth - 1);
    }
  };
  for (const root of roots) walk(root, root === w.server.db.dataDir ? 8 : 2);
  return found;
}

/** A valid project with one JSON file replaced: the server must answer with a diagnostic, at upload or in the build. */
async function jsonCase(w: UploadWorld, name: string, appJson: string): Promise<string> {
  const entries = await readZipEntries(await zipFixtureSource("seed-example"));
  entries.set("app/app.json", Buffer.from(appJson));
  const zip = await zipOf([...entries].map(([n, data]) => ({ name: n, data })));
  const res = await w.api.upload("hostile-json", zip, { platformVersion: "2023.2" });
  check(res.status < 500, `upload answered ${res.status}: ${JSON.stringify(res.body).slice(0, 200)}`);
  if (res.status >= 400) {
    check(isHubSpotError(res.body), `no HubSpot error body: ${JSON.stringify(res.body).slice(0, 200)}`);
    return `${name}: refused at upload, ${res.status} ${String(res.body.message).slice(0, 80)}`;
  }
  const build = await w.api.waitForBuild("hostile-json", res.body.buildId, 120_000);
  check(build.status === "FAILURE", `the build ended ${build.status}`);
  const detail = await w.api.call("GET", `/dfs/v1/projects/hostile-json/builds/${res.body.buildId}`);
  const text = JSON.stringify(detail.body);
  check(/app\.json/.test(text), `the failed build does not name app.json: ${text.slice(0, 200)}`);
  return `${name}: build FAILURE naming app.json`;
}

const zipCases: Array<ReliabilityCase<UploadWorld>> = [
  "zip slip (../../)",
  "absolute path (/tmp/…)",
  "backslash traversal (..\\)",
  "zip bomb by ratio (30 MB of zeros)",
  "zip bomb by total (250 × 1 MB, each under the ratio floor)",
  "header declares less than it inflates to",
  "symbolic link",
  "100,000 entries",
  "invalid UTF-8 name",
  "duplicate entries",
  "duplicates by case (A.json, a.json)",
  "nested 40 folders deep",
  "truncated archive (first 60%)",
  "truncated entry data",
  "not a zip at all",
].map((name) => ({
  name,
  run: async (w: UploadWorld) => {
    const z = w.zips.find((x) => x.name === name)!;
    return uploadRefused(w, z.zip, z.code, z.status);
  },
}));

export const uploadsGroup: CaseGroup<UploadWorld> = {
  name: "hostile uploads",
  async open() {
    // Projects only: no demo CRM records (seeding them is most of a start).
    const server = await startTestServer({ demoCrm: false });
    const api = new ProjectApi(server.url, server.bootstrap.info.personalAccessKey);
    for (const name of ["hostile", "hostile-json"]) await api.call("POST", "/developer/projects/v1", { body: { name } });
    const marker = `sprocket-escape-${randomBytes(4).toString("hex")}`;
    const zips = await hostileZips(marker);
    const w: UploadWorld = {
      server,
      api,
      marker,
      zips,
      peakRss: 0,
      baseRss: process.memoryUsage().rss,
      sampler: setInterval(() => (w.peakRss = Math.max(w.peakRss, process.memoryUsage().rss)), 20),
    };
    return w;
  },
  async close(w) {
    clearInterval(w.sampler);
    await w.server.stop();
  },
  cases: [
    ...zipCases,
    {
      name: "over 50 MB compressed",
      run: async (w) => {
        const res = await w.api.upload("hostile", randomBytes(51 * MB), { platformVersion: "2023.2" });
        check(res.status === 413 && isHubSpotError(res.body), `answered ${res.status}: ${JSON.stringify(res.body).slice(0, 200)}`);
        return `413 ${res.body.subCategory ?? res.body.category}`;
      },
    },
    {
      name: "deeply nested JSON (100,000 levels)",
      run: (w) => jsonCase(w, "100k-deep app.json", `{"name":${"[".repeat(100_000)}${"]".repeat(100_000)}}`),
    },
    {
      name: "huge JSON string (20 MB)",
      run: (w) =>
        jsonCase(w, "20 MB string in app.json", JSON.stringify({ name: "x", description: randomBytes(15 * MB).toString("base64") })),
    },
    {
      name: "nothing stored, nothing written outside, memory bounded",
      run: async (w) => {
        const escaped = escapedFiles(w);
        check(escaped.length === 0, `files escaped: ${escaped.join(", ")}`);
        const project = await w.server.platform.store.db
          .selectFrom("projects")
          .select("id")
          .where("name", "=", "hostile")
          .executeTakeFirstOrThrow();
        const builds = await w.server.platform.store.db.selectFrom("builds").select("id").where("project_id", "=", project.id).execute();
        check(builds.length === 0, `${builds.length} builds were recorded for refused uploads`);
        const growth = (w.peakRss - w.baseRss) / MB;
        check(growth < 600, `resident memory grew by ${growth.toFixed(0)} MB while refusing uploads`);
        return `no escaped file, 0 builds recorded, peak RSS +${growth.toFixed(0)} MB (test process and server together)`;
      },
    },
  ],
};
