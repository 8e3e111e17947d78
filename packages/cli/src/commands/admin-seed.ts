import { InvalidArgumentError, type Command } from "commander";
import { CliError } from "../cli-error";
import { examples } from "../examples";
import { ok, printJson } from "../output";

const wholeNumber =
  (max: number) =>
  (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n > max) throw new InvalidArgumentError(`expected a whole number from 0 to ${max.toLocaleString("en")}`);
    return n;
  };
const count = wholeNumber(10_000_000);

/** `sprocket admin seed`: fills an account with CRM records (deterministic), for demos and benchmarks. */
export function registerAdminSeed(admin: Command): void {
  admin
    .command("seed")
    .description("fill an account with a deterministic CRM data set (contacts, companies, deals, tickets, owners, associations)")
    .requiredOption("--account <id>", "the account to fill", wholeNumber(Number.MAX_SAFE_INTEGER))
    .option("--contacts <n>", "contacts to create", count, 200)
    .option("--companies <n>", "companies (default: contacts / 4, at most 10,000)", count)
    .option("--deals <n>", "deals (default: contacts × 0.4)", count)
    .option("--tickets <n>", "tickets (default: contacts / 5)", count)
    .option("--seed <n>", "PRNG seed: the same seed gives the same records", wholeNumber(2 ** 32 - 1), 20240601)
    .option("--no-history", "skip property history rows (faster for large sets)")
    .option("--data-dir <dir>", "the server's data dir (default ./.sprocket)")
    .option("--json", "print the counts as JSON")
    .addHelpText(
      "after",
      examples("sprocket admin seed --account 2", "sprocket admin seed --account 2 --contacts 100000 --no-history --seed 7"),
    )
    .action(
      async (flags: {
        account: number;
        contacts: number;
        companies?: number;
        deals?: number;
        tickets?: number;
        seed: number;
        history: boolean;
        dataDir?: string;
        json?: boolean;
      }) => {
        const { loadConfig, createPlatform, seedCrm } = await import("@sprocket/server");
        const platform = await createPlatform(loadConfig({ dataDir: flags.dataDir }));
        try {
          const account = await platform.store.db.selectFrom("accounts").select("id").where("id", "=", flags.account).executeTakeFirst();
          if (!account)
            throw new CliError(`Account ${flags.account} does not exist on this server (see sprocket admin create-account).`, 1);
          const started = Date.now();
          const created = await seedCrm(
            platform,
            flags.account,
            {
              contacts: flags.contacts,
              companies: flags.companies ?? Math.min(10_000, Math.ceil(flags.contacts / 4)),
              deals: flags.deals ?? Math.ceil(flags.contacts * 0.4),
              tickets: flags.tickets ?? Math.ceil(flags.contacts / 5),
            },
            { seed: flags.seed, history: flags.history },
          );
          if (flags.json) printJson({ accountId: flags.account, created, ms: Date.now() - started });
          else
            ok(
              `Account ${flags.account}: ${Object.entries(created)
                .map(([k, v]) => `${v} ${k}`)
                .join(", ")} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
            );
        } finally {
          await platform.close();
        }
      },
    );
}
