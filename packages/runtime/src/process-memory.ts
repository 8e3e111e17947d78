import { readFile, writeFile } from "node:fs/promises";

/**
 * Resident memory of another process, from Linux's /proc (the parent can read it while the
 * child is stuck in a loop, which the child's own `process.memoryUsage()` could not report).
 */
export async function readResidentMemory(pid: number): Promise<{ rss: number; peak: number } | undefined> {
  let status: string;
  try {
    status = await readFile(`/proc/${pid}/status`, "utf8");
  } catch {
    return undefined;
  }
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb("VmRSS"), peak: kb("VmHWM") };
}

/** Resets the kernel's peak-RSS mark (VmHWM) so the next reading covers one invocation only. */
export async function resetPeakMemory(pid: number): Promise<void> {
  await writeFile(`/proc/${pid}/clear_refs`, "5").catch(() => undefined);
}
