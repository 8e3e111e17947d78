import { authzGroup } from "./authz";
import { describeGroup } from "./vitest-group";

describeGroup(authzGroup);
