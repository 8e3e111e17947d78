// Issue #20: dependencies install as a user running npm by hand expects. A lock file in step is installed with npm ci;
// one out of step, or pinning a version the registry does not serve, falls back to npm install within package.json's
// ranges with a warning that names the cause; a yarn.lock alone and npm workspaces work; a failed install says npm's
// reason, in project paths.
import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECTS_DIR } from "../../../fixtures/paths";
import { BuildError, bundleFunction, installDependencies } from "../src/index";
import { isLockOutOfStep, npmFailure } from "../src/npm-output";

const run = promisify(execFile);
// Proves a call did not start npm: it would fail to spawn this.
const NO_NPM = "/nonexistent/npm";
// The suites share one cache (vitest.config.ts); a failed install caches nothing, so these may use it too.
const cacheDir = process.env.SPROCKET_DEPS_CACHE_DIR ?? join(tmpdir(), "sprocket-test-deps-cache");

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "sprocket-deps-fallback-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** A fixture's source folder copied to scratch (the install reads only; the copy is what a build unpacks). */
async function source(fixture: string): Promise<{ root: string; functions: string }> {
  const root = join(work, fixture, "src");
  await cp(join(PROJECTS_DIR, fixture, "src"), root, { recursive: true });
  return { root, functions: join(root, "app", "app.functions") };
}

const installIn = (root: string, dir: string, extra: { npmCommand?: string; cacheDir?: string } = {}) =>
  installDependencies({
    packageJsonPath: join(dir, "package.json"),
    lockfilePath: join(dir, "package-lock.json"),
    yarnLockPath: join(dir, "yarn.lock"),
    cacheDir,
    root,
    ...extra,
  });

const versionOf = async (nodeModulesDir: string, name: string) =>
  JSON.parse(await readFile(join(nodeModulesDir, name, "package.json"), "utf8")).version as string;

describe("installing a lock file that does not match", () => {
  it("falls back to npm install when package-lock.json is out of step, warning with npm's mismatch; a cache hit warns the same", async () => {
    const { root, functions } = await source("deps-lock-out-of-step");
    const installed = await installIn(root, functions);
    expect(installed.warnings).toHaveLength(1);
    expect(installed.warnings[0]).toMatch(
      /^app\/app\.functions\/package-lock\.json is out of step with app\/app\.functions\/package\.json, so npm ci refused it \(Missing: is-odd@/,
    );
    expect(installed.warnings[0]).toContain("Installed with npm install within package.json's ranges");
    expect(await versionOf(installed.nodeModulesDir!, "is-number")).toBe("7.0.0");
    expect(await versionOf(installed.nodeModulesDir!, "is-odd")).toMatch(/^3\./);

    const again = await installIn(root, functions, { npmCommand: NO_NPM });
    expect(again).toEqual({ ...installed, cached: true });
  });

  it("falls back when package-lock.json pins is-number 99.0.0 against package.json's ^7.0.0, naming the pin", async () => {
    const { root, functions } = await source("deps-lock-version-gone");
    const installed = await installIn(root, functions);
    expect(installed.warnings).toEqual([
      expect.stringMatching(
        /^app\/app\.functions\/package-lock\.json is out of step .*Invalid: lock file's is-number@99\.0\.0 does not satisfy/,
      ),
    ]);
    expect(await versionOf(installed.nodeModulesDir!, "is-number")).toMatch(/^7\./);
  });

  it("installs from package.json's ranges, without the lock file, when a pinned version inside the range is not on the registry", async () => {
    const dir = join(work, "gone-in-range", "app.functions");
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "package.json"), JSON.stringify({ name: "fns", version: "1.0.0", dependencies: { "is-number": "^7.0.0" } }));
    const lock = {
      name: "fns",
      version: "1.0.0",
      lockfileVersion: 3,
      requires: true,
      packages: {
        "": { name: "fns", version: "1.0.0", dependencies: { "is-number": "^7.0.0" } },
        "node_modules/is-number": { version: "7.0.99" },
      },
    };
    await writeFile(join(dir, "package-lock.json"), JSON.stringify(lock));
    const installed = await installIn(join(work, "gone-in-range"), dir);
    expect(installed.warnings).toEqual([
      "app.functions/package-lock.json pins a version the npm registry does not serve (No matching version found for is-number@7.0.99.). Installed with npm install from app.functions/package.json's ranges, without the lock file.",
    ]);
    expect(await versionOf(installed.nodeModulesDir!, "is-number")).toMatch(/^7\.0\./);
  });
});

describe("a yarn.lock without a package-lock.json", () => {
  it("installs with npm, keeping yarn.lock's versions of the direct dependencies, and says so", async () => {
    const { root, functions } = await source("deps-yarn-lock");
    const installed = await installIn(root, functions);
    // 3.0.1 is the newest ^3.0.0; yarn.lock holds 3.0.0.
    expect(await versionOf(installed.nodeModulesDir!, "is-odd")).toBe("3.0.0");
    expect(await versionOf(installed.nodeModulesDir!, "is-number")).toBe("7.0.0");
    expect(installed.warnings).toEqual([
      expect.stringMatching(/^app\/app\.functions\/yarn\.lock: dependencies are installed with npm, not yarn\. The 2 direct dependencies/),
    ]);
  });

  it.each([
    [
      "a file: tarball (yarn 1)",
      'secret@^1.0.0:\n  version "1.0.0"\n  resolved "file:../../data/secret.tgz"\n',
      '"secret@^1.0.0" resolves to "file:../../data/secret.tgz"',
    ],
    [
      "a portal: resolution (yarn 2+)",
      '__metadata:\n  version: 6\n\n"secret@portal:../../data":\n  version: 0.0.0-use.local\n  resolution: "secret@portal:../../data::locator=fns%40workspace%3A."\n',
      '"secret@portal:../../data" resolves to "secret@portal:',
    ],
  ])("refuses %s before npm runs", async (_, yarnLock, says) => {
    const dir = join(work, "yarn-local", "fns");
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "package.json"), JSON.stringify({ name: "fns", version: "1.0.0", dependencies: { secret: "^1.0.0" } }));
    await writeFile(join(dir, "yarn.lock"), yarnLock);
    await expect(installIn(join(work, "yarn-local"), dir, { npmCommand: NO_NPM })).rejects.toMatchObject({
      code: "BUILD_INVALID_PACKAGE_JSON",
      message: expect.stringContaining(`fns/yarn.lock: ${says}`),
    });
  });
});

describe("npm workspaces inside a function folder", () => {
  it("installs the workspaces' dependencies with npm ci and bundles the workspace from the project's own files", async () => {
    const { root, functions } = await source("deps-npm-workspace");
    const installed = await installIn(root, functions);
    expect(installed.warnings).toEqual([]);
    expect(installed.workspaces).toEqual({ "@fixture/greeting": join(functions, "packages", "greeting") });
    expect(await versionOf(installed.nodeModulesDir!, "is-number")).toBe("7.0.0");

    const outFile = join(work, "workspace-out", "check.js");
    const bundled = await bundleFunction({
      entry: join(functions, "check.js"),
      nodeModulesDir: installed.nodeModulesDir,
      workspaces: installed.workspaces,
      outFile,
      root,
    });
    const map = JSON.parse(await readFile(bundled.sourceMapFile, "utf8")) as { sources: string[] };
    expect(map.sources).toEqual(
      expect.arrayContaining(["app/app.functions/packages/greeting/index.js", "node_modules/is-number/index.js"]),
    );
    const { stdout } = await run(process.execPath, [
      "-e",
      "require(process.argv[1]).main({ parameters: { value: 5 } }).then((r) => console.log(r.greeting))",
      outFile,
    ]);
    expect(stdout.trim()).toBe("Hello, number 5");
  });

  it("refuses a workspace outside the function folder, and a lock file link to anything but a workspace", async () => {
    const dir = join(work, "ws-out", "fns");
    await mkdir(join(work, "ws-out", "outside"), { recursive: true });
    await writeFile(join(work, "ws-out", "outside", "package.json"), JSON.stringify({ name: "outside", version: "1.0.0" }));
    await mkdir(join(dir, "packages", "inner"), { recursive: true });
    await writeFile(join(dir, "packages", "inner", "package.json"), JSON.stringify({ name: "inner", version: "1.0.0" }));
    await writeFile(join(dir, "package.json"), JSON.stringify({ name: "fns", workspaces: ["../outside"], dependencies: { outside: "*" } }));
    await expect(installIn(join(work, "ws-out"), dir, { npmCommand: NO_NPM })).rejects.toMatchObject({
      code: "BUILD_INVALID_PACKAGE_JSON",
      message: 'fns/package.json: workspace "outside" is not a folder inside fns. Workspaces must live in the package\'s own folder.',
    });

    await writeFile(join(dir, "package.json"), JSON.stringify({ name: "fns", workspaces: ["packages/*"], dependencies: { inner: "*" } }));
    const lock = {
      name: "fns",
      lockfileVersion: 3,
      packages: {
        "": { workspaces: ["packages/*"] },
        "node_modules/inner": { resolved: "../outside", link: true },
        "packages/inner": { name: "inner" },
      },
    };
    await writeFile(join(dir, "package-lock.json"), JSON.stringify(lock));
    await expect(installIn(join(work, "ws-out"), dir, { npmCommand: NO_NPM })).rejects.toMatchObject({
      code: "BUILD_INVALID_PACKAGE_JSON",
      message: expect.stringContaining('fns/package-lock.json: "node_modules/inner" is a link'),
    });
  });
});

describe("a failed install", () => {
  it("keeps npm's reason from its output, without the usage text that follows it or the debug log's path", () => {
    // npm 11's output for npm ci over a lock file out of step (the usage text shortened).
    const output = [
      "npm error code EUSAGE",
      "npm error",
      "npm error `npm ci` can only install packages when your package.json and package-lock.json or npm-shrinkwrap.json are in sync. Please update your lock file with `npm install` before continuing.",
      "npm error",
      "npm error Missing: is-odd@3.0.1 from lock file",
      "npm error",
      "npm error Clean install a project",
      "npm error",
      "npm error Usage:",
      "npm error npm ci",
      "npm error",
      "npm error Options:",
      "npm error [--install-strategy <hoisted|nested|shallow|linked>] [--legacy-bundling]",
      "npm error",
      'npm error Run "npm help ci" for more info',
      "npm error A complete log of this run can be found in: /root/.npm/_logs/2026-12-06T09_06_07_349Z-debug-0.log",
    ].join("\n");
    const failure = npmFailure(`npm warn config something\n${output}\n`);
    expect(failure).toEqual({
      code: "EUSAGE",
      lines: [
        "npm error code EUSAGE",
        "npm error `npm ci` can only install packages when your package.json and package-lock.json or npm-shrinkwrap.json are in sync. Please update your lock file with `npm install` before continuing.",
        "npm error Missing: is-odd@3.0.1 from lock file",
      ],
      mismatches: ["Missing: is-odd@3.0.1 from lock file"],
      summary:
        "`npm ci` can only install packages when your package.json and package-lock.json or npm-shrinkwrap.json are in sync. Please update your lock file with `npm install` before continuing.",
    });
    expect(isLockOutOfStep(failure)).toBe(true);
    // npm 9 and older wrote "npm ERR!".
    expect(npmFailure("npm ERR! code ETARGET\nnpm ERR! notarget No matching version found for x@9.9.9.\n")).toMatchObject({
      code: "ETARGET",
      summary: "No matching version found for x@9.9.9.",
    });
  });

  it("says npm's reason (not its usage text) with the project folder, and names no server path", async () => {
    const { root, functions } = await source("broken/dependency-not-found");
    const failCache = join(work, "fail-cache");
    const error = await installIn(root, functions, { cacheDir: failCache }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuildError);
    const message = (error as BuildError).message;
    expect((error as BuildError).code).toBe("BUILD_DEPENDENCY_INSTALL_FAILED");
    expect(message.split("\n")[0]).toBe(
      "npm install failed with exit code 1 in app/app.functions: No matching version found for is-number@99.0.0.",
    );
    expect(message).toContain("\nnpm error code ETARGET\n");
    expect(message).toContain("npm error notarget No matching version found for is-number@99.0.0.");
    expect(message).not.toContain("Usage:");
    expect(message).not.toContain("complete log");
    expect(message).not.toContain(work);
    expect(message).not.toContain(tmpdir() + "/");
    expect(await readdir(failCache)).toEqual([]);
  });
});
