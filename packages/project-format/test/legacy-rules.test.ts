import { validateProject, type Diagnostic, type ProjectFiles } from "@sprocket/project-format";
import { beforeAll, describe, expect, it } from "vitest";
import { editJson, fixture, withFile } from "./fixture-files";

let seed: Map<string, string>;
beforeAll(async () => {
  seed = await fixture("seed-example");
});

const app = "src/app/app.json";
const card = "src/app/extensions/example-card.json";
const serverless = "src/app/app.functions/serverless.json";

function only(files: ProjectFiles, severity: "error" | "warning" = "error"): Diagnostic {
  const found = validateProject(files).diagnostics.filter((d) => d.severity === severity);
  expect(found, JSON.stringify(found, null, 1)).toHaveLength(1);
  return found[0]!;
}

describe("JSON syntax", () => {
  it("refuses a trailing comma at the comma, as JSON.parse would", () => {
    const d = only(withFile(seed, "hsproject.json", '{\n  "name": "x",\n  "srcDir": "src",\n  "platformVersion": "2023.2",\n}\n'));
    expect(d).toMatchObject({
      code: "JSON_SYNTAX",
      file: "hsproject.json",
      line: 4,
      column: 30,
      message: expect.stringContaining("trailing comma"),
    });
  });

  it("refuses comments", () => {
    const d = only(withFile(seed, app, '{\n  // my app\n  "name": "x"\n}'));
    expect(d).toMatchObject({ code: "JSON_SYNTAX", line: 2, column: 3, message: expect.stringContaining("comments are not allowed") });
  });

  it("explains single quotes and unclosed strings", () => {
    expect(only(withFile(seed, card, "{'type': 1}"))).toMatchObject({
      code: "JSON_SYNTAX",
      line: 1,
      column: 2,
      hint: expect.stringContaining("double quotes"),
    });
    expect(only(withFile(seed, card, '{"type": "crm-card\n}')).message).toContain("string is not closed");
  });

  it("refuses an empty file", () => {
    expect(only(withFile(seed, serverless, ""))).toMatchObject({
      code: "JSON_SYNTAX",
      file: serverless,
      message: expect.stringContaining("ends where a value was expected"),
    });
  });
});

describe("hsproject.json", () => {
  it("is required", () => {
    expect(only(withFile(seed, "hsproject.json", undefined))).toMatchObject({ code: "PROJECT_CONFIG_MISSING", file: "hsproject.json" });
  });

  it("needs a srcDir inside the project that exists", () => {
    expect(only(editJson(seed, "hsproject.json", (j) => (j.srcDir = "../elsewhere")))).toMatchObject({
      code: "PROJECT_SRC_DIR_INVALID",
      pointer: "/srcDir",
      line: 3,
    });
    expect(only(editJson(seed, "hsproject.json", (j) => (j.srcDir = "source")))).toMatchObject({
      code: "PROJECT_SRC_DIR_NOT_FOUND",
      pointer: "/srcDir",
    });
  });

  it("knows the platform versions and suggests the nearest", () => {
    const d = only(editJson(seed, "hsproject.json", (j) => (j.platformVersion = "2023.3")));
    expect(d).toMatchObject({
      code: "PROJECT_PLATFORM_VERSION_UNKNOWN",
      pointer: "/platformVersion",
      message: expect.stringMatching(/did you mean '2023\.[12]'/),
    });
  });

  it("warns about unknown fields with a suggestion", () => {
    const d = only(
      editJson(seed, "hsproject.json", (j) => (j.srcdir = "src")),
      "warning",
    );
    expect(d).toMatchObject({ code: "FIELD_UNKNOWN", pointer: "/srcdir", message: expect.stringContaining("did you mean 'srcDir'") });
  });
});

describe("app.json", () => {
  it("needs at least one scope and refuses duplicates with a warning", () => {
    expect(only(editJson(seed, app, (j) => (j.scopes = [])))).toMatchObject({ code: "APP_SCOPES_EMPTY", pointer: "/scopes" });
    expect(
      only(
        editJson(seed, app, (j) => j.scopes.push("crm.objects.contacts.read")),
        "warning",
      ),
    ).toMatchObject({ code: "APP_SCOPE_DUPLICATE", pointer: "/scopes/2" });
  });

  it("refuses scopes that are not strings", () => {
    expect(only(editJson(seed, app, (j) => (j.scopes = ["crm.objects.contacts.read", 7])))).toMatchObject({
      code: "FIELD_TYPE",
      pointer: "/scopes/1",
      message: "'scopes[1]' must be a string, not the number 7",
    });
  });

  it("accepts every scope of the catalogue's families", () => {
    const scopes = [
      "tickets",
      "crm.lists.read",
      "crm.objects.owners.read",
      "crm.objects.users.write",
      "crm.schemas.custom.read",
      "crm.objects.contacts.sensitive.read.v2",
      "e-commerce",
      "sales-email-read",
      "account-info.security.read",
    ];
    expect(validateProject(editJson(seed, app, (j) => (j.scopes = scopes))).diagnostics).toEqual([]);
  });

  it("reads public-app.json as an OAuth app: auth.redirectUrls and requiredScopes, allowedUrls for hubspot.fetch", async () => {
    const { project, diagnostics } = validateProject(await fixture("public-app-legacy"));
    expect(diagnostics).toEqual([]);
    expect(project!.apps).toEqual([
      expect.objectContaining({
        uid: "deal-notes-public",
        configFile: "src/app/public-app.json",
        scopes: ["crm.objects.deals.read"],
        permittedFetchUrls: ["https://notes.example.com"],
        public: true,
        oauth: { distribution: "marketplace", redirectUrls: ["http://localhost:3000/oauth-callback"] },
      }),
    ]);
    const file = "src/app/public-app.json";
    expect(only(editJson(await fixture("public-app-legacy"), file, (j) => delete j.auth.redirectUrls))).toMatchObject({
      code: "FIELD_REQUIRED",
      file,
      pointer: "/auth/redirectUrls",
    });
    expect(only(editJson(await fixture("public-app-legacy"), file, (j) => (j.auth.redirectUrls = ["ftp://x"])))).toMatchObject({
      code: "APP_REDIRECT_URL_INVALID",
      pointer: "/auth/redirectUrls/0",
    });
  });

  it("refuses public apps in app.json", () => {
    expect(only(editJson(seed, app, (j) => (j.public = true)))).toMatchObject({ code: "APP_NOT_PRIVATE", pointer: "/public" });
    expect(only(editJson(seed, app, (j) => (j.public = "false")))).toMatchObject({
      code: "FIELD_TYPE",
      message: expect.stringContaining('not the string "false"'),
    });
  });

  it("checks the uid pattern and length", () => {
    expect(only(editJson(seed, app, (j) => (j.uid = "my app")))).toMatchObject({
      code: "UID_INVALID",
      pointer: "/uid",
      message: expect.stringContaining("only letters, numbers"),
    });
    expect(only(editJson(seed, app, (j) => (j.uid = "a".repeat(65))))).toMatchObject({
      code: "UID_INVALID",
      message: expect.stringContaining("64 characters or less"),
    });
    expect(only(editJson(seed, app, (j) => (j.uid = "")))).toMatchObject({
      code: "UID_INVALID",
      message: expect.stringContaining("at least one character"),
    });
  });

  it("refuses two apps with the same uid, pointing at the second", () => {
    let files = withFile(seed, "src/other/app.json", seed.get(app)!);
    files = editJson(files, "src/other/app.json", (j) => delete j.extensions);
    expect(only(files)).toMatchObject({
      code: "UID_DUPLICATE",
      file: "src/other/app.json",
      pointer: "/uid",
      message: expect.stringContaining("src/app/app.json"),
    });
  });

  it("allows at most 20 apps in one project", () => {
    let files: Map<string, string | Uint8Array> = new Map(seed);
    for (let i = 1; i <= 20; i++)
      files = editJson(
        withFile(files, `src/app${i}/app.json`, seed.get(app)!),
        `src/app${i}/app.json`,
        (j) => ((j.uid = `app-${i}`), delete j.extensions),
      );
    expect(only(files)).toMatchObject({
      code: "PROJECT_TOO_MANY_APPS",
      file: "src/app9/app.json",
      message: expect.stringContaining("at most 20 apps"),
    });
  });

  it("refuses a card file outside the app folder", () => {
    expect(only(editJson(seed, app, (j) => (j.extensions.crm.cards[0].file = "../../hsproject.json")))).toMatchObject({
      code: "FILE_OUTSIDE_APP",
      pointer: "/extensions/crm/cards/0/file",
    });
  });

  it("warns about a project without apps at srcDir and models it as an empty project, as HubSpot builds it", () => {
    const files = new Map([...seed].filter(([p]) => !p.startsWith("src/app/app.json") && !p.startsWith("src/app/app.functions")));
    expect(only(files, "warning")).toMatchObject({ code: "PROJECT_NO_APPS", file: "hsproject.json", pointer: "/srcDir", line: 3 });
    expect(validateProject(files).project?.apps).toEqual([]);
  });
});

describe("card JSON", () => {
  it("needs type crm-card", () => {
    expect(only(editJson(seed, card, (j) => (j.type = "card")))).toMatchObject({ code: "CARD_TYPE_INVALID", file: card, pointer: "/type" });
  });

  it("checks objectTypes and suggests the standard name", () => {
    expect(only(editJson(seed, card, (j) => (j.data.objectTypes = [{ name: "contact" }])))).toMatchObject({
      code: "CARD_OBJECT_TYPE_UNKNOWN",
      pointer: "/data/objectTypes/0/name",
      message: "unknown object type 'contact'; did you mean 'contacts'?",
    });
    expect(only(editJson(seed, card, (j) => (j.data.objectTypes = [{ name: "CONTACT" }]))).message).toContain("did you mean 'contacts'");
    expect(only(editJson(seed, card, (j) => (j.data.objectTypes = [])))).toMatchObject({
      code: "FIELD_EMPTY",
      pointer: "/data/objectTypes",
    });
  });

  it("accepts custom objects by their p_ name, fully qualified name or type id", () => {
    const result = validateProject(
      editJson(seed, card, (j) => (j.data.objectTypes = [{ name: "deals" }, { name: "p_pets" }, { name: "p123_pets" }, { name: "2-77" }])),
    );
    expect(result.project?.apps[0]?.cards[0]?.objectTypes).toEqual([
      { name: "deals", objectTypeId: "0-3" },
      { name: "p_pets" },
      { name: "p123_pets" },
      { name: "2-77" },
    ]);
  });

  it("needs the module file to exist next to the card JSON", () => {
    expect(only(editJson(seed, card, (j) => (j.data.module.file = "example.jsx")))).toMatchObject({
      code: "FILE_NOT_FOUND",
      pointer: "/data/module/file",
      message: "file 'example.jsx' does not exist in src/app/extensions",
    });
  });

  it("refuses the pre-React data.fetch cards", () => {
    expect(only(editJson(seed, card, (j) => ((j.data.fetch = { targetFunction: "x" }), delete j.data.module)))).toMatchObject({
      code: "CARD_LEGACY_FETCH",
      pointer: "/data/fetch",
    });
  });

  it("refuses two cards with the same uid in one app", () => {
    let files = withFile(seed, "src/app/extensions/second.json", seed.get(card)!);
    files = editJson(files, app, (j) => j.extensions.crm.cards.push({ file: "extensions/second.json" }));
    expect(only(files)).toMatchObject({ code: "UID_DUPLICATE", file: "src/app/extensions/second.json", pointer: "/data/uid" });
  });

  it("warns about unknown fields in data", () => {
    expect(
      only(
        editJson(seed, card, (j) => (j.data.titel = "x")),
        "warning",
      ),
    ).toMatchObject({ code: "FIELD_UNKNOWN", pointer: "/data/titel", message: expect.stringContaining("did you mean 'title'") });
  });
});

describe("serverless.json", () => {
  it("models an endpoint and secrets", () => {
    const files = editJson(
      seed,
      serverless,
      (j) =>
        (j.appFunctions.myFunc = { file: "example-function.js", secrets: ["API_KEY"], endpoint: { path: "quotes/fetch", method: "POST" } }),
    );
    expect(validateProject(files).project?.apps[0]?.functions).toEqual([
      {
        name: "myFunc",
        file: "src/app/app.functions/example-function.js",
        configFile: serverless,
        pointer: "/appFunctions/myFunc",
        secrets: ["API_KEY"],
        endpoint: { path: "quotes/fetch", methods: ["POST"] },
      },
    ]);
  });

  it("refuses malformed secret names and warns about platform-provided ones", () => {
    expect(only(editJson(seed, serverless, (j) => (j.appFunctions.myFunc.secrets = ["my-key"])))).toMatchObject({
      code: "FUNCTION_SECRET_INVALID",
      pointer: "/appFunctions/myFunc/secrets/0",
    });
    expect(
      only(
        editJson(seed, serverless, (j) => (j.appFunctions.myFunc.secrets = ["PRIVATE_APP_ACCESS_TOKEN"])),
        "warning",
      ),
    ).toMatchObject({ code: "FUNCTION_SECRET_RESERVED" });
  });

  it("refuses a function name declared twice", () => {
    const text =
      '{ "runtime": "nodejs18.x", "version": "1.0", "appFunctions": {\n "myFunc": { "file": "example-function.js" },\n "myFunc": { "file": "example-function.js" } } }';
    expect(only(withFile(seed, serverless, text))).toMatchObject({
      code: "FUNCTION_NAME_DUPLICATE",
      line: 3,
      column: 2,
      pointer: "/appFunctions/myFunc",
    });
  });

  it("refuses bad function names and endpoint methods", () => {
    expect(only(editJson(seed, serverless, (j) => (j.appFunctions["my func"] = j.appFunctions.myFunc)))).toMatchObject({
      code: "FUNCTION_NAME_INVALID",
      pointer: "/appFunctions/my func",
    });
    expect(only(editJson(seed, serverless, (j) => (j.appFunctions.myFunc.endpoint = { path: "x", method: "FETCH" })))).toMatchObject({
      code: "FUNCTION_ENDPOINT_INVALID",
      pointer: "/appFunctions/myFunc/endpoint/method",
    });
  });

  it("refuses two functions serving the same endpoint path and method", () => {
    const files = editJson(seed, serverless, (j) => {
      j.appFunctions.a = { file: "example-function.js", endpoint: { path: "quotes", method: ["GET", "POST"] } };
      j.appFunctions.b = { file: "example-function.js", endpoint: { path: "quotes", method: "POST" } };
    });
    expect(only(files)).toMatchObject({
      code: "FUNCTION_ENDPOINT_DUPLICATE",
      pointer: "/appFunctions/b/endpoint/path",
      line: 22,
      column: 17,
      message: "endpoint POST quotes is already served by function 'a'",
    });
  });

  it("accepts functions without a package.json (nothing is installed for them)", () => {
    const result = validateProject(withFile(seed, "src/app/app.functions/package.json", undefined));
    expect(result.diagnostics).toEqual([]);
    expect(result.project?.apps[0]?.functionsPackageJson).toBeUndefined();
    expect(result.project?.apps[0]?.functions.map((f) => f.name)).toEqual(["myFunc"]);
  });

  it("accepts serverless.json without runtime and version, as HubSpot does", () => {
    const result = validateProject(editJson(seed, serverless, (j) => (delete j.runtime, delete j.version)));
    expect(result.diagnostics).toEqual([]);
    expect(result.project?.apps[0]?.serverlessRuntime).toBeUndefined();
  });

  it("needs serverless.json when app.functions has files", () => {
    expect(only(withFile(seed, serverless, undefined))).toMatchObject({
      code: "FILE_NOT_FOUND",
      file: serverless,
      message: expect.stringContaining("no serverless.json"),
    });
  });

  it("refuses serverless.json outside an app's app.functions", () => {
    expect(only(withFile(seed, "src/functions/serverless.json", seed.get(serverless)!))).toMatchObject({
      code: "SERVERLESS_OUTSIDE_APP",
      file: "src/functions/serverless.json",
    });
  });

  it("warns about an unknown runtime", () => {
    expect(
      only(
        editJson(seed, serverless, (j) => (j.runtime = "python3")),
        "warning",
      ),
    ).toMatchObject({ code: "FUNCTION_RUNTIME_UNKNOWN", pointer: "/runtime" });
  });
});

describe("format and version", () => {
  it("refuses *-hsmeta.json files in a legacy project", () => {
    expect(only(withFile(seed, "src/app/app-hsmeta.json", "{}"))).toMatchObject({
      code: "FORMAT_MISMATCH",
      file: "src/app/app-hsmeta.json",
      message: expect.stringContaining("2025.2"),
    });
  });
});
