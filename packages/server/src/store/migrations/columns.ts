import type { ColumnDefinitionBuilder, CreateTableBuilder } from "kysely";
import type { Engine } from "../database";

/** An auto-numbered primary key, spelled the way each engine wants it. */
export function withId<T extends string>(table: CreateTableBuilder<T, never>, engine: Engine): CreateTableBuilder<T, "id"> {
  return engine === "postgres"
    ? table.addColumn("id", "bigserial", (c) => c.primaryKey())
    : table.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
}

export const notNull = (c: ColumnDefinitionBuilder) => c.notNull();
