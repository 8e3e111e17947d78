// hubspot.fetch from a card in Chromium: the card's request goes through the server's proxy to the app's backend (a
// local receiver here), which checks HubSpot's v3 signature with @hubspot/api-client; the card renders the JSON it got.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { Signature } from "@hubspot/api-client";
import { startTestServer, type TestServer } from "../../packages/server/test/support/test-server";
import { ProjectApi } from "../../packages/server/test/support/project-api";
import { createTestApp } from "../../packages/server/test/support/test-apps";
import { appClientSecret } from "../../packages/server/src/apps/client-secret";
import { deployProject, launchChromium, recordPath, SHARED_PROJECTS, signedInPage } from "./fixtures/card-projects";

let server: TestServer;
let browser: Browser;
let receiver: http.Server;
let workDir: string;
let clientSecret = "";
const checks: { url: string; body: string; valid: boolean; params: Record<string, string> }[] = [];

beforeAll(async () => {
  // The receiver listens on loopback: the operator setting lets cards reach it.
  server = await startTestServer({ env: { SPROCKET_CARD_FETCH_ALLOW_PRIVATE_NETWORK: "true" } });
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const url = `http://${req.headers.host}${req.url}`;
      const valid = Signature.isValid({
        signatureVersion: "v3",
        clientSecret,
        method: req.method!,
        url,
        requestBody: body,
        timestamp: Number(req.headers["x-hubspot-request-timestamp"]),
        signature: String(req.headers["x-hubspot-signature-v3"]),
      });
      const params = Object.fromEntries(new URL(url).searchParams);
      checks.push({ url, body, valid, params });
      res
        .writeHead(valid ? 200 : 401, { "content-type": "application/json" })
        .end(JSON.stringify({ greeting: `hello ${params.userEmail} about ${JSON.parse(body).contactId}`, verified: valid }));
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  // The fixture names https://backend.example; this copy names the receiver instead.
  workDir = mkdtempSync(path.join(os.tmpdir(), "sprocket-card-fetch-"));
  cpSync(path.join(SHARED_PROJECTS, "card-fetch"), workDir, { recursive: true });
  for (const file of ["src/app/app.json", "src/app/cards/backend.js"]) {
    const at = path.join(workDir, file);
    writeFileSync(at, readFileSync(at, "utf8").replaceAll("https://backend.example", origin));
  }
  const api = new ProjectApi(server.url, server.bootstrap.info.personalAccessKey);
  await deployProject(api, workDir);
  const app = await server.platform.store.db
    .selectFrom("private_apps")
    .select("id")
    .where("uid", "=", "fetch-app")
    .executeTakeFirstOrThrow();
  clientSecret = await appClientSecret(server.platform, app.id);
  browser = await launchChromium();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve));
  await server?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe("hubspot.fetch from a card", () => {
  it("reaches the permitted backend with a valid signature, renders its JSON, refuses other URLs, and logs both in the card's trace", async () => {
    const { accountId, superAdmin } = server.bootstrap.info;
    const { token } = await createTestApp(server.platform, accountId, { uid: "crm-writer", scopes: ["crm.objects.contacts.write"] });
    const created = await fetch(`${server.url}/crm/v3/objects/contacts`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ properties: { firstname: "Grace", lastname: "Hopper" } }),
    });
    const contactId = ((await created.json()) as { id: string }).id;

    const { page, errors, close } = await signedInPage(browser, server.url, superAdmin);
    await page.goto(recordPath(accountId, "0-1", contactId));
    await page.getByRole("tab", { name: "Apps" }).click();
    const card = page.getByRole("region", { name: "Backend card (Fetch app)" });
    await card.getByText(`Backend says: hello ${superAdmin.email} about ${contactId}`).waitFor();
    await card.getByText("Signature checked: valid").waitFor();
    await card.getByText(/^Refused: https:\/\/elsewhere\.example\/steal is not a URL this app may fetch/).waitFor();
    // The refused call is the page's one failed request (Chromium logs every 4xx); nothing else went wrong.
    expect(errors).toEqual(["Failed to load resource: the server responded with a status of 400 (Bad Request)"]);
    await close();

    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({
      valid: true,
      body: JSON.stringify({ contactId: Number(contactId) }),
      params: { userEmail: superAdmin.email, portalId: String(accountId) },
    });

    // Both calls are FETCH events of the card, in the trace of the render that made them, each a child of the span
    // the extension host logged the call under.
    const events = async () => {
      await server.platform.logs.flush();
      return server.platform.store.db
        .selectFrom("extension_events")
        .select(["kind", "level", "message", "trace_id", "span_id", "parent_span_id"])
        .where("card_uid", "=", "backend-card")
        .execute();
    };
    await expect.poll(async () => (await events()).map((e) => e.kind).sort()).toEqual(["FETCH", "FETCH", "LOG", "LOG", "RENDER_SUCCESS"]);
    const all = await events();
    const render = all.find((e) => e.kind === "RENDER_SUCCESS")!;
    const fetches = all.filter((e) => e.kind === "FETCH");
    const hostSpans = all.filter((e) => e.kind === "LOG" && e.message.startsWith("hubspot.fetch")).map((e) => e.span_id);
    expect(all.every((e) => e.trace_id === render.trace_id)).toBe(true);
    expect(fetches.map((e) => e.parent_span_id).sort()).toEqual(hostSpans.sort());
    expect(fetches.map((e) => [e.level, e.message.replace(/ refused: .*/, " refused")]).sort()).toEqual([
      ["INFO", expect.stringMatching(/^hubspot\.fetch POST http:\/\/127\.0\.0\.1:\d+\/api\/greeting → 200$/)],
      ["WARN", "hubspot.fetch GET https://elsewhere.example/steal refused"],
    ]);
  });
});
