import { chmodSync, cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { FunctionContext, InvokeRequest } from "../src/index";

/** The account the fixture builds belong to (as context.accountId says). */
export const FIXTURE_ACCOUNT = 123;

/** A scratch folder the runner users can reach (mkdtemp creates it 0700); removed when this process exits. */
export function readableTempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A copy of a fixture build in a scratch folder. A pool running as root gives each build folder to its account's
 * runner user (runner-identity.ts), which must not happen to the files of the repository.
 */
export function copyOfBuild(source: string): string {
  const scratch = readableTempDir("sprocket-fixture-build-");
  process.once("exit", scratch.remove);
  const dir = path.join(scratch.dir, "build");
  cpSync(source, dir, { recursive: true });
  return dir;
}

/** A ready-made "build": plain CommonJS function files, as the builder would emit them. */
export const fixtureSources = fileURLToPath(new URL("./fixtures/functions", import.meta.url));
export const functionsDir = copyOfBuild(fixtureSources);

export function contextWith(parameters: Record<string, unknown> = {}, token = "pat-na1-test-token"): FunctionContext {
  return {
    parameters,
    propertiesToSend: {},
    event: { type: "SERVERLESS_ACTION_HOOK", payload: {} },
    secrets: {
      PRIVATE_APP_ACCESS_TOKEN: token,
      HS_ENVIRONMENT: "PROD",
      HS_HUBLET: "na1",
      HS_SERVERLESS_FUNCTION_ID: "fn-1",
    },
    accountId: FIXTURE_ACCOUNT,
  };
}

/** An invocation of a fixture in `functionsDir`; the build key defaults to one build per test file. */
export function fixtureRequest(file: string, parameters: Record<string, unknown> = {}, extra: Partial<InvokeRequest> = {}): InvokeRequest {
  return {
    buildKey: "fixtures",
    accountId: FIXTURE_ACCOUNT,
    bundleDir: functionsDir,
    file,
    functionName: file.replace(/\.js$/, ""),
    context: contextWith(parameters),
    ...extra,
  };
}
