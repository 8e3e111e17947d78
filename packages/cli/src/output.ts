import Table from "cli-table3";
import { pc, pcErr } from "./terminal";
import { streams } from "./streams";

/** Scripts get JSON on stdout; people get tables and colour. */
export function printJson(value: unknown): void {
  streams.out.write(JSON.stringify(value, null, 2) + "\n");
}

export function printTable(head: string[], rows: Array<Array<string | number>>): void {
  const table = new Table({ head: head.map((h) => pc.bold(h)), style: { head: [], border: [] } });
  table.push(...rows.map((r) => r.map(String)));
  streams.out.write(table.toString() + "\n");
}

export const ok = (message: string) => streams.out.write(`${pc.green("✔")} ${message}\n`);
export const info = (message: string) => streams.out.write(`${message}\n`);
/** A failure, on standard error. */
export const problem = (message: string) => streams.err.write(`${pcErr.red("✖")} ${message}\n`);
