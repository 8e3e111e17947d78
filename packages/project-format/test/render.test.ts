import { diagnosticsToJson, hasErrors, loadProjectFromDir, renderDiagnostics, validateProject } from "@sprocket/project-format";
import { describe, expect, it } from "vitest";
import { fixturesDir } from "./fixture-files";

describe("renderDiagnostics", () => {
  it("prints file:line:col, severity, code, the source line with a caret under the column, the pointer and the hint", async () => {
    const files = await loadProjectFromDir(`${fixturesDir}/broken/bad-json`);
    const text = renderDiagnostics(validateProject(files).diagnostics, files);
    expect(text).toBe(
      [
        "src/app/app.json:6:3 error JSON_SYNTAX JSON syntax error: a comma is missing after line 5",
        ' 6 |   "extensions": {}',
        "   |   ^",
        "  hint: Separate the members of an object or array with commas.",
        "",
        "1 error, 0 warnings",
        "",
      ].join("\n"),
    );
  });

  it("cuts long lines around the column and keeps the caret under it", async () => {
    const files = await loadProjectFromDir(`${fixturesDir}/broken/unknown-scope`);
    const lines = renderDiagnostics(validateProject(files).diagnostics, files).split("\n");
    expect(lines[0]).toBe(
      "src/app/app.json:1:76 error APP_SCOPE_UNKNOWN unknown scope 'crm.objects.contact.read'; did you mean 'crm.objects.contacts.read'?",
    );
    expect(lines[1]!.length).toBeLessThan(110);
    const caret = lines[2]!.indexOf("^");
    expect(lines[1]!.slice(caret)).toMatch(/^"crm\.objects\.contact\.read"/);
    expect(lines).toContain("  at /scopes/0");
  });

  it("colours only when asked", async () => {
    const files = await loadProjectFromDir(`${fixturesDir}/broken/missing-uid`);
    const { diagnostics } = validateProject(files);
    expect(renderDiagnostics(diagnostics, files)).not.toContain("\u001b[");
    expect(renderDiagnostics(diagnostics, files, { color: true })).toContain("\u001b[31m");
  });

  it("renders a diagnostic about a file that does not exist without a source line", () => {
    const diagnostics = validateProject(new Map()).diagnostics;
    expect(renderDiagnostics(diagnostics, new Map())).toMatch(
      /^hsproject\.json:1:1 error PROJECT_CONFIG_MISSING .*\n {2}hint: Create hsproject\.json/,
    );
  });

  it("says so when there is nothing to report", () => {
    expect(renderDiagnostics([], new Map())).toBe("no problems found\n");
  });
});

describe("diagnosticsToJson and hasErrors", () => {
  it("gives tools counts and the raw diagnostics", async () => {
    const files = await loadProjectFromDir(`${fixturesDir}/broken/bad-location`);
    const { diagnostics } = validateProject(files);
    const json = JSON.parse(JSON.stringify(diagnosticsToJson(diagnostics)));
    expect(json).toEqual({
      ok: false,
      errors: 1,
      warnings: 0,
      diagnostics: [
        {
          severity: "error",
          code: "CARD_LOCATION_INVALID",
          file: "src/app/extensions/card.json",
          pointer: "/data/location",
          line: 1,
          column: 77,
          message: expect.any(String),
          hint: expect.any(String),
        },
      ],
    });
    expect(hasErrors(diagnostics)).toBe(true);
    expect(hasErrors([{ ...diagnostics[0]!, severity: "warning" }])).toBe(false);
  });
});
