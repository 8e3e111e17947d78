/** Resolves once `check` holds, asking again every 20 ms: a wait for a state, not a time (the test's timeout bounds it). */
export async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 20));
}
