import { execFile } from "node:child_process";
import { chown, lstat, mkdir, mkdtemp, readFile, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, posix, sep } from "node:path";
import { promisify } from "node:util";
import { UnsafeEntryError, UploadRejectedError, hubspotUploadIgnore, readZipEntries, zipDirectory } from "@sprocket/builder";
import type { ProjectsContext } from "./projects-context";
import { parseRepositoryUrl, pinRemote } from "./git-remote";

const run = promisify(execFile);
const GIT_TIMEOUT_MS = 120_000;
// git fetches a tenant's repository: as root it runs as nobody, so a flaw in git or curl does not run as root.
const UNPRIVILEGED = 65534;

/**
 * Settings given to every git command, over an empty configuration (no system or global file is read): no hooks,
 * symbolic links checked out as plain files, no credential helper or SSH, no redirect to a host that was not checked,
 * fsck of what arrives, no submodules.
 */
const GIT_CONFIG = [
  "core.hooksPath=/dev/null",
  "core.symlinks=false",
  "core.fsmonitor=false",
  "core.sshCommand=false",
  "credential.helper=",
  "protocol.allow=never",
  "http.followRedirects=false",
  "transfer.fsckObjects=true",
  "submodule.recurse=false",
  "advice.detachedHead=false",
].flatMap((c) => ["-c", c]);

/**
 * Fetches one commit of the project's linked repository and zips its srcDir the way an upload would be, reading
 * hsproject.json (at the repository root) for the srcDir and platform version. The host is checked (and pinned) right
 * before the fetch, and nothing outside the checkout can reach the zip.
 */
export async function fetchGitSource(
  ctx: ProjectsContext,
  projectId: number,
  commitHash: string,
): Promise<{ sourceZip: Buffer; platformVersion: string }> {
  const project = await ctx.p.store.db.selectFrom("projects").select(["git_url"]).where("id", "=", projectId).executeTakeFirstOrThrow();
  if (!project.git_url) throw new Error("The project is no longer linked to a git repository.");
  const remote = parseRepositoryUrl(project.git_url);
  const pinned = await pinRemote(remote, ctx.p.config.gitPrivateHosts);

  // Its own folder under the system temp dir (not the data dir, which nobody may not enter), removed at the end.
  const scratch = await mkdtemp(join(tmpdir(), "sprocket-git-"));
  try {
    const home = join(scratch, "home");
    const dir = join(scratch, "checkout");
    await mkdir(home);
    await mkdir(dir);
    const asRoot = process.getuid?.() === 0;
    if (asRoot) for (const d of [scratch, home, dir]) await chown(d, UNPRIVILEGED, UNPRIVILEGED);
    const git = (args: string[], config: string[] = []) =>
      run("git", [...GIT_CONFIG, ...config, ...args], {
        cwd: dir,
        timeout: GIT_TIMEOUT_MS,
        ...(asRoot ? { uid: UNPRIVILEGED, gid: UNPRIVILEGED } : {}),
        env: {
          // git finds its helpers (git-remote-http) on the server's PATH; nothing else of the server's environment passes.
          // eslint-disable-next-line no-restricted-properties -- the child's own environment, not a setting
          PATH: process.env.PATH,
          HOME: home,
          XDG_CONFIG_HOME: home,
          GIT_CONFIG_NOSYSTEM: "1",
          GIT_CONFIG_GLOBAL: "/dev/null",
          GIT_TERMINAL_PROMPT: "0",
          GIT_SSH_COMMAND: "false",
          GIT_ALLOW_PROTOCOL: remote.protocol,
        },
      }).catch((e: Error & { stderr?: string }) => {
        throw new Error(`git ${args[0]} failed: ${(e.stderr || e.message).replaceAll(scratch, ".").trim()}`);
      });
    await git(["init", "-q"]);
    await git(["fetch", "-q", "--no-tags", "--no-recurse-submodules", "--depth", "1", pinned.url, commitHash], pinned.config);
    await git(["checkout", "-q", "FETCH_HEAD"]);
    return await zipSource(dir, commitHash);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** The zip of the checkout's srcDir: the folder must really be inside the checkout, whatever hsproject.json says. */
async function zipSource(dir: string, commitHash: string): Promise<{ sourceZip: Buffer; platformVersion: string }> {
  const commit = commitHash.slice(0, 7);
  const config = await readFile(join(dir, "hsproject.json"), "utf8").catch(() => {
    throw new Error(`Commit ${commit} has no hsproject.json at the repository root.`);
  });
  let parsed: { srcDir?: unknown; platformVersion?: unknown };
  try {
    parsed = JSON.parse(config) as typeof parsed;
  } catch (e) {
    throw new Error(`hsproject.json of commit ${commit} is not valid JSON: ${(e as Error).message}`);
  }
  const srcDir = typeof parsed.srcDir === "string" ? posix.normalize(parsed.srcDir).replace(/\/$/, "") : "";
  const outside = new Error(`hsproject.json: srcDir must name a folder inside the repository (got ${JSON.stringify(parsed.srcDir)}).`);
  if (!srcDir || srcDir === ".." || srcDir.startsWith("../") || posix.isAbsolute(srcDir)) throw outside;
  if (typeof parsed.platformVersion !== "string") throw new Error("hsproject.json: platformVersion is missing.");
  const root = await realpath(dir);
  const source = await realpath(join(root, srcDir)).catch(() => undefined);
  if (source === undefined) throw new Error(`hsproject.json: srcDir ${JSON.stringify(srcDir)} does not exist in commit ${commit}.`);
  if (source !== root && !source.startsWith(root + sep)) throw outside;
  if (!(await lstat(source)).isDirectory())
    throw new Error(`hsproject.json: srcDir ${JSON.stringify(srcDir)} is not a folder in commit ${commit}.`);

  const sourceZip = await zipDirectory(source, { ignore: hubspotUploadIgnore }).catch((e: unknown) => {
    if (!(e instanceof UnsafeEntryError)) throw e;
    throw new Error(
      `The repository's ${posix.join(srcDir, e.relativePath)} is a symbolic link or special file; a project may only contain regular files.`,
    );
  });
  // The same caps as an upload.
  await readZipEntries(sourceZip).catch((e: unknown) => {
    throw e instanceof UploadRejectedError ? new Error(`The repository's ${srcDir}/ is refused: ${e.message}`) : e;
  });
  return { sourceZip, platformVersion: parsed.platformVersion };
}
