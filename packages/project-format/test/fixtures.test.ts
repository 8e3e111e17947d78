import { readdir, readFile } from "node:fs/promises";
import { hasErrors, loadProjectFromDir, validateProject } from "@sprocket/project-format";
import { describe, expect, it } from "vitest";
import { fixturesDir } from "./fixture-files";

const expectedCode: Record<string, string> = {
  "bad-json": "JSON_SYNTAX",
  "bad-location": "CARD_LOCATION_INVALID",
  "card-file-missing": "FILE_NOT_FOUND",
  "function-file-missing": "FILE_NOT_FOUND",
  "missing-uid": "FIELD_REQUIRED",
  "unknown-scope": "APP_SCOPE_UNKNOWN",
};
/** Broken fixtures that validate cleanly and fail only when built (their EXPECTED.txt says how; the builder's and server's suites check it). */
const failsAtBuild = ["dependency-not-found"];

describe("sample projects", () => {
  it("accepts seed-example and models its app, card and function", async () => {
    const result = validateProject(await loadProjectFromDir(`${fixturesDir}/seed-example`));
    expect(result.diagnostics).toEqual([]);
    expect(result.project).toEqual({
      name: "seed-example",
      platformVersion: "2023.2",
      legacy: true,
      srcDir: "src",
      apps: [
        {
          uid: "unique-app-name",
          name: "Get started App with React",
          description: expect.stringContaining("private app"),
          scopes: ["crm.objects.contacts.read", "crm.objects.contacts.write"],
          optionalScopes: [],
          permittedFetchUrls: [],
          public: false,
          rootDir: "src/app",
          configFile: "src/app/app.json",
          cards: [
            {
              uid: "example-card",
              title: "Example card",
              location: "crm.record.tab",
              objectTypes: [{ name: "contacts", objectTypeId: "0-1" }],
              entryFile: "src/app/extensions/Example.jsx",
              configFile: "src/app/extensions/example-card.json",
              packageDir: "src/app/extensions",
            },
          ],
          extensions: [],
          features: [],
          functions: [
            {
              name: "myFunc",
              file: "src/app/app.functions/example-function.js",
              configFile: "src/app/app.functions/serverless.json",
              pointer: "/appFunctions/myFunc",
              secrets: [],
            },
          ],
          functionsDir: "src/app/app.functions",
          functionsPackageJson: "src/app/app.functions/package.json",
          serverlessRuntime: "nodejs18.x",
        },
      ],
    });
  });

  it("accepts minimal-async (platform 2025.1, deprecated: a warning) with its secret and sidebar card", async () => {
    const { project, diagnostics } = validateProject(await loadProjectFromDir(`${fixturesDir}/minimal-async`));
    expect(diagnostics).toEqual([
      expect.objectContaining({
        severity: "warning",
        code: "PROJECT_PLATFORM_VERSION_DEPRECATED",
        file: "hsproject.json",
        pointer: "/platformVersion",
        line: 1,
      }),
    ]);
    const app = project!.apps[0]!;
    expect(app.cards[0]).toMatchObject({
      location: "crm.record.sidebar",
      objectTypes: [{ name: "companies", objectTypeId: "0-2" }],
      packageDir: "src/app/cards",
    });
    expect(app.functions).toEqual([
      {
        name: "summarize",
        file: "src/app/app.functions/summarize.js",
        configFile: "src/app/app.functions/serverless.json",
        pointer: "/appFunctions/summarize",
        secrets: ["GREETING"],
      },
    ]);
  });

  it("refuses seed-verbatim at /scopes/0 of src/app/app.json", async () => {
    const { project, diagnostics } = validateProject(await loadProjectFromDir(`${fixturesDir}/seed-verbatim`));
    expect(project).toBeUndefined();
    expect(diagnostics).toEqual([
      expect.objectContaining({
        severity: "error",
        file: "src/app/app.json",
        pointer: "/scopes/0",
        line: 1,
        column: 263,
        message: expect.stringContaining("empty string"),
      }),
    ]);
  });

  for (const name of Object.keys(expectedCode)) {
    it(`broken/${name}: says exactly what EXPECTED.txt says`, async () => {
      const dir = `${fixturesDir}/broken/${name}`;
      const expected = (await readFile(`${dir}/EXPECTED.txt`, "utf8")).trim();
      const { project, diagnostics } = validateProject(await loadProjectFromDir(dir));
      expect(project).toBeUndefined();
      expect(hasErrors(diagnostics)).toBe(true);
      expect(diagnostics).toHaveLength(1);
      const d = diagnostics[0]!;
      expect(d.code).toBe(expectedCode[name]);
      expect(d.file).toBe(expected.split(/[\s:]/)[0]);
      const pointer = /(?<=\s)\/[A-Za-z0-9_/]+/.exec(expected)?.[0];
      const lineCol = /line (\d+), column (\d+)/.exec(expected);
      if (pointer) expect(d.pointer).toBe(pointer);
      if (lineCol) expect([d.line, d.column]).toEqual([Number(lineCol[1]), Number(lineCol[2])]);
      expect(pointer ?? lineCol).toBeTruthy();
      // The facts EXPECTED.txt quotes must all be in the message.
      for (const [, quoted] of expected.matchAll(/'([^']+)'/g)) expect(d.message).toContain(quoted);
      const gist = /\(([^)]*line \d+[^)]*)\)/.exec(expected)?.[1];
      if (gist) expect(d.message).toContain(gist);
      expect(d.hint).toBeTruthy();
    });
  }

  for (const name of failsAtBuild) {
    it(`broken/${name}: validates cleanly, since only its build can fail`, async () => {
      expect(hasErrors(validateProject(await loadProjectFromDir(`${fixturesDir}/broken/${name}`)).diagnostics)).toBe(false);
    });
  }

  it("covers every broken fixture", async () => {
    expect((await readdir(`${fixturesDir}/broken`)).sort()).toEqual([...Object.keys(expectedCode), ...failsAtBuild].sort());
  });
});

// What HubSpot accepts and a stricter validator refused, distilled from public HubSpot projects (issue #20).
describe("projects HubSpot accepts", () => {
  it("hubspot-lenient: no platformVersion, srcDir ./src, no runtime, no functions package.json, no card uid, a newer scope", async () => {
    const { project, diagnostics } = validateProject(await loadProjectFromDir(`${fixturesDir}/hubspot-lenient`));
    expect(hasErrors(diagnostics)).toBe(false);
    expect(diagnostics.map((d) => [d.code, d.file, d.pointer])).toEqual([
      ["PROJECT_PLATFORM_VERSION_MISSING", "hsproject.json", "/platformVersion"],
      ["APP_SCOPE_UNKNOWN", "src/app/app.json", "/scopes/1"],
    ]);
    expect(project).toMatchObject({ platformVersion: "2023.1", srcDir: "src" });
    const app = project!.apps[0]!;
    // The card's uid comes from its file name, so it is the same on every upload.
    expect(app.cards.map((c) => c.uid)).toEqual(["summary-card"]);
    expect(app.scopes).toEqual(["crm.objects.companies.read", "crm.objects.future_things.read"]);
    expect(app.functionsPackageJson).toBeUndefined();
    expect(app.serverlessRuntime).toBeUndefined();
  });

  it('src-dot: srcDir "." puts the apps beside hsproject.json', async () => {
    const { project, diagnostics } = validateProject(await loadProjectFromDir(`${fixturesDir}/src-dot`));
    expect(diagnostics.map((d) => d.code)).toEqual(["PROJECT_PLATFORM_VERSION_DEPRECATED"]);
    expect(project).toMatchObject({
      srcDir: "",
      apps: [{ uid: "src-dot-app", configFile: "app/app.json", cards: [{ entryFile: "app/cards/Summary.jsx" }] }],
    });
  });

  it("empty-project: no components is an empty project with a warning", async () => {
    const { project, diagnostics } = validateProject(await loadProjectFromDir(`${fixturesDir}/empty-project`));
    expect(diagnostics).toEqual([
      expect.objectContaining({ severity: "warning", code: "PROJECT_NO_APPS", file: "hsproject.json", pointer: "/srcDir" }),
      expect.objectContaining({
        severity: "warning",
        code: "PROJECT_PLATFORM_VERSION_DEPRECATED",
        file: "hsproject.json",
        pointer: "/platformVersion",
      }),
    ]);
    expect(project?.apps).toEqual([]);
  });
});
