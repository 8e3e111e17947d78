import { execFile } from "node:child_process";
import { mkdir, readFile } from "node:fs/promises";
import { join, posix } from "node:path";
import { promisify } from "node:util";
import { UploadRejectedError, hubspotUploadIgnore, readZipEntries, zipDirectory } from "@sprocket/builder";
import type { ProjectsContext } from "./projects-context";

const run = promisify(execFile);
const GIT_TIMEOUT_MS = 120_000;

/** Transports git may use; `file` only where the operator allows builds of repositories on the server's own disk. */
export function allowedGitProtocols(env: NodeJS.ProcessEnv = process.env): string[] {
  return ["https", "http", "ssh", "git", ...(env.SPROCKET_ALLOW_FILE_GIT_URLS === "1" ? ["file"] : [])];
}

/**
 * Fetches one commit of the project's linked repository into `dir` and zips its srcDir the way an upload would be,
 * reading hsproject.json (at the repository root) for the srcDir and platform version.
 */
export async function fetchGitSource(ctx: ProjectsContext, projectId: number, commitHash: string, dir: string): Promise<{ sourceZip: Buffer; platformVersion: string }> {
  const project = await ctx.p.store.db.selectFrom("projects").select(["git_url"]).where("id", "=", projectId).executeTakeFirstOrThrow();
  if (!project.git_url) throw new Error("The project is no longer linked to a git repository.");
  await mkdir(dir, { recursive: true });
  const git = (...args: string[]) =>
    run("git", ["-c", "core.hooksPath=/dev/null", "-c", "advice.detachedHead=false", ...args], {
      cwd: dir,
      timeout: GIT_TIMEOUT_MS,
      env: { PATH: process.env.PATH, HOME: dir, GIT_TERMINAL_PROMPT: "0", GIT_ALLOW_PROTOCOL: allowedGitProtocols().join(":") },
    }).catch((e: Error & { stderr?: string }) => {
      throw new Error(`git ${args[0]} failed: ${(e.stderr || e.message).trim()}`);
    });
  await git("init", "-q");
  await git("fetch", "-q", "--depth", "1", project.git_url, commitHash);
  await git("checkout", "-q", "FETCH_HEAD");

  const config = await readFile(join(dir, "hsproject.json"), "utf8").catch(() => {
    throw new Error(`Commit ${commitHash.slice(0, 7)} has no hsproject.json at the repository root.`);
  });
  let parsed: { srcDir?: unknown; platformVersion?: unknown };
  try {
    parsed = JSON.parse(config) as typeof parsed;
  } catch (e) {
    throw new Error(`hsproject.json of commit ${commitHash.slice(0, 7)} is not valid JSON: ${(e as Error).message}`);
  }
  const srcDir = typeof parsed.srcDir === "string" ? posix.normalize(parsed.srcDir) : "";
  if (!srcDir || srcDir.startsWith("..") || posix.isAbsolute(srcDir)) throw new Error(`hsproject.json: srcDir must name a folder inside the repository (got ${JSON.stringify(parsed.srcDir)}).`);
  if (typeof parsed.platformVersion !== "string") throw new Error("hsproject.json: platformVersion is missing.");
  const sourceZip = await zipDirectory(join(dir, srcDir), { ignore: hubspotUploadIgnore });
  // The same caps as an upload.
  await readZipEntries(sourceZip).catch((e: unknown) => {
    throw e instanceof UploadRejectedError ? new Error(`The repository's ${srcDir}/ is refused: ${e.message}`) : e;
  });
  return { sourceZip, platformVersion: parsed.platformVersion };
}
