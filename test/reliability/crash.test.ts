import { crashGroup } from "./crash";
import { describeGroup } from "./vitest-group";

describeGroup(crashGroup);
