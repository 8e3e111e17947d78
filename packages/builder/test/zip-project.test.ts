import { mkdir, mkdtemp, rm, symlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { hubspotUploadIgnore, readZipEntries, zipDirectory, zipEntries } from "../src/index";

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "sprocket-zip-"));
  const files: Record<string, string> = {
    "hsproject.json": '{"name":"demo"}',
    "src/app/app.json": "{}",
    "src/app/app.functions/fn.js": "exports.main = () => 1;",
    "src/app/app.functions/node_modules/dep/index.js": "module.exports = 1;",
    "src/app/extensions/Card.jsx": "export default 1;",
    "src/.env": "SECRET=1",
    ".git/HEAD": "ref: main",
    "npm-debug.log": "noise",
    "B.txt": "upper case sorts first",
  };
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(dir, path, ".."), { recursive: true });
    await writeFile(join(dir, path), content);
  }
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

it("zips every file in sorted order with paths relative to the folder", async () => {
  const entries = await readZipEntries(await zipDirectory(dir));
  expect([...entries.keys()]).toEqual([
    ".git/HEAD",
    "B.txt",
    "hsproject.json",
    "npm-debug.log",
    "src/.env",
    "src/app/app.functions/fn.js",
    "src/app/app.functions/node_modules/dep/index.js",
    "src/app/app.json",
    "src/app/extensions/Card.jsx",
  ]);
  expect(entries.get("src/app/app.functions/fn.js")?.toString()).toBe("exports.main = () => 1;");
});

it("leaves out what hs project upload leaves out", async () => {
  const entries = await readZipEntries(await zipDirectory(dir, { ignore: hubspotUploadIgnore }));
  expect([...entries.keys()]).toEqual([
    "B.txt",
    "hsproject.json",
    "src/app/app.functions/fn.js",
    "src/app/app.json",
    "src/app/extensions/Card.jsx",
  ]);
});

it("gives the same bytes for the same tree, whatever the files' times", async () => {
  const first = await zipDirectory(dir, { ignore: hubspotUploadIgnore });
  await utimes(join(dir, "hsproject.json"), new Date(2001, 1, 1), new Date(2001, 1, 1));
  const second = await zipDirectory(dir, { ignore: hubspotUploadIgnore });
  expect(second.equals(first)).toBe(true);
  await writeFile(join(dir, "hsproject.json"), '{"name":"other"}');
  expect((await zipDirectory(dir, { ignore: hubspotUploadIgnore })).equals(first)).toBe(false);
});

it("refuses a symbolic link with the path to fix", async () => {
  await symlink("/etc/passwd", join(dir, "src/app/passwd"));
  await expect(zipDirectory(dir)).rejects.toThrow(/src\/app\/passwd is a symbolic link/);
});

it("refuses a folder that is itself a symbolic link, so a link cannot point the archive at a host folder", async () => {
  const outside = await mkdtemp(join(tmpdir(), "sprocket-host-"));
  await writeFile(join(outside, "id_rsa"), "host secret");
  const link = join(dir, "linked-src");
  await symlink(outside, link);
  try {
    await expect(zipDirectory(link)).rejects.toThrow(/linked-src is a symbolic link/);
  } finally {
    await rm(outside, { recursive: true, force: true });
  }
});

it("zips entries held in memory in sorted order, to the same bytes whatever their order or form", async () => {
  const files = await readZipEntries(await zipDirectory(dir, { ignore: hubspotUploadIgnore }));
  const zip = await zipEntries(files);
  expect(await readZipEntries(zip)).toEqual(files);
  const asText = [...files].map(([path, content]): [string, string] => [path, content.toString()]).reverse();
  expect((await zipEntries(asText)).equals(zip)).toBe(true);
  expect((await readZipEntries(await zipEntries([]))).size).toBe(0);
});
