import { consoleSecurityGroup } from "./console-security";
import { describeGroup } from "./vitest-group";

describeGroup(consoleSecurityGroup);
