import type { Command } from "commander";
import type { ConnectedAppList } from "@sprocket/contract";
import { ACCOUNT_OPTION, clientFor } from "../account-client";
import { CliError } from "../cli-error";
import { examples } from "../examples";
import { ok, printJson, printTable } from "../output";
import { confirm } from "../prompt";
import { terminalText as text } from "../terminal-text";
import { streams } from "../streams";

interface Flags {
  account?: string;
  json?: boolean;
}

/** The installed side of OAuth apps, as the console's Settings › Connected apps: what other accounts' apps may do here. */
export function registerConnectedApps(program: Command): void {
  const connected = program
    .command("connected-apps")
    .description("OAuth apps installed into the account: list them, uninstall one")
    .addHelpText("after", examples("sprocket connected-apps list", "sprocket connected-apps uninstall 42"));

  connected
    .command("list")
    .description("list the OAuth apps installed into the account, with their scopes and who installed them")
    .option(...ACCOUNT_OPTION)
    .option("--json", "print as JSON")
    .addHelpText("after", examples("sprocket connected-apps list", "sprocket connected-apps list --account customer-b --json"))
    .action(async (flags: Flags) => {
      const res = await clientFor(flags).call<ConnectedAppList>("GET", "/api/v1/app-installs");
      if (flags.json) return void printJson(res);
      if (res.results.length === 0) return void streams.out.write("No apps are installed in this account.\n");
      printTable(
        ["App id", "Name", "From account", "Scopes", "Installed by", "Installed"],
        res.results.map((i) => [
          i.appId,
          text(i.appName),
          i.developerAccountId,
          text(i.scopes.join(", ")),
          text(i.installedBy),
          i.installedAt,
        ]),
      );
    });

  connected
    .command("uninstall <app>")
    .description("uninstall an OAuth app (by app id or name): its tokens, cards and webhooks stop in this account at once")
    .option("--force", "do not ask for confirmation")
    .option(...ACCOUNT_OPTION)
    .option("--json", "print as JSON")
    .addHelpText(
      "after",
      examples("sprocket connected-apps uninstall 42", 'sprocket connected-apps uninstall "Contact sync" --force --json'),
    )
    .action(async (app: string, flags: Flags & { force?: boolean }) => {
      const client = clientFor(flags);
      const installs = (await client.call<ConnectedAppList>("GET", "/api/v1/app-installs")).results;
      const found = installs.find((i) => String(i.appId) === app) ?? installs.find((i) => i.appName === app);
      if (!found) {
        const known = installs.map((i) => `${i.appId} (${text(i.appName)})`).join(", ") || "none";
        throw new CliError(`No app "${app}" is installed in this account. Installed: ${known}.`);
      }
      if (!flags.force) {
        if (!process.stdin.isTTY)
          throw new CliError(`Uninstalling "${text(found.appName)}" needs confirmation: run it in a terminal or add --force.`, 2);
        if (
          !(await confirm(
            `Uninstall "${text(found.appName)}"? Its tokens stop working at once. Type the app id (${found.appId}) to confirm: `,
            String(found.appId),
          ))
        )
          throw new CliError("Not uninstalled.");
      }
      await client.call("DELETE", `/api/v1/app-installs/${found.installId}`);
      if (flags.json) printJson({ uninstalled: found.appId, installId: found.installId });
      else ok(`Uninstalled ${text(found.appName)}: its tokens no longer work here.`);
    });
}
