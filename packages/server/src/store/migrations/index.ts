import type { Migration } from "kysely";
import type { Engine } from "../database";
import { accountsMigration } from "./001-accounts";

/** Ordered by name; append only. */
export const migrations: Record<string, (engine: Engine) => Migration> = {
  "001-accounts": accountsMigration,
};
