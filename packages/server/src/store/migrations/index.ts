import type { Migration } from "kysely";
import type { Engine } from "../database";
import { accountsMigration } from "./001-accounts";
import { privateAppsMigration } from "./002-private-apps";
import { projectsMigration } from "./003-projects";
import { crmMigration } from "./004-crm";
import { logsMigration } from "./005-logs";
import { functionsMigration } from "./006-functions";
import { bootstrapMigration } from "./007-bootstrap";
import { appFetchMigration } from "./008-app-fetch";
import { webhooksMigration } from "./009-webhooks";
import { oauthMigration } from "./010-oauth";
import { crmObjectSchemasMigration } from "./011-crm-object-schemas";
import { workflowActionsMigration } from "./012-workflow-actions";
import { appObjectsEventsMigration } from "./013-app-objects-events";
import { accountInvitesMigration } from "./014-account-invites";
import { devSessionsMigration } from "./015-dev-sessions";
import { crmPipelinesMigration } from "./016-crm-pipelines";
import { hubdbMigration } from "./017-hubdb";
import { apiCallStatusIndexMigration } from "./018-api-call-status-index";
import { apiCallPathSearchMigration } from "./019-api-call-path-search";
import { logFileMigration } from "./020-log-file";

/** Ordered by name; append only. */
export const migrations: Record<string, (engine: Engine) => Migration> = {
  "001-accounts": accountsMigration,
  "002-private-apps": privateAppsMigration,
  "003-projects": projectsMigration,
  "004-crm": crmMigration,
  "005-logs": logsMigration,
  "006-functions": functionsMigration,
  "007-bootstrap": bootstrapMigration,
  "008-app-fetch": appFetchMigration,
  "009-webhooks": webhooksMigration,
  "010-oauth": oauthMigration,
  "011-crm-object-schemas": crmObjectSchemasMigration,
  "012-workflow-actions": workflowActionsMigration,
  "013-app-objects-events": appObjectsEventsMigration,
  "014-account-invites": accountInvitesMigration,
  "015-dev-sessions": devSessionsMigration,
  "016-crm-pipelines": crmPipelinesMigration,
  "017-hubdb": hubdbMigration,
  "018-api-call-status-index": apiCallStatusIndexMigration,
  "019-api-call-path-search": apiCallPathSearchMigration,
  "020-log-file": logFileMigration,
};
