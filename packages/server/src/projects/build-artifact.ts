import { writeFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { readZipEntries, zipDirectory } from "@sprocket/builder";
import type { Kysely } from "kysely";
import type { Database } from "../store/schema";
import type { DeployedApp } from "../apps/provision";

export interface ArtifactManifest {
  format: 1;
  projectName: string;
  buildNumber: number;
  platformVersion: string;
  apps: DeployedApp[];
}

/** Writes manifest.json beside the bundles and zips the lot: the artifact stored with the build. */
export async function packArtifact(outDir: string, manifest: ArtifactManifest): Promise<Buffer> {
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  return zipDirectory(outDir);
}

/**
 * The files of a build's artifact (bundles by the paths in its DeployedApp entries, card manifests, manifest.json),
 * for whoever runs or serves them. Undefined when the build does not exist in that account or has no artifact.
 */
export async function loadBuildArtifact(
  db: Kysely<Database>,
  accountId: number,
  buildId: number,
): Promise<Map<string, Buffer> | undefined> {
  const row = await db
    .selectFrom("builds")
    .select("artifact")
    .where("id", "=", buildId)
    .where("account_id", "=", accountId)
    .executeTakeFirst();
  if (!row?.artifact) return undefined;
  return readZipEntries(Buffer.from(row.artifact), {
    maxCompressedBytes: Number.MAX_SAFE_INTEGER,
    maxUncompressedBytes: Number.MAX_SAFE_INTEGER,
  });
}
