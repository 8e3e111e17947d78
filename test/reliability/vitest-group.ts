// The short profile of one reliability group as vitest tests, one test per case, on the engine of the vitest project
// (sqlite or postgres). Each group has a test file of its own (test/reliability/*.test.ts): the groups open their own
// servers and share nothing, so as separate files the scheduler runs them beside each other instead of one after another
// (as one file they were the longest file of the run, about 2 minutes alone, and the run waited on it).
// The full profile with its table: `npm run reliability`.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testEngine } from "../../packages/server/test/support/test-database";
import { PROFILES, casesOf, runCase, type CaseGroup } from "./case";
import { collectRoutes } from "./route-catalogue";

export function describeGroup<C>(group: CaseGroup<C>): void {
  collectRoutes();
  const profile = PROFILES.short;
  describe(group.name, () => {
    let ctx: C | undefined;
    beforeAll(async () => {
      ctx = await group.open(profile);
    }, 300_000);
    afterAll(async () => {
      if (ctx !== undefined) await group.close(ctx);
    });
    for (const c of casesOf(group, profile)) {
      it(
        c.name,
        async () => {
          const result = await runCase(group, c, ctx as C, profile, testEngine);
          expect(result.ok, result.detail).toBe(true);
        },
        300_000,
      );
    }
  });
}
