import type { Command } from "commander";
import type { SecretChange, SecretList } from "@sprocket/contract";
import { ACCOUNT_OPTION, clientFor } from "../account-client";
import { CliError } from "../cli-error";
import { examples } from "../examples";
import { ok, printJson, printTable } from "../output";
import { promptHidden } from "../prompt";
import { terminalText as text } from "../terminal-text";
import { streams } from "../streams";

interface Flags {
  account?: string;
  json?: boolean;
}

/** The value comes from a hidden prompt or standard input, never from the command line (it would land in shell history). */
async function readValue(name: string): Promise<string> {
  const value = await promptHidden(`Value for ${name}: `);
  if (!value) throw new CliError(`No value given for ${name}: type it at the prompt or pipe it in.`, 2);
  return value;
}

export function registerSecrets(program: Command): void {
  const secrets = program
    .command("secrets")
    .description("account secrets for functions (values are never printed)")
    .addHelpText("after", examples("sprocket secrets add API_KEY", "sprocket secrets list"));
  for (const [verb, method, description] of [
    ["add", "POST", "add a secret"],
    ["update", "PUT", "change a secret's value"],
  ] as const) {
    secrets
      .command(`${verb} <name>`)
      .description(`${description} (value from a hidden prompt or standard input)`)
      .option(...ACCOUNT_OPTION)
      .option("--json", "print as JSON")
      .addHelpText("after", examples(`sprocket secrets ${verb} API_KEY`, `printf %s "$API_KEY" | sprocket secrets ${verb} API_KEY --json`))
      .action(async (name: string, flags: Flags) => {
        const client = clientFor(flags);
        const secret = await readValue(name);
        const res = await client.call<SecretChange>(method, "/cms/v3/functions/secrets", { body: { key: name, secret } });
        if (flags.json) printJson(res);
        else ok(`Secret ${name} ${res.status}.`);
      });
  }
  secrets
    .command("list")
    .description("list the secrets' names")
    .option(...ACCOUNT_OPTION)
    .option("--json", "print as JSON")
    .addHelpText("after", examples("sprocket secrets list", "sprocket secrets list --account staging --json"))
    .action(async (flags: Flags) => {
      const res = await clientFor(flags).call<SecretList>("GET", "/cms/v3/functions/secrets");
      if (flags.json) printJson(res);
      else if (res.secrets.length === 0) streams.out.write("No secrets yet. Add one with `sprocket secrets add NAME`.\n");
      else
        printTable(
          ["Name", "Updated"],
          res.secrets.map((s) => [text(s.name), text(s.updatedAt)]),
        );
    });
  secrets
    .command("delete <name>")
    .description("delete a secret")
    .option(...ACCOUNT_OPTION)
    .option("--json", "print as JSON")
    .addHelpText("after", examples("sprocket secrets delete API_KEY"))
    .action(async (name: string, flags: Flags) => {
      await clientFor(flags).call("DELETE", `/cms/v3/functions/secrets/${encodeURIComponent(name)}`);
      if (flags.json) printJson({ deleted: name });
      else ok(`Secret ${name} deleted.`);
    });
}
