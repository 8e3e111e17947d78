// The attacker group: every finding of the security reviews (F1–F16, C1, M1, M2, L1–L5, I1) replayed as a case.
// Account B attacks account A on one server; each case says what it tried and fails if the attack gets through.
// Cases live in ./attacks/, one file per trust boundary, so each boundary's attacks read together.
import type { CaseGroup, ReliabilityCase } from "./case";
import { openWorld, type World } from "./world";
import { tenantIsolationAttacks } from "./attacks/tenant-isolation";
import { buildAttacks } from "./attacks/build";

export const ATTACKS: Array<ReliabilityCase<World>> = [...tenantIsolationAttacks, ...buildAttacks];

export const attackerGroup: CaseGroup<World> = {
  name: "attacker",
  open: () => openWorld(),
  close: (w) => w.server.stop(),
  cases: ATTACKS,
};
