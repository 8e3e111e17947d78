import { check, type ReliabilityCase } from "../case";
import { probe } from "../http-probe";
import type { World } from "../world";

const bearer = (token: string) => ({ authorization: `Bearer ${token}`, "content-type": "application/json" });

/** B's own contact, made for an attack on it. */
async function contactOf(w: World, properties: Record<string, string>): Promise<string> {
  const created = await probe(w.server.url, {
    method: "POST",
    url: "/crm/v3/objects/contacts",
    headers: bearer(w.b.appToken),
    body: JSON.stringify({ properties }),
  });
  check(created.status === 201, `B could not create its contact: ${created.status}`);
  return created.json.id as string;
}

const read = (w: World, id: string) =>
  probe(w.server.url, { method: "GET", url: `/crm/v3/objects/contacts/${id}?properties=firstname`, headers: bearer(w.b.appToken) });

const contactCount = async (w: World) => {
  const res = await probe(w.server.url, {
    method: "POST",
    url: "/crm/v3/objects/contacts/search",
    headers: bearer(w.b.appToken),
    body: JSON.stringify({ limit: 1 }),
  });
  check(res.status === 200, `search for the count answered ${res.status}`);
  return res.json.total as number;
};

/**
 * Boundary: request bodies and parameters against the CRM's data. Enforced by crm/object-routes.ts (merge by record
 * id), crm/object-writes.ts (duplicate ids), crm/search-query.ts (values per filter), http/error-handler.ts (engine
 * limits) and http/json-body.ts + http/parse-body.ts (poisoned keys, null bodies).
 */
export const badinputAttacks: Array<ReliabilityCase<World>> = [
  {
    name: 'F8: merging a contact with itself as "0<id>" is a 400 and the contact stays live',
    run: async (w) => {
      const id = await contactOf(w, { email: `self-merge-${Date.now()}@b.example`, firstname: "Self" });
      const merge = await probe(w.server.url, {
        method: "POST",
        url: "/crm/v3/objects/contacts/merge",
        headers: bearer(w.b.appToken),
        body: JSON.stringify({ primaryObjectId: id, objectIdToMerge: `0${id}` }),
      });
      const after = await read(w, id);
      check(merge.status === 400, `merge answered ${merge.status} (expected 400)`);
      check(
        after.status === 200 && after.json.archived === false && after.json.properties.firstname === "Self",
        `the contact after the merge: ${after.status} ${after.text.slice(0, 200)}`,
      );
      return "400; the contact is live and unchanged";
    },
  },
  {
    name: "F9: batch update naming one record twice (by id and by email) is a 400, not a 500, and writes nothing",
    run: async (w) => {
      const email = `dup-${Date.now()}@b.example`;
      const id = await contactOf(w, { email, firstname: "Before" });
      const statuses: number[] = [];
      for (const second of [{ id }, { id: email, idProperty: "email" }]) {
        const res = await probe(w.server.url, {
          method: "POST",
          url: "/crm/v3/objects/contacts/batch/update",
          headers: bearer(w.b.appToken),
          body: JSON.stringify({
            inputs: [
              { id, properties: { firstname: "a" } },
              { ...second, properties: { firstname: "b" } },
            ],
          }),
        });
        statuses.push(res.status);
        check(
          res.status === 400 && String(res.json?.message).includes("Duplicate IDs found in batch input"),
          `answered ${res.status}: ${res.text.slice(0, 200)}`,
        );
      }
      const after = await read(w, id);
      check(after.json?.properties?.firstname === "Before", `the contact changed: ${after.text.slice(0, 200)}`);
      return `${statuses.join(", ")}; the contact is unchanged`;
    },
  },
  {
    name: "F9: search filters with 40,000 values (IN, NOT_IN, hs_object_id IN, associations.company IN) are 400s",
    run: async (w) => {
      const values = (f: (i: number) => string) => Array.from({ length: 40_000 }, (_, i) => f(i));
      const filters = [
        { propertyName: "email", operator: "IN", values: values((i) => `v${i}@b.example`) },
        { propertyName: "email", operator: "NOT_IN", values: values((i) => `v${i}@b.example`) },
        { propertyName: "hs_object_id", operator: "IN", values: values((i) => String(i + 1)) },
        { propertyName: "associations.company", operator: "IN", values: values((i) => String(i + 1)) },
      ];
      const statuses: number[] = [];
      for (const filter of filters) {
        const res = await probe(w.server.url, {
          method: "POST",
          url: "/crm/v3/objects/contacts/search",
          headers: bearer(w.b.appToken),
          body: JSON.stringify({ filterGroups: [{ filters: [filter] }] }),
        });
        statuses.push(res.status);
        check(
          res.status === 400 && res.json?.category === "VALIDATION_ERROR",
          `${filter.propertyName} ${filter.operator}: ${res.status} ${res.text.slice(0, 200)}`,
        );
      }
      return `${statuses.join(", ")} (at most 100 values per filter)`;
    },
  },
  {
    name: "a JSON null body is a 400, not an empty contact",
    run: async (w) => {
      const before = await contactCount(w);
      const res = await probe(w.server.url, {
        method: "POST",
        url: "/crm/v3/objects/contacts",
        headers: bearer(w.b.appToken),
        body: "null",
      });
      const after = await contactCount(w);
      check(res.status === 400, `answered ${res.status}: ${res.text.slice(0, 200)}`);
      check(after === before, `contacts went from ${before} to ${after}`);
      return "400; no contact created";
    },
  },
  {
    name: "a body with a __proto__ key (plain or \\u-escaped) or constructor.prototype is a 400 and creates nothing",
    run: async (w) => {
      const before = await contactCount(w);
      const statuses: number[] = [];
      for (const body of [
        '{"__proto__":{"isAdmin":true},"properties":{"email":"proto1@b.example"}}',
        '{"properties":{"email":"proto2@b.example","__proto__":{"firstname":"x"}}}',
        '{"\\u005f_proto__":{"isAdmin":true},"properties":{"email":"proto3@b.example"}}',
        '{"constructor":{"prototype":{"isAdmin":true}},"properties":{"email":"proto4@b.example"}}',
      ]) {
        const res = await probe(w.server.url, { method: "POST", url: "/crm/v3/objects/contacts", headers: bearer(w.b.appToken), body });
        statuses.push(res.status);
        check(res.status === 400, `${body}: ${res.status} ${res.text.slice(0, 200)}`);
      }
      const after = await contactCount(w);
      check(after === before, `contacts went from ${before} to ${after}`);
      return `${statuses.join(", ")}; nothing created`;
    },
  },
];
