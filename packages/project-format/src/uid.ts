// HubSpot's rule (project-parsing-lib src/lib/uid.js), applied to app, card and component uids.
const uidPattern = /^[a-zA-Z0-9_\-.]+$/;

/** Why a uid is refused, or undefined if it is valid. */
export function uidProblem(uid: string): string | undefined {
  if (uid.length === 0) return "must be at least one character long";
  if (uid.length > 64) return `must be 64 characters or less (it has ${uid.length})`;
  if (!uidPattern.test(uid)) return "should use only letters, numbers, periods, hyphens, and underscores";
  return undefined;
}

export const uidHint =
  'Add a stable identifier, e.g. "uid": "my-app": 1 to 64 letters, digits, ".", "-" or "_". Keep it unchanged across deploys: it identifies the component.';
export const uidFixHint = 'Use only letters, digits, ".", "-" or "_", at most 64 characters, e.g. "my-app_1.2".';
