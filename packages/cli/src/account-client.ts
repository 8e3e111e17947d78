import { SprocketClient } from "./api-client";
import { readConfig, selectAccount } from "./config-file";

/** The client for `--account` (name or id), else the default account. */
export function clientFor(flags: { account?: string }): SprocketClient {
  return new SprocketClient(selectAccount(readConfig(), flags.account));
}

export const ACCOUNT_OPTION = ["--account <account>", "the account to use (name or id; default: the default account)"] as const;
