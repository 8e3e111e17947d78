import { createHmac, timingSafeEqual } from "node:crypto";
import { DomainError, invalid, notFound } from "../errors/domain-error";
import { parseRequestJson } from "../util/safe-json";
import type { ProjectsContext } from "./projects-context";
import { recordBuild } from "./accept-upload";
import { repositoryParts } from "./project-json";

interface PushEvent {
  ref?: string;
  after?: string;
  deleted?: boolean;
  head_commit?: { id?: string; message?: string; author?: { name?: string; username?: string } } | null;
  pusher?: { name?: string };
  repository?: { name?: string; owner?: { login?: string; name?: string } };
}

export type PushOutcome = { built: true; buildNumber: number } | { built: false; reason: string };

/**
 * A GitHub-format push event for a linked project. The signature (X-Hub-Signature-256, HMAC-SHA256 of the raw body
 * with the webhook secret) is checked before anything else is read; a push to the linked branch queues a build of
 * its head commit, fetched by the build job.
 */
export async function handleGitPush(
  ctx: ProjectsContext,
  projectId: number,
  raw: Buffer,
  headers: { signature?: string; event?: string },
): Promise<PushOutcome> {
  const db = ctx.p.store.db;
  const project = await db.selectFrom("projects").selectAll().where("id", "=", projectId).executeTakeFirst();
  if (!project?.git_secret_sealed) throw notFound(`No project ${projectId} is linked to a git repository.`);
  const expected = `sha256=${createHmac("sha256", ctx.p.box.open(project.git_secret_sealed)).update(raw).digest("hex")}`;
  const given = headers.signature ?? "";
  if (given.length !== expected.length || !timingSafeEqual(Buffer.from(given), Buffer.from(expected))) {
    throw new DomainError("unauthenticated", "The X-Hub-Signature-256 header is missing or does not match the webhook secret.");
  }
  if (headers.event === "ping") return { built: false, reason: "ping" };
  if (headers.event !== undefined && headers.event !== "push") return { built: false, reason: `${headers.event} events are ignored` };
  let event: PushEvent;
  try {
    event = parseRequestJson(raw.toString("utf8")) as PushEvent;
  } catch (e) {
    if (e instanceof DomainError) throw e;
    throw invalid(`The push event is not valid JSON: ${(e as Error).message}`);
  }
  const branch = event.ref?.replace(/^refs\/heads\//, "");
  if (branch !== project.git_branch)
    return { built: false, reason: `push to ${event.ref ?? "an unknown ref"}, not to the linked branch ${project.git_branch}` };
  const commitHash = event.head_commit?.id ?? event.after ?? "";
  if (event.deleted || !/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(commitHash) || /^0+$/.test(commitHash))
    return { built: false, reason: "the push has no head commit" };

  const parts = repositoryParts(project.git_url!);
  const source = {
    type: "GITHUB_USER",
    commitHash,
    branch,
    authorName: event.head_commit?.author?.name ?? event.pusher?.name ?? "",
    repositoryName: event.repository?.name ?? parts.repositoryName,
    owner: event.repository?.owner?.login ?? event.repository?.owner?.name ?? parts.owner,
  };
  const message = (event.head_commit?.message ?? "").split("\n")[0] ?? "";
  const build = await db.transaction().execute((trx) =>
    recordBuild(ctx, trx, project, {
      platformVersion: null,
      uploadMessage: message,
      source,
      skipAutoDeploy: false,
      sourceZip: null,
      subtasks: [
        {
          id: "source",
          name: `${source.repositoryName}@${commitHash.slice(0, 7)}`,
          type: "GIT_SOURCE",
          rootPath: "",
          status: "PENDING",
          startedAt: null,
          finishedAt: null,
          errorMessage: "",
          errors: [],
        },
      ],
    }),
  );
  ctx.queue.wake();
  return { built: true, buildNumber: build.buildNumber };
}
