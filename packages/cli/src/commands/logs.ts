import type { Command } from "commander";
import type { LogEvent, LogEventOfKind, LogKind as Kind, LogPage, Trace, TraceSpan } from "@sprocket/contract";
import { ACCOUNT_OPTION, clientFor } from "../account-client";
import { apiFetch, exchangeKey, type SprocketClient } from "../api-client";
import { CliError } from "../cli-error";
import { examples } from "../examples";
import { failedRunLines, type FailedRunText } from "../failed-run";

type FunctionRunEvent = LogEventOfKind["functions"];
import { printJson, printTable } from "../output";
import { pc, pcErr } from "../terminal";
import { terminalText as text } from "../terminal-text";
import { streams } from "../streams";

interface ListFlags {
  account?: string;
  app?: string;
  inAccount?: string;
  function?: string;
  since?: string;
  until?: string;
  status?: string;
  level?: string;
  method?: string;
  card?: string;
  search?: string;
  limit?: string;
  follow?: boolean;
  json?: boolean;
}

const time = (row: LogEvent) => pc.dim(text(row.createdAt).replace("T", " ").replace("Z", ""));
const ms = (n: number | null) => (n === null ? "-" : `${n < 10 ? n.toFixed(1) : Math.round(n)} ms`);
const short = (id: string) => pc.dim(text(id));
/** Server text for one cell: control characters made visible (a newline too), then shortened. */
const clip = (value: unknown, n = 60) => {
  const shown = text(value);
  return shown.length > n ? `${shown.slice(0, n - 1)}…` : shown;
};

function status(code: number): string {
  const shown = text(code);
  return code >= 500 ? pc.red(shown) : code >= 400 ? pc.yellow(shown) : code >= 300 ? pc.cyan(shown) : pc.green(shown);
}
const outcome = (o: string) => (o === "SUCCESS" ? pc.green(text(o)) : pc.red(text(o)));
const level = (l: string) => (l === "ERROR" ? pc.red(l) : l === "WARN" ? pc.yellow(l) : l === "DEBUG" ? pc.dim(l) : text(l));

/** Per kind: the table's columns and one row's cells (the follow stream prints the same cells on one line). */
const COLUMNS: { [K in Kind]: { head: string[]; cells(row: LogEventOfKind[K]): string[] } } = {
  "api-calls": {
    head: ["Time", "Method", "Status", "Path", "Duration", "Trace"],
    cells: (r) => [
      time(r),
      text(r.method),
      status(r.status),
      clip(r.query ? `${r.path}?${r.query}` : r.path),
      ms(r.durationMs),
      short(r.traceId),
    ],
  },
  functions: {
    head: ["Time", "Function", "Outcome", "Duration", "Memory", "Error", "Trace"],
    cells: (r) => [
      time(r),
      text(r.functionName),
      outcome(r.outcome),
      ms(r.durationMs),
      r.peakRssBytes === null ? "-" : `${Math.round(r.peakRssBytes / 1048576)} MB`,
      r.error ? pc.red(clip(r.error.message, 40)) : "",
      short(r.traceId),
    ],
  },
  extensions: {
    head: ["Time", "Event", "Level", "Card", "Location", "Object", "Message", "Trace"],
    cells: (r) => [
      time(r),
      r.eventType === "RENDER_FAILURE" ? pc.red(r.eventType) : text(r.eventType),
      level(r.level),
      text(r.cardUid),
      text(r.location),
      r.objectId ? text(`${r.objectTypeId ?? "?"}/${r.objectId}`) : "-",
      clip(r.message, 40),
      short(r.traceId),
    ],
  },
  security: {
    head: ["Time", "Event", "Actor", "Address", "App"],
    cells: (r) => [time(r), pc.magenta(text(r.type)), text(r.actor.label), text(r.actor.address ?? "-"), text(r.appId ?? "-")],
  },
};

/** An OAuth app's events name the account they happened in (the server names it on the app's routes only). */
const accountOf = (row: LogEvent) =>
  "accountName" in row && row.accountName !== undefined ? `${text(row.accountName)} (${row.accountId})` : undefined;

/** The kind's columns, with an Account column after the time when the rows come from an OAuth app's installs. */
function columnsFor<K extends Kind>(kind: K, rows: readonly LogEvent[]): { head: string[]; cells(row: LogEventOfKind[K]): string[] } {
  const { head, cells } = COLUMNS[kind] as { head: string[]; cells(row: LogEventOfKind[K]): string[] };
  if (!rows.some((r) => accountOf(r) !== undefined)) return { head, cells };
  return {
    head: [head[0]!, "Account", ...head.slice(1)],
    cells: (row) => {
      const [first, ...rest] = cells(row);
      return [first!, accountOf(row) ?? text(row.accountId), ...rest];
    },
  };
}

const SUBCOMMANDS: Array<[string, Kind, string]> = [
  ["api", "api-calls", "API calls made with private apps' tokens"],
  ["functions", "functions", "serverless function runs"],
  ["extensions", "extensions", "UI extension renders and logger lines"],
  ["security", "security", "token views and rotations, deletions, sign-in failures"],
];

const LOG_EXAMPLES: Record<Kind, string[]> = {
  "api-calls": ["sprocket logs api --since 15m --status 4xx", "sprocket logs api --app my-app --method POST --follow"],
  functions: ["sprocket logs functions --status error --since 1d", "sprocket logs functions --function myFunc --follow --json"],
  extensions: ["sprocket logs extensions --level ERROR", "sprocket logs extensions --card example-card --follow"],
  security: ["sprocket logs security --since 7d", "sprocket logs security --app my-app --json"],
};

export function registerLogs(program: Command): void {
  const logs = program
    .command("logs")
    .description("read and follow logs: API calls, function runs, extension events, security events, traces")
    .addHelpText("after", examples("sprocket logs api --since 1h", "sprocket logs functions --follow", "sprocket logs trace TRACE_ID"));
  for (const [name, kind, description] of SUBCOMMANDS) {
    const cmd = logs
      .command(name)
      .description(description)
      .option("--app <app>", "one private app (id or uid); default: every app of the account")
      .option("--since <when>", "from this time: 30s, 15m, 1h, 7d, 2w, an ISO date or epoch ms")
      .option("--until <when>", "before this time (same forms as --since)")
      .option("--search <text>", "text to look for (path, message, error)")
      .option("--limit <n>", "events to show (1-200)", "50")
      .option("--follow", "keep printing new events as they happen")
      .option("--json", "print JSON (one object per line with --follow)")
      .option(...ACCOUNT_OPTION)
      .addHelpText("after", examples(...LOG_EXAMPLES[kind]));
    if (kind !== "security")
      cmd.option("--status <status>", kind === "api-calls" ? "200, 4xx, error or success" : "success, error or an outcome (TIMEOUT)");
    if (kind === "api-calls") cmd.option("--method <method>", "GET, POST, …");
    if (kind === "functions") cmd.option("--function <name>", "one function");
    if (kind === "extensions") cmd.option("--level <level>", "DEBUG, INFO, WARN or ERROR").option("--card <uid>", "one card");
    if (kind !== "security")
      cmd.option("--in-account <id>", "with --app of an OAuth app: only the events of this account it is installed in");
    cmd.action((flags: ListFlags) => listOrFollow(kind, flags));
  }
  logs
    .command("trace <traceId>")
    .description("every event of a trace as a tree with timings")
    .option("--app <app>", "look in one private app only")
    .option("--json", "print as JSON")
    .option(...ACCOUNT_OPTION)
    .addHelpText(
      "after",
      examples(
        "sprocket logs trace 4bf92f3577b34da6a3ce929d0e0e4736",
        "sprocket logs trace 4bf92f3577b34da6a3ce929d0e0e4736 --app my-app --json",
      ),
    )
    .action(async (traceId: string, flags: { app?: string; json?: boolean; account?: string }) => {
      const path = flags.app
        ? `/api/v1/private-apps/${encodeURIComponent(flags.app)}/traces/${encodeURIComponent(traceId)}`
        : `/api/v1/traces/${encodeURIComponent(traceId)}`;
      const trace = await clientFor(flags).call<Trace>("GET", path);
      if (flags.json) return void printJson(trace);
      streams.out.write(renderTrace(trace));
    });
}

async function listOrFollow<K extends Kind>(kind: K, flags: ListFlags): Promise<void> {
  const limit = Number(flags.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200)
    throw new CliError(`--limit must be a whole number from 1 to 200 (got "${flags.limit}").`, 2);
  const client = clientFor(flags);
  const path = flags.app ? `/api/v1/private-apps/${encodeURIComponent(flags.app)}/logs/${kind}` : `/api/v1/logs/${kind}`;
  const page = await client.call<LogPage & { results: Array<LogEventOfKind[K]> }>("GET", path, {
    query: {
      since: flags.since,
      until: flags.until,
      status: flags.status,
      level: flags.level,
      method: flags.method,
      function: flags.function,
      card: flags.card,
      q: flags.search,
      account: flags.inAccount,
      limit,
    },
  });
  const { head, cells } = columnsFor(kind, page.results);
  if (!flags.follow) {
    if (flags.json) return void printJson(page);
    if (page.results.length === 0)
      return void streams.out.write(pc.dim(`No ${kind} events${flags.since ? ` since ${flags.since}` : ""}.\n`));
    // Oldest first, as in a terminal log; newest at the bottom.
    printTable(head, [...page.results].reverse().map(cells));
    if (page.paging) streams.out.write(pc.dim(`Older events exist: narrow with --since/--until or raise --limit.\n`));
    if (kind === "functions") await printFailures(client, path, page.results as FunctionRunEvent[]);
    return;
  }
  for (const row of [...page.results].reverse()) printEvent(row, flags.json, cells);
  await follow(client.account, kind, flags, (row) => printEvent(row, flags.json, columnsFor(kind, [row]).cells));
}

/** How many of the listed failed runs `logs functions` explains below its table (newest first). */
const FAILURES_SHOWN = 5;

/** Below the table, the newest failed runs with what they logged and where they failed (their detail has both). */
async function printFailures(client: SprocketClient, listPath: string, rows: FunctionRunEvent[]): Promise<void> {
  const failed = rows.filter((r) => r.outcome !== "SUCCESS");
  // The list's own route: an OAuth app's runs in the accounts it is installed in are not the account-wide route's.
  const details = await Promise.all(
    failed.slice(0, FAILURES_SHOWN).map((r) => client.call<FunctionRunEvent>("GET", `${listPath}/${encodeURIComponent(r.id)}`)),
  );
  for (const run of details) {
    streams.out.write(
      `\n${pc.red("✖")} ${pc.bold(text(run.functionName))} ${outcome(run.outcome)}${run.error ? pc.red(`: ${text(run.error.message)}`) : ""}  ${time(run)}  ${short(run.traceId)}\n`,
    );
    for (const line of failedRunLines(failedRunText(run), pc, "  ")) streams.out.write(`${line}\n`);
  }
  if (failed.length > FAILURES_SHOWN)
    streams.out.write(pc.dim(`\n${failed.length - FAILURES_SHOWN} more failed runs: see each with sprocket logs trace <trace>.\n`));
}

/** A function run's stored log lines and stack, as failedRunLines prints them. */
function failedRunText(run: FunctionRunEvent): FailedRunText {
  return { logs: (run.logs ?? []).map((l) => `[${l.level}] ${l.message}`), stack: run.error?.stack ?? undefined };
}

function printEvent<E extends LogEvent>(row: E, json: boolean | undefined, cells: (row: E) => string[]): void {
  streams.out.write(json ? `${JSON.stringify(row)}\n` : `${cells(row).join("  ")}\n`);
}

/** Reads the server's event stream until interrupted; events the server cannot filter for us are filtered here. */
async function follow<K extends Kind>(
  account: { server: string; personalAccessKey: string },
  kind: K,
  flags: ListFlags,
  onEvent: (row: LogEventOfKind[K]) => void,
): Promise<void> {
  const { oauthAccessToken } = await exchangeKey(account.server, account.personalAccessKey);
  const url = new URL("/api/v1/logs/stream", account.server);
  url.searchParams.set("kind", kind);
  if (flags.app) url.searchParams.set("app", flags.app);
  const res = await apiFetch(account.server, url, {
    headers: { authorization: `Bearer ${oauthAccessToken}`, accept: "text/event-stream" },
  });
  if (!res.ok || !res.body) {
    const body = (await res.json().catch(() => undefined)) as { message?: string } | undefined;
    throw new CliError(body?.message ? text(body.message) : `Cannot follow ${kind} logs (HTTP ${res.status}).`);
  }
  const wanted = (row: LogEvent) =>
    (!flags.inAccount || row.accountId === Number(flags.inAccount)) &&
    (!flags.function || (row.kind === "function-run" && row.functionName === flags.function)) &&
    (!flags.method || (row.kind === "api-call" && row.method === flags.method.toUpperCase())) &&
    (!flags.card || (row.kind === "extension-event" && row.cardUid === flags.card)) &&
    (!flags.level || (row.kind === "extension-event" && row.level === flags.level.toUpperCase()));
  let buffer = "";
  let announced = false;
  for await (const chunk of res.body.pipeThrough(new TextDecoderStream())) {
    buffer += chunk;
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const message = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (!announced) {
        announced = true;
        streams.err.write(pcErr.dim(`Following ${kind} logs${flags.app ? ` of app ${flags.app}` : ""} (Ctrl+C to stop)\n`));
      }
      const data = message
        .split("\n")
        .filter((l) => l.startsWith("data: "))
        .map((l) => l.slice(6))
        .join("\n");
      if (!data) continue;
      const row = JSON.parse(data) as LogEventOfKind[K];
      if (wanted(row)) onEvent(row);
    }
  }
  throw new CliError("The server closed the log stream.");
}

/** The trace as a tree: offset from the start, duration, a bar of where the span sits in the trace, and its log lines. */
export function renderTrace(trace: Trace): string {
  const total = Math.max(trace.durationMs, 1);
  const BAR = 24;
  const lines = [
    `${pc.bold(`Trace ${text(trace.traceId)}`)}  ${pc.dim(`${text(trace.startedAt)} · ${ms(trace.durationMs)} · ${trace.eventCount} events`)}`,
  ];
  const walk = (spans: TraceSpan[], prefix: string) => {
    spans.forEach((span, i) => {
      const last = i === spans.length - 1;
      const from = Math.min(BAR - 1, Math.floor((span.offsetMs / total) * BAR));
      const width = Math.max(1, Math.round((span.durationMs / total) * BAR));
      const bar = " ".repeat(from) + "█".repeat(Math.min(width, BAR - from)) + " ".repeat(Math.max(0, BAR - from - width));
      const mark = span.status === "OK" ? pc.green("✔") : pc.red("✖");
      const detail = describe(span.event);
      lines.push(
        `${prefix}${last ? "└─" : "├─"} ${mark} ${pc.bold(text(span.name))}${detail ? ` ${detail}` : ""}  ${pc.dim(`+${ms(span.offsetMs)}`)}  ${ms(span.durationMs)}  ${span.status === "OK" ? pc.cyan(bar) : pc.red(bar)}`,
      );
      const inner = prefix + (last ? "   " : "│  ");
      for (const log of span.logs)
        if (log.kind === "extension-event") lines.push(`${inner}${pc.dim("·")} ${level(log.level)} ${text(log.message)}`);
      if (span.event?.kind === "function-run" && span.event.outcome !== "SUCCESS")
        lines.push(...failedRunLines(failedRunText(span.event), pc, inner));
      walk(span.children, inner);
    });
  };
  walk(trace.spans, "");
  return lines.join("\n") + "\n";
}

function describe(event: LogEvent | null): string {
  if (!event) return "";
  if (event.kind === "api-call") return status(event.status);
  if (event.kind === "function-run")
    return event.outcome === "SUCCESS" ? "" : `${outcome(event.outcome)}${event.error ? pc.red(`: ${text(event.error.message)}`) : ""}`;
  if (event.kind === "extension-event")
    return (
      pc.dim(text(`${event.location}${event.objectId ? ` ${event.objectTypeId ?? ""}/${event.objectId}` : ""}`)) +
      (event.eventType === "RENDER_FAILURE" ? pc.red(` ${text(event.message)}`) : "")
    );
  return "";
}
