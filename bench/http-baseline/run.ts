// Throughput of Sprocket's /healthz against a bare Fastify route, measured in the same run.
import Fastify from "fastify";
import { startBenchServer } from "../support/bench-server";
import { load, printRatio } from "../support/load";

const seconds = Number(process.env.BENCH_SECONDS ?? 5);

const bare = Fastify({ logger: false });
bare.get("/healthz", async () => ({ status: "ok" }));
await bare.listen({ port: 0, host: "127.0.0.1" });
const bareUrl = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}/healthz`;

const sprocket = await startBenchServer();

// Warm both, then measure each alone so they do not compete for the two cores.
await load(bareUrl, { seconds: 1 });
await load(`${sprocket.url}/healthz`, { seconds: 1 });
const baseline = await load(bareUrl, { seconds });
const ours = await load(`${sprocket.url}/healthz`, { seconds });

printRatio("GET /healthz throughput", ours.requestsPerSec, baseline.requestsPerSec, "req/s");
process.stdout.write(`  p99 latency: ours ${ours.p99Ms} ms, baseline ${baseline.p99Ms} ms; errors ${ours.errors + ours.non2xx}\n`);

await sprocket.stop();
await bare.close();
