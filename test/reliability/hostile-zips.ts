import { randomBytes } from "node:crypto";
import archiver from "archiver";
import yazl from "yazl";

export interface ZipEntry {
  name: string;
  data: Buffer;
  mode?: number;
  compress?: boolean;
}

/** A zip written by yazl, the way ordinary tools write them. */
export async function zipOf(entries: ZipEntry[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const e of entries) zip.addBuffer(e.data, e.name, { compress: e.compress ?? true, ...(e.mode ? { mode: e.mode } : {}) });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

/**
 * A zip of `count` empty stored files, written by archiver (as @hubspot/cli writes uploads). yazl finds its next entry
 * by scanning its whole list, so 100,000 entries took it about 20 s of CPU; archiver writes them in about 4 s, with the
 * zip64 records an entry count above 65,535 needs (fflate, faster still, wraps the count instead).
 */
export async function manyEntriesZip(count: number): Promise<Buffer> {
  const zip = archiver("zip", { store: true });
  const chunks: Buffer[] = [];
  zip.on("data", (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve, reject) => {
    zip.on("end", resolve);
    zip.on("error", reject);
  });
  const empty = Buffer.alloc(0);
  for (let i = 0; i < count; i++) zip.append(empty, { name: `f/${i}` });
  await zip.finalize();
  await ended;
  return Buffer.concat(chunks);
}

/**
 * Rewrites every occurrence of a name's bytes (local header and central directory) with bytes of the same length
 * that yazl refuses to write itself: `..` segments, absolute paths, names that are not UTF-8.
 */
export function renameRaw(zip: Buffer, from: string, to: Buffer): Buffer {
  const needle = Buffer.from(from);
  if (needle.length !== to.length) throw new Error("renameRaw keeps lengths");
  const out = Buffer.from(zip);
  let at = out.indexOf(needle);
  if (at < 0) throw new Error(`${from} is not in the zip`);
  while (at >= 0) {
    to.copy(out, at);
    at = out.indexOf(needle, at + 1);
  }
  return out;
}

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;

/** Overwrites the uncompressed size that every header declares (a lying header, as zip bombs use). */
export function declareSize(zip: Buffer, size: number): Buffer {
  const out = Buffer.from(zip);
  for (let i = 0; i + 4 <= out.length; i++) {
    const sig = out.readUInt32LE(i);
    if (sig === LOCAL && (out.readUInt16LE(i + 6) & 0x08) === 0) out.writeUInt32LE(size, i + 22);
    if (sig === CENTRAL) out.writeUInt32LE(size, i + 24);
  }
  return out;
}

/** Hostile archives, each with the refusal code the server must answer. */
export async function hostileZips(marker: string): Promise<Array<{ name: string; zip: Buffer; code: string; status: number }>> {
  const small = Buffer.from("{}");
  const slip = renameRaw(await zipOf([{ name: `aa/aa/${marker}.txt`, data: small }]), `aa/aa/${marker}`, Buffer.from(`../../${marker}`));
  const absolute = renameRaw(await zipOf([{ name: `xtmp/${marker}.txt`, data: small }]), `xtmp/${marker}`, Buffer.from(`/tmp/${marker}`));
  const backslash = renameRaw(await zipOf([{ name: `aa/${marker}.txt`, data: small }]), `aa/${marker}`, Buffer.from(`..\\${marker}`));
  const zeros = Buffer.alloc(30 * 1024 * 1024);
  const mb = Buffer.alloc(1024 * 1024);
  const lying = declareSize(await zipOf([{ name: "app/big.txt", data: Buffer.alloc(512 * 1024) }]), 1000);
  const valid = await zipOf([
    { name: "app/a.txt", data: randomBytes(64 * 1024), compress: false },
    { name: "app/b.txt", data: randomBytes(64 * 1024), compress: false },
  ]);
  return [
    { name: "zip slip (../../)", zip: slip, code: "UPLOAD_ZIP_SLIP", status: 400 },
    { name: "absolute path (/tmp/…)", zip: absolute, code: "UPLOAD_ZIP_SLIP", status: 400 },
    { name: "backslash traversal (..\\)", zip: backslash, code: "UPLOAD_ZIP_SLIP", status: 400 },
    {
      name: "zip bomb by ratio (30 MB of zeros)",
      zip: await zipOf([{ name: "app/zeros.bin", data: zeros }]),
      code: "UPLOAD_ZIP_BOMB",
      status: 413,
    },
    {
      name: "zip bomb by total (250 × 1 MB, each under the ratio floor)",
      zip: await zipOf(Array.from({ length: 250 }, (_, i) => ({ name: `app/part-${i}.bin`, data: mb }))),
      code: "UPLOAD_TOO_LARGE",
      status: 413,
    },
    { name: "header declares less than it inflates to", zip: lying, code: "UPLOAD_ZIP_BOMB", status: 413 },
    {
      name: "symbolic link",
      zip: await zipOf([{ name: "app/link", data: Buffer.from("/etc/passwd"), mode: 0o120777 }]),
      code: "UPLOAD_SYMLINK",
      status: 400,
    },
    {
      name: "100,000 entries",
      zip: await manyEntriesZip(100_000),
      code: "UPLOAD_TOO_MANY_ENTRIES",
      status: 413,
    },
    {
      name: "invalid UTF-8 name",
      zip: renameRaw(await zipOf([{ name: "app/zz.txt", data: small }]), "zz", Buffer.from([0xff, 0xfe])),
      code: "UPLOAD_INVALID_NAME",
      status: 400,
    },
    {
      name: "duplicate entries",
      zip: await zipOf([
        { name: "app/a.json", data: small },
        { name: "app/a.json", data: small },
      ]),
      code: "UPLOAD_DUPLICATE_ENTRY",
      status: 400,
    },
    {
      name: "duplicates by case (A.json, a.json)",
      zip: await zipOf([
        { name: "app/A.json", data: small },
        { name: "app/a.json", data: small },
      ]),
      code: "UPLOAD_DUPLICATE_ENTRY",
      status: 400,
    },
    {
      name: "nested 40 folders deep",
      zip: await zipOf([{ name: `${"d/".repeat(40)}x.txt`, data: small }]),
      code: "UPLOAD_PATH_TOO_DEEP",
      status: 400,
    },
    { name: "truncated archive (first 60%)", zip: valid.subarray(0, Math.floor(valid.length * 0.6)), code: "UPLOAD_CORRUPT", status: 400 },
    {
      name: "truncated entry data",
      zip: Buffer.concat([valid.subarray(0, 40_000), valid.subarray(valid.length - 200)]),
      code: "UPLOAD_CORRUPT",
      status: 400,
    },
    { name: "not a zip at all", zip: randomBytes(4096), code: "UPLOAD_CORRUPT", status: 400 },
  ];
}
