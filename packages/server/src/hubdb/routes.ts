import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Platform } from "../platform";
import { notFound } from "../errors/domain-error";
import { absentAs, parseBody } from "../util/parse-body";
import { callerOf, json, noContent, queryOf, routeConfig } from "../crm/route-kit";
import {
  definitionFrom,
  findTable,
  listTables,
  nameTaken,
  parseTableInput,
  publishedOf,
  type StoredTable,
  type TableDefinition,
} from "./hubdb-tables";
import { contentFrom, queryRows, rowInput, rowView, tableRows, type RowContent, type StoredRow } from "./hubdb-rows";
import { intParam, stringParam } from "../crm/query-params";

type Params = { table: string; rowId: string };
const BASE = "/cms/v3/hubdb/tables";
const idsInput = z.object({ inputs: z.array(z.union([z.string(), z.number()]).transform(String)).max(100) });
const createInputs = z.object({ inputs: z.array(rowInput).max(100) });
const updateInputs = z.object({ inputs: z.array(rowInput.extend({ id: z.union([z.string(), z.number()]).transform(String) })).max(100) });
const cloneInputs = z.object({
  inputs: z.array(z.object({ id: z.union([z.string(), z.number()]).transform(String), name: z.string().optional() })).max(100),
});
const cloneInput = z.object({ newName: z.string().optional(), newLabel: z.string().optional(), copyRows: z.boolean().default(false) });

const iso = (ms: number) => new Date(ms).toISOString();

/** HubSpot's `HubDbTableV3` for one side of a table. */
function tableView(t: StoredTable, def: TableDefinition, rowCount: number) {
  return {
    id: String(t.id),
    name: t.name,
    label: def.label,
    columns: def.columns,
    columnCount: def.columns.length,
    rowCount,
    published: t.published !== null,
    ...(t.publishedAt !== null ? { publishedAt: iso(t.publishedAt) } : {}),
    allowPublicApiAccess: def.allowPublicApiAccess,
    useForPages: def.useForPages,
    enableChildTablePages: def.enableChildTablePages,
    allowChildTables: def.allowChildTables,
    dynamicMetaTags: def.dynamicMetaTags,
    isOrderedManually: false,
    deleted: false,
    createdAt: iso(t.createdAt),
    updatedAt: iso(def.updatedAt),
  };
}

const batchAnswer = (results: unknown[], startedAt: number) => ({
  status: "COMPLETE",
  results,
  startedAt: iso(startedAt),
  completedAt: new Date().toISOString(),
});

/**
 * HubDB (`/cms/v3/hubdb/tables`, scope `hubdb`): tables with a draft and a published side, their columns, and rows,
 * each with draft and published values; publish copies the draft over the published side, reset the other way.
 */
export const hubdbRoutes =
  (p: Platform): FastifyPluginAsync =>
  async (app: FastifyInstance) => {
    const scope = routeConfig(["hubdb"]);
    const db = p.store.db;
    const table = (request: FastifyRequest<{ Params: Partial<Params> }>) =>
      findTable(db, callerOf(request).accountId, request.params.table!);
    const side = (rows: StoredRow[], which: "draft" | "published") =>
      rows.flatMap((r) => (r[which] ? [{ id: r.id, createdAt: r.createdAt, content: r[which] }] : []));
    const count = async (t: StoredTable, which: "draft" | "published") => side(await tableRows(db, t.accountId, t.id), which).length;
    const view = async (t: StoredTable, which: "draft" | "published") =>
      tableView(t, which === "draft" ? t.draft : publishedOf(t), await count(t, which));

    const listOf = async (request: FastifyRequest, which: "draft" | "published") => {
      const q = queryOf(request);
      const all = (await listTables(db, callerOf(request).accountId)).filter((t) => which === "draft" || t.published);
      const limit = intParam(q, "limit", 1000, 1000);
      const start = Number(stringParam(q, "after") ?? 0) || 0;
      const page = all.slice(start, start + limit);
      return {
        total: all.length,
        results: await Promise.all(page.map((t) => view(t, which))),
        ...(start + limit < all.length ? { paging: { next: { after: String(start + limit) } } } : {}),
      };
    };
    app.get(BASE, scope, async (request, reply) => json(reply, 200, await listOf(request, "published")));
    app.get(`${BASE}/draft`, scope, async (request, reply) => json(reply, 200, await listOf(request, "draft")));

    app.post(BASE, scope, async (request, reply) => {
      const { accountId } = callerOf(request);
      const input = parseTableInput(absentAs(request.body, {}));
      await nameTaken(db, accountId, input.name);
      const now = p.clock.now();
      const draft = definitionFrom(input, undefined, now);
      const row = await db
        .insertInto("hubdb_tables")
        .values({
          account_id: accountId,
          name: input.name,
          draft: JSON.stringify(draft),
          published: null,
          published_at: null,
          archived: 0,
          created_at: now,
          updated_at: now,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      return json(reply, 201, await view(await findTable(db, accountId, String(row.id)), "draft"));
    });

    app.get<{ Params: Params }>(`${BASE}/:table`, scope, async (request, reply) =>
      json(reply, 200, await view(await table(request), "published")),
    );
    app.get<{ Params: Params }>(`${BASE}/:table/draft`, scope, async (request, reply) =>
      json(reply, 200, await view(await table(request), "draft")),
    );

    app.patch<{ Params: Params }>(`${BASE}/:table/draft`, scope, async (request, reply) => {
      const t = await table(request);
      const input = parseTableInput(absentAs(request.body, {}));
      if (input.name !== t.name) await nameTaken(db, t.accountId, input.name, t.id);
      const now = p.clock.now();
      const draft = definitionFrom(input, t.draft, now);
      await db
        .updateTable("hubdb_tables")
        .set({ name: input.name, draft: JSON.stringify(draft), updated_at: now })
        .where("id", "=", t.id)
        .execute();
      return json(reply, 200, await view(await findTable(db, t.accountId, String(t.id)), "draft"));
    });

    app.post<{ Params: Params }>(`${BASE}/:table/draft/publish`, scope, async (request, reply) => {
      const t = await table(request);
      const now = p.clock.now();
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom("hubdb_rows").where("table_id", "=", t.id).where("draft", "is", null).execute();
        await trx
          .updateTable("hubdb_rows")
          .set((eb) => ({ published: eb.ref("draft") }))
          .where("table_id", "=", t.id)
          .execute();
        await trx
          .updateTable("hubdb_tables")
          .set({ published: JSON.stringify(t.draft), published_at: now, updated_at: now })
          .where("id", "=", t.id)
          .execute();
      });
      return json(reply, 200, await view(await findTable(db, t.accountId, String(t.id)), "published"));
    });

    app.post<{ Params: Params }>(`${BASE}/:table/draft/reset`, scope, async (request, reply) => {
      const t = await table(request);
      const published = publishedOf(t);
      const now = p.clock.now();
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom("hubdb_rows").where("table_id", "=", t.id).where("published", "is", null).execute();
        await trx
          .updateTable("hubdb_rows")
          .set((eb) => ({ draft: eb.ref("published") }))
          .where("table_id", "=", t.id)
          .execute();
        await trx
          .updateTable("hubdb_tables")
          .set({ draft: JSON.stringify(published), updated_at: now })
          .where("id", "=", t.id)
          .execute();
      });
      return json(reply, 200, await view(await findTable(db, t.accountId, String(t.id)), "draft"));
    });

    app.post<{ Params: Params }>(`${BASE}/:table/unpublish`, scope, async (request, reply) => {
      const t = await table(request);
      publishedOf(t);
      await db
        .updateTable("hubdb_tables")
        .set({ published: null, published_at: null, updated_at: p.clock.now() })
        .where("id", "=", t.id)
        .execute();
      return json(reply, 200, await view(await findTable(db, t.accountId, String(t.id)), "draft"));
    });

    app.post<{ Params: Params }>(`${BASE}/:table/draft/clone`, scope, async (request, reply) => {
      const t = await table(request);
      const input = parseBody(cloneInput, absentAs(request.body, {}), "HubDbTableCloneRequest");
      const name = input.newName ?? `${t.name}_clone`;
      await nameTaken(db, t.accountId, name);
      const now = p.clock.now();
      const draft = { ...t.draft, label: input.newLabel ?? `${t.draft.label} (clone)`, updatedAt: now };
      const id = await db.transaction().execute(async (trx) => {
        const row = await trx
          .insertInto("hubdb_tables")
          .values({
            account_id: t.accountId,
            name,
            draft: JSON.stringify(draft),
            published: null,
            published_at: null,
            archived: 0,
            created_at: now,
            updated_at: now,
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        const rows = input.copyRows ? side(await tableRows(trx, t.accountId, t.id), "draft") : [];
        if (rows.length > 0)
          await trx
            .insertInto("hubdb_rows")
            .values(
              rows.map((r) => ({
                account_id: t.accountId,
                table_id: Number(row.id),
                draft: JSON.stringify(r.content),
                published: null,
                created_at: now,
                updated_at: now,
              })),
            )
            .execute();
        return Number(row.id);
      });
      return json(reply, 200, await view(await findTable(db, t.accountId, String(id)), "draft"));
    });

    app.delete<{ Params: Params }>(`${BASE}/:table`, scope, async (request, reply) => {
      const t = await table(request);
      await db.updateTable("hubdb_tables").set({ archived: 1, updated_at: p.clock.now() }).where("id", "=", t.id).execute();
      return noContent(reply);
    });

    registerRows(app, p, table, side);
  };

type TableOf = (request: FastifyRequest<{ Params: Partial<Params> }>) => Promise<StoredTable>;
type SideOf = (rows: StoredRow[], which: "draft" | "published") => Array<{ id: number; createdAt: number; content: RowContent }>;

function registerRows(app: FastifyInstance, p: Platform, table: TableOf, side: SideOf): void {
  const scope = routeConfig(["hubdb"]);
  const db = p.store.db;
  const rowsOf = async (t: StoredTable, which: "draft" | "published") => side(await tableRows(db, t.accountId, t.id), which);
  const oneRow = async (t: StoredTable, rawId: string): Promise<StoredRow> => {
    const found = /^\d+$/.test(rawId) ? (await tableRows(db, t.accountId, t.id)).find((r) => r.id === Number(rawId)) : undefined;
    if (!found) throw notFound(`The row ${rawId} does not exist in table ${t.name}.`);
    return found;
  };
  const draftView = (t: StoredTable, r: { id: number; createdAt: number; content: RowContent }) =>
    rowView(t.draft, r.id, r.createdAt, r.content, null);

  for (const which of ["published", "draft"] as const) {
    app.get<{ Params: Params }>(`${BASE}/:table/rows${which === "draft" ? "/draft" : ""}`, scope, async (request, reply) => {
      const t = await table(request);
      const def = which === "draft" ? t.draft : publishedOf(t);
      const { total, page, next, properties } = queryRows(def, await rowsOf(t, which), queryOf(request));
      return json(reply, 200, {
        total,
        type: "STREAMING",
        results: page.map((r) => rowView(def, r.id, r.createdAt, r.content, which === "published" ? t.publishedAt : null, properties)),
        ...(next ? { paging: { next: { after: next } } } : {}),
      });
    });
    app.post<{ Params: Params }>(`${BASE}/:table/rows${which === "draft" ? "/draft" : ""}/batch/read`, scope, async (request, reply) => {
      const startedAt = Date.now();
      const t = await table(request);
      const def = which === "draft" ? t.draft : publishedOf(t);
      const { inputs } = parseBody(idsInput, absentAs(request.body, {}), "BatchInputString");
      const rows = await rowsOf(t, which);
      const found = inputs.flatMap((id) => rows.filter((r) => String(r.id) === id));
      return json(
        reply,
        200,
        batchAnswer(
          found.map((r) => rowView(def, r.id, r.createdAt, r.content, which === "published" ? t.publishedAt : null)),
          startedAt,
        ),
      );
    });
  }

  app.get<{ Params: Params }>(`${BASE}/:table/rows/:rowId`, scope, async (request, reply) => {
    const t = await table(request);
    const r = await oneRow(t, request.params.rowId);
    if (!r.published) throw notFound(`The row ${r.id} is not published.`);
    return json(reply, 200, rowView(publishedOf(t), r.id, r.createdAt, r.published, t.publishedAt));
  });
  app.get<{ Params: Params }>(`${BASE}/:table/rows/:rowId/draft`, scope, async (request, reply) => {
    const t = await table(request);
    const r = await oneRow(t, request.params.rowId);
    if (!r.draft) throw notFound(`The row ${r.id} has no draft.`);
    return json(reply, 200, draftView(t, { ...r, content: r.draft }));
  });

  const insert = async (t: StoredTable, contents: RowContent[]) => {
    const now = p.clock.now();
    const rows = await db
      .insertInto("hubdb_rows")
      .values(
        contents.map((c) => ({
          account_id: t.accountId,
          table_id: t.id,
          draft: JSON.stringify(c),
          published: null,
          created_at: now,
          updated_at: now,
        })),
      )
      .returning(["id", "created_at"])
      .execute();
    return rows.map((r, i) => draftView(t, { id: Number(r.id), createdAt: Number(r.created_at), content: contents[i]! }));
  };
  app.post<{ Params: Params }>(`${BASE}/:table/rows`, scope, async (request, reply) => {
    const t = await table(request);
    const input = parseBody(rowInput, absentAs(request.body, {}), "HubDbTableRowV3Request");
    const [row] = await insert(t, [contentFrom(t.draft, input, null, p.clock.now())]);
    return json(reply, 201, row);
  });
  app.post<{ Params: Params }>(`${BASE}/:table/rows/draft/batch/create`, scope, async (request, reply) => {
    const startedAt = Date.now();
    const t = await table(request);
    const { inputs } = parseBody(createInputs, absentAs(request.body, {}), "BatchInputHubDbTableRowV3Request");
    const now = p.clock.now();
    const rows = inputs.length
      ? await insert(
          t,
          inputs.map((i) => contentFrom(t.draft, i, null, now)),
        )
      : [];
    return json(reply, 201, batchAnswer(rows, startedAt));
  });

  /** Copies rows' drafts (or published values, for a row purged from the draft) into new draft rows, renamed if asked. */
  const clone = async (t: StoredTable, inputs: Array<{ id: string; name?: string | undefined }>) => {
    const now = p.clock.now();
    const all = await tableRows(db, t.accountId, t.id);
    const contents = inputs.map((input) => {
      const r = all.find((x) => String(x.id) === input.id);
      const from = r?.draft ?? r?.published;
      if (!from) throw notFound(`The row ${input.id} does not exist in table ${t.name}.`);
      return { ...from, ...(input.name !== undefined ? { name: input.name } : {}), updatedAt: now };
    });
    return contents.length ? insert(t, contents) : [];
  };
  app.post<{ Params: Params }>(`${BASE}/:table/rows/:rowId/draft/clone`, scope, async (request, reply) => {
    const t = await table(request);
    const name = stringParam(queryOf(request), "name");
    const [row] = await clone(t, [{ id: request.params.rowId, ...(name !== undefined ? { name } : {}) }]);
    return json(reply, 200, row);
  });
  app.post<{ Params: Params }>(`${BASE}/:table/rows/draft/batch/clone`, scope, async (request, reply) => {
    const startedAt = Date.now();
    const t = await table(request);
    const { inputs } = parseBody(cloneInputs, absentAs(request.body, {}), "BatchInputHubDbTableRowBatchCloneRequest");
    return json(reply, 200, batchAnswer(await clone(t, inputs), startedAt));
  });

  /** Writes rows' drafts: PATCH merges into the draft (or the published values when there is none), PUT replaces. */
  const write = async (t: StoredTable, inputs: Array<z.infer<typeof updateInputs>["inputs"][number]>, merge: boolean) => {
    const now = p.clock.now();
    const all = await tableRows(db, t.accountId, t.id);
    const planned = inputs.map((input) => {
      const r = all.find((x) => String(x.id) === input.id);
      if (!r) throw notFound(`The row ${input.id} does not exist in table ${t.name}.`);
      return { r, content: contentFrom(t.draft, input, merge ? (r.draft ?? r.published) : null, now) };
    });
    await db.transaction().execute(async (trx) => {
      for (const { r, content } of planned)
        await trx
          .updateTable("hubdb_rows")
          .set({ draft: JSON.stringify(content), updated_at: now })
          .where("id", "=", r.id)
          .execute();
    });
    return planned.map(({ r, content }) => draftView(t, { id: r.id, createdAt: r.createdAt, content }));
  };
  for (const [method, merge] of [
    ["PATCH", true],
    ["PUT", false],
  ] as const) {
    app.route<{ Params: Params }>({
      method,
      url: `${BASE}/:table/rows/:rowId/draft`,
      ...scope,
      handler: async (request, reply) => {
        const t = await table(request);
        const input = parseBody(rowInput, absentAs(request.body, {}), "HubDbTableRowV3Request");
        const [row] = await write(t, [{ ...input, id: request.params.rowId }], merge);
        return json(reply, 200, row);
      },
    });
    app.post<{ Params: Params }>(`${BASE}/:table/rows/draft/batch/${merge ? "update" : "replace"}`, scope, async (request, reply) => {
      const startedAt = Date.now();
      const t = await table(request);
      const { inputs } = parseBody(updateInputs, absentAs(request.body, {}), "BatchInputHubDbTableRowV3BatchUpdateRequest");
      return json(reply, 200, batchAnswer(await write(t, inputs, merge), startedAt));
    });
  }

  /** Purges rows from the draft; a row never published goes at once, a published one at the next publish. */
  const purge = async (t: StoredTable, ids: string[]) => {
    const numeric = ids.filter((id) => /^\d+$/.test(id)).map(Number);
    if (numeric.length === 0) return;
    await db.transaction().execute(async (trx) => {
      await trx.deleteFrom("hubdb_rows").where("table_id", "=", t.id).where("id", "in", numeric).where("published", "is", null).execute();
      await trx
        .updateTable("hubdb_rows")
        .set({ draft: null, updated_at: p.clock.now() })
        .where("table_id", "=", t.id)
        .where("id", "in", numeric)
        .execute();
    });
  };
  app.delete<{ Params: Params }>(`${BASE}/:table/rows/:rowId/draft`, scope, async (request, reply) => {
    const t = await table(request);
    await oneRow(t, request.params.rowId);
    await purge(t, [request.params.rowId]);
    return noContent(reply);
  });
  app.post<{ Params: Params }>(`${BASE}/:table/rows/draft/batch/purge`, scope, async (request, reply) => {
    const t = await table(request);
    await purge(t, parseBody(idsInput, absentAs(request.body, {}), "BatchInputString").inputs);
    return noContent(reply);
  });
}
