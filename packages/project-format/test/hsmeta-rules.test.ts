import { validateProject, type Diagnostic, type ProjectFiles } from "@sprocket/project-format";
import { describe, expect, it } from "vitest";
import { editJson, withFile } from "./fixture-files";
import { hsmetaSample } from "./hsmeta-sample";

const sample = hsmetaSample();
const appMeta = "src/app/app-hsmeta.json";
const cardMeta = "src/app/cards/deal-card-hsmeta.json";
const fnMeta = "src/app/functions/quote-hsmeta.json";

function errors(files: ProjectFiles): Diagnostic[] {
  return validateProject(files).diagnostics.filter((d) => d.severity === "error");
}

describe("*-hsmeta.json projects (2025.2+)", () => {
  it("maps app, card and app-function into the same model as legacy projects", () => {
    const { project, diagnostics } = validateProject(sample);
    expect(diagnostics).toEqual([]);
    expect(project).toEqual({
      name: "meta-demo",
      platformVersion: "2025.2",
      legacy: false,
      srcDir: "src",
      apps: [
        {
          uid: "meta_app",
          name: "Meta demo",
          description: "hsmeta sample",
          scopes: ["crm.objects.deals.read"],
          optionalScopes: ["crm.objects.deals.write"],
          permittedFetchUrls: ["https://api.example.com/v1"],
          public: false,
          rootDir: "src/app",
          configFile: appMeta,
          cards: [
            {
              uid: "deal_card",
              title: "Deal card",
              location: "crm.record.tab",
              objectTypes: [{ name: "deals", objectTypeId: "0-3" }, { name: "p_pets" }],
              entryFile: "src/app/cards/DealCard.jsx",
              configFile: cardMeta,
              packageDir: "src/app/cards",
            },
          ],
          extensions: [],
          features: [],
          functions: [
            {
              name: "fetch_quote",
              file: "src/app/functions/quote.js",
              configFile: fnMeta,
              pointer: "/config",
              secrets: ["QUOTE_KEY"],
              endpoint: { path: "quotes/fetch", methods: ["GET", "POST"] },
            },
          ],
          functionsDir: "src/app/functions",
          functionsPackageJson: "src/app/functions/package.json",
        },
      ],
    });
  });

  it("refuses unknown types with a suggestion", () => {
    expect(errors(editJson(sample, cardMeta, (j) => (j.type = "cards")))).toEqual([
      expect.objectContaining({ code: "COMPONENT_TYPE_UNKNOWN", message: expect.stringContaining("did you mean 'card'") }),
    ]);
  });

  it("enforces the directory of each type", () => {
    const files = withFile(withFile(sample, cardMeta, undefined), "src/app/deal-card-hsmeta.json", sample.get(cardMeta)!);
    expect(errors(files)).toEqual([
      expect.objectContaining({
        code: "COMPONENT_DIRECTORY_INVALID",
        file: "src/app/deal-card-hsmeta.json",
        message: "a 'card' component must be in src/app/cards/, not in src/app/",
      }),
    ]);
  });

  it("warns about component files too deep to be read", () => {
    const files = withFile(sample, "src/app/cards/old/x-hsmeta.json", "{}");
    expect(validateProject(files).diagnostics).toEqual([
      expect.objectContaining({ severity: "warning", code: "COMPONENT_LOCATION_IGNORED", file: "src/app/cards/old/x-hsmeta.json" }),
    ]);
  });

  it("refuses duplicate uids across components", () => {
    expect(errors(editJson(sample, fnMeta, (j) => (j.uid = "deal_card")))).toEqual([
      expect.objectContaining({ code: "UID_DUPLICATE", file: fnMeta, pointer: "/uid", message: expect.stringContaining(cardMeta) }),
    ]);
  });

  it("needs an app for features, and allows only one app", () => {
    expect(errors(withFile(sample, appMeta, undefined)).map((d) => d.code)).toEqual(["COMPONENT_NEEDS_APP", "COMPONENT_NEEDS_APP"]);
    const two = editJson(
      withFile(sample, "src/app/second-hsmeta.json", sample.get(appMeta)!),
      "src/app/second-hsmeta.json",
      (j) => (j.uid = "other"),
    );
    expect(errors(two)).toEqual([expect.objectContaining({ code: "COMPONENT_TOO_MANY", file: "src/app/second-hsmeta.json" })]);
  });

  it("refuses unexpected top-level fields and permissions before 2026.09", () => {
    expect(errors(editJson(sample, cardMeta, (j) => (j.name = "x")))).toEqual([
      expect.objectContaining({ code: "COMPONENT_FIELD_UNEXPECTED", pointer: "/name" }),
    ]);
    expect(errors(editJson(sample, appMeta, (j) => (j.permissions = {})))).toEqual([
      expect.objectContaining({
        code: "COMPONENT_FIELD_UNEXPECTED",
        pointer: "/permissions",
        message: expect.stringContaining("2026.09-beta"),
      }),
    ]);
  });

  it("checks required scopes, auth type and distribution", () => {
    expect(errors(editJson(sample, appMeta, (j) => (j.config.auth.requiredScopes = ["crm.objects.deal.read"])))).toEqual([
      expect.objectContaining({
        code: "APP_SCOPE_UNKNOWN",
        pointer: "/config/auth/requiredScopes/0",
        message: expect.stringContaining("did you mean 'crm.objects.deals.read'"),
      }),
    ]);
    expect(errors(editJson(sample, appMeta, (j) => (j.config.auth.type = "token")))).toEqual([
      expect.objectContaining({ code: "APP_NOT_PRIVATE", pointer: "/config/auth/type" }),
    ]);
    expect(errors(editJson(sample, appMeta, (j) => (j.config.distribution = "store")))).toEqual([
      expect.objectContaining({ code: "APP_NOT_PRIVATE", pointer: "/config/distribution" }),
    ]);
    // A static token serves one account; an app for the marketplace is installed through OAuth.
    expect(errors(editJson(sample, appMeta, (j) => (j.config.distribution = "marketplace")))).toEqual([
      expect.objectContaining({ code: "APP_NOT_PRIVATE", pointer: "/config/auth/type" }),
    ]);
  });

  it("reads an OAuth app: redirect URLs required, absolute, https unless localhost", () => {
    const oauth = (change: (auth: any) => void) =>
      editJson(sample, appMeta, (j) => {
        j.config.auth.type = "oauth";
        j.config.distribution = "marketplace";
        change(j.config.auth);
      });
    const { project, diagnostics } = validateProject(
      oauth((a) => (a.redirectUrls = ["http://localhost:3000/cb", "https://example.com/cb"])),
    );
    expect(diagnostics).toEqual([]);
    expect(project!.apps[0]).toMatchObject({
      public: true,
      oauth: { distribution: "marketplace", redirectUrls: ["http://localhost:3000/cb", "https://example.com/cb"] },
    });
    expect(errors(oauth(() => undefined))).toEqual([
      expect.objectContaining({ code: "FIELD_REQUIRED", pointer: "/config/auth/redirectUrls" }),
    ]);
    expect(errors(oauth((a) => (a.redirectUrls = [])))).toEqual([
      expect.objectContaining({ code: "APP_REDIRECT_URL_INVALID", pointer: "/config/auth/redirectUrls" }),
    ]);
    expect(errors(oauth((a) => (a.redirectUrls = ["http://example.com/cb", "/cb"])))).toEqual([
      expect.objectContaining({ code: "APP_REDIRECT_URL_INVALID", pointer: "/config/auth/redirectUrls/0" }),
      expect.objectContaining({ code: "APP_REDIRECT_URL_INVALID", pointer: "/config/auth/redirectUrls/1" }),
    ]);
  });

  it("checks permittedUrls.fetch: absolute http(s) URLs", () => {
    expect(
      errors(
        editJson(
          sample,
          appMeta,
          (j) => (j.config.permittedUrls.fetch = ["https://api.example.com", "/relative", "ftp://files.example.com"]),
        ),
      ),
    ).toEqual([
      expect.objectContaining({
        code: "PERMITTED_URL_INVALID",
        pointer: "/config/permittedUrls/fetch/1",
        message: expect.stringContaining('"/relative"'),
      }),
      expect.objectContaining({ code: "PERMITTED_URL_INVALID", pointer: "/config/permittedUrls/fetch/2" }),
    ]);
    expect(errors(editJson(sample, appMeta, (j) => (j.config.permittedUrls = "https://api.example.com")))).toEqual([
      expect.objectContaining({ code: "FIELD_TYPE", pointer: "/config/permittedUrls" }),
    ]);
  });

  it("checks card entrypoint, location and object types", () => {
    expect(errors(editJson(sample, cardMeta, (j) => (j.config.entrypoint = "/app/cards/Missing.jsx")))).toEqual([
      expect.objectContaining({ code: "FILE_NOT_FOUND", pointer: "/config/entrypoint" }),
    ]);
    expect(errors(editJson(sample, cardMeta, (j) => (j.config.location = "crm.record.tabs")))).toEqual([
      expect.objectContaining({ code: "CARD_LOCATION_INVALID", message: expect.stringContaining("did you mean 'crm.record.tab'") }),
    ]);
    expect(errors(editJson(sample, cardMeta, (j) => (j.config.objectTypes = ["DEEL"])))[0]).toMatchObject({
      code: "CARD_OBJECT_TYPE_UNKNOWN",
      message: expect.stringContaining("did you mean 'DEAL'"),
    });
  });

  it("accepts functions without app/functions/package.json (nothing is installed for them)", () => {
    const result = validateProject(withFile(sample, "src/app/functions/package.json", undefined));
    expect(errors(withFile(sample, "src/app/functions/package.json", undefined))).toEqual([]);
    expect(result.project?.apps[0]?.functionsPackageJson).toBeUndefined();
  });

  it("warns that app.json is ignored on 2025.2", () => {
    const files = withFile(sample, "src/app/app.json", "{}");
    expect(validateProject(files).diagnostics).toEqual([
      expect.objectContaining({ severity: "warning", code: "FORMAT_MISMATCH", file: "src/app/app.json" }),
    ]);
  });
});
