import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, stat, symlink, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BuildError, bundleCard, bundleFunction } from "../src/index";
import { checkBuildOutputSize, MAX_BUNDLE_BYTES } from "../src/output-limits";

// Each case is an escape tried in the 2026-12 security review (F1): a project file that reaches for a file of the
// server's. A build must fail at the importing line, name it by its project path, and write nothing.
const run = promisify(execFile);
const SECRET = "TOPSECRET-0123456789abcdef";
let work: string;
let project: string;
let secretJson: string;
let secretText: string;
let nodeModules: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "sprocket-confine-"));
  project = join(work, "project");
  secretJson = join(work, "data", "bootstrap.json");
  secretText = join(work, "data", "secret.key");
  await mkdir(join(work, "data"));
  await writeFile(secretJson, JSON.stringify({ password: SECRET }));
  await writeFile(secretText, SECRET);
  // A tsconfig above the project, as the repository's is above a project unpacked inside it.
  await writeFile(join(work, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true } }));
  // An installed dependency, as the dependency cache lays it out.
  nodeModules = join(work, "cache", "abc123", "node_modules");
  await mkdir(join(nodeModules, "greeting"), { recursive: true });
  await writeFile(join(nodeModules, "greeting", "package.json"), JSON.stringify({ name: "greeting", version: "1.0.0", main: "index.js" }));
  await writeFile(join(nodeModules, "greeting", "index.js"), `exports.greet = (n) => "hello " + n; // DEPENDENCY-SOURCE\n`);
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function projectFile(relativePath: string, content: string): Promise<string> {
  const path = join(project, relativePath);
  await mkdir(join(path, ".."), { recursive: true });
  await writeFile(path, content);
  return path;
}

/** Bundles `source` as src/<name>.js and returns the BuildError, checking that no bundle was written. */
async function refused(name: string, source: string): Promise<BuildError> {
  const entry = await projectFile(`src/${name}.js`, source);
  const outFile = join(work, "out", `${name}.js`);
  const error = await bundleFunction({ entry, outFile, root: project, nodeModulesDir: nodeModules }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(BuildError);
  expect(await stat(outFile).catch(() => null)).toBeNull();
  const buildError = error as BuildError;
  // The import is quoted as written; nothing else of the server's paths appears.
  expect(buildError.message.replaceAll(secretJson, "").replaceAll(secretText, "")).not.toContain(work);
  expect(buildError.message).not.toContain(SECRET);
  return buildError;
}

describe("a build reads only the project and its node_modules", () => {
  it("refuses an absolute import, at the importing file and line", async () => {
    const error = await refused("absolute", `import boot from "${secretJson}";\nexport const main = async () => boot;\n`);
    expect(error.code).toBe("BUILD_BUNDLE_FAILED");
    expect(error.problems).toEqual([
      expect.objectContaining({ file: "src/absolute.js", line: 1, column: 18, message: expect.stringContaining("outside the project") }),
    ]);
    expect(error.message).toContain("src/absolute.js:1:18: ");
  });

  it("refuses an absolute require", async () => {
    const error = await refused("required", `exports.main = async () => require("${secretJson}");\n`);
    expect(error.problems[0]).toMatchObject({ file: "src/required.js", line: 1 });
  });

  it("refuses a ../ path out of the project", async () => {
    const error = await refused("dotdot", `const boot = require("../../data/bootstrap.json");\nexports.main = async () => boot;\n`);
    expect(error.problems[0]).toMatchObject({
      file: "src/dotdot.js",
      line: 1,
      column: 22,
      message: expect.stringContaining("outside the project"),
    });
  });

  it("refuses a symlink in the project that points out of it, to a file or a folder", async () => {
    await mkdir(join(project, "src"), { recursive: true });
    await symlink(secretJson, join(project, "src", "linked.json"));
    await symlink(join(work, "data"), join(project, "src", "linked-dir"));
    const file = await refused("symlink", `const boot = require("./linked.json");\nexports.main = async () => boot;\n`);
    expect(file.problems[0]).toMatchObject({ file: "src/symlink.js", line: 1 });
    const folder = await refused("symlink-dir", `\nimport key from "./linked-dir/bootstrap.json";\nexport const main = () => key;\n`);
    expect(folder.problems[0]).toMatchObject({ file: "src/symlink-dir.js", line: 2 });
  });

  it("refuses an entry point that is a symlink out of the project", async () => {
    const entry = join(project, "src", "entry-link.js");
    await writeFile(join(work, "data", "outside.js"), `exports.main = () => ${JSON.stringify(SECRET)};\n`);
    await symlink(join(work, "data", "outside.js"), entry);
    const error = await bundleFunction({ entry, outFile: join(work, "out", "entry-link.js"), root: project }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuildError);
    expect((error as BuildError).message).not.toContain(SECRET);
  });

  it.each(["text", "bytes", "file"])('refuses an import with { type: "%s" }, even of a project file', async (type) => {
    await projectFile("src/notes.txt", "inside the project");
    const error = await refused(
      `attr-${type}`,
      `import key from "${secretText}" with { type: "${type}" };\nimport notes from "./notes.txt" with { type: "${type}" };\nexport const main = () => [key, notes];\n`,
    );
    expect(error.problems.map((p) => [p.file, p.line])).toEqual([
      [`src/attr-${type}.js`, 1],
      [`src/attr-${type}.js`, 2],
    ]);
    expect(error.problems[0]!.message).toContain(`Import attribute { type: "${type}" } is not supported`);
  });

  it('still bundles JSON, with or without { type: "json" }, and npm dependencies', async () => {
    await projectFile("src/config.json", JSON.stringify({ colour: "green" }));
    const entry = await projectFile(
      "src/fine.mjs",
      `import a from "./config.json" with { type: "json" };\nimport b from "./config.json";\nimport { greet } from "greeting";\nexport const main = () => [a.colour, b.colour, greet("ada")];\n`,
    );
    const outFile = join(work, "out", "fine.js");
    await bundleFunction({ entry, outFile, root: project, nodeModulesDir: nodeModules });
    const { stdout } = await run(process.execPath, ["-e", `console.log(JSON.stringify(require(process.argv[1]).main()))`, outFile]);
    expect(JSON.parse(stdout)).toEqual(["green", "green", "hello ada"]);
  });

  it("applies to cards too", async () => {
    const entry = await projectFile(
      "src/Card.jsx",
      `import React from "react";\nimport boot from "${secretJson}";\nexport default () => <p>{boot.password}</p>;\n`,
    );
    const outFile = join(work, "out", "Card.js");
    const error = await bundleCard({ entry, outFile, root: project, mode: "production" }).catch((e: unknown) => e);
    expect((error as BuildError).problems[0]).toMatchObject({
      file: "src/Card.jsx",
      line: 2,
      message: expect.stringContaining("outside the project"),
    });
    expect(await stat(outFile).catch(() => null)).toBeNull();
  });
});

describe("what a build writes", () => {
  it("caps each bundle's size, and writes nothing past the cap", async () => {
    // Each file is under the cap; the bundle of all three is not.
    const chunk = "x".repeat(Math.ceil(MAX_BUNDLE_BYTES / 3));
    for (const n of [1, 2, 3]) await projectFile(`big/part${n}.json`, JSON.stringify(`${n}${chunk}`));
    const entry = await projectFile(
      "src/Big.jsx",
      `import React from "react";\nconst parts = [1, 2, 3].map((n) => require("../big/part" + n + ".json"));\nexport default () => <p>{parts.join("")}</p>;\n`,
    );
    const outFile = join(work, "out", "Big.js");
    const error = await bundleCard({ entry, outFile, root: project, mode: "production" }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "BUILD_OUTPUT_TOO_LARGE",
      message: expect.stringMatching(/^Card src\/Big\.jsx: Big\.js is 2\d\.\d MB, more than the 20 MB a build may produce/),
    });
    expect(await stat(outFile).catch(() => null)).toBeNull();
  });

  it("writes source maps that name only project paths and carry only the project's sources", async () => {
    const entry = await projectFile(
      "src/app.functions/mapped.js",
      `const { greet } = require("greeting");\nexports.main = () => greet("map");\n`,
    );
    const outFile = join(work, "out", "mapped.js");
    const result = await bundleFunction({ entry, outFile, root: project, nodeModulesDir: nodeModules });
    const mapText = await readFile(result.sourceMapFile, "utf8");
    const map = JSON.parse(mapText) as { sources: string[]; sourcesContent: Array<string | null> };
    expect(map.sources).toEqual(["node_modules/greeting/index.js", "src/app.functions/mapped.js"]);
    expect(map.sourcesContent).toEqual([null, expect.stringContaining('greet("map")')]);
    expect(mapText).not.toContain(work);
    expect(mapText).not.toContain("DEPENDENCY-SOURCE");
    expect(mapText).not.toContain("abc123");
  });

  it("does the same for a card's inline source map", async () => {
    const entry = await projectFile(
      "src/Dev.jsx",
      `import React from "react";\nimport { greet } from "greeting";\nexport default () => <p>{greet("card")}</p>;\n`,
    );
    const outFile = join(work, "out", "Dev.js");
    await bundleCard({ entry, outFile, root: project, nodeModulesDir: nodeModules, mode: "development" });
    const code = await readFile(outFile, "utf8");
    const inline = /\/\/# sourceMappingURL=data:application\/json;base64,(\S+)\n$/.exec(code);
    expect(inline).not.toBeNull();
    const map = JSON.parse(Buffer.from(inline![1]!, "base64").toString("utf8")) as {
      sources: string[];
      sourcesContent: Array<string | null>;
    };
    expect(map.sources).toContain("src/Dev.jsx");
    expect(map.sources).toContain("node_modules/greeting/index.js");
    expect(map.sourcesContent[map.sources.indexOf("node_modules/greeting/index.js")]).toBeNull();
    expect(JSON.stringify(map)).not.toContain(work);
  });
});

describe("tsconfig", () => {
  it("ignores a tsconfig.json above the project", async () => {
    const entry = await projectFile("plain/fn.js", "exports.main = () => 1;\n");
    const outFile = join(work, "out", "plain.js");
    await bundleFunction({ entry, outFile, root: join(project, "plain") });
    expect(await readFile(outFile, "utf8")).not.toMatch(/^"use strict"/);
  });

  it("uses the project's own tsconfig.json, comments, trailing commas and relative extends included", async () => {
    const root = join(project, "typed");
    await projectFile("typed/base.json", `{ "compilerOptions": { "strict": true, }, }`);
    await projectFile("typed/tsconfig.json", `// the project's own\n{ "extends": "./base.json", /* no options of its own */ }`);
    const entry = await projectFile("typed/src/fn.ts", "export const main = (): number => 1;\n");
    const outFile = join(work, "out", "typed.js");
    await bundleFunction({ entry, outFile, root });
    expect(await readFile(outFile, "utf8")).toMatch(/^"use strict"/);
  });

  it("refuses a tsconfig that extends a file outside the project", async () => {
    const root = join(project, "extends-out");
    await projectFile("extends-out/tsconfig.json", JSON.stringify({ extends: "../../tsconfig.json" }));
    const entry = await projectFile("extends-out/fn.js", "exports.main = () => 1;\n");
    await expect(bundleFunction({ entry, outFile: join(work, "out", "extends-out.js"), root })).rejects.toMatchObject({
      code: "BUILD_BUNDLE_FAILED",
      message: 'tsconfig.json: "extends" points outside the project.',
    });
  });
});

describe("a build's total output", () => {
  it("is capped at 100 MB across its bundles", async () => {
    const out = join(work, "many-bundles");
    await mkdir(join(out, "apps", "a"), { recursive: true });
    // Sparse files: sizes without the bytes.
    for (const n of [1, 2, 3, 4, 5]) {
      const bundle = join(out, "apps", "a", `f${n}.js`);
      await writeFile(bundle, "");
      await truncate(bundle, MAX_BUNDLE_BYTES - 1);
    }
    await expect(checkBuildOutputSize(out)).resolves.toBeUndefined();
    await writeFile(join(out, "manifest.json"), "x".repeat(1024 * 1024));
    await expect(checkBuildOutputSize(out)).rejects.toMatchObject({
      code: "BUILD_OUTPUT_TOO_LARGE",
      message: expect.stringMatching(/^The build's output is 101\.0 MB, more than the 100 MB/),
    });
  });
});
