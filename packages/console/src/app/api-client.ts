// JSON calls to Sprocket's API with the session cookie; state-changing calls carry the CSRF token.

/** One entry of a HubSpot error body's `errors` list (e.g. a property that failed validation). */
export interface ApiErrorDetail {
  message: string;
  code?: string;
  in?: string;
  context?: Record<string, unknown>;
}

/** A failed call, carrying HubSpot's error body: `{status:"error", message, category, correlationId, errors?}`. */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly category: string,
    readonly correlationId: string | undefined,
    readonly errors: ApiErrorDetail[],
    readonly context: Record<string, unknown> | undefined,
  ) {
    super(message);
    this.name = "ApiRequestError";
  }
}

let csrfToken: string | undefined;

/** Set from GET /api/v1/session; sent as `x-csrf-token` on every non-GET call. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

const listeners = new Set<() => void>();
/** Called when the server answers 401: the session may be gone. */
export function onSignedOut(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export async function api<T>(
  method: string,
  path: string,
  body?: unknown,
  opts: { signal?: AbortSignal; headers?: Record<string, string> } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json", ...opts.headers };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET" && csrfToken) headers["x-csrf-token"] = csrfToken;
  const response = await fetch(path, {
    method,
    headers,
    credentials: "same-origin",
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const error = (parsed ?? {}) as {
      message?: string;
      category?: string;
      errorType?: string;
      correlationId?: string;
      errors?: ApiErrorDetail[];
      context?: Record<string, unknown>;
    };
    if (response.status === 401 && path !== "/api/v1/session") for (const listener of listeners) listener();
    throw new ApiRequestError(
      response.status,
      error.message ?? `${method} ${path} failed with HTTP ${response.status}.`,
      error.category ?? error.errorType ?? "UNKNOWN",
      error.correlationId,
      Array.isArray(error.errors) ? error.errors : [],
      error.context,
    );
  }
  return parsed as T;
}

export const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));
