import { componentJsonSchemas, componentTypes, validateProject, type Diagnostic, type ProjectFiles } from "@sprocket/project-format";
import { describe, expect, it } from "vitest";
import { fixture, withFile } from "./fixture-files";
import { hsmetaSample } from "./hsmeta-sample";

const sample = hsmetaSample();
const json = (v: unknown) => JSON.stringify(v, null, 2);
const component = (type: string, uid: string, config: unknown) => json({ uid, type, config });

function errors(files: ProjectFiles): Diagnostic[] {
  return validateProject(files).diagnostics.filter((d) => d.severity === "error");
}

/** The sample with one more component file (and any extra files it needs). */
function plus(path: string, content: string, extra: Record<string, string> = {}): Map<string, string | Uint8Array> {
  return Object.entries(extra).reduce((files, [p, c]) => withFile(files, p, c), withFile(sample, path, content));
}

const page = "src/app/pages/home-hsmeta.json";
const settings = "src/app/settings/settings-hsmeta.json";
const hooks = "src/app/webhooks/webhooks-hsmeta.json";
const action = "src/app/workflow-actions/notify-hsmeta.json";
const homeCode = { "src/app/pages/Home.tsx": "export {};\n" };

describe("2025.2+ component types beyond app, card and app-function", () => {
  it("page (app home): accepted, its entry modelled like a card's, its package folder found", () => {
    const files = plus(page, component("page", "home", { entrypoint: "/app/pages/Home.tsx", location: "home" }), {
      ...homeCode,
      "src/app/pages/package.json": "{}",
    });
    const { project, diagnostics } = validateProject(files);
    expect(diagnostics).toEqual([]);
    expect(project!.apps[0]!.extensions).toEqual([
      {
        uid: "home",
        type: "page",
        config: { entrypoint: "/app/pages/Home.tsx", location: "home" },
        entryFile: "src/app/pages/Home.tsx",
        configFile: page,
        packageDir: "src/app/pages",
      },
    ]);
  });

  it("page: a missing entrypoint is refused at its file, line, column and pointer", () => {
    const files = plus(page, '{\n  "uid": "home",\n  "type": "page",\n  "config": { "location": "home" }\n}\n');
    expect(errors(files)).toEqual([
      {
        severity: "error",
        code: "FIELD_REQUIRED",
        file: page,
        pointer: "/config/entrypoint",
        line: 4,
        column: 13,
        message: "required field 'config.entrypoint' is missing",
        hint: expect.stringContaining("config.entrypoint"),
      },
    ]);
  });

  it("page: an entrypoint naming no file is refused like a card's", () => {
    const files = plus(page, component("page", "home", { entrypoint: "/app/pages/Nope.tsx" }));
    expect(errors(files)).toEqual([expect.objectContaining({ code: "FILE_NOT_FOUND", file: page, pointer: "/config/entrypoint" })]);
  });

  it("page and pages count together: HubSpot allows one of them per project", () => {
    const files = plus(page, component("page", "home", { entrypoint: "/app/pages/Home.tsx", location: "home" }), {
      ...homeCode,
      "src/app/pages/pages-hsmeta.json": component("pages", "app-pages", { entrypoint: "/app/pages/Home.tsx" }),
    });
    expect(errors(files)).toEqual([
      expect.objectContaining({ code: "COMPONENT_TOO_MANY", message: expect.stringContaining("'page' and 'pages' count together") }),
    ]);
  });

  it("settings: accepted; an unknown field is a warning at the key, an entrypoint of the wrong type an error", () => {
    const ok = plus(settings, component("settings", "prefs", { entrypoint: "/app/settings/Prefs.tsx", colour: "red" }), {
      "src/app/settings/Prefs.tsx": "export {};\n",
    });
    const result = validateProject(ok);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ severity: "warning", code: "FIELD_UNKNOWN", file: settings, pointer: "/config/colour", line: 6 }),
    ]);
    expect(result.project!.apps[0]!.extensions.map((e) => [e.type, e.entryFile])).toEqual([["settings", "src/app/settings/Prefs.tsx"]]);
    const bad = plus(settings, component("settings", "prefs", { entrypoint: 7 }));
    expect(errors(bad)).toEqual([
      expect.objectContaining({
        code: "FIELD_TYPE",
        pointer: "/config/entrypoint",
        line: 5,
        message: "'config.entrypoint' must be a string, not the number 7",
      }),
    ]);
  });

  it("webhooks: recorded as data on the app; a bad targetUrl is refused at its pointer", () => {
    const config = {
      settings: { targetUrl: "https://hooks.example.test/in", maxConcurrentRequests: 10 },
      subscriptions: { crmObjects: [{ subscriptionType: "object.creation", objectType: "contact", active: true }] },
    };
    const { project, diagnostics } = validateProject(plus(hooks, component("webhooks", "hooks", config)));
    expect(diagnostics).toEqual([]);
    expect(project!.apps[0]!.features).toEqual([{ uid: "hooks", type: "webhooks", config, configFile: hooks }]);
    const bad = plus(hooks, component("webhooks", "hooks", { ...config, settings: { targetUrl: "not a url", maxConcurrentRequests: 10 } }));
    expect(errors(bad)).toEqual([
      expect.objectContaining({
        code: "FIELD_INVALID",
        file: hooks,
        pointer: "/config/settings/targetUrl",
        line: 6,
        hint: expect.stringContaining("full URL"),
      }),
    ]);
  });

  it("workflow-action: recorded; labels without actionName are refused at the nested pointer", () => {
    const config = {
      actionUrl: "https://actions.example.test/run",
      labels: { en: { actionName: "Run" } },
      objectTypes: ["CONTACT"],
      inputFields: [{ typeDefinition: { name: "note", type: "string" } }],
    };
    const { project } = validateProject(plus(action, component("workflow-action", "notify", config)));
    expect(project!.apps[0]!.features.map((f) => [f.type, f.uid])).toEqual([["workflow-action", "notify"]]);
    const bad = plus(action, component("workflow-action", "notify", { ...config, labels: { en: { actionDescription: "x" } } }));
    expect(errors(bad)).toEqual([expect.objectContaining({ code: "FIELD_REQUIRED", pointer: "/config/labels/en/actionName" })]);
  });

  it("app-object, app-object-association and app-event: required fields enforced", () => {
    const obj = plus(
      "src/app/app-objects/car-hsmeta.json",
      component("app-object", "car", {
        name: "CAR",
        singularForm: "Car",
        pluralForm: "Cars",
        primaryDisplayLabelPropertyName: "model",
        properties: [],
      }),
    );
    expect(errors(obj)).toEqual([expect.objectContaining({ code: "FIELD_INVALID", pointer: "/config/properties" })]);
    const assoc = plus(
      "src/app/app-object-associations/a-hsmeta.json",
      component("app-object-association", "a", { firstObjectType: "car" }),
    );
    expect(errors(assoc)).toEqual([expect.objectContaining({ code: "FIELD_REQUIRED", pointer: "/config/secondObjectType" })]);
    const event = plus("src/app/app-events/e-hsmeta.json", component("app-event", "e", { name: "Signed up", objectType: "CONTACT" }));
    expect(errors(event)).toEqual([]);
  });

  it("types Sprocket does not run are accepted with a COMPONENT_NOT_RUN warning and never fail the project", () => {
    for (const [type, dir] of [
      ["scim", "src/app/scim"],
      ["calling", "src/app/calling"],
      ["mcp-server", "src/app/mcp-server"],
      ["marketing-event", "src/app/marketing-events"],
      ["theme", "src/theme"],
      ["cms-assets", "src/cms-assets"],
    ] as const) {
      const result = validateProject(plus(`${dir}/x-hsmeta.json`, component(type, `x-${type}`, { anything: [1, 2] })));
      expect(result.project, type).toBeDefined();
      expect(result.diagnostics, type).toEqual([
        expect.objectContaining({
          severity: "warning",
          code: "COMPONENT_NOT_RUN",
          file: `${dir}/x-hsmeta.json`,
          pointer: "/type",
          line: 3,
        }),
      ]);
    }
  });

  it("a theme needs no app; an app feature without an app is refused", () => {
    const theme = new Map([
      ["hsproject.json", json({ name: "t", srcDir: "src", platformVersion: "2026.03" })],
      ["src/theme/theme-hsmeta.json", component("theme", "t", { themePath: "my-theme" })],
    ]);
    expect(errors(theme)).toEqual([]);
    expect(errors(withFile(theme, hooks, component("webhooks", "h", {})))).toEqual([
      expect.objectContaining({ code: "COMPONENT_NEEDS_APP", file: hooks }),
    ]);
  });

  it("every 2025.2+ platform version HubSpot's CLI knows reads the *-hsmeta.json format without a warning", () => {
    for (const v of ["2025.2", "2026.03-beta", "2026.03", "2026.09-beta", "2026.09", "2027.03-beta", "2027.03", "unstable"]) {
      const files = withFile(sample, "hsproject.json", json({ name: "v", srcDir: "src", platformVersion: v }));
      expect(validateProject(files).diagnostics, v).toEqual([]);
    }
  });

  it("the fixture hsmeta-features (page, settings, webhooks, workflow-action, scim) is accepted with one warning", async () => {
    const { project, diagnostics } = validateProject(await fixture("hsmeta-features"));
    expect(diagnostics.map((d) => [d.severity, d.code, d.file])).toEqual([
      ["warning", "COMPONENT_NOT_RUN", "src/app/scim/scim-hsmeta.json"],
    ]);
    const app = project!.apps[0]!;
    expect(app.extensions.map((e) => e.type)).toEqual(["page", "settings"]);
    expect(app.features.map((f) => f.type)).toEqual(["webhooks", "workflow-action"]);
  });

  it("JSON Schemas exist for every component type HubSpot's CLI knows, with required fields from the same description", () => {
    const schemas = componentJsonSchemas();
    const internal = [...new Set([...componentTypes.values()].map((t) => t.internalType))];
    expect(Object.keys(schemas).sort()).toEqual([...internal, "SERVERLESS_PACKAGE"].sort());
    expect(schemas.PAGE).toMatchObject({ required: ["entrypoint"] });
    expect(schemas.WEBHOOKS).toMatchObject({
      required: ["settings", "subscriptions"],
      properties: { settings: { required: ["targetUrl", "maxConcurrentRequests"] } },
    });
    expect(schemas.WORKFLOW_ACTION).toMatchObject({ required: expect.arrayContaining(["actionUrl", "labels"]) });
    expect(schemas.SCIM_INTEGRATION).toMatchObject({ type: "object" });
  });
});
