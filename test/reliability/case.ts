/** How hard the suite pushes: `short` is what CI runs on every push, `full` is `npm run reliability`. */
export interface Profile {
  name: "short" | "full";
  /** Random requests per route (and per credential) in the fuzzing groups. */
  fuzzPerRoute: number;
  /**
   * Whether a CRM object type's path names (contacts, contact, 0-1: crm/routes.ts registers the same handler for the
   * same type under each) share one route's requests, each name getting at least one, instead of each taking them all.
   */
  fuzzAliasesShare: boolean;
  /** Clients for `seconds`, measured after `warmupSeconds` of the same load (connections opening, runners starting). */
  load: { clients: number; seconds: number; warmupSeconds: number };
  /** Crash cases run in the short profile too; `full` repeats each kill this many times at different moments. */
  crashRounds: number;
}

export const PROFILES: Record<Profile["name"], Profile> = {
  // CI's load case: 5 s of sustained load still shows errors, p99, memory and the limited app's 429s (its 5 clients
  // send the 190 calls of a window in well under a second); each second more is a second of both cores taken from
  // every other suite of the run, on each engine.
  // Fuzzing: a type's three path names share the three requests of a route, a third of the requests of each name
  // taking three (the CRM's cases were 1,300 requests each and most of the file's time).
  short: { name: "short", fuzzPerRoute: 3, fuzzAliasesShare: true, load: { clients: 50, seconds: 5, warmupSeconds: 3 }, crashRounds: 1 },
  full: { name: "full", fuzzPerRoute: 24, fuzzAliasesShare: false, load: { clients: 200, seconds: 60, warmupSeconds: 10 }, crashRounds: 3 },
};

/** A case that does not hold: its message is the table's detail. */
export class CaseFailure extends Error {}

export function check(ok: boolean, detail: string): asserts ok {
  if (!ok) throw new CaseFailure(detail);
}

/** One named check. It returns a short detail when it holds and throws (CaseFailure or anything) when it does not. */
export interface ReliabilityCase<C> {
  name: string;
  /** Left out of the short profile (CI) because it takes long; the full run always has it. */
  fullOnly?: boolean;
  run(ctx: C, profile: Profile): Promise<string>;
}

/** Cases sharing one set-up (a server, accounts, tokens), opened before the first and closed after the last. */
export interface CaseGroup<C> {
  name: string;
  open(profile: Profile): Promise<C>;
  close(ctx: C): Promise<void>;
  cases: Array<ReliabilityCase<C>>;
}

export interface CaseResult {
  group: string;
  name: string;
  engine: string;
  ok: boolean;
  detail: string;
  ms: number;
}

export const casesOf = <C>(group: CaseGroup<C>, profile: Profile) => group.cases.filter((c) => profile.name === "full" || !c.fullOnly);

/** Runs a case and records its outcome, never throwing. */
export async function runCase<C>(
  group: CaseGroup<C>,
  c: ReliabilityCase<C>,
  ctx: C,
  profile: Profile,
  engine: string,
): Promise<CaseResult> {
  const started = performance.now();
  try {
    const detail = await c.run(ctx, profile);
    return { group: group.name, name: c.name, engine, ok: true, detail, ms: performance.now() - started };
  } catch (e) {
    const detail = e instanceof CaseFailure ? e.message : `${(e as Error).name}: ${(e as Error).message}`;
    return { group: group.name, name: c.name, engine, ok: false, detail, ms: performance.now() - started };
  }
}
