import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./support/test-server";
import { createTestApp } from "./support/test-apps";

let server: TestServer;
let token: string;

beforeAll(async () => {
  server = await startTestServer();
  ({ token } = await createTestApp(server.platform, server.bootstrap.info.accountId, {
    scopes: ["crm.objects.contacts.write", "crm.objects.contacts.read"],
  }));
});
afterAll(async () => {
  await server.stop();
});

describe("unique values under concurrent writes", () => {
  it("lets exactly one of many simultaneous creates with the same email succeed; the rest get 409 naming it", async () => {
    const create = () =>
      fetch(`${server.url}/crm/v3/objects/contacts`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ properties: { email: "race@example.com", firstname: "Race" } }),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as { id?: string; message?: string } }));
    const results = await Promise.all(Array.from({ length: 12 }, create));
    const created = results.filter((r) => r.status === 201);
    expect(created).toHaveLength(1);
    for (const r of results.filter((x) => x.status !== 201)) {
      expect(r.status).toBe(409);
      expect(r.body.message).toBe(`Contact already exists. Existing ID: ${created[0]!.body.id}`);
    }
  });
});

describe("concurrent updates of one record", () => {
  it("keeps every property that simultaneous updates set", async () => {
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const created = await fetch(`${server.url}/crm/v3/objects/contacts`, {
      method: "POST",
      headers,
      body: JSON.stringify({ properties: { email: "many@example.com" } }),
    });
    const { id } = (await created.json()) as { id: string };
    const fields = ["firstname", "lastname", "phone", "company", "jobtitle", "city", "state", "zip"];
    const results = await Promise.all(
      fields.map((f) =>
        fetch(`${server.url}/crm/v3/objects/contacts/${id}`, {
          method: "PATCH",
          headers,
          body: JSON.stringify({ properties: { [f]: `v-${f}` } }),
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(fields.map(() => 200));
    const read = await fetch(`${server.url}/crm/v3/objects/contacts/${id}?properties=${fields.join(",")}`, { headers });
    const { properties } = (await read.json()) as { properties: Record<string, string> };
    for (const f of fields) expect(properties[f]).toBe(`v-${f}`);
  });
});

describe("a read while a write transaction is open", () => {
  it("never sees the transaction's uncommitted change, and sees it once committed", async () => {
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const created = await fetch(`${server.url}/crm/v3/objects/contacts`, {
      method: "POST",
      headers,
      body: JSON.stringify({ properties: { email: "isolation@example.com", firstname: "Before" } }),
    });
    const { id } = (await created.json()) as { id: string };
    const firstname = async () =>
      ((await (await fetch(`${server.url}/crm/v3/objects/contacts/${id}`, { headers })).json()) as { properties: { firstname: string } })
        .properties.firstname;
    // A transaction that changes the record, then waits on real I/O (a timer) before it ends: on SQLite the one
    // connection stays taken meanwhile, so a read must wait for it rather than read through it.
    // `changed` settles once the update ran inside the still-open transaction: the read starts only then.
    const db = server.platform.store.db;
    const change = (value: string, thenFail: boolean) => {
      let changed!: () => void;
      const ran = new Promise<void>((resolve) => (changed = resolve));
      const done = db.transaction().execute(async (trx) => {
        await trx
          .updateTable("crm_objects")
          .set({ properties: JSON.stringify({ email: "isolation@example.com", firstname: value }) })
          .where("id", "=", Number(id))
          .execute();
        changed();
        await new Promise((resolve) => setTimeout(resolve, 300));
        if (thenFail) throw new Error("rolled back on purpose");
      });
      return { changed: ran, done };
    };
    const failing = change("Uncommitted", true);
    const failed = failing.done.catch((e: Error) => e.message);
    await failing.changed;
    expect(await firstname()).toBe("Before");
    expect(await failed).toBe("rolled back on purpose");
    const committing = change("After", false);
    await committing.changed;
    const during = firstname();
    await committing.done;
    // SQLite: the read waited for the commit. PostgreSQL: it may have read the committed "Before" meanwhile.
    expect(["Before", "After"]).toContain(await during);
    expect(await firstname()).toBe("After");
  });
});
