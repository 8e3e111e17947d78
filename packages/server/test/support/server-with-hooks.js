// A server process started as `sprocket server start` starts one, with test hooks that only code can set (crash tests
// use it to stop a build or a deploy where they kill it). Arguments: port, data dir, the hooks as JSON.
// Plain JavaScript over the compiled server, as the CLI runs it: under tsx each start transpiled the server's sources
// and paid tsx's loader on every import, about a second of CPU more per start.
import { loadConfig, startServer } from "../../dist/index.js";

const [port, dataDir, hooks] = process.argv.slice(2);
const running = await startServer(loadConfig({ port, dataDir, testHooks: JSON.parse(hooks ?? "{}") }));
process.stdout.write(`Sprocket is running at ${running.url}\n`);
process.once("SIGTERM", () => void running.close().then(() => process.exit(0)));
