import { readZipEntries, zipEntries } from "@sprocket/builder";
import type { Platform } from "../platform";
import { notFound } from "../errors/domain-error";
import { requireProject } from "./project-lookup";

/**
 * What `hs project download` unpacks: one root folder named for the project (HubSpot's CLI copies that folder's
 * contents into the destination) holding hsproject.json and the uploaded source under src/.
 */
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
  const root = project.name.replace(/[^A-Za-z0-9._-]/g, "_");
  const hsproject = { name: project.name, srcDir: "src", platformVersion: build.platform_version };
  const source = await readZipEntries(Buffer.from(build.source_zip));
  return zipEntries([
    [`${root}/hsproject.json`, Buffer.from(`${JSON.stringify(hsproject, null, 2)}\n`)],
    ...[...source].map(([path, content]): [string, Buffer] => [`${root}/src/${path}`, content]),
  ]);
}
