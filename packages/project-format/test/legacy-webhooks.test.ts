import { validateProject } from "@sprocket/project-format";
import { beforeAll, describe, expect, it } from "vitest";
import { editJson, fixture, withFile } from "./fixture-files";

let seed: Map<string, string>;
beforeAll(async () => {
  seed = await fixture("seed-example");
});

const app = "src/app/app.json";
const hooks = "src/app/webhooks/webhooks.json";
const config = {
  settings: { targetUrl: "https://example.com/webhook", maxConcurrentRequests: 10 },
  subscriptions: {
    crmObjects: [{ subscriptionType: "object.propertyChange", objectName: "contact", propertyName: "firstname", active: true }],
    legacyCrmObjects: [{ subscriptionType: "contact.deletion", active: true }],
  },
};
const withHooks = (content: unknown) =>
  withFile(
    editJson(seed, app, (a) => void (a.webhooks = "webhooks/webhooks.json")),
    hooks,
    JSON.stringify(content, null, 2),
  );

describe("webhooks.json of a 2023.x–2025.1 app", () => {
  it("is recorded on the app as a webhooks component, as a 2025.2 one is", () => {
    const { project, diagnostics } = validateProject(withHooks(config));
    expect(diagnostics.filter((d) => d.severity === "error" || d.file === hooks || d.message.includes("webhooks"))).toEqual([]);
    const uid = JSON.parse(seed.get(app)!).uid;
    expect(project!.apps[0]!.features).toEqual([{ uid: `${uid}-webhooks`, type: "webhooks", config, configFile: hooks }]);
  });

  it("refuses a missing file at the app.json field, and a bad targetUrl at its pointer in webhooks.json", () => {
    const missing = validateProject(editJson(seed, app, (a) => void (a.webhooks = "webhooks/nope.json"))).diagnostics.filter(
      (d) => d.severity === "error",
    );
    expect(missing).toEqual([expect.objectContaining({ code: "FILE_NOT_FOUND", file: app, pointer: "/webhooks" })]);
    const bad = validateProject(withHooks({ ...config, settings: { ...config.settings, targetUrl: "not a url" } })).diagnostics.filter(
      (d) => d.severity === "error",
    );
    expect(bad).toEqual([expect.objectContaining({ file: hooks, pointer: "/settings/targetUrl" })]);
  });

  it('takes HubSpot\'s own form, "webhooks": { "file": "./webhooks/webhooks.json" }, with hubEvents beside the CRM subscriptions', () => {
    const withHubEvents = {
      ...config,
      subscriptions: { ...config.subscriptions, hubEvents: [{ subscriptionType: "contact.privacyDeletion", active: false }] },
    };
    const files = withFile(
      editJson(seed, app, (a) => void (a.webhooks = { file: "./webhooks/webhooks.json" })),
      hooks,
      JSON.stringify(withHubEvents, null, 2),
    );
    const { project, diagnostics } = validateProject(files);
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(project!.apps[0]!.features).toEqual([expect.objectContaining({ type: "webhooks", configFile: hooks })]);
    const missing = validateProject(editJson(seed, app, (a) => void (a.webhooks = { file: "webhooks/nope.json" }))).diagnostics.filter(
      (d) => d.severity === "error",
    );
    expect(missing).toEqual([expect.objectContaining({ code: "FILE_NOT_FOUND", file: app, pointer: "/webhooks/file" })]);
  });
});
