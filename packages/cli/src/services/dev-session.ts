import path from "node:path";
import type { SprocketClient } from "../api-client";
import { ApiRequestError } from "../api-client";
import type { Progress } from "../progress";
import { projectPath, validLocalProject } from "./session";
import { printWarnings, uploadProject, zipSource } from "./upload";

/** A `sprocket project dev` session on the server: record and app pages load its card and page bundles while it is open. */
export interface DevSession {
  sessionId: number;
  projectName: string;
  close(): Promise<void>;
}

export interface PushedBundle {
  appUid: string;
  uid: string;
  version: number;
  changed: boolean;
}

export interface PushAnswer {
  bundles: PushedBundle[];
  skippedApps: string[];
  buildMs: number;
}

/** The server keeps a session for two minutes after its last sign of life; a beat every 30 s outlasts three lost ones. */
const HEARTBEAT_MS = 30_000;

/**
 * Opens a dev session for the project in `dir`. A project that was never deployed is uploaded and deployed once first:
 * a session serves the cards and pages of deployed apps (their functions, tokens and scopes come from that build).
 */
export async function openDevSession(client: SprocketClient, dir: string, progress: Progress): Promise<DevSession> {
  const { model } = await validLocalProject(dir, "no dev session was started");
  const deployed = await deployedBuildOf(client, model.name);
  if (deployed === null) {
    progress.line(`Project ${model.name} has no deployed build yet: uploading and deploying it once.`);
    await uploadProject(client, dir, {
      message: "sprocket project dev (first deploy)",
      skipAutoDeploy: false,
      alwaysDeploy: true,
      progress,
    });
  }
  const { sessionId } = await client.call<{ sessionId: number }>("POST", `/api/v1/projects/${projectPath(model.name)}/dev-sessions`);
  const beat = setInterval(() => {
    client
      .call("POST", `/api/v1/dev-sessions/${sessionId}/heartbeat`)
      .catch((e: unknown) => progress.line(`Dev session heartbeat failed: ${(e as Error).message}`));
  }, HEARTBEAT_MS);
  beat.unref();
  return {
    sessionId,
    projectName: model.name,
    close: async () => {
      clearInterval(beat);
      await client.call("DELETE", `/api/v1/dev-sessions/${sessionId}`);
    },
  };
}

async function deployedBuildOf(client: SprocketClient, name: string): Promise<number | null> {
  try {
    const project = await client.call<{ deployedBuildId?: number | null }>("GET", `/developer/projects/v1/by-name/${projectPath(name)}`);
    return project.deployedBuildId ?? null;
  } catch (e) {
    if (e instanceof ApiRequestError && e.status === 404) return null;
    throw e;
  }
}

/**
 * Validates the project, zips srcDir as an upload would and hands it to the session with the files saved (relative to
 * srcDir): the server rebuilds the bundles that read them.
 */
export async function pushToSession(
  client: SprocketClient,
  session: DevSession,
  dir: string,
  changedFiles: string[] | undefined,
): Promise<PushAnswer> {
  const { files, model, diagnostics } = await validLocalProject(dir, "the dev session still serves the last good bundles", { code: true });
  await printWarnings(diagnostics, files);
  const srcRoot = path.resolve(dir, model.srcDir);
  const form = new FormData();
  form.set("file", new Blob([new Uint8Array(await zipSource(files, model.srcDir))], { type: "application/zip" }), "src.zip");
  form.set("platformVersion", model.platformVersion);
  if (changedFiles) {
    const relative = changedFiles
      .map((f) => path.relative(srcRoot, path.resolve(f)).split(path.sep).join("/"))
      .filter((f) => !f.startsWith(".."));
    form.set("changed", JSON.stringify(relative));
  }
  return client.call<PushAnswer>("POST", `/api/v1/dev-sessions/${session.sessionId}/sources`, { form });
}
