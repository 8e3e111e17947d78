import { readdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import type { SprocketClient } from "../api-client";
import { CliError } from "../cli-error";
import { projectPath } from "./session";

/** Fetches a build's source (hsproject.json and src/) and unpacks it into the new folder `dest`. */
export async function downloadBuild(client: SprocketClient, name: string, buildId: number, dest: string): Promise<{ files: number }> {
  const zip = await client.call<Buffer>("GET", `/dfs/v1/projects/${projectPath(name)}/builds/${buildId}/archive-full`, { raw: true });
  // The same checks as an upload: the archive cannot write outside dest.
  const { unpackZip } = await import("@sprocket/builder");
  // The archive holds one folder named for the project (as HubSpot's does); its contents become dest.
  const staging = `${dest}.unpacking`;
  const { files } = await unpackZip(zip, staging).catch((e: Error) => {
    throw new CliError(`Cannot unpack into ${dest}: ${e.message}`);
  });
  const [root] = await readdir(staging);
  await rename(path.join(staging, root!), dest).catch((e: Error) => {
    throw new CliError(`Cannot move the download into ${dest}: ${e.message}`);
  });
  await rm(staging, { recursive: true, force: true });
  return { files: files.length };
}
