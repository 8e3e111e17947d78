// The order test files start in. The run is as long as its longest file plus the time that file waited for a worker,
// and vitest's own order on a fresh clone (no results cache: CI) is largest file first, project by project, which
// started the reliability groups (small files) among the last: the run then waited minutes on them alone. These files
// start first, longest first; the rest keep vitest's order.
import path from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * `project:file` of the longest files, longest first (a whole run's per-file times). Grouped by project: a worker whose
 * next file belongs to another project is replaced by a new one, which imports everything afresh.
 */
export const SLOW_FIRST = [
  "postgres:test/reliability/attacker.test.ts",
  "postgres:test/reliability/uploads.test.ts",
  "postgres:test/reliability/fuzz.test.ts",
  "postgres:test/e2e/cluster.test.ts",
  "postgres:test/reliability/load.test.ts",
  "postgres:test/reliability/crash.test.ts",
  "postgres:test/reliability/authz.test.ts",
  "postgres:test/reliability/console-security.test.ts",
  "postgres:test/e2e/cluster-queue.test.ts",
  "sqlite:packages/server/test/hs-cli.test.ts",
  "sqlite:test/reliability/attacker.test.ts",
  "sqlite:test/reliability/uploads.test.ts",
  "sqlite:test/reliability/fuzz.test.ts",
  "sqlite:test/e2e/console-logs.test.ts",
  "sqlite:test/e2e/console.test.ts",
  "sqlite:test/e2e/hs-project-dev.test.ts",
  "sqlite:test/e2e/console-ux.test.ts",
  "sqlite:test/e2e/extensions.test.ts",
  "sqlite:test/reliability/load.test.ts",
  "sqlite:test/reliability/crash.test.ts",
  "sqlite:test/reliability/authz.test.ts",
  "sqlite:test/reliability/console-security.test.ts",
];

export class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification) => {
      const i = SLOW_FIRST.indexOf(`${f.project.name}:${path.relative(f.project.config.root, f.moduleId)}`);
      return i === -1 ? SLOW_FIRST.length : i;
    };
    // Array.prototype.sort is stable: files outside the list keep vitest's order after the listed ones.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}
