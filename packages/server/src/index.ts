export { loadConfig, ConfigError, type ServerConfig, type ConfigInput } from "./config";
export { startServer, openPlatform, type RunningServer } from "./server";
export { buildApp } from "./app";
export type { Platform, Clock } from "./platform";
export { openStore, type Store } from "./store/database";
export { migrateToLatest } from "./store/migrate";
export { createAccount, type CreatedAccount } from "./accounts/account-service";
export type { BootstrapInfo } from "./bootstrap";
export { seedCrm, type SeedCounts } from "./crm/seed";
