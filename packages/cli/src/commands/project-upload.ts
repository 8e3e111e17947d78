import path from "node:path";
import type { Command } from "commander";
import type { UploadResult as UploadAnswer } from "@sprocket/contract";
import pc from "picocolors";
import type { SprocketClient } from "../api-client";
import { ApiRequestError } from "../api-client";
import { CliError } from "../cli-error";
import { printJson } from "../output";
import { ACCOUNT_FLAG, clientFor, findLocalProject, projectPath, type LocalProject } from "./project-session";
import { Progress, failureMessages, followBuild, followDeploy, type BuildView, type DeployView } from "./project-pipeline";

interface UploadFlags {
  account?: string;
  message?: string;
  skipAutoDeploy?: boolean;
  json?: boolean;
}

export function registerProjectUpload(project: Command): void {
  project
    .command("upload [dir]")
    .description("validate, upload and build the project (and deploy it, unless auto-deploy is off)")
    .option("-m, --message <message>", "a message for this build", "")
    .option("--skip-auto-deploy", "build without deploying this once")
    .option(...ACCOUNT_FLAG)
    .option("--json", "print the build (and deploy) as JSON")
    .action(async (dir: string | undefined, flags: UploadFlags) => {
      const result = await uploadProject(clientFor(flags), findLocalProject(dir ?? "."), { message: flags.message ?? "", skipAutoDeploy: flags.skipAutoDeploy === true, progress: new Progress(flags.json === true) });
      if (flags.json) printJson(result);
    });
}

export interface UploadResult {
  build: BuildView;
  deploy?: DeployView;
}

/** Validates locally, zips srcDir's contents (as HubSpot's CLI does), uploads, and follows the build and deploy. */
export async function uploadProject(client: SprocketClient, local: LocalProject, opts: { message: string; skipAutoDeploy: boolean; progress: Progress }): Promise<UploadResult> {
  const { progress } = opts;
  // The validator loads on use so that other commands start fast.
  const { hasErrors, loadProjectFromDir, renderDiagnostics, validateProject } = await import("@sprocket/project-format");
  const files = await loadProjectFromDir(local.dir);
  const { diagnostics, project } = validateProject(files);
  if (hasErrors(diagnostics) || !project) {
    process.stderr.write(renderDiagnostics(diagnostics, files, { color: process.stderr.isTTY === true }) + "\n");
    throw new CliError("Project validation failed; nothing was uploaded.");
  }
  await progress.start("Zipping");
  const zip = await zipSource(files, project.srcDir);
  progress.succeed(`Zipped ${project.srcDir || "."}/ (${kb(zip.length)})`);

  await ensureRemoteProject(client, project.name, progress);
  await progress.start(`Uploading ${kb(zip.length)}`);
  const started = Date.now();
  const form = new FormData();
  form.set("file", new Blob([new Uint8Array(zip)], { type: "application/zip" }), `${path.basename(local.dir)}.zip`);
  form.set("uploadMessage", opts.message);
  form.set("platformVersion", project.platformVersion);
  if (opts.skipAutoDeploy) form.set("skipAutoDeploy", "true");
  let uploaded: { buildId: number };
  try {
    uploaded = await client.call<UploadAnswer>("POST", `/dfs/v1/projects/upload/${projectPath(project.name)}`, { form });
  } catch (e) {
    progress.fail("Upload refused");
    throw e;
  }
  progress.succeed(`Uploaded ${kb(zip.length)} in ${Date.now() - started} ms`);

  const build = await followBuild(client, project.name, uploaded.buildId, progress);
  if (build.status === "FAILURE") throw new CliError([`Build #${build.buildId} failed:`, ...failureMessages(build.subbuildStatuses)].join("\n"));
  if (!build.autoDeployId) {
    progress.line(
      build.isAutoDeployEnabled
        ? pc.dim(`Not deployed (--skip-auto-deploy). Deploy it with \`sprocket project deploy --build ${build.buildId}\`.`)
        : pc.dim(`Automatic deploys are off for this project. Deploy it with \`sprocket project deploy --build ${build.buildId}\`.`),
    );
    return { build };
  }
  const deploy = await followDeploy(client, project.name, build.autoDeployId, progress);
  if (deploy.status === "FAILURE") throw new CliError(["The deploy failed; the previous build stays live.", ...failureMessages(deploy.subdeployStatuses)].join("\n"));
  return { build, deploy };
}

/** HubSpot's CLI creates the project on first upload: GET by-name, and POST when that is a 404. */
async function ensureRemoteProject(client: SprocketClient, name: string, progress: Progress): Promise<void> {
  try {
    await client.call("GET", `/developer/projects/v1/by-name/${projectPath(name)}`);
  } catch (e) {
    if (!(e instanceof ApiRequestError) || e.status !== 404) throw e;
    await client.call("POST", "/developer/projects/v1", { body: { name } });
    progress.line(`${pc.green("✔")} Created project ${pc.bold(name)}`);
  }
}

/** The files under srcDir, at the zip root, exactly the set that was validated (upload ignore rules and .hsignore applied). */
async function zipSource(files: ReadonlyMap<string, string | Uint8Array>, srcDir: string): Promise<Buffer> {
  const { default: yazl } = await import("yazl");
  const zip = new yazl.ZipFile();
  // srcDir "." (the project root) is modelled as "": every file is under it.
  const prefix = srcDir === "" ? "" : `${srcDir}/`;
  const mtime = new Date(1980, 0, 1);
  for (const [file, content] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!file.startsWith(prefix)) continue;
    zip.addBuffer(Buffer.from(content), file.slice(prefix.length), { mtime, mode: 0o100644 });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
