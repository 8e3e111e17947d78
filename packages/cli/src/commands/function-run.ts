import type { Command } from "commander";
import type { AppFunctions } from "@sprocket/contract";
import { ACCOUNT_OPTION, clientFor } from "../account-client";
import { ApiRequestError } from "../api-client";
import { CliError } from "../cli-error";
import { examples } from "../examples";
import { printJson } from "../output";
import { failedRunLines } from "../failed-run";
import { pcErr } from "../terminal";
import { terminalText as text } from "../terminal-text";
import { streams } from "../streams";

interface RunReply {
  traceId: string;
  response: unknown;
  durationMs: number;
  logs: Array<{ level: string; message: string }>;
}

/** The context HubSpot's error body carries for a failed run (routes.ts of the server's functions). */
interface FailedRunBody {
  errors?: Array<{ context?: { exception?: string[]; logs?: string[] } }>;
}

// The function's own output may span lines; nothing it prints may drive the terminal.
const shown = (value: unknown) => text(value, { multiline: true });

function printFailedRun(body: FailedRunBody | undefined): void {
  const context = body?.errors?.[0]?.context;
  for (const line of failedRunLines({ logs: context?.logs ?? [], stack: context?.exception?.[0] }, pcErr)) streams.err.write(`${line}\n`);
}

export function registerFunction(program: Command): void {
  const fn = program.command("function").description("app functions").addHelpText("after", examples("sprocket function run my-app myFunc"));
  fn.command("run <app> <name>")
    .description("run a deployed app function, as a card would")
    .option("--params <json>", "the function's context.parameters, as JSON", "{}")
    .option(...ACCOUNT_OPTION)
    .option("--json", "print the reply as JSON")
    .addHelpText(
      "after",
      examples("sprocket function run my-app myFunc", `sprocket function run my-app myFunc --params '{"text":"hi"}' --json`),
    )
    .action(async (app: string, name: string, flags: { params: string; account?: string; json?: boolean }) => {
      let parameters: unknown;
      try {
        parameters = JSON.parse(flags.params);
      } catch (e) {
        throw new CliError(`--params is not JSON: ${(e as Error).message}`, 2);
      }
      const client = clientFor(flags);
      const { appId } = await client.call<AppFunctions>("GET", `/api/v1/private-apps/${encodeURIComponent(app)}/functions`);
      let reply: RunReply;
      try {
        reply = await client.call<RunReply>("POST", `/api/crm-extensibility/execution/internal/v3/action/function/${appId}`, {
          body: { serverlessFunction: name, parameters },
        });
      } catch (e) {
        // The failure message already names the function and carries its trace id for `sprocket logs trace`; before it
        // come what the function logged and where it failed, which explain it.
        if (e instanceof ApiRequestError) {
          if (flags.json) printJson(e.body);
          else printFailedRun(e.body as FailedRunBody | undefined);
        }
        throw e;
      }
      if (flags.json) return void printJson(reply);
      for (const line of reply.logs) streams.err.write(pcErr.dim(`[${text(line.level)}] ${shown(line.message)}\n`));
      streams.out.write(`${shown(typeof reply.response === "string" ? reply.response : JSON.stringify(reply.response, null, 2))}\n`);
      streams.err.write(pcErr.dim(`${reply.durationMs} ms · trace ${text(reply.traceId)}\n`));
    });
}
