import type { Command } from "commander";
import { exchangeKey } from "../api-client";
import { CliError } from "../cli-error";
import { examples } from "../examples";
import { configPath, readConfig, selectAccount, writeConfig } from "../config-file";
import { ok, printJson, printTable } from "../output";
import { promptHidden } from "../prompt";
import { terminalText as text } from "../terminal-text";
import { streams } from "../streams";

export function registerAuth(program: Command): void {
  program
    .command("auth")
    .description("sign the CLI in to a Sprocket server with a personal access key")
    .requiredOption("--server <url>", "the server's URL, e.g. http://127.0.0.1:3900")
    .option("--personal-access-key <key>", "the key (asked for when not given)")
    .option("--name <name>", "a name for this account in the config (default: the account id)")
    .option("--json", "print the result as JSON")
    .addHelpText(
      "after",
      examples(
        "sprocket auth --server http://127.0.0.1:3900    # asks for the key",
        "sprocket auth --server https://sprocket.example.com --personal-access-key KEY --name prod",
      ),
    )
    .action(async (flags: { server: string; personalAccessKey?: string; name?: string; json?: boolean }) => {
      let server: string;
      try {
        server = new URL(flags.server).origin;
      } catch {
        throw new CliError(`--server must be a URL such as http://127.0.0.1:3900 (got "${flags.server}")`, 2);
      }
      const key = flags.personalAccessKey ?? (await promptHidden("Personal access key: "));
      if (!key) throw new CliError("A personal access key is needed (the server prints one at first start).", 2);
      const token = await exchangeKey(server, key);
      const name = flags.name ?? String(token.hubId);
      const config = readConfig();
      const entry = {
        name,
        accountId: token.hubId,
        server,
        authType: "personalaccesskey" as const,
        personalAccessKey: key,
        auth: { tokenInfo: { accessToken: token.oauthAccessToken, expiresAt: new Date(token.expiresAtMillis).toISOString() } },
      };
      config.accounts = [...config.accounts.filter((a) => a.name !== name), entry];
      config.defaultAccount ??= name;
      writeConfig(config);
      if (flags.json) printJson({ name, accountId: token.hubId, server, configPath: configPath() });
      else ok(`Signed in to account ${token.hubId} (${text(token.hubName)}) on ${server} as "${name}". Config: ${configPath()}`);
    });
}

export function registerAccounts(program: Command): void {
  const accounts = program
    .command("accounts")
    .description("the accounts this CLI is signed in to")
    .addHelpText("after", examples("sprocket accounts list", "sprocket accounts use prod"));
  accounts
    .command("list")
    .description("list the configured accounts")
    .option("--json", "print as JSON")
    .addHelpText("after", examples("sprocket accounts list", "sprocket accounts list --json"))
    .action((flags: { json?: boolean }) => {
      const config = readConfig();
      const rows = config.accounts.map((a) => ({
        name: a.name,
        accountId: a.accountId,
        server: a.server,
        default: a.name === (config.defaultAccount ?? config.accounts[0]?.name),
      }));
      if (flags.json) printJson({ defaultAccount: config.defaultAccount ?? null, accounts: rows });
      else if (rows.length === 0) streams.out.write("No accounts yet. Run `sprocket auth --server URL`.\n");
      else
        printTable(
          ["", "Name", "Account", "Server"],
          rows.map((r) => [r.default ? "*" : "", r.name, r.accountId, r.server]),
        );
    });
  accounts
    .command("use <account>")
    .description("make an account (name or id) the default")
    .addHelpText("after", examples("sprocket accounts use prod", "sprocket accounts use 12345"))
    .action((wanted: string) => {
      const config = readConfig();
      const account = selectAccount(config, wanted);
      config.defaultAccount = account.name;
      writeConfig(config);
      ok(`Default account is now "${account.name}" (${account.accountId}).`);
    });
}
