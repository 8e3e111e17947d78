import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AssociationTypes, type Client } from "@hubspot/api-client";
import { startTestServer, type TestServer } from "./support/test-server";
import { ALL_CRM_SCOPES, apiError, crmClient, liftLimits, rawCall } from "./support/crm-client";
import { createAccount } from "../src/accounts/account-service";
import { seedCrm } from "../src/crm/seed";

let server: TestServer;
let client: Client;
let token: string;
let accountId: number;

// HubDB shares this server: its suite is small, and a server of its own would cost CI a start on each engine.
const ACTIVITY_SCOPES = ["crm.objects.quotes.read", "crm.objects.quotes.write", "hubdb"];

beforeAll(async () => {
  server = await startTestServer();
  accountId = (
    await createAccount(server.platform, { name: "CRM activities", admin: { email: `crm-activities-${Date.now()}@example.com` } })
  ).accountId;
  await liftLimits(server, accountId);
  ({ client, token } = await crmClient(server, accountId, [...ALL_CRM_SCOPES, ...ACTIVITY_SCOPES]));
});
afterAll(async () => {
  await server.stop();
});

const toOne = (id: string, associationTypeId: number) => [
  { to: { id }, types: [{ associationCategory: "HUBSPOT_DEFINED" as never, associationTypeId }] },
];

describe("engagements (activities) through the official SDK", () => {
  it("creates a note on a contact, reads it with its association, updates and archives it", async () => {
    const contact = await client.crm.contacts.basicApi.create({ properties: { email: "note-target@example.com" }, associations: [] });
    const note = await client.crm.objects.notes.basicApi.create({
      properties: { hs_timestamp: "2026-01-02T03:04:05.000Z", hs_note_body: "Spoke about renewal" },
      associations: toOne(contact.id, AssociationTypes.noteToContact),
    });
    expect(note.properties).toMatchObject({
      hs_note_body: "Spoke about renewal",
      hs_timestamp: "2026-01-02T03:04:05.000Z",
      hs_object_id: note.id,
    });

    const read = await client.crm.objects.notes.basicApi.getById(note.id, ["hs_note_body"], undefined, ["contacts"]);
    expect(read.properties.hs_note_body).toBe("Spoke about renewal");
    expect(read.associations?.contacts?.results).toEqual([{ id: contact.id, type: "note_to_contact" }]);

    const fromContact = await client.crm.associations.v4.basicApi.getPage("contacts", contact.id, "notes");
    expect(fromContact.results).toEqual([
      { toObjectId: note.id, associationTypes: [{ category: "HUBSPOT_DEFINED", typeId: AssociationTypes.contactToNote, label: null }] },
    ]);

    const updated = await client.crm.objects.notes.basicApi.update(note.id, { properties: { hs_note_body: "Renewal agreed" } });
    expect(updated.properties.hs_note_body).toBe("Renewal agreed");
    await client.crm.objects.notes.basicApi.archive(note.id);
    expect((await apiError(client.crm.objects.notes.basicApi.getById(note.id))).code).toBe(404);
  });

  it("keeps tasks, calls, emails and meetings with their own properties and association types", async () => {
    const deal = await client.crm.deals.basicApi.create({ properties: { dealname: "Activities" }, associations: [] });
    const task = await client.crm.objects.tasks.basicApi.create({
      properties: {
        hs_timestamp: "2026-02-01T00:00:00.000Z",
        hs_task_subject: "Send proposal",
        hs_task_status: "NOT_STARTED",
        hs_task_priority: "HIGH",
      },
      associations: toOne(deal.id, AssociationTypes.taskToDeal),
    });
    const call = await client.crm.objects.calls.basicApi.create({
      properties: {
        hs_timestamp: "2026-02-01T00:00:00.000Z",
        hs_call_title: "Intro",
        hs_call_direction: "OUTBOUND",
        hs_call_duration: "60000",
      },
      associations: toOne(deal.id, AssociationTypes.callToDeal),
    });
    const email = await client.crm.objects.emails.basicApi.create({
      properties: {
        hs_timestamp: "2026-02-01T00:00:00.000Z",
        hs_email_subject: "Hello",
        hs_email_direction: "EMAIL",
        hs_email_status: "SENT",
      },
      associations: toOne(deal.id, AssociationTypes.emailToDeal),
    });
    const meeting = await client.crm.objects.meetings.basicApi.create({
      properties: { hs_timestamp: "2026-02-01T00:00:00.000Z", hs_meeting_title: "Demo", hs_meeting_outcome: "SCHEDULED" },
      associations: toOne(deal.id, AssociationTypes.meetingToDeal),
    });

    expect(task.properties).toMatchObject({ hs_task_subject: "Send proposal", hs_task_priority: "HIGH" });
    expect(call.properties).toMatchObject({ hs_call_title: "Intro", hs_call_duration: "60000" });
    const read = await client.crm.deals.basicApi.getById(deal.id, undefined, undefined, ["tasks", "calls", "emails", "meetings"]);
    expect(read.associations?.tasks?.results).toEqual([{ id: task.id, type: "deal_to_task" }]);
    expect(read.associations?.calls?.results).toEqual([{ id: call.id, type: "deal_to_call" }]);
    expect(read.associations?.emails?.results).toEqual([{ id: email.id, type: "deal_to_email" }]);
    expect(read.associations?.meetings?.results).toEqual([{ id: meeting.id, type: "deal_to_meeting" }]);

    const bad = await apiError(client.crm.objects.tasks.basicApi.create({ properties: { hs_task_status: "SOMEDAY" }, associations: [] }));
    expect(bad.code).toBe(400);
    expect(bad.body.category).toBe("VALIDATION_ERROR");
  });

  it("answers an app with no contacts scope HubSpot's 403 on notes", async () => {
    const { token: narrow } = await crmClient(server, accountId, ["crm.objects.deals.read"]);
    const res = await rawCall(server, narrow, "GET", "/crm/v3/objects/notes");
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ status: "error", category: "MISSING_SCOPES" });
  });
});

describe("quotes", () => {
  it("creates a quote on a deal the way HubSpot's generate-quotes example does, with line items", async () => {
    const deal = await client.crm.deals.basicApi.create({ properties: { dealname: "Bus rental" }, associations: [] });
    const quote = await client.crm.quotes.basicApi.create({
      properties: {
        hs_title: "Rental",
        hs_expiration_date: String(Date.UTC(2026, 0, 8)),
        hs_status: "DRAFT",
        hs_currency: "USD",
        hs_language: "en",
        hs_locale: "en-us",
      },
      associations: toOne(deal.id, AssociationTypes.quoteToDeal),
    });
    await client.crm.lineItems.basicApi.create({
      properties: { quantity: "3", name: "Bus" },
      associations: toOne(quote.id, AssociationTypes.lineItemToQuote),
    });

    const read = await client.crm.quotes.basicApi.getById(quote.id, undefined, undefined, ["deals", "line_items"]);
    expect(read.properties).toMatchObject({ hs_title: "Rental", hs_status: "DRAFT" });
    expect(read.associations?.deals?.results).toEqual([{ id: deal.id, type: "quote_to_deal" }]);
    expect(read.associations?.line_items?.results).toHaveLength(1);
    const page = await client.crm.quotes.basicApi.getPage(10);
    expect(page.results.map((q) => q.id)).toContain(quote.id);
  });

  it("needs the quotes scopes", async () => {
    const res = await rawCall(
      server,
      (await crmClient(server, accountId, ["crm.objects.deals.read"])).token,
      "GET",
      "/crm/v3/objects/quotes",
    );
    expect(res.status).toBe(403);
    expect(res.body?.category).toBe("MISSING_SCOPES");
  });
});

describe("pipelines", () => {
  it("lists the deal pipeline whose stage ids the seeded deals hold, with probabilities", async () => {
    await seedCrm(
      server.platform,
      accountId,
      { contacts: 0, companies: 0, deals: 20, tickets: 10, products: 0, owners: 1 },
      { seed: 3, history: false },
    );
    const { results } = await client.crm.pipelines.pipelinesApi.getAll("deals");
    expect(results.map((p) => p.id)).toEqual(["default"]);
    const stageIds = results[0]!.stages.map((s) => s.id);
    expect(stageIds).toEqual([
      "appointmentscheduled",
      "qualifiedtobuy",
      "presentationscheduled",
      "decisionmakerboughtin",
      "contractsent",
      "closedwon",
      "closedlost",
    ]);
    expect(results[0]!.stages.find((s) => s.id === "closedwon")).toMatchObject({
      label: "Closed Won",
      metadata: { isClosed: "true", probability: "1.0" },
      archived: false,
    });

    const deals = await client.crm.deals.basicApi.getPage(100, undefined, ["dealstage", "pipeline"]);
    expect(deals.results.length).toBeGreaterThan(0);
    for (const d of deals.results.filter((x) => x.properties.pipeline === "default")) expect(stageIds).toContain(d.properties.dealstage);

    const one = await client.crm.pipelines.pipelineStagesApi.getById("deals", "default", "contractsent");
    expect(one).toMatchObject({ id: "contractsent", displayOrder: 4, metadata: { probability: "0.9" } });
  });

  it("has the ticket pipeline with ticket states, and 404s an unknown pipeline", async () => {
    const pipeline = await client.crm.pipelines.pipelinesApi.getById("tickets", "0");
    expect(pipeline.stages.map((s) => [s.id, s.metadata?.ticketState])).toEqual([
      ["1", "OPEN"],
      ["2", "OPEN"],
      ["3", "OPEN"],
      ["4", "CLOSED"],
    ]);
    const tickets = await client.crm.tickets.basicApi.getPage(100, undefined, ["hs_pipeline_stage"]);
    for (const t of tickets.results) expect(["1", "2", "3", "4"]).toContain(t.properties.hs_pipeline_stage);

    const missing = await apiError(client.crm.pipelines.pipelinesApi.getById("deals", "nope"));
    expect(missing.code).toBe(404);
    expect(missing.body.category).toBe("OBJECT_NOT_FOUND");
    const unknown = await rawCall(server, token, "GET", "/crm/v3/pipelines/widgets");
    expect(unknown.status).toBe(400);
  });
  it("creates, updates, replaces and archives pipelines and stages with HubSpot's checks, and audits each change", async () => {
    const pipelines = client.crm.pipelines.pipelinesApi;
    const stages = client.crm.pipelines.pipelineStagesApi;
    const deal = (
      label: string,
      displayOrder: number,
      probability?: string,
    ): { label: string; displayOrder: number; metadata: Record<string, string> } => ({
      label,
      displayOrder,
      metadata: probability === undefined ? {} : { probability },
    });
    const renewals = await pipelines.create("deals", {
      label: "Renewals",
      displayOrder: 1,
      stages: [deal("Open", 0, "0.5"), deal("Lost", 1, "0.0")],
    });
    expect(renewals.id).toMatch(/^\d+$/);
    expect(renewals.stages.map((st) => [st.label, st.metadata])).toEqual([
      ["Open", { probability: "0.5", isClosed: "false" }],
      ["Lost", { probability: "0.0", isClosed: "false" }],
    ]);
    expect((await pipelines.getAll("deals")).results.map((x) => x.label)).toEqual(["Sales Pipeline", "Renewals"]);
    const [open, lost] = renewals.stages;

    // HubSpot's checks: unique pipeline labels, unique stage labels, a probability on every deal stage, a ticket state.
    expect(
      (await apiError(pipelines.create("deals", { label: "sales pipeline", displayOrder: 2, stages: [deal("A", 0, "0.1")] }))).code,
    ).toBe(409);
    const noProbability = await apiError(pipelines.create("deals", { label: "Other", displayOrder: 2, stages: [deal("A", 0)] }));
    expect(noProbability.code).toBe(400);
    expect(noProbability.body.message).toContain("metadata.probability");
    expect((await apiError(stages.create("deals", renewals.id, deal("open", 3, "0.3")))).code).toBe(400);
    expect((await apiError(stages.create("tickets", "0", { label: "Escalated", displayOrder: 5, metadata: {} }))).code).toBe(400);
    const escalated = await stages.create("tickets", "0", { label: "Escalated", displayOrder: 5, metadata: { ticketState: "OPEN" } });
    expect(escalated.metadata).toEqual({ ticketState: "OPEN", isClosed: "false" });
    expect((await apiError(pipelines.archive("tickets", "0"))).code).toBe(400);

    // A deal in the new pipeline: its stage is now one of dealstage's options.
    const inOpen = await client.crm.deals.basicApi.create({
      properties: { dealname: "Renewal 1", pipeline: renewals.id, dealstage: open!.id },
      associations: [],
    });
    const options = (await client.crm.properties.coreApi.getByName("deals", "dealstage")).options.map((o) => o.value);
    expect(options).toEqual(expect.arrayContaining(["closedwon", open!.id, lost!.id]));
    const inUse = await apiError(stages.archive("deals", renewals.id, open!.id));
    expect(inUse.code).toBe(409);
    expect(inUse.body.message).toContain("move them to another stage first");

    const relabelled = await stages.update("deals", renewals.id, lost!.id, { label: "Churned", metadata: { isClosed: "true" } });
    expect(relabelled).toMatchObject({ label: "Churned", metadata: { probability: "0.0", isClosed: "true" } });
    await stages.archive("deals", renewals.id, lost!.id);
    expect((await apiError(stages.getById("deals", renewals.id, lost!.id))).code).toBe(404);

    // Replace keeps a stage of the same label (and the deal in it), and adds the rest.
    const replaced = await pipelines.replace("deals", renewals.id, {
      label: "Renewals 2027",
      displayOrder: 1,
      stages: [deal("Open", 0, "0.6"), deal("Negotiation", 1, "0.8")],
    });
    expect(replaced.stages.map((st) => st.label)).toEqual(["Open", "Negotiation"]);
    expect(replaced.stages[0]!.id).toBe(open!.id);
    const patched = await pipelines.update("deals", renewals.id, { label: "Renewals" });
    expect(patched.label).toBe("Renewals");

    expect((await apiError(pipelines.archive("deals", renewals.id, true))).code).toBe(409);
    await client.crm.deals.basicApi.archive(inOpen.id);
    await pipelines.archive("deals", renewals.id, true);
    expect((await pipelines.getAll("deals")).results.map((x) => x.id)).toEqual(["default"]);

    const audit = await client.crm.pipelines.pipelineAuditsApi.getAudit("deals", renewals.id);
    expect(audit.results.map((a) => a.action)).toEqual(["DELETE", "UPDATE", "UPDATE", "CREATE"]);
    expect(audit.results[3]).toMatchObject({ identifier: renewals.id, portalId: accountId });
    const stageAudit = await client.crm.pipelines.pipelineStageAuditsApi.getAudit("deals", lost!.id);
    expect(stageAudit.results.map((a) => a.action)).toEqual(["DELETE", "UPDATE", "CREATE"]);
  });
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

    const copy = await hubdb.rowsApi.cloneDraftTableRow("stores", berlin!.id!, "berlin-2");
    expect(copy).toMatchObject({ name: "berlin-2", values: { city: "Berlin", size: 130 } });
    const [copied] = (await hubdb.rowsBatchApi.cloneDraftTableRows("stores", { inputs: [{ id: copy.id! }] })).results!;
    await hubdb.rowsBatchApi.purgeDraftTableRows("stores", { inputs: [copy.id!, copied!.id!] });
    expect((await hubdb.rowsApi.readDraftTableRows("stores")).results).toHaveLength(3);

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
