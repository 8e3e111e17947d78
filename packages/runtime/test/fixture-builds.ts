import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { FunctionContext, InvokeRequest } from "../src/index";

/** A ready-made "build": plain CommonJS function files, as the builder would emit them. */
export const functionsDir = fileURLToPath(new URL("./fixtures/functions", import.meta.url));

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
    accountId: 123,
  };
}

/** An invocation of a fixture in `functionsDir`; the build key defaults to one build per test file. */
export function fixtureRequest(
  file: string,
  parameters: Record<string, unknown> = {},
  extra: Partial<InvokeRequest> = {},
): InvokeRequest {
  return {
    buildKey: "fixtures",
    bundleDir: functionsDir,
    file,
    functionName: file.replace(/\.js$/, ""),
    context: contextWith(parameters),
    ...extra,
  };
}

/** A scratch folder the unprivileged runner user can read (mkdtemp creates it 0700). */
export function readableTempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
