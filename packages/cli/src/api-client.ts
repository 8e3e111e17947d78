import { CliError } from "./cli-error";
import { readConfig, writeConfig, type AccountEntry } from "./config-file";
import { terminalText } from "./terminal-text";

/** Refresh the bearer token this long before it expires, as HubSpot's CLI does. */
const REFRESH_MARGIN_MS = 5 * 60 * 1000;

export interface HubSpotErrorBody {
  message?: string;
  category?: string;
  errors?: Array<{ message?: string }>;
  correlationId?: string;
}

export class ApiRequestError extends CliError {
  constructor(
    readonly status: number,
    readonly body: HubSpotErrorBody | undefined,
    fallback: string,
  ) {
    super(formatError(status, body, fallback), 1, body);
  }
}

function formatError(status: number, body: HubSpotErrorBody | undefined, fallback: string): string {
  if (!body?.message) return `${fallback} (HTTP ${status})`;
  const text = (message: unknown) => terminalText(message, { multiline: true });
  const lines = [text(body.message), ...(body.errors ?? []).map((e) => `  - ${text(e.message)}`)];
  return lines.join("\n");
}

export async function exchangeKey(server: string, key: string) {
  const res = await request(server, "POST", "/localdevauth/v1/auth/refresh", { body: { encodedOAuthRefreshToken: key } });
  return res as { hubId: number; oauthAccessToken: string; expiresAtMillis: number; hubName: string };
}

/** A client for one configured account; it keeps the cached bearer token fresh in the config file. */
export class SprocketClient {
  constructor(readonly account: AccountEntry) {}

  /** The cached bearer token while it is fresh, else (or with `fresh`) one exchanged for the key now. */
  private async token(fresh = false): Promise<string> {
    const info = this.account.auth?.tokenInfo;
    if (!fresh && info && Date.parse(info.expiresAt) - REFRESH_MARGIN_MS > Date.now()) return info.accessToken;
    const exchanged = await exchangeKey(this.account.server, this.account.personalAccessKey);
    const tokenInfo = { accessToken: exchanged.oauthAccessToken, expiresAt: new Date(exchanged.expiresAtMillis).toISOString() };
    this.account.auth = { tokenInfo };
    const config = readConfig();
    const entry = config.accounts.find((a) => a.name === this.account.name);
    if (entry) {
      entry.auth = { tokenInfo };
      writeConfig(config);
    }
    return exchanged.oauthAccessToken;
  }

  async call<T>(
    method: string,
    path: string,
    opts: { body?: unknown; form?: FormData; query?: Record<string, string | number | undefined>; raw?: boolean } = {},
  ): Promise<T> {
    const cached = this.account.auth?.tokenInfo?.accessToken;
    const token = await this.token();
    try {
      return (await request(this.account.server, method, path, { ...opts, token })) as T;
    } catch (e) {
      // The cached token was revoked or has expired on the server: exchange the key once more and try again, once.
      // A 401 for a token just exchanged, a second 401, or the exchange's own (a revoked key) is the answer.
      if (!(e instanceof ApiRequestError && e.status === 401 && token === cached)) throw e;
      return (await request(this.account.server, method, path, { ...opts, token: await this.token(true) })) as T;
    }
  }
}

async function request(
  server: string,
  method: string,
  path: string,
  opts: { body?: unknown; form?: FormData; token?: string; query?: Record<string, string | number | undefined>; raw?: boolean },
): Promise<unknown> {
  const url = new URL(path, server);
  for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
  const headers: Record<string, string> = { accept: "application/json" };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | FormData | undefined;
  if (opts.form) body = opts.form;
  else if (opts.body !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(opts.body);
  }
  const res = await apiFetch(server, url, { method, headers, ...(body !== undefined ? { body } : {}) });
  if (opts.raw && res.ok) return Buffer.from(await res.arrayBuffer());
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!res.ok) throw new ApiRequestError(res.status, parsed as HubSpotErrorBody | undefined, `${method} ${url.pathname} failed`);
  return parsed;
}

/**
 * Every request to the server: it follows no redirect. A 307/308 would resend the body (the personal access key, on the
 * exchange) to wherever the redirect points, so a redirect is an error that names where it pointed.
 */
export async function apiFetch(server: string, url: URL, init: RequestInit): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, redirect: "manual" });
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
    throw new CliError(`Cannot reach the Sprocket server at ${server} (${cause}). Is it running? Start it with \`npm start\`.`);
  }
  if (res.status >= 300 && res.status < 400) {
    await res.body?.cancel();
    const location = terminalText(res.headers.get("location") ?? "nowhere");
    throw new CliError(
      `The server at ${server} redirected ${init.method ?? "GET"} ${url.pathname} (HTTP ${res.status}) to ${location}. ` +
        `The CLI follows no redirects, so that your key goes nowhere else: sign in again with the server's own URL (\`sprocket auth --server URL\`).`,
    );
  }
  return res;
}
