import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import YAML from "yaml";
import { CliError } from "./cli-error";

/** One signed-in account, laid out like an entry of HubSpot's `hubspot.config.yml`. */
export interface AccountEntry {
  name: string;
  accountId: number;
  server: string;
  authType: "personalaccesskey";
  personalAccessKey: string;
  auth?: { tokenInfo?: { accessToken: string; expiresAt: string } };
}

export interface CliConfig {
  defaultAccount?: string;
  accounts: AccountEntry[];
}

export function configPath(): string {
  return process.env.SPROCKET_CONFIG_PATH ?? path.join(os.homedir(), ".sprocket", "config.yml");
}

export function readConfig(): CliConfig {
  const file = configPath();
  if (!fs.existsSync(file)) return { accounts: [] };
  const parsed = YAML.parse(fs.readFileSync(file, "utf8")) as Partial<CliConfig> | null;
  return { ...parsed, accounts: parsed?.accounts ?? [] };
}

/** Written with mode 0600: it holds keys. */
export function writeConfig(config: CliConfig): void {
  const file = configPath();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, YAML.stringify(config), { mode: 0o600 });
}

/** The account a command works on: `--account NAME|ID`, else the default. */
export function selectAccount(config: CliConfig, wanted?: string): AccountEntry {
  const name = wanted ?? process.env.SPROCKET_ACCOUNT ?? config.defaultAccount;
  const account = name
    ? config.accounts.find((a) => a.name === name || String(a.accountId) === name)
    : config.accounts[0];
  if (!account) {
    throw new CliError(
      name
        ? `No account named "${name}" in ${configPath()}. Run \`sprocket accounts list\` to see them.`
        : `Not signed in. Run \`sprocket auth --server URL --personal-access-key KEY\` first.`,
    );
  }
  return account;
}
