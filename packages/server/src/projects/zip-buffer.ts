import yazl from "yazl";

/** Zips files held in memory (path → content) into one buffer. */
export async function zipBuffer(entries: Iterable<[string, Buffer]>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [path, content] of entries) zip.addBuffer(content, path);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}
