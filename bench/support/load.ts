import fs from "node:fs";
import autocannon from "autocannon";

export interface LoadResult {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
  /** CPU time of this process's main thread (the servers') per request, in µs; undefined where /proc is missing. */
  serverCpuUs: number | undefined;
  /** The part of it spent in the kernel (system time: the socket's reads and writes, epoll), in µs. */
  serverSysUs: number | undefined;
}

/**
 * The main thread's CPU time in clock ticks (user + system, 10 ms each), from /proc. Unlike throughput it leaves out
 * the load generator and the moments the machine gives the thread no CPU, so it is much steadier on a shared machine.
 */
function mainThreadTicks(): { user: number; sys: number } | undefined {
  try {
    const fields = fs.readFileSync("/proc/thread-self/stat", "utf8").split(") ")[1]!.split(" ");
    return { user: Number(fields[11]), sys: Number(fields[12]) };
  } catch {
    return undefined;
  }
}

/** A bounded keep-alive load on one URL from this process (loopback only). */
export async function load(
  url: string,
  opts: { seconds?: number; connections?: number; headers?: Record<string, string>; method?: "GET" | "POST"; body?: string } = {},
): Promise<LoadResult> {
  const ticks = mainThreadTicks();
  const result = await autocannon({
    url,
    connections: opts.connections ?? 20,
    // The load generator runs on a thread of its own, so a ratio compares servers, not the generator's parsing of
    // their answers (autocannon's HTTP parser is JavaScript). BENCH_WORKERS=0 keeps it on this thread.
    ...(Number(process.env.BENCH_WORKERS ?? 1) > 0 ? { workers: Number(process.env.BENCH_WORKERS ?? 1) } : {}),
    duration: opts.seconds ?? 5,
    headers: opts.headers ?? {},
    method: opts.method ?? "GET",
    ...(opts.body ? { body: opts.body } : {}),
  });
  const after = mainThreadTicks();
  const perRequest = (ticksOf: (t: { user: number; sys: number }) => number) =>
    ticks === undefined || after === undefined || result.requests.total === 0
      ? undefined
      : ((ticksOf(after) - ticksOf(ticks)) * 10_000) / result.requests.total;
  return {
    serverCpuUs: perRequest((t) => t.user + t.sys),
    serverSysUs: perRequest((t) => t.sys),
    requestsPerSec: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

export const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function printRatio(label: string, ours: number, baseline: number, unit: string): void {
  process.stdout.write(`${label}: ours ${fmt(ours)} ${unit}, baseline ${fmt(baseline)} ${unit}, ratio ${(ours / baseline).toFixed(2)}\n`);
}

/**
 * Ours against a baseline in alternating rounds. The ratio is the median of each round's pair (baseline, then ours,
 * back to back): this two-core machine's speed drifts by up to half between moments, and a pair shares its moment.
 */
export async function alternate(
  ours: () => Promise<LoadResult>,
  baseline: () => Promise<LoadResult>,
  rounds = Number(process.env.BENCH_ROUNDS ?? 7),
): Promise<{
  ours: LoadResult;
  baseline: LoadResult;
  ratio: number;
  cpu: { ours: number; baseline: number; ratio: number } | undefined;
  /** Every round's results, in order, for ratios of further sides run in the same rounds. */
  rounds: { ours: LoadResult[]; baseline: LoadResult[] };
}> {
  const a: LoadResult[] = [];
  const b: LoadResult[] = [];
  for (let i = 0; i < rounds; i++) {
    b.push(await baseline());
    a.push(await ours());
  }
  const mid = <T>(xs: T[], by: (x: T) => number) => [...xs].sort((x, y) => by(x) - by(y))[Math.floor(xs.length / 2)]!;
  const ratios = a.map((r, i) => r.requestsPerSec / b[i]!.requestsPerSec);
  // CPU per request, baseline over ours: the share of our server's work per request that the baseline's work is.
  const cpu = a
    .map((r, i) => (r.serverCpuUs && b[i]!.serverCpuUs ? b[i]!.serverCpuUs! / r.serverCpuUs : undefined))
    .filter((x): x is number => x !== undefined);
  if (process.env.BENCH_VERBOSE)
    process.stderr.write(`round ratios: ${ratios.map((r) => r.toFixed(2)).join(" ")}; CPU: ${cpu.map((r) => r.toFixed(2)).join(" ")}\n`);
  return {
    ours: mid(a, (r) => r.requestsPerSec),
    baseline: mid(b, (r) => r.requestsPerSec),
    ratio: mid(ratios, (r) => r),
    rounds: { ours: a, baseline: b },
    cpu:
      cpu.length === rounds
        ? {
            ours: mid(a, (r) => r.serverCpuUs!).serverCpuUs!,
            baseline: mid(b, (r) => r.serverCpuUs!).serverCpuUs!,
            ratio: mid(cpu, (r) => r),
          }
        : undefined,
  };
}
