import { sql, type Kysely, type Migration } from "kysely";
import type { Engine } from "../database";
import { LOGS_SCHEMA } from "../sqlite-connection";

/** The log sink's tables and the path search's trigram table over `api_calls` (migration 019). */
const MOVED = ["api_calls", "function_runs", "extension_events", "api_calls_path"];

/**
 * SQLite: moves the log sink's tables, with their indexes, the path search's trigram table and its triggers, from the
 * main file into the attached log file (sqlite-connection.ts says why). Security events stay: their domains write them
 * in the same transaction as the change they record, and a transaction over two files in WAL mode is atomic in each
 * file but not across them.
 *
 * The copy is committed in the log file first, and only then are the originals dropped from the main file, so a stop
 * in between loses nothing: the next start finds the originals still there, drops the partial copy and copies again.
 * Each object is made again from its own stored definition, so the log file holds exactly what migrations 005, 018 and
 * 019 made; indexes are built after the rows are in (one sorted build) and the trigram table is rebuilt from the paths.
 * A new install moves empty tables. PostgreSQL keeps one database: nothing to do.
 */
export function logFileMigration(engine: Engine): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (engine !== "sqlite") return;
      const objects = await definitions(db, "main");
      if (!objects.some((o) => o.type === "table")) return;
      const created = await definitions(db, LOGS_SCHEMA);

      await transaction(db, async () => {
        // Left by a move that stopped before the originals were dropped: made again from the originals.
        await dropTables(db, LOGS_SCHEMA, created);
        await createInLogFile(db, objects, async () => {
          for (const table of tables(objects).filter((t) => !t.virtual)) {
            await sql.raw(`insert into ${LOGS_SCHEMA}.${table.name} select * from main.${table.name}`).execute(db);
          }
          // AUTOINCREMENT's high-water marks, so that no id is given twice (retention may have deleted the newest rows).
          const moved = MOVED.map((n) => `'${n}'`).join(", ");
          await sql.raw(`delete from ${LOGS_SCHEMA}.sqlite_sequence where name in (${moved})`).execute(db);
          await sql
            .raw(`insert into ${LOGS_SCHEMA}.sqlite_sequence select * from main.sqlite_sequence where name in (${moved})`)
            .execute(db);
        });
      });
      await transaction(db, () => dropTables(db, "main", objects));
    },
  };
}

/**
 * Makes the moved objects in the log file from their definitions: the tables, then `fill` (rows go in before the
 * indexes, one sorted build each), the indexes, the trigram table built from the paths, and its triggers.
 */
export async function createInLogFile(db: Kysely<unknown>, objects: Definition[], fill: () => Promise<void>): Promise<void> {
  for (const table of tables(objects).filter((t) => !t.virtual)) await sql.raw(inSchema(table.sql)).execute(db);
  await fill();
  for (const index of objects.filter((o) => o.type === "index")) await sql.raw(inSchema(index.sql)).execute(db);
  for (const table of tables(objects).filter((t) => t.virtual)) {
    await sql.raw(inSchema(table.sql)).execute(db);
    await sql.raw(`insert into ${LOGS_SCHEMA}.${table.name}(${table.name}) values ('rebuild')`).execute(db);
  }
  for (const trigger of objects.filter((o) => o.type === "trigger")) await sql.raw(inSchema(trigger.sql)).execute(db);
}

export interface Definition {
  type: "table" | "index" | "trigger";
  name: string;
  sql: string;
  virtual: boolean;
}

/**
 * The moved objects' stored definitions in `schema`: the tables (a virtual table's shadow tables are its own business),
 * the indexes made by CREATE INDEX (not a primary key's) and the triggers.
 */
export async function definitions(db: Kysely<unknown>, schema: string): Promise<Definition[]> {
  const { rows } = await sql<{ type: Definition["type"]; name: string; sql: string }>`
    select type, name, sql from ${sql.id(schema)}.sqlite_master
    where tbl_name in (${sql.join(MOVED.map((n) => sql.lit(n)))}) and type in ('table', 'index', 'trigger') and sql is not null order by rowid`.execute(
    db,
  );
  return rows.map((r) => ({ ...r, virtual: /^create virtual table/i.test(r.sql) }));
}

const tables = (objects: Definition[]) => objects.filter((o) => o.type === "table");

/** Drops the tables (with their indexes and triggers), the trigram table first: it drops its shadow tables itself. */
async function dropTables(db: Kysely<unknown>, schema: string, objects: Definition[]): Promise<void> {
  const virtualFirst = tables(objects).sort((a, b) => Number(b.virtual) - Number(a.virtual));
  for (const { name } of virtualFirst) await sql.raw(`drop table ${schema}.${name}`).execute(db);
}

/** Runs `work` in one write transaction. The migrator runs SQLite migrations outside one (Kysely: no transactional DDL). */
export async function transaction(db: Kysely<unknown>, work: () => Promise<void>): Promise<void> {
  await sql`begin immediate`.execute(db);
  try {
    await work();
  } catch (e) {
    await sql`rollback`.execute(db);
    throw e;
  }
  await sql`commit`.execute(db);
}

/** A stored CREATE statement made to create its object in the log file: `create index x on t` → `create index logs.x on t`. */
const inSchema = (definition: string) =>
  definition.replace(/^(create\s+(?:unique\s+)?(?:virtual\s+)?(?:table|index|trigger)\s+)/i, `$1${LOGS_SCHEMA}.`);
