import { realpathSync, statSync } from "node:fs";
import path from "node:path";
import type { FunctionContext, PlatformSecrets } from "./invocation";
import type { RunnerLimits } from "./limits";
import { MAX_RUNNER_ACCOUNT_ID } from "./runner-identity";
import { RuntimeError } from "./runtime-error";

export interface InvokeRequest {
  /** Identifies one app build of one account; runners are never shared between keys. */
  buildKey: string;
  /** The account the build belongs to: its runners run as that account's own user (runner-identity.ts). */
  accountId: number;
  /** Absolute path of the built functions folder. */
  bundleDir: string;
  /** The bundle file, relative to bundleDir. */
  file: string;
  functionName: string;
  context: FunctionContext;
  /** The function's declared secrets, exposed in process.env only. */
  secrets?: Record<string, string>;
  /** W3C trace context of the invocation, forwarded on calls to the HubSpot API host. */
  traceparent?: string;
  limits?: Partial<RunnerLimits>;
  /** Re-evaluate the build's modules before this call instead of reusing the warm ones. */
  reloadModule?: boolean;
}

const PLATFORM_SECRETS: Array<keyof PlatformSecrets> = [
  "PRIVATE_APP_ACCESS_TOKEN",
  "HS_ENVIRONMENT",
  "HS_HUBLET",
  "HS_SERVERLESS_FUNCTION_ID",
];
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TRACEPARENT = /^[0-9a-f]{2}-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;

/** An absolute, existing directory, returned with symlinks resolved (the permission model checks real paths). */
export function checkBundleDir(bundleDir: unknown): string {
  if (typeof bundleDir !== "string" || !path.isAbsolute(bundleDir)) {
    invalid(`bundleDir must be an absolute path, got ${JSON.stringify(bundleDir)}`);
  }
  let isDirectory = false;
  try {
    isDirectory = statSync(bundleDir).isDirectory();
  } catch {
    invalid(`bundleDir ${bundleDir} does not exist`);
  }
  if (!isDirectory) invalid(`bundleDir ${bundleDir} is not a directory`);
  return realpathSync(bundleDir);
}

function invalid(message: string): never {
  throw new RuntimeError("INVALID_REQUEST", message);
}

export function checkAccountId(accountId: unknown): number {
  if (typeof accountId !== "number" || !Number.isSafeInteger(accountId) || accountId < 1 || accountId > MAX_RUNNER_ACCOUNT_ID) {
    invalid(`accountId must be an integer from 1 to ${MAX_RUNNER_ACCOUNT_ID}, got ${JSON.stringify(accountId)}`);
  }
  return accountId;
}

/** Checks a request and returns the absolute bundle file and the child's whole environment. */
export function checkInvokeRequest(
  request: InvokeRequest,
  payloadBytes: number,
): { bundleDir: string; file: string; env: Record<string, string> } {
  if (typeof request.buildKey !== "string" || request.buildKey === "") invalid("buildKey must be a non-empty string");
  checkAccountId(request.accountId);
  if (typeof request.functionName !== "string" || request.functionName === "") {
    invalid("functionName must be a non-empty string");
  }
  const bundleDir = checkBundleDir(request.bundleDir);
  const file = path.resolve(bundleDir, String(request.file));
  if (typeof request.file !== "string" || path.isAbsolute(request.file) || !file.startsWith(bundleDir + path.sep)) {
    invalid(`file must be a path inside the bundle folder, got ${JSON.stringify(request.file)}`);
  }

  const context = request.context;
  if (typeof context !== "object" || context === null) invalid("context must be an object");
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.secrets ?? {})) {
    if (!ENV_NAME.test(name)) invalid(`secret name ${JSON.stringify(name)} is not a valid environment variable name`);
    if ((PLATFORM_SECRETS as string[]).includes(name)) invalid(`secret name ${name} is reserved for the platform`);
    if (typeof value !== "string") invalid(`secret ${name} must be a string`);
    env[name] = value;
  }
  for (const name of PLATFORM_SECRETS) {
    const value = context.secrets?.[name];
    if (typeof value !== "string") invalid(`context.secrets.${name} must be a string`);
    env[name] = value;
  }
  if (request.traceparent !== undefined && !TRACEPARENT.test(request.traceparent)) {
    invalid(`traceparent ${JSON.stringify(request.traceparent)} is not a W3C traceparent (00-<32 hex>-<16 hex>-<2 hex>)`);
  }

  let json: string;
  try {
    json = JSON.stringify(context);
  } catch (error) {
    invalid(`context is not JSON-serialisable: ${(error as Error).message}`);
  }
  const bytes = Buffer.byteLength(json);
  if (bytes > payloadBytes) {
    throw new RuntimeError("PAYLOAD_TOO_LARGE", `The context is ${bytes} bytes, over the ${payloadBytes}-byte limit`);
  }
  return { bundleDir, file, env };
}
