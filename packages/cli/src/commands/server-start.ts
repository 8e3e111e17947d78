import type { Command } from "commander";
import type { RunningServer } from "@sprocket/server";
import { examples } from "../examples";
import { pc } from "../terminal";

interface StartFlags {
  port?: string;
  httpsPort?: string;
  tlsCert?: string;
  tlsKey?: string;
  host?: string;
  dataDir?: string;
  publicUrl?: string;
  functionsPort?: string;
  functionsPublicUrl?: string;
}

export function registerServer(program: Command): void {
  const server = program.command("server").description("run the Sprocket platform").addHelpText("after", examples("sprocket server start"));
  server
    .command("start")
    .description(
      "start the platform (embedded SQLite by default; PostgreSQL and Redis when SPROCKET_DATABASE_URL / SPROCKET_REDIS_URL are set)",
    )
    .option("--port <port>", "HTTP port (default 3900, env SPROCKET_PORT)")
    .option("--https-port <port>", "also serve the API over HTTPS on this port, for HubSpot's `hs` CLI (env SPROCKET_HTTPS_PORT)")
    .option(
      "--tls-cert <file>",
      "PEM certificate for --https-port; default: a self-signed one generated into <data-dir>/tls (env SPROCKET_TLS_CERT)",
    )
    .option("--tls-key <file>", "PEM private key of --tls-cert (env SPROCKET_TLS_KEY)")
    .option("--host <host>", "address to listen on (default 127.0.0.1, env SPROCKET_HOST)")
    .option("--data-dir <dir>", "where the embedded store, keys and caches live (default ./.sprocket, env SPROCKET_DATA_DIR)")
    .option("--public-url <url>", "the URL people reach this server at, when behind a proxy (env SPROCKET_PUBLIC_URL)")
    .option(
      "--functions-port <port>",
      "port of the public endpoint functions (/_hcms/api), an origin apart from the console (default --port + 1, env SPROCKET_FUNCTIONS_PORT)",
    )
    .option(
      "--functions-public-url <url>",
      "the URL people reach endpoint functions at; another origin than --public-url (env SPROCKET_FUNCTIONS_PUBLIC_URL)",
    )
    .addHelpText(
      "after",
      examples(
        "sprocket server start",
        "sprocket server start --host 0.0.0.0 --public-url https://sprocket.example.com",
        "SPROCKET_DATABASE_URL=postgres://sprocket@db/sprocket sprocket server start",
      ),
    )
    .action(async (flags: StartFlags) => {
      // Loaded on use: the platform's modules would slow every other command's start.
      const { loadConfig, startServer } = await import("@sprocket/server");
      const running = await startServer(loadConfig(flags));
      printWelcome(running);
      drainOnSignals(running);
    });
}

function printWelcome(s: RunningServer): void {
  process.stdout.write(welcomeLines(s).join("\n") + "\n");
}

/**
 * What `server start` prints. The super admin's password and the CLI key appear on the first start only: later starts
 * say where they are kept, so they do not pile up in journald or docker logs (F15 of the 2026-12 review).
 */
export function welcomeLines(s: RunningServer): string[] {
  const { info, created } = s.bootstrap;
  const engine = s.platform.store.engine === "sqlite" ? `SQLite in ${s.platform.config.dataDir}` : "PostgreSQL";
  const kept = `${s.platform.config.dataDir}/bootstrap.json`;
  const key = created ? info.personalAccessKey : "<personalAccessKey from bootstrap.json>";
  return [
    "",
    `${pc.bold(pc.green("Sprocket is running"))} ${pc.dim(`(${engine})`)}`,
    "",
    `  Console      ${pc.cyan(info.consoleUrl)}`,
    `  Endpoints    ${pc.cyan(`${s.functionsUrl}/<account id>/_hcms/api/<path>`)}`,
    created
      ? `  Sign in as   ${info.superAdmin.email} / ${info.superAdmin.password}`
      : `  Sign in as   ${info.superAdmin.email} (password in ${kept})`,
    `  Account      ${info.accountId}`,
    ...(created ? [`  CLI key      ${info.personalAccessKey}`] : []),
    "",
    `  Next: ${pc.bold(`npx sprocket auth --server ${s.url} --personal-access-key ${key}`)}`,
    created
      ? pc.dim(`  (first start: shown once, and kept in ${kept}, readable by this user only; change the password once signed in)`)
      : pc.dim(`  (the demo account's password and CLI key are kept in ${kept}, readable by this user only)`),
    "",
    ...(s.https ? hubspotCliLines(s.https, info, key) : []),
  ];
}

/**
 * How to point HubSpot's own CLI here: its API origin is `https://<HUBAPI_DOMAIN_OVERRIDE>.com`, so a path in the
 * variable makes it `https://127.0.0.1:N/hs.com/...`, a prefix the server strips.
 */
function hubspotCliLines(https: NonNullable<RunningServer["https"]>, info: RunningServer["bootstrap"]["info"], key: string): string[] {
  return [
    `  HTTPS        ${pc.cyan(https.url)}${https.certGenerated ? pc.dim(" (new self-signed certificate)") : ""}`,
    "",
    `  HubSpot's CLI (hs): run it with these settings`,
    `    export HUBAPI_DOMAIN_OVERRIDE=127.0.0.1:${https.port}/hs`,
    `    export NODE_EXTRA_CA_CERTS=${https.certPath}`,
    `    export HUBSPOT_ACCOUNT_ID=${info.accountId} HUBSPOT_PERSONAL_ACCESS_KEY=${key}`,
    `    hs project upload --use-env`,
    pc.dim(
      `  (or keep the account in ~/.hscli/config.yml: accountId ${info.accountId}, authType personalaccesskey, personalAccessKey as above)`,
    ),
    "",
  ];
}

/** SIGTERM and SIGINT drain in-flight requests and close the store before exiting. */
function drainOnSignals(s: RunningServer): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: draining requests and closing the store…\n`);
    s.close().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`shutdown failed: ${String(e)}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}
