// The seed card built by HubSpot's own builder (`buildSingleExtension` of @hubspot/ui-extensions-dev-server: Vite,
// IIFE) renders in Sprocket's extension host exactly as Sprocket's own build (esbuild) of the same card does.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { buildSingleExtension } from "@hubspot/ui-extensions-dev-server/build";
import { startTestServer, type TestServer } from "../../packages/server/test/support/test-server";
import { ProjectApi } from "../../packages/server/test/support/project-api";
import { startHarnessServer, type HarnessServer } from "../../packages/console/test/harness-server";
import type { ExtensionContext, ServerlessRequest } from "../../packages/console/src/extension-host/contract";
import { deployProject, launchChromium, SHARED_PROJECTS } from "./fixtures/card-projects";

const hostDir = path.resolve(import.meta.dirname, "../../packages/console/dist/extension-host");
const workspaceModules = path.resolve(import.meta.dirname, "../../node_modules");
const seedCard = path.join(SHARED_PROJECTS, "seed-example/src/app/extensions");

let server: TestServer;
let api: ProjectApi;
let harness: HarnessServer;
let browser: Browser;
let work: string;
let appId: number;
const bundles = { sprocket: "", hubspot: "" };

/** HubSpot's build of the card, from a copy of its folder whose node_modules are the workspace's (same SDK 0.17.0). */
async function hubspotBuild(): Promise<string> {
  const root = path.join(work, "extensions");
  mkdirSync(root, { recursive: true });
  symlinkSync(workspaceModules, path.join(root, "node_modules"));
  for (const file of ["Example.jsx", "package.json"]) copyFileSync(path.join(seedCard, file), path.join(root, file));
  const outputDir = path.join(work, "hubspot-dist");
  await buildSingleExtension({ file: path.join(root, "Example.jsx"), outputDir, root, minify: true, logLevel: "silent" });
  return readFileSync(path.join(outputDir, "Example.js"), "utf8");
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "sprocket-hubspot-build-"));
  server = await startTestServer();
  api = new ProjectApi(server.url, server.bootstrap.info.personalAccessKey);
  await deployProject(api, path.join(SHARED_PROJECTS, "seed-example"));
  const [card] = (await api.call("GET", "/api/v1/record-cards?objectTypeId=0-1")).body.results;
  appId = card.appId;
  bundles.sprocket = (await api.call("GET", card.bundleUrl)).body.toString("utf8");
  bundles.hubspot = await hubspotBuild();
  harness = await startHarnessServer(
    hostDir,
    new Map([
      ["sprocket.js", bundles.sprocket],
      ["hubspot.js", bundles.hubspot],
    ]),
  );
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await harness?.close();
  await server?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

const context: ExtensionContext = {
  location: "crm.record.tab",
  user: {
    id: 1,
    email: "ada@example.com",
    emails: ["ada@example.com"],
    firstName: "Ada",
    lastName: "Lovelace",
    teams: [],
    roles: [],
    permissions: [],
  },
  portal: { id: 1, timezone: "Europe/London" },
  crm: { objectTypeId: "0-1", objectId: 1 },
  extension: { appId: 1, appName: "Get started App with React", cardTitle: "Example card" },
};

/**
 * The rendered tree as text: tags, attributes and text, without the ids each mount generates. Browser code, kept as a
 * string because the e2e tests compile without DOM types.
 */
const renderedTreeSource = `(slot) => {
  const generated = new Set(["id", "for", "aria-labelledby", "aria-describedby", "aria-controls", "aria-label", "data-trace-id"]);
  const walk = (node, depth) => {
    const pad = "  ".repeat(depth);
    if (node.nodeType === Node.TEXT_NODE) return node.textContent.trim() ? pad + JSON.stringify(node.textContent.trim()) + "\\n" : "";
    if (!(node instanceof Element)) return "";
    const attributes = [...node.attributes].filter((a) => !generated.has(a.name)).map((a) => " " + a.name + "=" + JSON.stringify(a.value)).sort().join("");
    return pad + "<" + node.tagName.toLowerCase() + attributes + ">\\n" + [...node.childNodes].map((child) => walk(child, depth + 1)).join("");
  };
  return walk(document.getElementById(slot), 0);
}`;

const renderedTree = (page: Page, slot: string): Promise<string> => page.evaluate(`(${renderedTreeSource})(${JSON.stringify(slot)})`);

describe("cards built by HubSpot's builder", () => {
  it("render and answer exactly as Sprocket's build of the same card", async () => {
    // Two different bundlers: the bytes differ, the card must not.
    expect(bundles.hubspot).not.toBe(bundles.sprocket);
    expect(bundles.hubspot).toMatch(/\bRemoteUI\b/);
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    // The harness's function runner is the real execution endpoint of the deployed seed app.
    await page.exposeFunction("invokeServerless", async (request: ServerlessRequest, meta: { traceparent: string }) => {
      const res = await api.call("POST", `/api/crm-extensibility/execution/internal/v3/action/function/${appId}`, {
        body: request,
        headers: { traceparent: meta.traceparent },
      });
      if (res.status !== 200) throw new Error(res.body.message);
      return res.body.response;
    });
    await page.goto(harness.url);
    await page.waitForFunction(() => typeof (globalThis as any).mountTestCard === "function");
    const trees: { sprocket: string[]; hubspot: string[] } = { sprocket: [], hubspot: [] };
    for (const slot of ["sprocket", "hubspot"] as const) {
      await page.evaluate(([slot, context]) => (globalThis as any).mountTestCard(slot, `/cards/${slot}.js`, context), [
        slot,
        context,
      ] as const);
      const card = page.getByRole("region", { name: slot });
      await card.getByText("Hello Ada, send some text to the serverless function.").waitFor();
      trees[slot].push(await renderedTree(page, slot));
      await card.getByLabel("Text").fill("same either way");
      await card.getByRole("button", { name: "Send" }).click();
      await card.getByText("This is coming from a serverless function! You entered: same either way").waitFor();
      await card.getByRole("status").filter({ hasText: "The function answered." }).waitFor();
      trees[slot].push(await renderedTree(page, slot));
    }
    expect(trees.hubspot).toEqual(trees.sprocket);
    expect(trees.sprocket[1]).toContain('"This is coming from a serverless function! You entered: same either way"');
    expect(trees.sprocket[1]).toMatch(/<button[^>]*>/);
    expect(errors).toEqual([]);
    await page.close();
  });
});
