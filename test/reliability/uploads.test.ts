import { uploadsGroup } from "./uploads";
import { describeGroup } from "./vitest-group";

describeGroup(uploadsGroup);
