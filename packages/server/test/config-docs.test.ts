import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SETTING_NAMES } from "../src/config-schema";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");

/** The setting names in the table rows of one section of a Markdown file. */
function tableSettings(file: string, heading: string): Set<string> {
  const text = read(file);
  const start = text.indexOf(`\n${heading}\n`);
  expect(start, `${file} has a "${heading}" section`).toBeGreaterThanOrEqual(0);
  const next = text.indexOf("\n## ", start + heading.length + 1);
  const rows = text
    .slice(start, next === -1 ? undefined : next)
    .split("\n")
    .filter((l) => l.startsWith("|"));
  return new Set(rows.flatMap((row) => row.match(/SPROCKET_[A-Z_]+/g) ?? []));
}

// The CLI's own variables (packages/cli/src/config-file.ts), and the test suite's (its engine switch), are documented
// where they are used.
const NOT_SERVER_SETTINGS = new Set(["SPROCKET_CONFIG_PATH", "SPROCKET_ACCOUNT", "SPROCKET_TEST_DB"]);

describe("the settings documentation", () => {
  it.each([
    ["README.md", "## Configuration"],
    ["docs/operations.md", "## Settings"],
  ])("%s lists every setting of the schema in its table", (file, heading) => {
    const documented = tableSettings(file, heading);
    expect(SETTING_NAMES.filter((name) => !documented.has(name))).toEqual([]);
  });

  it("names no setting the server does not read", () => {
    const docs = [
      "README.md",
      ...fs
        .readdirSync(path.join(ROOT, "docs"), { recursive: true, encoding: "utf8" })
        .filter((f) => f.endsWith(".md"))
        .map((f) => `docs/${f}`),
    ];
    const known = new Set<string>([...SETTING_NAMES, ...NOT_SERVER_SETTINGS]);
    const unknown = docs.flatMap((file) =>
      (read(file).match(/SPROCKET_[A-Z_]+/g) ?? []).filter((name) => !known.has(name)).map((name) => `${file}: ${name}`),
    );
    expect(unknown).toEqual([]);
  });
});
