import { execFile } from "node:child_process";
import { chmod, chown, cp, mkdir, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECTS_DIR } from "../../../fixtures/paths";
import { BuildError, bundleFunction, installDependencies } from "../src/index";

// F1's third fix: where the server runs as root, builds run under a uid of their own, which cannot read what is
// private to root (the data dir, 0700/0600) even where the confinement plugin would let a path through.
const run = promisify(execFile);
const BUILD = { uid: 64990, gid: 64990 };
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "sprocket-sandbox-"));
  await chmod(work, 0o755);
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe.runIf(process.getuid?.() === 0)("a build under its own uid", () => {
  it("bundles a function, writing as the build identity", async () => {
    const project = join(work, "ok");
    await mkdir(join(project, "src"), { recursive: true });
    await writeFile(join(project, "src", "fn.js"), "exports.main = () => 'sandboxed';\n");
    const out = join(work, "ok-out");
    await mkdir(out);
    await chown(out, BUILD.uid, BUILD.gid);
    const result = await bundleFunction({ entry: join(project, "src", "fn.js"), outFile: join(out, "fn.js"), root: project, runAs: BUILD });
    expect((await stat(result.outFile)).uid).toBe(BUILD.uid);
    const { stdout } = await run(process.execPath, ["-e", "console.log(require(process.argv[1]).main())", result.outFile]);
    expect(stdout.trim()).toBe("sandboxed");
  });

  it("cannot read a root-only file, even one inside the project", async () => {
    const project = join(work, "private");
    await mkdir(join(project, "src"), { recursive: true });
    await writeFile(join(project, "src", "fn.js"), 'exports.main = () => require("./secret.json");\n');
    await writeFile(join(project, "src", "secret.json"), JSON.stringify({ key: "ROOT-ONLY" }), { mode: 0o600 });
    const out = join(work, "private-out");
    await mkdir(out);
    await chown(out, BUILD.uid, BUILD.gid);
    const error = await bundleFunction({
      entry: join(project, "src", "fn.js"),
      outFile: join(out, "fn.js"),
      root: project,
      runAs: BUILD,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuildError);
    expect((error as BuildError).problems[0]).toMatchObject({ file: "src/fn.js", line: 1 });
    expect((error as BuildError).message).not.toContain("ROOT-ONLY");
    expect(await readdir(out)).toEqual([]);
  });

  it("runs npm as the build identity and hands the installed tree to the server", async () => {
    const dir = join(work, "deps");
    await mkdir(dir);
    await writeFile(join(dir, "package.json"), JSON.stringify({ name: "fns", version: "1.0.0", dependencies: { "is-number": "7.0.0" } }));
    const cacheDir = join(work, "cache");
    const installed = await installDependencies({ packageJsonPath: join(dir, "package.json"), cacheDir, runAs: BUILD });
    expect(installed.cached).toBe(false);
    const info = await stat(join(installed.nodeModulesDir!, "is-number", "package.json"));
    expect(info.uid).toBe(0);
    // npm's cache is the build identity's, not root's ~/.npm.
    expect((await stat(join(cacheDir, `.npm-home-${BUILD.uid}`))).uid).toBe(BUILD.uid);
  }, 120_000);

  it("falls back from npm ci to npm install as the build identity, and bundles an npm workspace from the project", async () => {
    const project = join(work, "fallback");
    await cp(join(PROJECTS_DIR, "deps-lock-out-of-step", "src"), join(project, "out-of-step"), { recursive: true });
    await cp(join(PROJECTS_DIR, "deps-npm-workspace", "src"), join(project, "workspace"), { recursive: true });
    // A cache of its own: the shared one may already hold these dependency sets, and then npm would not run.
    const cacheDir = join(work, "fallback-cache");
    const functions = (name: string) => join(project, name, "app", "app.functions");
    const install = (name: string) =>
      installDependencies({
        packageJsonPath: join(functions(name), "package.json"),
        lockfilePath: join(functions(name), "package-lock.json"),
        cacheDir,
        root: join(project, name),
        runAs: BUILD,
      });
    const outOfStep = await install("out-of-step");
    expect(outOfStep).toMatchObject({ cached: false, warnings: [expect.stringContaining("package-lock.json is out of step")] });
    expect((await stat(join(outOfStep.nodeModulesDir!, "is-odd", "package.json"))).uid).toBe(0);

    const workspace = await install("workspace");
    const out = join(work, "fallback-out");
    await mkdir(out);
    await chown(out, BUILD.uid, BUILD.gid);
    const bundled = await bundleFunction({
      entry: join(functions("workspace"), "check.js"),
      nodeModulesDir: workspace.nodeModulesDir,
      workspaces: workspace.workspaces,
      outFile: join(out, "check.js"),
      root: join(project, "workspace"),
      runAs: BUILD,
    });
    const { stdout } = await run(process.execPath, [
      "-e",
      "require(process.argv[1]).main({ parameters: { value: 2 } }).then((r) => console.log(r.greeting))",
      bundled.outFile,
    ]);
    expect(stdout.trim()).toBe("Hello, number 2");
  }, 120_000);
});
