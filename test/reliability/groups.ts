import type { CaseGroup } from "./case";
import { fuzzGroup } from "./fuzz";
import { uploadsGroup } from "./uploads";
import { authzGroup } from "./authz";
import { consoleSecurityGroup } from "./console-security";
import { crashGroup } from "./crash";
import { loadGroup } from "./load";
import { attackerGroup } from "./attacker";

/** Every group of cases, in the order they run. */
export const GROUPS: Array<CaseGroup<any>> = [
  uploadsGroup,
  fuzzGroup,
  authzGroup,
  consoleSecurityGroup,
  attackerGroup,
  crashGroup,
  loadGroup,
];
