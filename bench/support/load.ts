import autocannon from "autocannon";

export interface LoadResult {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
}

/** A bounded keep-alive load on one URL from this process (loopback only). */
export async function load(url: string, opts: { seconds?: number; connections?: number; headers?: Record<string, string>; method?: "GET" | "POST"; body?: string } = {}): Promise<LoadResult> {
  const result = await autocannon({
    url,
    connections: opts.connections ?? 20,
    ...(process.env.BENCH_WORKERS ? { workers: Number(process.env.BENCH_WORKERS) } : {}),
    duration: opts.seconds ?? 5,
    headers: opts.headers ?? {},
    method: opts.method ?? "GET",
    ...(opts.body ? { body: opts.body } : {}),
  });
  return {
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
 * Ours against a baseline in alternating rounds, each side's median round kept: on a shared two-core machine a burst
 * of noise then lands on both sides instead of skewing one.
 */
export async function alternate(
  ours: () => Promise<LoadResult>,
  baseline: () => Promise<LoadResult>,
  rounds = Number(process.env.BENCH_ROUNDS ?? 5),
): Promise<{ ours: LoadResult; baseline: LoadResult }> {
  const a: LoadResult[] = [];
  const b: LoadResult[] = [];
  for (let i = 0; i < rounds; i++) {
    b.push(await baseline());
    a.push(await ours());
  }
  const median = (xs: LoadResult[]) => [...xs].sort((x, y) => x.requestsPerSec - y.requestsPerSec)[Math.floor(xs.length / 2)]!;
  return { ours: median(a), baseline: median(b) };
}
