import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECTS_DIR, SHARED_DEPS_CACHE } from "../../../fixtures/paths";
import { promisify } from "node:util";
import vm from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BuildError, bundleCard, bundleFunction, installDependencies } from "../src/index";

const run = promisify(execFile);
let work: string;
// The seed project is copied out of the repository first, as the server unpacks uploads into a scratch folder:
// esbuild would otherwise find the repository's own tsconfig.json above it.
let SEED_SRC: string;
let SEED_APP: string;
let cardModules: string;
let functionModules: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "sprocket-bundle-"));
  SEED_SRC = join(work, "seed-src");
  SEED_APP = join(SEED_SRC, "app");
  await cp(join(PROJECTS_DIR, "seed-example/src"), SEED_SRC, { recursive: true });
  // Real installs of the seed project's dependencies (react, @hubspot/ui-extensions, @hubspot/api-client 7, axios), in
  // the cache the server's suites share: installing is dependency-cache.test.ts's subject, and each run installed the
  // same four packages afresh here (npm's CPU) while the server's builds had them cached already.
  const [card, fn] = await Promise.all([
    installDependencies({ packageJsonPath: join(SEED_APP, "extensions/package.json"), cacheDir: SHARED_DEPS_CACHE }),
    installDependencies({ packageJsonPath: join(SEED_APP, "app.functions/package.json"), cacheDir: SHARED_DEPS_CACHE }),
  ]);
  cardModules = card.nodeModulesDir!;
  functionModules = fn.nodeModulesDir!;
}, 300_000);
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** Loads a module in a child Node with no node_modules in reach, so anything left unbundled fails to load. */
async function callInChild(bundle: string, body: string): Promise<string> {
  const script = `const fn = require(process.argv[1]); (async () => { ${body} })().then((out) => console.log(JSON.stringify(out)));`;
  const { stdout } = await run(process.execPath, ["-e", script, bundle], { cwd: work, env: { PATH: process.env.PATH } });
  return JSON.parse(stdout.trim());
}

async function writeProjectFile(relativePath: string, content: string): Promise<string> {
  const path = join(work, "project", relativePath);
  await mkdir(join(path, ".."), { recursive: true });
  await writeFile(path, content);
  return path;
}

describe("bundleCard", () => {
  it("builds the seed card as HubSpot does: a minified IIFE on the host's React and RemoteUI globals", async () => {
    const outFile = join(work, "dist/Example.js");
    const card = await bundleCard({
      entry: join(SEED_APP, "extensions/Example.jsx"),
      nodeModulesDir: cardModules,
      outFile,
      mode: "production",
      root: SEED_SRC,
    });
    const code = await readFile(outFile, "utf8");
    // One arrow IIFE, optionally followed by esbuild's collected license comments.
    expect(code).toMatch(/^\(\(\)=>\{[\s\S]*\}\)\(\);\n(\/\*![\s\S]*\*\/\n)?$/);
    expect(code).toContain(".exports=React}");
    expect(code).toContain(".exports=RemoteUI}");
    expect(code).not.toContain("require(");
    expect(code).not.toMatch(/\bexport\b/);
    expect(card.warnings).toEqual([]);
    // A map beside the bundle, for the server to map the card's errors; unlinked, so browsers never fetch it.
    expect(code).not.toContain("sourceMappingURL");
    const map = JSON.parse(await readFile(`${outFile}.map`, "utf8")) as { sources: string[]; sourcesContent: Array<string | null> };
    expect(map.sources).toContain("app/extensions/Example.jsx");
    expect(
      map.sources.filter(
        (source) => !source.startsWith("app/") && !source.startsWith("node_modules/") && !source.startsWith("sprocket-host-global:"),
      ),
    ).toEqual([]);
    expect(map.sourcesContent[map.sources.indexOf("node_modules/@hubspot/ui-extensions/dist/hubspot.js")]).toBeNull();

    expect(card.manifestFile).toBe(join(work, "dist/Example-manifest.json"));
    expect(JSON.parse(await readFile(card.manifestFile, "utf8"))).toEqual(card.manifest);
    expect(card.manifest.entry).toBe("Example.jsx");
    expect(card.manifest.modules.internal).toEqual([{ module: "app/extensions/Example.jsx" }]);
    expect(card.manifest.modules.globals).toEqual(
      expect.arrayContaining([
        { module: "react", global: "React" },
        { module: "@remote-ui/react", global: "RemoteUI" },
      ]),
    );
    const external = card.manifest.modules.external.map((m) => m.module);
    expect(external).toContain("node_modules/@hubspot/ui-extensions/dist/hubspot.js");
    expect(external).toContain("node_modules/react/jsx-runtime.js");
    // React itself and remote-ui stay with the host.
    expect(external.filter((m) => /^node_modules\/(react\/(index\.js|cjs\/react\.)|@remote-ui\/react\/)/.test(m))).toEqual([]);
    const sdk = JSON.parse(await readFile(join(cardModules, "@hubspot/ui-extensions/package.json"), "utf8")) as { version: string };
    expect(card.manifest.installedSdkVersion).toBe(sdk.version);

    // Run it as the worker would: real React 18 and @remote-ui/react as globals, rendered through a remote root.
    const host = createRequire(join(cardModules, "x.js"));
    const React = host("react");
    const RemoteUI = host("@remote-ui/react");
    const { createRemoteRoot } = host("@remote-ui/core");
    let extension: ((api: unknown) => unknown) | undefined;
    const worker: Record<string, unknown> = { React, RemoteUI, __HUBSPOT_EXTENSION_WORKER__: true, logger: console, console };
    worker.extend_V2 = (callback: (api: unknown) => unknown) => (extension = callback);
    worker.self = worker;
    vm.runInNewContext(code, worker);
    expect(extension).toBeTypeOf("function");
    const root = createRemoteRoot(() => {}, {});
    RemoteUI.createRoot(root).render(
      extension!({ context: { user: { firstName: "Ada" } }, runServerlessFunction: async () => ({}), actions: { addAlert() {} } }),
    );
    await root.mount();
    const [flex] = root.children;
    expect(flex.type).toBe("Flex");
    expect(flex.children.map((child: { type: string }) => child.type)).toEqual(["Text", "Input", "Button"]);
    expect(flex.children[0].children.map((text: { text: string }) => text.text).join("")).toBe(
      "Hello Ada, send some text to the serverless function.",
    );
  });

  it("builds a readable development bundle with an inline source map", async () => {
    const outFile = join(work, "dev/Example.js");
    const card = await bundleCard({
      entry: join(SEED_APP, "extensions/Example.jsx"),
      nodeModulesDir: cardModules,
      outFile,
      mode: "development",
    });
    const code = await readFile(outFile, "utf8");
    expect(code).toContain("module.exports = React;");
    expect(code).toContain("//# sourceMappingURL=data:application/json;base64,");
    expect(code).toMatch(/\.createElement\(Greeter, \{/);
    // esbuild names its CommonJS wrapper `function __require()`; no call to a real `require` may remain.
    expect(code).not.toMatch(/(?<![\w$.])require\s*\(/);
    expect(card.manifest.modules.external.map((m) => m.module)).toContain("node_modules/react/cjs/react-jsx-runtime.development.js");
  });

  it("reports a syntax error as file:line:column relative to the root", async () => {
    const entry = await writeProjectFile(
      "app/extensions/Broken.jsx",
      'import React from "react";\n\nexport const Card = () => <Flex><Text>hi</Flex>;\n',
    );
    const error = await bundleCard({
      entry,
      outFile: join(work, "broken/Broken.js"),
      mode: "production",
      root: join(work, "project"),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuildError);
    const { code, problems, message } = error as BuildError;
    expect(code).toBe("BUILD_BUNDLE_FAILED");
    expect(problems[0]).toMatchObject({ file: "app/extensions/Broken.jsx", line: 3, column: 43 });
    expect(problems[0]!.message).toMatch(/Unexpected closing "Flex" tag does not match opening "Text" tag/);
    expect(message).toContain("app/extensions/Broken.jsx:3:43: Unexpected closing");
  });

  it("reports an import that is not installed where it is written", async () => {
    const entry = await writeProjectFile(
      "app/extensions/Missing.jsx",
      'import React from "react";\nimport dayjs from "dayjs";\nexport default dayjs;\n',
    );
    await expect(
      bundleCard({ entry, outFile: join(work, "missing/Missing.js"), mode: "production", root: join(work, "project") }),
    ).rejects.toMatchObject({
      code: "BUILD_BUNDLE_FAILED",
      problems: [
        { file: "app/extensions/Missing.jsx", line: 2, column: 19, message: expect.stringContaining('Could not resolve "dayjs"') },
      ],
    });
  });

  it("bundles an app page like a card, and names it as a page when it fails", async () => {
    const entry = await writeProjectFile(
      "app/pages/Home.tsx",
      'import React from "react";\nhubspot.extend<"home">(() => <Text>Home</Text>);\n',
    );
    const built = await bundleCard({
      entry,
      label: "Page",
      nodeModulesDir: cardModules,
      outFile: join(work, "pages/home.js"),
      mode: "production",
      root: join(work, "project"),
    });
    expect(await readFile(built.outFile, "utf8")).toMatch(/^\(\(\)=>\{/);
    const broken = await writeProjectFile("app/pages/Broken.tsx", "export const Home = () => <Text>hi</Flex>;\n");
    const error = await bundleCard({
      entry: broken,
      label: "Page",
      outFile: join(work, "pages/broken.js"),
      mode: "production",
      root: join(work, "project"),
    }).catch((e: unknown) => e);
    expect((error as BuildError).message).toMatch(/^Page app\/pages\/Broken\.tsx failed to build:/);
  });
});

describe("bundleFunction", () => {
  it("bundles the seed function into one CommonJS file whose main answers", async () => {
    const outFile = join(work, "fn/example-function.js");
    const result = await bundleFunction({
      entry: join(SEED_APP, "app.functions/example-function.js"),
      nodeModulesDir: functionModules,
      outFile,
    });
    expect(result.warnings).toEqual([]);
    expect(await readFile(outFile, "utf8")).toContain("//# sourceMappingURL=example-function.js.map");
    // Named by its path in the project (the root defaults to the entry's folder), never by a server path.
    const [source] = JSON.parse(await readFile(result.sourceMapFile, "utf8")).sources as string[];
    expect(source).toBe("example-function.js");
    const answer = await callInChild(outFile, `return await new Promise((resolve) => fn.main({ parameters: { text: "hi" } }, resolve));`);
    expect(answer).toBe("This is coming from a serverless function! You entered: hi");
  });

  it("bundles npm dependencies, so the runner needs nothing but the file", async () => {
    const entry = await writeProjectFile(
      "app/app.functions/contacts.js",
      `const hubspot = require("@hubspot/api-client");
const axios = require("axios");
exports.main = async () => ({
  client: typeof new hubspot.Client({ accessToken: "x" }).crm.contacts.basicApi.getPage,
  axios: typeof axios.get,
});
`,
    );
    const outFile = join(work, "fn/contacts.js");
    await bundleFunction({ entry, nodeModulesDir: functionModules, outFile, root: join(work, "project") });
    expect(await callInChild(outFile, "return await fn.main({});")).toEqual({ client: "function", axios: "function" });
  }, 120_000);

  it("turns an ES module function into CommonJS with exports.main", async () => {
    const entry = await writeProjectFile(
      "app/app.functions/esm.mjs",
      "export async function main(context) { return { echo: context.parameters.v }; }\n",
    );
    const outFile = join(work, "fn/esm.js");
    await bundleFunction({ entry, outFile });
    expect(await callInChild(outFile, "return await fn.main({ parameters: { v: 7 } });")).toEqual({ echo: 7 });
  });

  it("reports a syntax error as file:line:column", async () => {
    const entry = await writeProjectFile("app/app.functions/bad.js", "exports.main = async () => {\n  return {;\n};\n");
    await expect(bundleFunction({ entry, outFile: join(work, "fn/bad.js"), root: join(work, "project") })).rejects.toMatchObject({
      code: "BUILD_BUNDLE_FAILED",
      problems: [{ file: "app/app.functions/bad.js", line: 2, column: 11 }],
      message: expect.stringContaining("app/app.functions/bad.js:2:11: "),
    });
  });
});
