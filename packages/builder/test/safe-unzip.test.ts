import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import yazl from "yazl";
import { readZipEntries, unpackZip, UploadRejectedError, type UploadRejectedCode } from "../src/index";
import { rawZip, type RawEntry } from "./raw-zip";

let root: string;
let dest: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "sprocket-unzip-"));
  dest = join(root, "dest");
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function yazlZip(build: (zip: yazl.ZipFile) => void): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  build(zip);
  zip.end();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    zip.outputStream.on("data", (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on("end", () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on("error", reject);
  });
}

/** Asserts both entry points refuse the zip with `code`, and that the unpack left nothing anywhere under `root`. */
async function expectRejected(zip: Buffer, code: UploadRejectedCode, entry?: string, limits = {}): Promise<UploadRejectedError> {
  const fromMemory = await readZipEntries(zip, limits).catch((error: unknown) => error);
  expect(fromMemory).toBeInstanceOf(UploadRejectedError);
  expect((fromMemory as UploadRejectedError).code).toBe(code);

  const error = await unpackZip(zip, dest, limits).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UploadRejectedError);
  const rejected = error as UploadRejectedError;
  expect(rejected.code).toBe(code);
  if (entry !== undefined) {
    expect(rejected.entry).toBe(entry);
    expect(rejected.message).toContain(JSON.stringify(entry));
  }
  expect(await readdir(root)).toEqual([]);
  return rejected;
}

const text = (s: string) => Buffer.from(s, "utf8");

describe("unpackZip and readZipEntries on well-formed archives", () => {
  it("unpacks files and folders from a buffer and from a path", async () => {
    const zip = await yazlZip((z) => {
      z.addBuffer(text('{"name":"demo"}'), "hsproject.json");
      z.addEmptyDirectory("src/app/empty");
      z.addBuffer(text("exports.main = () => 1;"), "src/app/app.functions/fn.js");
    });
    const result = await unpackZip(zip, dest);
    expect(result.files).toEqual(["hsproject.json", "src/app/app.functions/fn.js"]);
    expect(await readFile(join(dest, "src/app/app.functions/fn.js"), "utf8")).toBe("exports.main = () => 1;");
    expect(await readdir(join(dest, "src/app/empty"))).toEqual([]);
    expect((await readdir(root)).sort()).toEqual(["dest"]);

    const zipPath = join(root, "upload.zip");
    await writeFile(zipPath, zip);
    const second = join(root, "second");
    await unpackZip(zipPath, second);
    expect(await readFile(join(second, "hsproject.json"), "utf8")).toBe('{"name":"demo"}');

    const inMemory = await readZipEntries(zip);
    expect([...inMemory.keys()]).toEqual(["hsproject.json", "src/app/app.functions/fn.js"]);
    expect(inMemory.get("hsproject.json")?.toString()).toBe('{"name":"demo"}');
  });

  it("reads Windows-style backslash separators that stay inside the folder", async () => {
    const zip = rawZip([
      { name: "app\\cards\\Card.jsx", data: text("x") },
      { name: "./app/app.json", data: text("{}") },
    ]);
    await unpackZip(zip, dest);
    expect(await readFile(join(dest, "app/cards/Card.jsx"), "utf8")).toBe("x");
    expect(await readFile(join(dest, "app/app.json"), "utf8")).toBe("{}");
  });

  it("accepts an existing empty destination folder and refuses a non-empty one", async () => {
    const zip = rawZip([{ name: "a.txt", data: text("a") }]);
    await mkdir(dest);
    await unpackZip(zip, dest);
    expect(await readdir(dest)).toEqual(["a.txt"]);
    await expect(unpackZip(zip, dest)).rejects.toThrow(/not empty/);
  });
});

describe("hostile archives are refused before anything is written", () => {
  it.each<[string, RawEntry[], UploadRejectedCode, string]>([
    ["a .. segment", [{ name: "../evil.txt", data: text("x") }], "UPLOAD_ZIP_SLIP", "../evil.txt"],
    ["a .. segment in the middle", [{ name: "app/../../evil.txt", data: text("x") }], "UPLOAD_ZIP_SLIP", "app/../../evil.txt"],
    ["backslashes that escape", [{ name: "..\\..\\evil.txt", data: text("x") }], "UPLOAD_ZIP_SLIP", "..\\..\\evil.txt"],
    ["an absolute path", [{ name: "/tmp/evil.txt", data: text("x") }], "UPLOAD_ZIP_SLIP", "/tmp/evil.txt"],
    ["a drive letter", [{ name: "C:\\evil.txt", data: text("x") }], "UPLOAD_ZIP_SLIP", "C:\\evil.txt"],
    ["a symlink", [{ name: "link", data: text("/etc/passwd"), unixMode: 0o120777 }], "UPLOAD_SYMLINK", "link"],
    ["a FIFO", [{ name: "pipe", unixMode: 0o010644 }], "UPLOAD_SPECIAL_FILE", "pipe"],
    [
      "a duplicate name",
      [
        { name: "a.txt", data: text("1") },
        { name: "a.txt", data: text("2") },
      ],
      "UPLOAD_DUPLICATE_ENTRY",
      "a.txt",
    ],
    [
      "names equal ignoring case",
      [
        { name: "README.md", data: text("1") },
        { name: "readme.md", data: text("2") },
      ],
      "UPLOAD_DUPLICATE_ENTRY",
      "readme.md",
    ],
    [
      "a file that is also a folder",
      [
        { name: "app", data: text("1") },
        { name: "app/x.js", data: text("2") },
      ],
      "UPLOAD_DUPLICATE_ENTRY",
      "app/x.js",
    ],
    [
      "a folder that is also a file",
      [
        { name: "app/x.js", data: text("1") },
        { name: "App", data: text("2") },
      ],
      "UPLOAD_DUPLICATE_ENTRY",
      "App",
    ],
    ["control characters", [{ name: "a\u0000b", data: text("x") }], "UPLOAD_INVALID_NAME", "a\u0000b"],
    ["an encrypted entry", [{ name: "secret.txt", data: text("x"), flags: 0x801 }], "UPLOAD_UNSUPPORTED", "secret.txt"],
    ["an unknown compression method", [{ name: "a.txt", data: text("x"), method: 14 }], "UPLOAD_UNSUPPORTED", "a.txt"],
    ["a path too deep", [{ name: `${"d/".repeat(40)}f.txt`, data: text("x") }], "UPLOAD_PATH_TOO_DEEP", `${"d/".repeat(40)}f.txt`],
  ])("%s", async (_label, entries, code, entry) => {
    await expectRejected(rawZip([{ name: "ok.txt", data: text("fine") }, ...entries]), code, entry);
    await expect(readFile(join(root, "evil.txt"))).rejects.toThrow(/ENOENT/);
  });

  it("refuses names that are not valid UTF-8", async () => {
    const error = await expectRejected(
      rawZip([{ name: Buffer.from([0x61, 0xff, 0xfe, 0x2e, 0x6a, 0x73]), data: text("x") }]),
      "UPLOAD_INVALID_NAME",
    );
    expect(error.message).toMatch(/not valid UTF-8/);
  });

  it("refuses 100,000 entries from the zip64 end record alone", async () => {
    const zip = rawZip(Array.from({ length: 100_000 }, (_, i) => ({ name: `f${i}`, method: 0 })));
    const error = await expectRejected(zip, "UPLOAD_TOO_MANY_ENTRIES");
    expect(error.message).toContain("100000 entries; the limit is 10000");
  });

  it("refuses an archive bigger than the compressed cap", async () => {
    const zip = rawZip([{ name: "big.bin", data: Buffer.alloc(4096, 7), method: 0 }]);
    await expectRejected(zip, "UPLOAD_TOO_LARGE", undefined, { maxCompressedBytes: 1024 });
  });

  it("refuses declared sizes above the uncompressed cap", async () => {
    const zip = rawZip([
      { name: "a.bin", data: Buffer.alloc(600, 1) },
      { name: "b.bin", data: Buffer.alloc(600, 2) },
    ]);
    await expectRejected(zip, "UPLOAD_TOO_LARGE", "b.bin", { maxUncompressedBytes: 1000 });
  });

  it("refuses an entry whose compression ratio is a zip bomb's", async () => {
    const zip = rawZip([{ name: "zeros.bin", data: Buffer.alloc(8 * 1024 * 1024) }]);
    const error = await expectRejected(zip, "UPLOAD_ZIP_BOMB", "zeros.bin");
    expect(error.message).toMatch(/more than 200:1/);
  });

  it("refuses central records that share one entry's data", async () => {
    const data = Buffer.alloc(64 * 1024, 3);
    const zip = rawZip([
      { name: "a.bin", data },
      { name: "b.bin", data, sharesDataWith: 0 },
      { name: "c.bin", data, sharesDataWith: 0 },
    ]);
    await expectRejected(zip, "UPLOAD_ZIP_BOMB", "b.bin");
  });

  it("refuses bytes that are not a zip, and a truncated zip", async () => {
    await expectRejected(Buffer.from("this is not a zip file at all, just text"), "UPLOAD_CORRUPT");
    const zip = rawZip([
      { name: "a.txt", data: Buffer.alloc(10_000, 5), method: 0 },
      { name: "b.txt", data: text("b") },
    ]);
    await expectRejected(zip.subarray(0, zip.length - 30), "UPLOAD_CORRUPT");
    await expectRejected(zip.subarray(5000), "UPLOAD_CORRUPT");
  });
});

describe("lying headers are caught while writing, and the partial output is removed", () => {
  it("stops an entry that inflates beyond its declared size", async () => {
    const zip = rawZip([
      { name: "first.txt", data: text("written before the bomb") },
      { name: "bomb.bin", data: Buffer.alloc(4 * 1024 * 1024), declaredSize: 100 },
    ]);
    const error = await expectRejected(zip, "UPLOAD_ZIP_BOMB", "bomb.bin");
    expect(error.message).toMatch(/more than the 100 B its header declares/);
  });

  it("refuses an entry shorter than declared, or one that fails its checksum", async () => {
    await expectRejected(rawZip([{ name: "short.txt", data: text("abc"), declaredSize: 10 }]), "UPLOAD_CORRUPT", "short.txt");
    await expectRejected(
      rawZip([
        { name: "first.txt", data: text("ok") },
        { name: "crc.txt", data: text("abc"), crc: 1234 },
      ]),
      "UPLOAD_CORRUPT",
      "crc.txt",
    );
  });
});
