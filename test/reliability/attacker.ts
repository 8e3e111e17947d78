// The attacker group: every finding of the security reviews (F1–F16, C1, M1, M2, L1–L5, I1) replayed as a case.
// Account B attacks account A on one server; each case says what it tried and fails if the attack gets through.
// Cases live in ./attacks/, one file per trust boundary, so each boundary's attacks read together.
import type { CaseGroup, ReliabilityCase } from "./case";
import { openWorld, type World } from "./world";
import { accountsAttacks } from "./attacks/accounts";
import { badinputAttacks } from "./attacks/badinput";
import { buildAttacks } from "./attacks/build";
import { clientAttacks } from "./attacks/client";
import { endpointsAttacks } from "./attacks/endpoints";
import { gitAttacks } from "./attacks/git";
import { runnersAttacks } from "./attacks/runners";
import { scaleoutAttacks } from "./attacks/scaleout";
import { tenantIsolationAttacks } from "./attacks/tenant-isolation";

export const ATTACKS: Array<ReliabilityCase<World>> = [
  ...tenantIsolationAttacks,
  ...accountsAttacks,
  ...badinputAttacks,
  ...buildAttacks,
  ...clientAttacks,
  ...endpointsAttacks,
  ...gitAttacks,
  ...runnersAttacks,
  ...scaleoutAttacks,
];

export const attackerGroup: CaseGroup<World> = {
  name: "attacker",
  // F16 floods B's endpoints past their limit: 100 calls a minute (the other cases call them a few times), not the
  // default 600, which took 600 function calls.
  open: () => openWorld({ env: { SPROCKET_FUNCTIONS_CALLS_PER_MINUTE: "100" } }),
  close: (w) => w.server.stop(),
  cases: ATTACKS,
};
