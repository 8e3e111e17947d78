import { Client } from "@hubspot/api-client";
import type { TestServer } from "./test-server";
import { createTestApp } from "./test-apps";

export const ALL_CRM_SCOPES = [
  "crm.objects.contacts.read",
  "crm.objects.contacts.write",
  "crm.objects.companies.read",
  "crm.objects.companies.write",
  "crm.objects.deals.read",
  "crm.objects.deals.write",
  "tickets",
  "crm.objects.products.read",
  "crm.objects.products.write",
  "crm.objects.line_items.read",
  "crm.objects.line_items.write",
  "crm.objects.owners.read",
  "crm.schemas.contacts.read",
  "crm.schemas.contacts.write",
  "crm.schemas.companies.write",
  "crm.schemas.deals.write",
  "crm.schemas.tickets.write",
];

/** Lifts an account's API limits so suites that make hundreds of calls are not throttled. */
export async function liftLimits(server: TestServer, accountId: number): Promise<void> {
  await server.platform.store.db
    .updateTable("accounts")
    .set({ api_limit_ten_secondly: 1_000_000, search_limit_secondly: 100_000 })
    .where("id", "=", accountId)
    .execute();
}

/** The official SDK pointed at the test server with a real private-app token. */
export async function crmClient(
  server: TestServer,
  accountId: number,
  scopes: string[] = ALL_CRM_SCOPES,
): Promise<{ client: Client; token: string }> {
  const { token } = await createTestApp(server.platform, accountId, { scopes });
  return { client: new Client({ accessToken: token, basePath: server.url }), token };
}

/** A raw call with a bearer token, for wire details the SDK hides. */
export async function rawCall(server: TestServer, token: string, method: string, url: string, body?: unknown) {
  const res = await fetch(server.url + url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, any>) : undefined };
}

/** The HubSpot error an SDK call failed with: its status and parsed body (throws if the call succeeded). */
export async function apiError(promise: Promise<unknown>): Promise<{ code: number; body: Record<string, any> }> {
  try {
    await promise;
  } catch (e) {
    const err = e as { code: number; body: unknown };
    return { code: err.code, body: (typeof err.body === "string" ? JSON.parse(err.body) : err.body) as Record<string, any> };
  }
  throw new Error("the call succeeded");
}
