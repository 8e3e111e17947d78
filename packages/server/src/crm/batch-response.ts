/** HubSpot's StandardError, one entry of a 207 body. */
export interface StandardError {
  status: "error";
  category: string;
  message: string;
  context: Record<string, string[]>;
  errors: unknown[];
  links: Record<string, string>;
  id?: string;
}

export function standardError(category: string, message: string, context: Record<string, string[]>): StandardError {
  return { status: "error", category, message, context, errors: [], links: {} };
}

/** A batch answer: `okStatus` when everything worked, 207 with `errors` when some inputs failed. */
export function batchResponse(
  results: unknown[],
  errors: StandardError[],
  startedAt: number,
  okStatus: 200 | 201,
): { status: number; body: Record<string, unknown> } {
  const body: Record<string, unknown> = {
    status: "COMPLETE",
    results,
    ...(errors.length > 0 ? { numErrors: errors.length, errors } : {}),
    startedAt: new Date(startedAt).toISOString(),
    completedAt: new Date().toISOString(),
  };
  return { status: errors.length > 0 ? 207 : okStatus, body };
}
