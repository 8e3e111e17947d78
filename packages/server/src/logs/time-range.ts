import { invalid } from "../errors/domain-error";

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `15m`, `1h`, `7d`, `2w` back from now; an ISO date; or epoch milliseconds. */
export function parseTime(value: string, now: number, name: string): number {
  const relative = /^(\d+)([smhdw])$/.exec(value);
  if (relative) return now - Number(relative[1]) * UNITS[relative[2]!]!;
  if (/^\d{10,}$/.test(value)) return Number(value);
  const parsed = Date.parse(value);
  if (/^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(parsed)) return parsed;
  throw invalid(`${name} must be a duration back from now (30s, 15m, 1h, 7d, 2w), an ISO date or epoch milliseconds; got "${value}".`, [
    { message: `${name}: not a time`, in: name },
  ]);
}
