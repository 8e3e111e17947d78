import { readFileSync } from "node:fs";
import path from "node:path";
import { hubspotUploadIgnore, zipDirectory } from "@sprocket/builder";
import type { ProjectApi } from "./project-api";

/** A project whose public endpoints answer well and badly (fixtures/endpoints-project/…/respond.js, page.js). */
export const ENDPOINTS_PROJECT = path.join(import.meta.dirname, "../fixtures/endpoints-project");

/** Uploads a project folder (with hsproject.json) as HubSpot's CLI does and waits until its build is live. */
export async function deployProjectDir(api: ProjectApi, dir: string): Promise<void> {
  const config = JSON.parse(readFileSync(path.join(dir, "hsproject.json"), "utf8")) as { name: string; srcDir: string; platformVersion: string };
  const existing = await api.call("GET", `/developer/projects/v1/by-name/${encodeURIComponent(config.name)}`);
  if (existing.status === 404) await api.call("POST", "/developer/projects/v1", { body: { name: config.name } });
  const zip = await zipDirectory(path.join(dir, config.srcDir), { ignore: hubspotUploadIgnore });
  const upload = await api.upload(config.name, zip, { platformVersion: config.platformVersion });
  if (typeof upload.body?.buildId !== "number") throw new Error(`Upload of ${config.name} refused: ${JSON.stringify(upload.body)}`);
  const build = await api.waitForBuild(config.name, upload.body.buildId);
  if (build.status !== "SUCCESS") throw new Error(`Build of ${config.name} failed: ${JSON.stringify(build)}`);
  const deploy = await api.waitForDeploy(config.name, Number(build.deployStatusTaskLocator.id));
  if (deploy.status !== "SUCCESS") throw new Error(`Deploy of ${config.name} failed: ${JSON.stringify(deploy)}`);
}

/** `?respond=` for respond.js: the value the function returns, as it is. */
export const respondWith = (value: unknown) => `respond=${encodeURIComponent(JSON.stringify(value))}`;
