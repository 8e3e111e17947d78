import { sql, type Kysely, type RawBuilder } from "kysely";
import type { Database } from "../store/schema";

/**
 * Most candidate rows a path search reads through SQLite's trigram index (migration 019) before it prefers walking
 * the app's calls newest first: each candidate is a row looked up by id (a few microseconds), and a text that many calls
 * contain fills a page within the first few hundred of the app's calls anyway.
 */
export const FEW_MATCHES = 5000;

/**
 * The FTS5 LIKE pattern whose rows include every call whose path contains `text` (case-insensitively), or undefined
 * when the text has no run of three characters that the trigram index can look up (`ab`, `a%b`): such a search reads
 * the app's calls as before. LIKE on the FTS table takes no ESCAPE clause, so each `%` and `_` of the text becomes the
 * one-character wildcard `_`: the pattern then also matches paths with another character there, a superset that the
 * exact condition (log-queries.ts) narrows down again.
 */
export function trigramPattern(text: string): string | undefined {
  const runs = text.split(/[%_]/).map((run) => [...run].length);
  if (Math.max(...runs) < 3) return undefined;
  return `%${text.replace(/[%_]/g, "_")}%`;
}

/**
 * On SQLite, the condition that takes a path search's rows from the trigram index, when the text is rare enough (at
 * most FEW_MATCHES calls of any app contain it); otherwise undefined. SQLite keeps no statistics here, so the count is
 * asked first, stopped at FEW_MATCHES + 1.
 */
export async function fewPathMatches(db: Kysely<Database>, text: string): Promise<RawBuilder<boolean> | undefined> {
  const pattern = trigramPattern(text);
  if (pattern === undefined) return undefined;
  const { rows } = await sql<{ n: number }>`
    select count(*) as n from (select 1 from api_calls_path where path like ${pattern} limit ${FEW_MATCHES + 1})`.execute(db);
  if (Number(rows[0]?.n) > FEW_MATCHES) return undefined;
  return sql<boolean>`id in (select rowid from api_calls_path where path like ${pattern})`;
}
