import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { grantBundleDirTo } from "../src/functions/bundle-dir-access";

// F15 of the 2026-12 review: unpacked bundles were 0755/0644, readable by every local user (every tenant's runner).
const run = promisify(execFile);
const root = process.getuid?.() === 0;
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "sprocket-bundle-dir-"));
  fs.chmodSync(dir, 0o711);
  fs.mkdirSync(path.join(dir, "app", "apps", "a", "functions"), { recursive: true });
  fs.writeFileSync(path.join(dir, "app", "apps", "a", "functions", "f.js"), "exports.main = () => 'bundle';\n", { mode: 0o644 });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Reads the bundle in a child process running as uid:gid; resolves to what it read or the error code. */
async function readAs(uid: number, gid: number): Promise<string> {
  const script = `try { process.stdout.write(require("fs").readFileSync(process.argv[1], "utf8")) } catch (e) { process.stdout.write(e.code) }`;
  const { stdout } = await run(process.execPath, ["-e", script, path.join(dir, "app", "apps", "a", "functions", "f.js")], { uid, gid });
  return stdout;
}

it.runIf(root)("lets the runner it names read a bundle folder, and no other uid", async () => {
  grantBundleDirTo(path.join(dir, "app"), { uid: 64001, gid: 64001 });
  expect(await readAs(64001, 64001)).toContain("bundle");
  // Another account's runner, and the shared `nobody` of today's runners.
  expect(await readAs(64002, 64002)).toBe("EACCES");
  expect(await readAs(65534, 65534)).toBe("EACCES");

  // Handed to another identity, the first loses it.
  grantBundleDirTo(path.join(dir, "app"), { uid: 64002, gid: 64002 });
  expect(await readAs(64002, 64002)).toContain("bundle");
  expect(await readAs(64001, 64001)).toBe("EACCES");
});

it("keeps a bundle folder to the server's user when no runner identity is given", () => {
  grantBundleDirTo(path.join(dir, "app"), undefined);
  expect((fs.statSync(path.join(dir, "app")).mode & 0o777).toString(8)).toBe("700");
  expect((fs.statSync(path.join(dir, "app", "apps", "a", "functions", "f.js")).mode & 0o777).toString(8)).toBe("600");
});
