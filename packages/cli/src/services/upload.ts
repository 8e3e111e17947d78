import path from "node:path";
import type { UploadResult as UploadAnswer } from "@sprocket/contract";
import type { Diagnostic, ProjectFiles, ProjectModel } from "@sprocket/project-format";
import type { SprocketClient } from "../api-client";
import { ApiRequestError } from "../api-client";
import { CliError } from "../cli-error";
import type { Progress } from "../progress";
import { pc, pcErr } from "../terminal";
import { deployBuild, failureMessages, followBuild, followDeploy, type BuildView, type DeployView } from "./pipeline";
import { projectPath, validLocalProject } from "./session";
import { checkSecretsOnServer } from "./source-checks";
import { streams } from "../streams";

export interface UploadOptions {
  message: string;
  skipAutoDeploy: boolean;
  /** Deploy the build even when the project's automatic deploys are off (`project dev`). */
  alwaysDeploy?: boolean;
  progress: Progress;
}

export interface UploadResult {
  build: BuildView;
  deploy?: DeployView;
}

/** Validates locally, zips srcDir's contents (as HubSpot's CLI does), uploads, and follows the build and deploy. */
export async function uploadProject(client: SprocketClient, dir: string, opts: UploadOptions): Promise<UploadResult> {
  const { progress } = opts;
  const { files, model: project, diagnostics } = await validLocalProject(dir, "nothing was uploaded", { code: true });
  await printWarnings([...diagnostics, ...(await accountSecretWarnings(client, files, project))], files);
  await progress.start("Zipping");
  const zip = await zipSource(files, project.srcDir);
  progress.succeed(`Zipped ${project.srcDir || "."}/ (${kb(zip.length)})`);

  await ensureRemoteProject(client, project.name, progress);
  await progress.start(`Uploading ${kb(zip.length)}`);
  const started = Date.now();
  const form = new FormData();
  form.set("file", new Blob([new Uint8Array(zip)], { type: "application/zip" }), `${path.basename(dir)}.zip`);
  form.set("uploadMessage", opts.message);
  form.set("platformVersion", project.platformVersion);
  if (opts.skipAutoDeploy) form.set("skipAutoDeploy", "true");
  let uploaded: UploadAnswer;
  try {
    uploaded = await client.call<UploadAnswer>("POST", `/dfs/v1/projects/upload/${projectPath(project.name)}`, { form });
  } catch (e) {
    progress.fail("Upload refused");
    throw e;
  }
  progress.succeed(`Uploaded ${kb(zip.length)} in ${Date.now() - started} ms`);

  const build = await followBuild(client, project.name, uploaded.buildId, progress);
  if (build.status === "FAILURE")
    throw new CliError([`Build #${build.buildId} failed:`, ...failureMessages(build.subbuildStatuses)].join("\n"));
  if (!build.autoDeployId) {
    if (opts.alwaysDeploy) return { build, deploy: await deployBuild(client, project.name, build.buildId, false, progress) };
    progress.line(
      build.isAutoDeployEnabled
        ? pc.dim(`Not deployed (--skip-auto-deploy). Deploy it with \`sprocket project deploy --build ${build.buildId}\`.`)
        : pc.dim(`Automatic deploys are off for this project. Deploy it with \`sprocket project deploy --build ${build.buildId}\`.`),
    );
    return { build };
  }
  const deploy = await followDeploy(client, project.name, build.autoDeployId, progress);
  if (deploy.status === "FAILURE")
    throw new CliError(["The deploy failed; the previous build stays live.", ...failureMessages(deploy.subdeployStatuses)].join("\n"));
  return { build, deploy };
}

/** HubSpot's CLI creates the project on first upload: GET by-name, and POST when that is a 404. */
export async function ensureRemoteProject(client: SprocketClient, name: string, progress: Progress): Promise<void> {
  try {
    await client.call("GET", `/developer/projects/v1/by-name/${projectPath(name)}`);
  } catch (e) {
    if (!(e instanceof ApiRequestError) || e.status !== 404) throw e;
    await client.call("POST", "/developer/projects/v1", { body: { name } });
    progress.line(`${pc.green("✔")} Created project ${pc.bold(name)}`);
  }
}

/** The files under srcDir, at the zip root: exactly the set that was validated (upload ignore rules and .hsignore applied). */
export async function zipSource(files: ReadonlyMap<string, Uint8Array>, srcDir: string): Promise<Buffer> {
  const { zipEntries } = await import("@sprocket/builder");
  // srcDir "." (the project root) is modelled as "": every file is under it.
  const prefix = srcDir === "" ? "" : `${srcDir}/`;
  return zipEntries(
    [...files].filter(([file]) => file.startsWith(prefix)).map(([file, content]) => [file.slice(prefix.length), content] as const),
  );
}

/** Secrets the account lacks; the upload needs the server anyway, so a failure here shows up on the upload's own call. */
async function accountSecretWarnings(client: SprocketClient, files: ProjectFiles, project: ProjectModel): Promise<Diagnostic[]> {
  const checked = await checkSecretsOnServer(() => client, files, project);
  return Array.isArray(checked) ? checked : [];
}

/** A valid project's warnings (a hidden folder, an unknown function name) go to standard error before the upload. */
export async function printWarnings(diagnostics: Diagnostic[], files: ProjectFiles): Promise<void> {
  if (diagnostics.length === 0) return;
  const { renderDiagnostics, sortDiagnostics } = await import("@sprocket/project-format");
  streams.err.write(renderDiagnostics(sortDiagnostics(diagnostics), files, { color: pcErr.isColorSupported }) + "\n");
}

export const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
