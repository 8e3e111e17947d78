import { readZipEntries } from "@sprocket/builder";
import yazl from "yazl";
import type { Platform } from "../platform";
import { notFound } from "../http/api-error";
import { requireProject } from "./project-lookup";

/** What `hs project download` unpacks: hsproject.json and the uploaded source under src/. */
export async function archiveFull(p: Platform, accountId: number, projectName: string, buildNumber: number): Promise<Buffer> {
  const project = await requireProject(p.store.db, accountId, projectName);
  const build = await p.store.db
    .selectFrom("builds")
    .select(["source_zip", "platform_version"])
    .where("project_id", "=", project.id)
    .where("build_number", "=", buildNumber)
    .executeTakeFirst();
  if (!build) throw notFound(`Project "${project.name}" has no build ${buildNumber}.`);
  if (!build.source_zip) throw notFound(`Build ${buildNumber} of "${project.name}" has no source yet (its commit has not been fetched).`);
  const zip = new yazl.ZipFile();
  const hsproject = { name: project.name, srcDir: "src", platformVersion: build.platform_version };
  zip.addBuffer(Buffer.from(`${JSON.stringify(hsproject, null, 2)}\n`), "hsproject.json");
  for (const [path, content] of await readZipEntries(Buffer.from(build.source_zip))) zip.addBuffer(content, `src/${path}`);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}
