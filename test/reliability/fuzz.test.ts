import { fuzzGroup } from "./fuzz";
import { describeGroup } from "./vitest-group";

describeGroup(fuzzGroup);
