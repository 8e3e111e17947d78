import type { Command } from "commander";
import { examples } from "../examples";
import { ok, printJson } from "../output";
import { registerAdminSeed } from "./admin-seed";

/** Operator commands: they open the server's store directly, so they run where the server's data is. */
export function registerAdmin(program: Command): void {
  const admin = program
    .command("admin")
    .description("operator commands, run on the server host")
    .addHelpText("after", examples('sprocket admin create-account --name "Acme"', "sprocket admin seed --account 2 --contacts 1000"));
  registerAdminSeed(admin);
  admin
    .command("create-account")
    .description("create an account with a super admin and a personal access key")
    .requiredOption("--name <name>", "the account's name")
    .option("--email <email>", "the super admin's email (default admin+<id>@sprocket.local)")
    .option("--data-dir <dir>", "the server's data dir (default ./.sprocket)")
    .option("--server <url>", "the server's URL, for the console link", "http://127.0.0.1:3900")
    .option("--json", "print as JSON (the same fields as bootstrap.json)")
    .addHelpText(
      "after",
      examples(
        'sprocket admin create-account --name "Acme"',
        'sprocket admin create-account --name "Acme" --email ops@acme.test --data-dir /var/lib/sprocket --json',
      ),
    )
    .action(async (flags: { name: string; email?: string; dataDir?: string; server: string; json?: boolean }) => {
      const { createAccount, loadConfig, createPlatform } = await import("@sprocket/server");
      const platform = await createPlatform(loadConfig({ dataDir: flags.dataDir }));
      try {
        const email = flags.email ?? `admin+${Date.now().toString(36)}@sprocket.local`;
        const created = await createAccount(platform, { name: flags.name, admin: { email } });
        const result = {
          accountId: created.accountId,
          consoleUrl: flags.server,
          superAdmin: created.superAdmin,
          personalAccessKey: created.personalAccessKey,
        };
        if (flags.json) printJson(result);
        else
          ok(
            `Account ${created.accountId} "${flags.name}": sign in as ${email} / ${created.superAdmin.password}; CLI key ${created.personalAccessKey}`,
          );
      } finally {
        await platform.close();
      }
    });
}
