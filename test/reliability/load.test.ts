import { loadGroup } from "./load";
import { describeGroup } from "./vitest-group";

describeGroup(loadGroup);
