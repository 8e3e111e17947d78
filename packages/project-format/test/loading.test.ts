import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadProjectFromDir, projectFilesFromEntries, validateSource } from "@sprocket/project-format";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixture } from "./fixture-files";

describe("loadProjectFromDir", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "project-format-"));
    const files: Record<string, string> = {
      "hsproject.json": "{}",
      "src/app/app.json": "{}",
      "src/app/node_modules/react/index.js": "",
      "src/app/.env": "SECRET=1",
      "src/app/npm-debug.log": "",
      "hubspot.config.yml": "",
      ".hsignore": "drafts/\n*.bak\n",
      "src/app/drafts/x.json": "{}",
      "src/app/old.bak": "",
      "src/.git/config": "",
    };
    for (const [path, content] of Object.entries(files)) {
      await mkdir(join(dir, path, ".."), { recursive: true });
      await writeFile(join(dir, path), content);
    }
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("reads what HubSpot's CLI uploads and leaves out node_modules, dotfiles, logs, config and .hsignore matches", async () => {
    expect([...(await loadProjectFromDir(dir)).keys()].sort()).toEqual(["hsproject.json", "src/app/app.json"]);
  });

  it("refuses a path that is not a folder", async () => {
    await expect(loadProjectFromDir(join(dir, "hsproject.json"))).rejects.toThrow("is not a folder");
    await expect(loadProjectFromDir(join(dir, "nowhere"))).rejects.toThrow("ENOENT");
  });
});

describe("projectFilesFromEntries", () => {
  it("normalises paths and drops folders and ignored entries", () => {
    const files = projectFilesFromEntries([
      ["./app/app.json", "{}"],
      ["app\\cards\\card.json", "{}"],
      ["app/", ""],
      ["app/node_modules/x.js", ""],
      [".env", ""],
    ]);
    expect([...files.keys()]).toEqual(["app/app.json", "app/cards/card.json"]);
  });

  it("refuses entries that climb out of the project", () => {
    expect(() => projectFilesFromEntries([["../evil.js", ""]])).toThrow("outside the project");
    expect(() => projectFilesFromEntries([["/etc/passwd", ""]])).toThrow("outside the project");
  });
});

describe("validateSource (an uploaded zip: srcDir contents, no hsproject.json)", () => {
  it("validates the source tree and reports paths under srcDir when it is known", async () => {
    const seed = await fixture("seed-verbatim");
    const zip = new Map([...seed].filter(([p]) => p.startsWith("src/")).map(([p, c]) => [p.slice(4), new TextEncoder().encode(c)]));
    const withSrc = validateSource(zip, { platformVersion: "2023.2", projectName: "seed-verbatim", srcDir: "src" });
    expect(withSrc.diagnostics).toEqual([expect.objectContaining({ file: "src/app/app.json", pointer: "/scopes/0" })]);
    const bare = validateSource(zip, { platformVersion: "2023.2", projectName: "seed-verbatim" });
    expect(bare.diagnostics).toEqual([expect.objectContaining({ file: "app/app.json", pointer: "/scopes/0" })]);
  });

  it("models paths relative to the zip root when no srcDir is given", async () => {
    const seed = await fixture("seed-example");
    const zip = new Map([...seed].filter(([p]) => p.startsWith("src/")).map(([p, c]) => [p.slice(4), c]));
    const { project } = validateSource(zip, { platformVersion: "2023.2", projectName: "seed-example" });
    expect(project).toMatchObject({
      name: "seed-example",
      srcDir: "",
      apps: [{ rootDir: "app", cards: [{ entryFile: "app/extensions/Example.jsx" }] }],
    });
  });

  it("refuses JSON nested 100,000 levels deep with a syntax diagnostic instead of overflowing the stack", async () => {
    const seed = await fixture("seed-example");
    const zip = new Map([...seed].filter(([p]) => p.startsWith("src/")).map(([p, c]) => [p.slice(4), c]));
    zip.set("app/app.json", `{"name": ${"[".repeat(100_000)}${"]".repeat(100_000)}}`);
    const { diagnostics } = validateSource(zip, { platformVersion: "2023.2", projectName: "deep" });
    expect(diagnostics).toEqual([
      expect.objectContaining({
        code: "JSON_SYNTAX",
        file: "app/app.json",
        line: 1,
        column: 521,
        message: expect.stringContaining("nested more than 512 levels"),
      }),
    ]);
  });

  it("refuses an unknown platform version, an empty name and an empty upload", () => {
    expect(validateSource(new Map(), { platformVersion: "2024.1", projectName: "x" }).diagnostics).toEqual([
      expect.objectContaining({ code: "PROJECT_PLATFORM_VERSION_UNKNOWN", file: "hsproject.json" }),
    ]);
    expect(validateSource(new Map(), { platformVersion: "2023.2", projectName: " " }).diagnostics).toEqual([
      expect.objectContaining({ code: "FIELD_EMPTY", pointer: "/name" }),
    ]);
    expect(validateSource(new Map(), { platformVersion: "2025.2", projectName: "x" }).diagnostics).toEqual([
      expect.objectContaining({ code: "PROJECT_NO_APPS", message: expect.stringContaining("*-hsmeta.json") }),
    ]);
  });
});
