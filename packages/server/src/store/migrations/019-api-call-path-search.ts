import { sql, type Kysely, type Migration } from "kysely";
import type { Engine } from "../database";

/**
 * An index that serves the Logs tab's path search (`q` on API calls, a case-insensitive "contains"): without one, a
 * search that few calls match read every call of the app in the time range (4.4 s at ten million events).
 *
 * SQLite: an FTS5 table with the trigram tokenizer over `api_calls.path`, external content (the paths are stored once,
 * in api_calls) and `detail=none` (row ids only, no positions: a third of the size of `detail=full`; a search is a
 * LIKE on the FTS table, which needs no positions). Triggers keep it in step with every insert, retention's deletes and
 * any update of a path, whoever writes (the log writer thread, the request thread, a bulk seed).
 *
 * PostgreSQL: a GIN index of `lower(path)` with pg_trgm's operator class, which serves `lower(path) like …` as the
 * query writes it. pg_trgm ships with PostgreSQL and is a trusted extension (PostgreSQL 13 and later): a role that may
 * create objects in its database, as the database's owner may, creates it. Where it is not installed on the server or
 * the role may not create it, the migration leaves the index out and searches read the app's calls as before;
 * docs/operations.md says how an operator adds both later.
 */
export function apiCallPathSearchMigration(engine: Engine): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (engine === "sqlite") {
        for (const statement of SQLITE_PATH_SEARCH) await sql.raw(statement).execute(db);
        return;
      }
      if (!(await trigramsAvailable(db))) return;
      await sql`create extension if not exists pg_trgm`.execute(db);
      // Installed earlier by an operator, maybe into a schema of its own that is not on the search path.
      const { rows } = await sql<{ schema: string }>`
        select n.nspname as schema from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm'`.execute(
        db,
      );
      await sql`create index if not exists api_calls_path_trgm on api_calls using gin (lower(path) ${sql.id(rows[0]!.schema)}.gin_trgm_ops)`.execute(
        db,
      );
    },
  };
}

const SQLITE_PATH_SEARCH = [
  `create virtual table api_calls_path using fts5(path, content='api_calls', content_rowid='id', tokenize='trigram', detail='none', columnsize=0)`,
  `insert into api_calls_path(api_calls_path) values ('rebuild')`,
  `create trigger api_calls_path_insert after insert on api_calls begin
     insert into api_calls_path(rowid, path) values (new.id, new.path);
   end`,
  `create trigger api_calls_path_delete after delete on api_calls begin
     insert into api_calls_path(api_calls_path, rowid, path) values ('delete', old.id, old.path);
   end`,
  `create trigger api_calls_path_update after update of path on api_calls begin
     insert into api_calls_path(api_calls_path, rowid, path) values ('delete', old.id, old.path);
     insert into api_calls_path(rowid, path) values (new.id, new.path);
   end`,
];

/**
 * Whether pg_trgm is installed in this database, or this role can install it: the server has it and the role is a
 * superuser, or the extension is trusted and the role may create objects in the database and its schema. Asked first because a failed
 * CREATE EXTENSION would abort the migration's transaction.
 */
async function trigramsAvailable(db: Kysely<unknown>): Promise<boolean> {
  const { rows } = await sql<{ ok: boolean }>`
    select exists (select 1 from pg_extension where extname = 'pg_trgm')
      or exists (
        select 1 from pg_available_extension_versions v
        where v.name = 'pg_trgm' and v.version = (select default_version from pg_available_extensions where name = 'pg_trgm')
          and ((select rolsuper from pg_roles where rolname = current_user)
            or (v.trusted and has_database_privilege(current_database(), 'CREATE')
              and has_schema_privilege(current_schema(), 'CREATE')))
      ) as ok`.execute(db);
  return rows[0]?.ok === true;
}
