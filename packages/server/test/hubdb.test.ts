import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client } from "@hubspot/api-client";
import { startTestServer, type TestServer } from "./support/test-server";
import { apiError, crmClient, liftLimits, rawCall } from "./support/crm-client";
import { createAccount } from "../src/accounts/account-service";

let server: TestServer;
let client: Client;
let token: string;

beforeAll(async () => {
  server = await startTestServer();
  const accountId = (await createAccount(server.platform, { name: "HubDB", admin: { email: `hubdb-${Date.now()}@example.com` } }))
    .accountId;
  await liftLimits(server, accountId);
  ({ client, token } = await crmClient(server, accountId, ["hubdb"]));
});
afterAll(async () => {
  await server.stop();
});

const column = (name: string, type: string, options?: string[]) => ({
  name,
  label: name,
  type: type as never,
  options: (options ?? []).map((o, i) => ({ id: String(i + 1), name: o, type: "option", order: i })) as never,
  id: 0,
});

describe("HubDB", () => {
  it("keeps a draft apart from the published table until publish, and reset brings the published one back", async () => {
    const hubdb = client.cms.hubdb;
    const table = await hubdb.tablesApi.createTable({
      name: "stores",
      label: "Stores",
      columns: [column("city", "TEXT"), column("size", "NUMBER"), column("open", "BOOLEAN"), column("kind", "SELECT", ["mall", "street"])],
    });
    expect(table).toMatchObject({ name: "stores", label: "Stores", published: false, columnCount: 4, rowCount: 0 });
    expect(table.columns!.map((c) => [c.id, c.name, c.type])).toEqual([
      ["1", "city", "TEXT"],
      ["2", "size", "NUMBER"],
      ["3", "open", "BOOLEAN"],
      ["4", "kind", "SELECT"],
    ]);
    expect((await apiError(hubdb.tablesApi.createTable({ name: "stores", label: "Again" }))).code).toBe(409);
    expect((await apiError(hubdb.tablesApi.getTableDetails("stores"))).code).toBe(404);

    const rows = [
      { city: "Berlin", size: 120, open: true, kind: "mall" },
      { city: "Bern", size: 40, open: false, kind: "street" },
      { city: "Boston", size: 300, open: true, kind: { name: "mall" } },
      { city: "Austin", size: 80, open: true, kind: "street" },
    ];
    const created = await hubdb.rowsBatchApi.createDraftTableRows("stores", { inputs: rows.map((values) => ({ values })) });
    expect(created.results!.map((r) => r.values.city)).toEqual(["Berlin", "Bern", "Boston", "Austin"]);
    const bad = await apiError(hubdb.rowsApi.createTableRow(table.id!, { values: { size: "big" } }));
    expect(bad.code).toBe(400);
    expect(bad.body.message).toContain("Column size (NUMBER)");
    expect((await apiError(hubdb.rowsApi.createTableRow("stores", { values: { colour: "red" } }))).code).toBe(400);

    const published = await hubdb.tablesApi.publishDraftTable("stores");
    expect(published).toMatchObject({ published: true, rowCount: 4 });
    expect((await hubdb.tablesApi.getAllTables()).results.map((t) => t.name)).toEqual(["stores"]);

    // Draft edits leave the published rows alone until the next publish; reset throws them away.
    const [berlin, bern] = created.results!;
    await hubdb.rowsApi.updateDraftTableRow("stores", berlin!.id!, { values: { size: 150 } });
    await hubdb.rowsApi.purgeDraftTableRow("stores", bern!.id!);
    expect((await hubdb.rowsApi.getTableRow("stores", berlin!.id!)).values.size).toBe(120);
    expect((await hubdb.rowsApi.getDraftTableRowById("stores", berlin!.id!)).values).toMatchObject({ city: "Berlin", size: 150 });
    expect((await hubdb.rowsApi.readDraftTableRows("stores")).results.map((r) => r.values.city)).toEqual(["Berlin", "Boston", "Austin"]);
    expect((await hubdb.rowsApi.getTableRows("stores")).results).toHaveLength(4);
    await hubdb.tablesApi.resetDraftTable("stores");
    expect((await hubdb.rowsApi.readDraftTableRows("stores")).results).toHaveLength(4);

    await hubdb.rowsBatchApi.updateDraftTableRows("stores", { inputs: [{ id: berlin!.id!, values: { size: 130 } }] });
    await hubdb.rowsBatchApi.purgeDraftTableRows("stores", { inputs: [bern!.id!] });
    await hubdb.tablesApi.publishDraftTable("stores");
    const live = await hubdb.rowsBatchApi.readTableRows("stores", { inputs: [berlin!.id!, bern!.id!] });
    expect(live.results!.map((r) => [r.values.city, r.values.size])).toEqual([["Berlin", 130]]);

    await hubdb.tablesApi.unpublishTable("stores");
    expect((await apiError(hubdb.rowsApi.getTableRows("stores"))).code).toBe(404);
    await hubdb.tablesApi.publishDraftTable("stores");
  });

  it("filters, sorts and pages published rows with HubSpot's query parameters", async () => {
    const q = async (query: string) => {
      const res = await rawCall(server, token, "GET", `/cms/v3/hubdb/tables/stores/rows?${query}`);
      expect(res.status).toBe(200);
      return res.body as { total: number; results: Array<{ values: Record<string, unknown> }>; paging?: { next: { after: string } } };
    };
    const cities = (r: { results: Array<{ values: Record<string, unknown> }> }) => r.results.map((x) => x.values.city);
    expect(cities(await q("city__eq=Boston"))).toEqual(["Boston"]);
    expect(cities(await q("city=Austin"))).toEqual(["Austin"]);
    expect(cities(await q("city__contains=os&sort=city"))).toEqual(["Boston"]);
    expect(cities(await q("city__icontains=B&sort=-size"))).toEqual(["Boston", "Berlin"]);
    expect(cities(await q("size__gte=100&sort=size"))).toEqual(["Berlin", "Boston"]);
    expect(cities(await q("kind__eq=street"))).toEqual(["Austin"]);
    expect(cities(await q("open__eq=true&sort=city"))).toEqual(["Austin", "Berlin", "Boston"]);
    const first = await q("sort=city&limit=2");
    expect([first.total, cities(first)]).toEqual([3, ["Austin", "Berlin"]]);
    expect(cities(await q(`sort=city&limit=2&after=${first.paging!.next.after}`))).toEqual(["Boston"]);
    const narrow = await q("city__eq=Boston&properties=city");
    expect(narrow.results[0]!.values).toEqual({ city: "Boston" });
    expect((await rawCall(server, token, "GET", "/cms/v3/hubdb/tables/stores/rows?colour__eq=red")).status).toBe(400);
    expect((await rawCall(server, token, "GET", "/cms/v3/hubdb/tables/stores/rows?city__near=x")).status).toBe(400);
  });

  it("updates the draft's columns, clones a table with its rows, deletes one, and needs the hubdb scope", async () => {
    const hubdb = client.cms.hubdb;
    const updated = await hubdb.tablesApi.updateDraftTable("stores", {
      name: "stores",
      label: "Our stores",
      columns: [column("city", "TEXT"), column("size", "NUMBER"), column("manager", "TEXT")],
    });
    expect(updated.columns!.map((c) => [c.id, c.name])).toEqual([
      ["1", "city"],
      ["2", "size"],
      ["5", "manager"],
    ]);
    expect((await hubdb.tablesApi.getTableDetails("stores")).label).toBe("Stores");
    const clone = await hubdb.tablesApi.cloneDraftTable("stores", {
      newName: "stores_copy",
      newLabel: "Copy",
      copyRows: true,
      isHubspotDefined: false,
    });
    expect(clone).toMatchObject({ name: "stores_copy", label: "Copy", published: false, rowCount: 3 });
    expect((await hubdb.tablesApi.getAllDraftTables()).results.map((t) => t.name)).toEqual(["stores", "stores_copy"]);
    await hubdb.tablesApi.archiveTable("stores_copy");
    expect((await apiError(hubdb.tablesApi.getDraftTableDetailsById("stores_copy"))).code).toBe(404);

    const { token: noScope } = await crmClient(
      server,
      (await createAccount(server.platform, { name: "x", admin: { email: `hubdb-x-${Date.now()}@example.com` } })).accountId,
      ["crm.objects.contacts.read"],
    );
    expect((await rawCall(server, noScope, "GET", "/cms/v3/hubdb/tables")).status).toBe(403);
  });
});
