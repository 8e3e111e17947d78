import type { Build, BuildPage, Deploy, QueuedDeploy, SubBuild, SubDeploy } from "@sprocket/contract";
import type { SprocketClient } from "../api-client";
import { ApiRequestError } from "../api-client";
import { CliError } from "../cli-error";
import type { Progress } from "../progress";
import { pc } from "../terminal";
import { terminalText as text } from "../terminal-text";
import { projectPath } from "./session";

type SubStatus = SubBuild | SubDeploy;
// The names the project commands know them by.
export type BuildView = Build;
export type DeployView = Deploy;

// The server streams no build or deploy status (its event streams carry logs and live cards), so the CLI polls.
const POLL_MS = 250;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const duration = (s: SubStatus) => (s.startedAt && s.finishedAt ? pc.dim(` ${Date.parse(s.finishedAt) - Date.parse(s.startedAt)} ms`) : "");

/** Polls a build, printing each sub-build as it finishes, until SUCCESS or FAILURE. */
export async function followBuild(client: SprocketClient, name: string, buildId: number, progress: Progress): Promise<BuildView> {
  await progress.start(`Building #${buildId}`);
  const reported = new Set<string>();
  for (;;) {
    const build = await client.call<BuildView>("GET", `/dfs/v1/projects/${projectPath(name)}/builds/${buildId}/status`);
    for (const s of build.subbuildStatuses) {
      if (reported.has(s.id) || (s.status !== "SUCCESS" && s.status !== "FAILURE")) continue;
      reported.add(s.id);
      progress.line(
        `  ${s.status === "SUCCESS" ? pc.green("✔") : pc.red("✖")} ${text(s.buildName)} ${pc.dim(`(${text(s.buildType)})`)}${duration(s)}`,
      );
    }
    const running = build.subbuildStatuses.filter((s) => s.status === "BUILDING").map((s) => text(s.buildName));
    progress.update(`Building #${buildId}${running.length ? `: ${running.join(", ")}` : ` (${text(build.status.toLowerCase())})`}`);
    if (build.status === "SUCCESS") {
      progress.succeed(`Build #${buildId} succeeded`);
      return build;
    }
    if (build.status === "FAILURE") {
      progress.fail(`Build #${buildId} failed`);
      return build;
    }
    await sleep(POLL_MS);
  }
}

export async function followDeploy(client: SprocketClient, name: string, deployId: number, progress: Progress): Promise<DeployView> {
  await progress.start(`Deploying (deploy ${deployId})`);
  for (;;) {
    const deploy = await client.call<DeployView>("GET", `/dfs/deploy/v1/deploy-status/projects/${projectPath(name)}/deploys/${deployId}`);
    if (deploy.status === "SUCCESS") {
      progress.succeed(
        `Deployed build #${deploy.buildId} (${deploy.subdeployStatuses.map((s) => text(`${s.deployName}${s.status === "SUCCESS" ? "" : ` ${s.status}`}`)).join(", ")})`,
      );
      return deploy;
    }
    if (deploy.status === "FAILURE") {
      progress.fail(`Deploy of build #${deploy.buildId} failed`);
      return deploy;
    }
    await sleep(POLL_MS);
  }
}

/** The messages of failed sub-tasks, leaving out those that only failed because another did. */
export function failureMessages(subs: SubStatus[]): string[] {
  return subs
    .filter((s) => s.status === "FAILURE" && !/DEPENDENT_SUB(BUILD|DEPLOY)_FAILED$/.test(s.standardError?.subCategory ?? ""))
    .flatMap((s) => {
      const errors = s.standardError?.errors.map((e) => e.message) ?? [];
      // Build errors may span lines (a code frame): newlines stay, other control characters do not.
      const shown = (message: unknown) => text(message, { multiline: true });
      return [
        `${text("buildName" in s ? s.buildName : s.deployName)}: ${shown(s.errorMessage)}`,
        ...errors.filter((m) => m !== s.errorMessage).map((m) => `  - ${shown(m)}`),
      ];
    });
}

/** The newest build of the project that succeeded: what `project deploy` deploys when given no build. */
export async function latestSuccessfulBuild(client: SprocketClient, name: string): Promise<number> {
  const { results } = await client.call<BuildPage>("GET", `/dfs/v1/projects/${projectPath(name)}/builds`, { query: { limit: 100 } });
  const latest = results.find((b) => b.status === "SUCCESS");
  if (!latest) throw new CliError(`Project "${name}" has no successful build to deploy. Run \`sprocket project upload\`.`);
  return latest.buildId;
}

/** Queues a deploy (v1) and follows it; a removal needs `force`, as with HubSpot's CLI. */
export async function deployBuild(
  client: SprocketClient,
  name: string,
  buildId: number,
  force: boolean,
  progress: Progress,
): Promise<DeployView> {
  let queued: QueuedDeploy;
  try {
    queued = await client.call<QueuedDeploy>("POST", "/dfs/deploy/v1/deploys/queue/async", {
      body: { projectName: name, buildId, skipRemovalWarning: force },
    });
  } catch (e) {
    const sub = e instanceof ApiRequestError ? (e.body as { subCategory?: string } | undefined)?.subCategory : undefined;
    if (sub === "DeployPipelineErrorType.WARNING_DEPLOY_CONTAINS_REMOVALS")
      throw new CliError(`${(e as Error).message.split("\n")[0]}\nRun again with --force to deploy anyway.`);
    throw e;
  }
  const deploy = await followDeploy(client, name, queued.id, progress);
  if (deploy.status === "FAILURE")
    throw new CliError(["The deploy failed; nothing was changed.", ...failureMessages(deploy.subdeployStatuses)].join("\n"));
  return deploy;
}
