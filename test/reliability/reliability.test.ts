// The short profile of the reliability suite, one test per case, on the engine of the vitest project (sqlite or postgres).
// The full profile with its table: `npm run reliability`.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testEngine } from "../../packages/server/test/support/test-database";
import { PROFILES, casesOf, runCase } from "./case";
import { collectRoutes } from "./route-catalogue";
import { GROUPS } from "./groups";

collectRoutes();
const profile = PROFILES.short;

for (const group of GROUPS) {
  describe(group.name, () => {
    let ctx: unknown;
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
          const result = await runCase(group, c, ctx, profile, testEngine);
          expect(result.ok, result.detail).toBe(true);
        },
        300_000,
      );
    }
  });
}
