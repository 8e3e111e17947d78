import { check, type ReliabilityCase } from "../case";
import { probe } from "../http-probe";
import type { World } from "../world";

const bearer = (token: string) => ({ authorization: `Bearer ${token}`, "content-type": "application/json" });

/** Boundary: other tenant. Enforced by every store query's account_id filter (crm/object-store.ts). */
export const tenantIsolationAttacks: Array<ReliabilityCase<World>> = [
  {
    name: "B's app token cannot read or change A's contact by id",
    run: async (w) => {
      const created = await probe(w.server.url, {
        method: "POST",
        url: "/crm/v3/objects/contacts",
        headers: bearer(w.a.appToken),
        body: JSON.stringify({ properties: { email: `victim-${Date.now()}@a.example`, firstname: "Victim" } }),
      });
      check(created.status === 201, `A could not create its contact: ${created.status}`);
      const id = created.json.id as string;
      const read = await probe(w.server.url, { method: "GET", url: `/crm/v3/objects/contacts/${id}`, headers: bearer(w.b.appToken) });
      const patch = await probe(w.server.url, {
        method: "PATCH",
        url: `/crm/v3/objects/contacts/${id}`,
        headers: bearer(w.b.appToken),
        body: JSON.stringify({ properties: { firstname: "Owned" } }),
      });
      const after = await probe(w.server.url, { method: "GET", url: `/crm/v3/objects/contacts/${id}`, headers: bearer(w.a.appToken) });
      check(read.status === 404 && patch.status === 404, `B's read ${read.status}, patch ${patch.status} (expected 404 both)`);
      check(after.json?.properties?.firstname === "Victim", `A's contact changed: ${JSON.stringify(after.json?.properties)}`);
      return "404 for B's read and write; A's record unchanged";
    },
  },
];
