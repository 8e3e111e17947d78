import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BuildError, installDependencies } from "../src/index";

const run = promisify(execFile);
// Proves a call did not start npm: it would fail to spawn this.
const NO_NPM = "/nonexistent/npm";

let root: string;
let cacheDir: string;

async function project(name: string, manifest: object, lockfile?: string): Promise<{ packageJsonPath: string; lockfilePath: string }> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  const packageJsonPath = join(dir, "package.json");
  await writeFile(packageJsonPath, JSON.stringify(manifest, null, 2));
  const lockfilePath = join(dir, "package-lock.json");
  if (lockfile !== undefined) await writeFile(lockfilePath, lockfile);
  return { packageJsonPath, lockfilePath };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "sprocket-deps-"));
  cacheDir = join(root, "cache");
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("installDependencies", () => {
  it("kills npm when its signal aborts (a stopping server) and caches nothing", async () => {
    const target = await project("aborted", { name: "fns", version: "1.0.0", dependencies: { "is-even": "1.0.0" } });
    const controller = new AbortController();
    const stopping = new Error("The server is stopping.");
    const install = installDependencies({ ...target, cacheDir, signal: controller.signal });
    setTimeout(() => controller.abort(stopping), 50);
    await expect(install).rejects.toBe(stopping);
    const left = await readdir(cacheDir).catch(() => [] as string[]);
    expect(left.filter((name) => !name.startsWith("."))).toEqual([]);
  });

  it("installs with npm once, then serves the same dependency set from the cache", async () => {
    const first = await project("one", {
      name: "fns",
      version: "1.0.0",
      dependencies: { "is-number": "7.0.0" },
      devDependencies: { "is-odd": "3.0.1" },
    });
    const installed = await installDependencies({ ...first, cacheDir });
    expect(installed.cached).toBe(false);
    expect(installed.nodeModulesDir).toBe(join(cacheDir, installed.cacheKey, "node_modules"));
    const isNumber = JSON.parse(await readFile(join(installed.nodeModulesDir!, "is-number/package.json"), "utf8"));
    expect(isNumber.version).toBe("7.0.0");
    expect(await readdir(installed.nodeModulesDir!)).not.toContain("is-odd");

    // Same dependencies, other name, scripts and key order: a hit, and npm is never started.
    const second = await project("two", { scripts: { build: "x" }, dependencies: { "is-number": "7.0.0" }, name: "renamed" });
    const hit = await installDependencies({ ...second, cacheDir, npmCommand: NO_NPM });
    expect(hit).toEqual({ ...installed, cached: true });
    expect((await readdir(cacheDir)).filter((name) => name.startsWith(".installing-"))).toEqual([]);
  }, 120_000);

  it("installs a new lock file from the shared package store, without npm, under a key of its own", async () => {
    const plain = await project("plain", { name: "fns", dependencies: { "is-number": "7.0.0" } });
    const withoutLock = await installDependencies({ ...plain, cacheDir });
    const lockfile = await readFile(join(cacheDir, withoutLock.cacheKey, "package-lock.json"), "utf8");
    // The package.json the lock file was made from (an earlier test's, with a dev dependency, may have made it).
    const { dependencies, devDependencies } = JSON.parse(lockfile).packages[""];
    const locked = await project("locked", { name: "fns", dependencies, devDependencies }, lockfile);
    const log: string[] = [];
    // npm cannot start here: the tree comes from the packages the first install left in the store.
    const installed = await installDependencies({ ...locked, cacheDir, npmCommand: NO_NPM, log: (m) => log.push(m) });
    expect(installed.cacheKey).not.toBe(withoutLock.cacheKey);
    expect(installed.cached).toBe(false);
    expect(log).toEqual(["Installed 1 packages from the shared package store (lock file package-lock.json), without the registry."]);
    expect(JSON.parse(await readFile(join(installed.nodeModulesDir!, "is-number/package.json"), "utf8")).version).toBe("7.0.0");
    expect(await readdir(join(installed.nodeModulesDir!, "is-number"))).toEqual(
      await readdir(join(withoutLock.nodeModulesDir!, "is-number")),
    );
    expect(await installDependencies({ ...locked, cacheDir, npmCommand: NO_NPM })).toEqual({ ...installed, cached: true });
  }, 120_000);

  it("goes to npm and the registry, saying so in the build log, when the store lacks a package of the lock file", async () => {
    const lockfile = {
      name: "fns",
      lockfileVersion: 3,
      requires: true,
      packages: {
        "": { name: "fns", dependencies: { "is-odd": "3.0.1" } },
        "node_modules/is-odd": {
          version: "3.0.1",
          resolved: "https://registry.npmjs.org/is-odd/-/is-odd-3.0.1.tgz",
          integrity: "sha512-CQpnWPrDwmP1+SMHXZhtLtJv90yiyVfluGsX5iNCVkrhQtU3TQHsUWPG9wkdk9Lgd5yNpAg9jQEo90CBaXgWMA==",
          dependencies: { "is-number": "^6.0.0" },
        },
        "node_modules/is-odd/node_modules/is-number": {
          version: "6.0.0",
          resolved: "https://registry.npmjs.org/is-number/-/is-number-6.0.0.tgz",
          integrity: "sha512-Wu1VHeILBK8KAWJUAiSZQX94GmOE45Rg6/538fKwiloUu21KncEkYGPqob2oSZ5mUT73vLGrHQjKw3KMPwfDzg==",
        },
      },
    };
    const spec = await project("store-miss", { name: "fns", dependencies: { "is-odd": "3.0.1" } }, JSON.stringify(lockfile));
    const log: string[] = [];
    const error = await installDependencies({ ...spec, cacheDir, npmCommand: NO_NPM, log: (m) => log.push(m) }).catch((e: unknown) => e);
    expect(log[0]).toBe(
      "Not installing from the shared package store: 2 of 2 packages are not in it (is-odd@3.0.1, is-number@6.0.0). npm installs from the registry.",
    );
    expect(log[1]).toMatch(/^Running npm ci /);
    expect((error as BuildError).message).toMatch(/^npm ci could not start/);
  });

  it("treats a lockfile path that does not exist as no lockfile", async () => {
    const spec = await project("nolock", { dependencies: { "is-number": "7.0.0" } });
    const a = await installDependencies({ packageJsonPath: spec.packageJsonPath, cacheDir, npmCommand: NO_NPM });
    const b = await installDependencies({ ...spec, cacheDir, npmCommand: NO_NPM });
    expect(b).toEqual(a);
  }, 120_000);

  it("does not run npm for a package without dependencies", async () => {
    const spec = await project("empty", { name: "fns", devDependencies: { vitest: "*" } });
    const result = await installDependencies({ ...spec, cacheDir: join(root, "unused-cache"), npmCommand: NO_NPM });
    expect(result).toMatchObject({ nodeModulesDir: null, cached: true });
    await expect(readdir(join(root, "unused-cache"))).rejects.toThrow(/ENOENT/);
  });

  it("survives two processes installing the same key at once", async () => {
    const spec = await project("race", { dependencies: { "is-number": "7.0.0", "is-odd": "3.0.1" } });
    // The other process runs the compiled builder (test/global-setup.ts builds dist/ before any suite), as the server
    // runs it: under tsx it transpiled the sources first (0.9 s of CPU against 0.24 s).
    const source = resolve(import.meta.dirname, "../dist/index.js");
    const script = `import { installDependencies } from ${JSON.stringify(source)};
      const r = await installDependencies(${JSON.stringify({ packageJsonPath: spec.packageJsonPath, cacheDir })});
      console.log(r.nodeModulesDir);`;
    const [child, here] = await Promise.all([
      run(process.execPath, ["--input-type=module", "-e", script], { cwd: root }),
      installDependencies({ ...spec, cacheDir }),
    ]);
    expect(child.stdout.trim()).toBe(here.nodeModulesDir);
    expect(await readdir(here.nodeModulesDir!)).toEqual(expect.arrayContaining(["is-number", "is-odd"]));
    expect((await readdir(cacheDir)).filter((name) => name.startsWith(".installing-"))).toEqual([]);
  }, 180_000);

  it("reports npm's error when a package does not exist, and caches nothing", async () => {
    const spec = await project("missing", { dependencies: { "@sprocket-test-nonexistent/no-such-package": "1.0.0" } });
    const failCache = join(root, "fail-cache");
    const error = await installDependencies({ ...spec, cacheDir: failCache }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuildError);
    expect((error as BuildError).code).toBe("BUILD_DEPENDENCY_INSTALL_FAILED");
    expect((error as BuildError).message).toMatch(/npm install failed with exit code \d+/);
    expect((error as BuildError).message).toMatch(/E404|404 Not Found/);
    expect(await readdir(failCache)).toEqual([]);
  }, 120_000);

  it("refuses a package.json that is not JSON or has malformed dependencies", async () => {
    const dir = join(root, "bad");
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "package.json"), "{ not json");
    await expect(installDependencies({ packageJsonPath: join(dir, "package.json"), cacheDir })).rejects.toMatchObject({
      code: "BUILD_INVALID_PACKAGE_JSON",
      message: expect.stringMatching(/is not valid JSON/),
    });
    const arrayDeps = await project("bad2", { dependencies: ["is-number"] });
    await expect(installDependencies({ ...arrayDeps, cacheDir })).rejects.toMatchObject({
      code: "BUILD_INVALID_PACKAGE_JSON",
      message: expect.stringMatching(/"dependencies" must map package names to version strings/),
    });
  });

  // F1: npm copies or links a local spec's folder into node_modules, which the bundler may read.
  it.each([
    ["a file:", { dependencies: { secrets: "file:../../../../data" } }, 'dependencies "secrets" is "file:../../../../data"'],
    ["a link:", { dependencies: { secrets: "link:/var/lib/sprocket" } }, 'dependencies "secrets" is "link:/var/lib/sprocket"'],
    ["a bare path", { optionalDependencies: { secrets: "../data" } }, 'optionalDependencies "secrets" is "../data"'],
    ["a git+file:", { dependencies: { secrets: "git+file:///var/lib/sprocket/repo" } }, 'dependencies "secrets" is "git+file:'],
    [
      "an override",
      { dependencies: { "is-number": "7.0.0" }, overrides: { "is-number": { ".": "7.0.0", "kind-of": "file:/etc" } } },
      'overrides "is-number > kind-of" is "file:/etc"',
    ],
  ])("refuses %s dependency before npm runs, naming package.json by its project path", async (_, manifest, says) => {
    const spec = await project("local-spec", { name: "fns", version: "1.0.0", ...manifest });
    await expect(installDependencies({ ...spec, cacheDir, npmCommand: NO_NPM, root })).rejects.toMatchObject({
      code: "BUILD_INVALID_PACKAGE_JSON",
      message: expect.stringContaining(`local-spec/package.json: ${says}`),
    });
  });

  it.each([
    [
      "a file: resolved",
      { "node_modules/secrets": { version: "1.0.0", resolved: "file:../../data" } },
      '"node_modules/secrets" resolves to "file:../../data"',
    ],
    ["a link", { "node_modules/secrets": { resolved: "../data", link: true } }, '"node_modules/secrets" is a link'],
    ["a package outside node_modules", { "../data": { version: "1.0.0" } }, '"../data" is not under node_modules'],
  ])("refuses a lockfile with %s before npm runs", async (_, packages, says) => {
    const lockfile = JSON.stringify({
      name: "fns",
      lockfileVersion: 3,
      requires: true,
      packages: { "": { dependencies: { secrets: "1.0.0" } }, ...packages },
    });
    const spec = await project("local-lock", { name: "fns", version: "1.0.0", dependencies: { secrets: "1.0.0" } }, lockfile);
    await expect(installDependencies({ ...spec, cacheDir, npmCommand: NO_NPM, root })).rejects.toMatchObject({
      code: "BUILD_INVALID_PACKAGE_JSON",
      message: expect.stringContaining(`local-lock/package-lock.json: ${says}`),
    });
  });
});
