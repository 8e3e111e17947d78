import { sql } from "kysely";
import type { Platform } from "../platform";
import { objectTypeById } from "./object-types";
import { insertObjects, type WriteSource } from "./object-store";
import { noteCrmWrites } from "./table-stats";
import { associate } from "./associations";
import { createOwners } from "./owners";
import { DEAL_STAGES, INDUSTRIES } from "./default-properties";
import { inTransaction } from "./object-writes";

export interface SeedCounts {
  contacts: number;
  companies: number;
  deals: number;
  tickets: number;
  products: number;
  owners: number;
}

export const DEMO_COUNTS: SeedCounts = { contacts: 200, companies: 50, deals: 80, tickets: 40, products: 12, owners: 6 };

/** mulberry32: small, fast and the same sequence on every machine, so a seed gives the same data set. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = [
  "Ada",
  "Grace",
  "Alan",
  "Linus",
  "Margaret",
  "Dennis",
  "Barbara",
  "Ken",
  "Frances",
  "Edsger",
  "Radia",
  "Tim",
  "Katherine",
  "Donald",
  "Hedy",
  "John",
  "Sophie",
  "Guido",
  "Anita",
  "Bjarne",
  "Mary",
  "James",
  "Lena",
  "Yukihiro",
  "Carol",
  "Niklaus",
  "Joan",
  "Brian",
  "Evelyn",
  "Vint",
];
const LAST = [
  "Lovelace",
  "Hopper",
  "Turing",
  "Torvalds",
  "Hamilton",
  "Ritchie",
  "Liskov",
  "Thompson",
  "Allen",
  "Dijkstra",
  "Perlman",
  "Berners-Lee",
  "Johnson",
  "Knuth",
  "Lamarr",
  "McCarthy",
  "Wilson",
  "Rossum",
  "Borg",
  "Stroustrup",
  "Keller",
  "Gosling",
  "Smith",
  "Matsumoto",
  "Shaw",
  "Wirth",
  "Clarke",
  "Kernighan",
  "Boyd",
  "Cerf",
  "Nguyen",
  "Garcia",
  "Okafor",
  "Schmidt",
  "Rossi",
  "Kowalski",
];
const COMPANY_WORDS = [
  "Acme",
  "Globex",
  "Initech",
  "Umbrella",
  "Hooli",
  "Vandelay",
  "Stark",
  "Wayne",
  "Tyrell",
  "Cyberdyne",
  "Soylent",
  "Aperture",
  "Wonka",
  "Gringotts",
  "Oscorp",
  "Massive",
  "Pied",
  "Dunder",
  "Sterling",
  "Monarch",
];
const COMPANY_SUFFIX = ["Labs", "Systems", "Industries", "Partners", "Group", "Works", "Analytics", "Logistics", "Foods", "Health"];
const CITIES = [
  ["Boston", "MA", "United States"],
  ["Dublin", "", "Ireland"],
  ["Berlin", "", "Germany"],
  ["Austin", "TX", "United States"],
  ["Toronto", "ON", "Canada"],
  ["Sydney", "NSW", "Australia"],
  ["Paris", "", "France"],
  ["Tokyo", "", "Japan"],
] as const;
const TITLES = [
  "CEO",
  "CTO",
  "VP Sales",
  "Head of Marketing",
  "Engineer",
  "Product Manager",
  "Account Executive",
  "Operations Lead",
  "Designer",
  "Support Specialist",
];
const LIFECYCLE = ["subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "customer", "evangelist", "other"];
const TICKET_SUBJECTS = [
  "Cannot log in",
  "Invoice is wrong",
  "Export times out",
  "Feature request: dark mode",
  "Sync stopped",
  "Password reset email missing",
  "API returns 500",
  "Upgrade question",
];
const PRODUCTS = [
  "Starter plan",
  "Professional plan",
  "Enterprise plan",
  "Onboarding",
  "Premium support",
  "Extra seats (10)",
  "Data migration",
  "Training day",
  "API add-on",
  "Sandbox",
  "Reporting add-on",
  "Custom integration",
];

const DAY = 86_400_000;
const SEED_SOURCE: WriteSource = { sourceType: "MIGRATION", sourceId: "sprocket-seed" };

/**
 * Fills an account with a realistic CRM data set: owners, companies, contacts at those companies, deals, tickets and
 * products, with associations. Deterministic for a given seed; written in chunks of one transaction each.
 */
export async function seedCrm(
  p: Platform,
  accountId: number,
  counts: Partial<SeedCounts> = DEMO_COUNTS,
  opts: { seed?: number; history?: boolean } = {},
): Promise<Record<keyof SeedCounts, number>> {
  const c: SeedCounts = { ...DEMO_COUNTS, ...counts };
  const rand = prng(opts.seed ?? 20240601);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const now = p.clock.now();
  const past = () => now - Math.floor(rand() * 365 * DAY);
  const history = opts.history ?? true;
  const types = {
    contacts: objectTypeById("0-1"),
    companies: objectTypeById("0-2"),
    deals: objectTypeById("0-3"),
    tickets: objectTypeById("0-5"),
    products: objectTypeById("0-7"),
  };
  const defs = Object.fromEntries(
    await Promise.all(Object.entries(types).map(async ([k, t]) => [k, await p.crm.properties.live(accountId, t.id)] as const)),
  );

  const ownerIds = await createOwners(
    p.store.db,
    accountId,
    Array.from({ length: c.owners }, (_, i) => {
      const first = FIRST[i % FIRST.length]!;
      const last = LAST[(i * 7) % LAST.length]!;
      return {
        email: `${first}.${last}@sprocket.local`.toLowerCase(),
        firstName: first,
        lastName: last,
        userId: 9_000_000 + i,
        teams: [{ id: String(1 + (i % 2)), name: i % 2 ? "Support" : "Sales", primary: true }],
      };
    }),
    now,
  );
  const owner = () => (ownerIds.length ? String(pick(ownerIds)) : null);

  const write = async <T>(
    t: keyof typeof types,
    values: Array<{ values: Record<string, string | null>; createdAt: number }>,
    then?: (ids: number[]) => Promise<T>,
  ) => {
    const ids: number[] = [];
    for (let i = 0; i < values.length; i += 5000) {
      const part = values.slice(i, i + 5000).sort((a, b) => a.createdAt - b.createdAt);
      const created = await inTransaction(p, (trx) =>
        insertObjects(trx, accountId, types[t], defs[t]!, part, now, SEED_SOURCE, { history }),
      );
      ids.push(...created.map((o) => o.id));
      noteCrmWrites(p, created.length);
    }
    if (then) await then(ids);
    return ids;
  };

  const companyIds = await write(
    "companies",
    Array.from({ length: c.companies }, (_, i) => {
      const name = `${COMPANY_WORDS[i % COMPANY_WORDS.length]} ${COMPANY_SUFFIX[Math.floor(i / COMPANY_WORDS.length) % COMPANY_SUFFIX.length]}${i >= COMPANY_WORDS.length * COMPANY_SUFFIX.length ? ` ${i}` : ""}`;
      const domain = `${name.toLowerCase().replace(/[^a-z0-9]+/g, "")}.example.com`;
      const [city, state, country] = pick(CITIES);
      return {
        createdAt: past(),
        values: {
          name,
          domain,
          website: `https://${domain}`,
          city,
          state: state || null,
          country,
          industry: pick(INDUSTRIES),
          numberofemployees: String(5 + Math.floor(rand() * 5000)),
          annualrevenue: String(Math.floor(rand() * 50_000_000)),
          type: pick(["PROSPECT", "PARTNER", "RESELLER", "VENDOR", "OTHER"]),
          hubspot_owner_id: owner(),
        },
      };
    }),
  );

  const contactIds = await write(
    "contacts",
    Array.from({ length: c.contacts }, (_, i) => {
      const first = pick(FIRST);
      const last = pick(LAST);
      const [city, state, country] = pick(CITIES);
      return {
        createdAt: past(),
        values: {
          email: `${first}.${last}.${i}@example.com`.toLowerCase(),
          firstname: first,
          lastname: last,
          phone: `+1 555 ${String(1000 + Math.floor(rand() * 9000))}`,
          jobtitle: pick(TITLES),
          city,
          state: state || null,
          country,
          lifecyclestage: pick(LIFECYCLE),
          hubspotscore: String(Math.floor(rand() * 100)),
          hubspot_owner_id: owner(),
        },
      };
    }),
  );
  await linkRandom(p, accountId, "0-1", "0-2", contactIds, companyIds, 1, rand);

  const dealIds = await write(
    "deals",
    Array.from({ length: c.deals }, () => {
      const stage = pick(DEAL_STAGES);
      return {
        createdAt: past(),
        values: {
          dealname: `${pick(COMPANY_WORDS)} – ${pick(PRODUCTS)}`,
          amount: String(500 + Math.floor(rand() * 200) * 250),
          dealstage: stage,
          pipeline: "default",
          dealtype: pick(["newbusiness", "existingbusiness"]),
          closedate: new Date(now + Math.floor((rand() - 0.5) * 180) * DAY).toISOString(),
          hubspot_owner_id: owner(),
        },
      };
    }),
  );
  await linkRandom(p, accountId, "0-3", "0-2", dealIds, companyIds, 5, rand);
  await linkRandom(p, accountId, "0-3", "0-1", dealIds, contactIds, 3, rand);

  const ticketIds = await write(
    "tickets",
    Array.from({ length: c.tickets }, () => ({
      createdAt: past(),
      values: {
        subject: pick(TICKET_SUBJECTS),
        content: "Reported through the support form.",
        hs_pipeline: "0",
        hs_pipeline_stage: pick(["1", "2", "3", "4"]),
        hs_ticket_priority: pick(["LOW", "MEDIUM", "HIGH", "URGENT"]),
        hs_ticket_category: pick(["PRODUCT_ISSUE", "BILLING_ISSUE", "FEATURE_REQUEST", "GENERAL_INQUIRY"]),
        hubspot_owner_id: owner(),
      },
    })),
  );
  await linkRandom(p, accountId, "0-5", "0-1", ticketIds, contactIds, 16, rand);
  await linkRandom(p, accountId, "0-5", "0-2", ticketIds, companyIds, 26, rand);

  const productIds = await write(
    "products",
    Array.from({ length: c.products }, (_, i) => ({
      createdAt: past(),
      values: {
        name: PRODUCTS[i % PRODUCTS.length]! + (i >= PRODUCTS.length ? ` ${i}` : ""),
        price: String(50 + Math.floor(rand() * 100) * 10),
        hs_sku: `SKU-${1000 + i}`,
        description: "Sold per seat, billed yearly.",
      },
    })),
  );
  // A bulk load leaves the planners' statistics stale (PostgreSQL until autovacuum, SQLite for good); searches need them.
  // On PostgreSQL, VACUUM also sets the visibility map, without which the index-only scans of a search visit the heap
  // for every row (a 100,000-contact search: 208 ms before, 22 ms after).
  const verb = p.store.engine === "postgres" ? sql.raw("vacuum analyze") : sql.raw("analyze");
  for (const table of ["crm_objects", "crm_property_values", "crm_associations"])
    await sql`${verb} ${sql.table(table)}`.execute(p.store.db);
  return {
    owners: ownerIds.length,
    companies: companyIds.length,
    contacts: contactIds.length,
    deals: dealIds.length,
    tickets: ticketIds.length,
    products: productIds.length,
  };
}

/** Links each `from` record to one random `to` record with the given HubSpot-defined type. */
async function linkRandom(
  p: Platform,
  accountId: number,
  fromType: string,
  toType: string,
  fromIds: number[],
  toIds: number[],
  typeId: number,
  rand: () => number,
): Promise<void> {
  if (toIds.length === 0) return;
  const from = objectTypeById(fromType);
  const to = objectTypeById(toType);
  for (let i = 0; i < fromIds.length; i += 2000) {
    const pairs = fromIds.slice(i, i + 2000).map((fromId) => ({
      fromId,
      toId: toIds[Math.floor(rand() * toIds.length)]!,
      specs: [{ associationCategory: "HUBSPOT_DEFINED" as const, associationTypeId: typeId }],
    }));
    await inTransaction(p, (trx) => associate(trx, accountId, from, to, pairs));
  }
}
