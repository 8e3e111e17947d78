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
