import type { Command } from "commander";
import type { AppInstallList, OldTokensExpired, PrivateAppList, PrivateAppSummary, TokenReveal, TokenRotation } from "@sprocket/contract";
import { ACCOUNT_OPTION, clientFor } from "../account-client";
import { CliError } from "../cli-error";
import { examples } from "../examples";
import { ok, printJson, printTable } from "../output";
import { confirm } from "../prompt";
import { pc } from "../terminal";
import { terminalText as text } from "../terminal-text";
import { registerAppActions } from "./workflows";
import { streams } from "../streams";

interface Flags {
  account?: string;
  json?: boolean;
}

export function registerApps(program: Command): void {
  const apps = program
    .command("apps")
    .description("private apps: list them, manage their access tokens, see an OAuth app's installs")
    .addHelpText("after", examples("sprocket apps list", "sprocket apps token show my-app", "sprocket apps installs my-oauth-app"));

  apps
    .command("list")
    .description("list the account's private apps")
    .option(...ACCOUNT_OPTION)
    .option("--json", "print as JSON")
    .addHelpText("after", examples("sprocket apps list", "sprocket apps list --account staging --json"))
    .action(async (flags: Flags) => {
      const res = await clientFor(flags).call<PrivateAppList>("GET", "/api/v1/private-apps");
      if (flags.json) return void printJson(res);
      printTable(
        ["Id", "Uid", "Name", "Project", "Build", "Scopes"],
        res.results.map((a) => [
          a.appId,
          text(a.uid),
          text(a.name),
          text(a.projectName ?? "-"),
          // The project's build number, as `project list-builds` and the console name it (not the internal id).
          a.activeBuildNumber === null ? "-" : `#${a.activeBuildNumber}`,
          text(a.scopes.join(", ")),
        ]),
      );
      streams.out.write(pc.dim(`${res.count} of ${res.limit} private apps\n`));
    });

  const token = apps
    .command("token")
    .description("an app's access token")
    .addHelpText("after", examples("sprocket apps token show my-app", "sprocket apps token rotate my-app --later"));
  token
    .command("show <app>")
    .description("print the app's access token (recorded as a security event)")
    .option(...ACCOUNT_OPTION)
    .option("--json", "print as JSON")
    .addHelpText("after", examples("sprocket apps token show my-app", "sprocket apps token show 12 --json"))
    .action(async (app: string, flags: Flags) => {
      const res = await clientFor(flags).call<TokenReveal>("POST", `/api/v1/private-apps/${encodeURIComponent(app)}/token/reveal`);
      if (flags.json) printJson(res);
      else streams.out.write(`${res.token}\n`);
    });
  token
    .command("rotate <app>")
    .description("replace the token; the old one dies now, or in 7 days with --later")
    .option("--later", "keep the old token valid for 7 days")
    .option(...ACCOUNT_OPTION)
    .option("--json", "print as JSON")
    .addHelpText(
      "after",
      examples("sprocket apps token rotate my-app", "sprocket apps token rotate my-app --later    # the old token works for 7 more days"),
    )
    .action(async (app: string, flags: Flags & { later?: boolean }) => {
      const mode = flags.later ? "later" : "now";
      const res = await clientFor(flags).call<TokenRotation>("POST", `/api/v1/private-apps/${encodeURIComponent(app)}/token/rotate`, {
        body: { mode },
      });
      if (flags.json) return void printJson(res);
      ok(
        mode === "now"
          ? "Rotated: the old token no longer works."
          : `Rotated: the old token works until ${new Date(res.previous!.expiresAt).toISOString()}.`,
      );
      streams.out.write(`${res.token}\n`);
    });
  token
    .command("expire-old <app>")
    .description("end the grace period of a token rotated with --later")
    .option(...ACCOUNT_OPTION)
    .option("--json", "print as JSON")
    .addHelpText("after", examples("sprocket apps token expire-old my-app"))
    .action(async (app: string, flags: Flags) => {
      const res = await clientFor(flags).call<OldTokensExpired>("POST", `/api/v1/private-apps/${encodeURIComponent(app)}/token/expire-old`);
      if (flags.json) printJson(res);
      else ok(res.expired ? "The old token no longer works." : "There was no old token in its grace period.");
    });

  registerAppActions(apps);

  apps
    .command("installs <app>")
    .description("the accounts an OAuth app of this account is installed in, since when, with which scopes")
    .option(...ACCOUNT_OPTION)
    .option("--json", "print as JSON")
    .addHelpText("after", examples("sprocket apps installs my-oauth-app", "sprocket apps installs 12 --json"))
    .action(async (app: string, flags: Flags) => {
      const res = await clientFor(flags).call<AppInstallList>("GET", `/api/v1/private-apps/${encodeURIComponent(app)}/installs`);
      if (flags.json) return void printJson(res);
      if (res.results.length === 0) return void streams.out.write("No account has installed this app yet.\n");
      printTable(
        ["Account", "Name", "Installed", "Scopes"],
        res.results.map((i) => [i.accountId, text(i.accountName), i.installedAt, text(i.scopes.join(", "))]),
      );
    });

  apps
    .command("delete <app>")
    .description("delete a private app: its token dies, its logs stay")
    .option("--force", "do not ask for confirmation")
    .option(...ACCOUNT_OPTION)
    .option("--json", "print as JSON")
    .addHelpText("after", examples("sprocket apps delete my-app", "sprocket apps delete my-app --force --json"))
    .action(async (app: string, flags: Flags & { force?: boolean }) => {
      const client = clientFor(flags);
      const found = await client.call<PrivateAppSummary>("GET", `/api/v1/private-apps/${encodeURIComponent(app)}`);
      if (!flags.force) {
        if (!process.stdin.isTTY)
          throw new CliError(`Deleting "${text(found.name)}" needs confirmation: run it in a terminal or add --force.`, 2);
        if (
          !(await confirm(
            `Delete private app "${text(found.name)}" (${text(found.uid)})? Its token stops working at once. Type the app's uid to confirm: `,
            found.uid,
          ))
        ) {
          throw new CliError("Not deleted.");
        }
      }
      await client.call("DELETE", `/api/v1/private-apps/${found.appId}`);
      if (flags.json) printJson({ deleted: found.appId, uid: found.uid });
      else ok(`Deleted ${text(found.name)} (${text(found.uid)}).`);
    });
}
