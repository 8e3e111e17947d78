import { attackerGroup } from "./attacker";
import { describeGroup } from "./vitest-group";

describeGroup(attackerGroup);
