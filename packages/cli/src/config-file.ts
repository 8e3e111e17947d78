import { randomBytes } from "node:crypto";
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

const defaultDir = () => path.join(os.homedir(), ".sprocket");

export function configPath(): string {
  return process.env.SPROCKET_CONFIG_PATH ?? path.join(defaultDir(), "config.yml");
}

export function readConfig(): CliConfig {
  const file = configPath();
  if (!fs.existsSync(file)) return { accounts: [] };
  const parsed = YAML.parse(fs.readFileSync(file, "utf8")) as Partial<CliConfig> | null;
  return { ...parsed, accounts: parsed?.accounts ?? [] };
}

/**
 * It holds keys and bearer tokens: the file is 0600 whatever was there before (written to a new file, then renamed
 * over, so no reader ever sees a half-written or looser file), and its folder 0700 when it is ours: ~/.sprocket, or
 * one we create. A folder the user picked with SPROCKET_CONFIG_PATH that already existed (it may be shared, like
 * /tmp) keeps its mode.
 */
export function writeConfig(config: CliConfig): void {
  const file = configPath();
  const dir = path.dirname(file);
  const created = fs.mkdirSync(dir, { recursive: true, mode: 0o700 }) !== undefined;
  if (created || path.resolve(dir) === defaultDir()) fs.chmodSync(dir, 0o700);
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    fs.writeFileSync(temp, YAML.stringify(config), { mode: 0o600, flag: "wx" });
    fs.renameSync(temp, file);
  } catch (e) {
    fs.rmSync(temp, { force: true });
    throw e;
  }
}

/** The account a command works on: `--account NAME|ID`, else the default. */
export function selectAccount(config: CliConfig, wanted?: string): AccountEntry {
  const name = wanted ?? process.env.SPROCKET_ACCOUNT ?? config.defaultAccount;
  const account = name ? config.accounts.find((a) => a.name === name || String(a.accountId) === name) : config.accounts[0];
  if (!account) {
    throw new CliError(
      name
        ? `No account named "${name}" in ${configPath()}. Run \`sprocket accounts list\` to see them.`
        : `Not signed in. Run \`sprocket auth --server URL --personal-access-key KEY\` first.`,
    );
  }
  return account;
}
