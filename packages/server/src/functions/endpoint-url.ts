import type { Platform } from "../platform";

/** An endpoint path as serverless.json may write it (`/hello/`), as it is matched and shown (`hello`). */
export const endpointPath = (p: string) => p.replace(/^\/+|\/+$/g, "");

/**
 * The public URL of an account's endpoint: the account is in the path, so no other account can answer there
 * (docs/security/endpoints.md). `base` is the endpoint listener's URL, never the console's.
 */
export const endpointUrl = (base: string, accountId: number, path: string) => `${base}/${accountId}/_hcms/api/${endpointPath(path)}`;

/** A function's deployed config, with `endpoint.url` when it has an endpoint, for the console and the CLI to show. */
export function withEndpointUrl(p: Platform, accountId: number, config: Record<string, unknown>): Record<string, unknown> {
  const endpoint = config.endpoint as { path: string } | undefined;
  const base = p.addresses.functions;
  if (!endpoint || !base) return config;
  return { ...config, endpoint: { ...endpoint, url: endpointUrl(base, accountId, endpoint.path) } };
}
