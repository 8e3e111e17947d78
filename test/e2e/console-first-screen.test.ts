// A signed-in user's first load of a CRM index page comes server-rendered (the console's own components, with the
// API's answers for that user) and the browser hydrates it; anyone else, and any other page, gets the client-only page.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { createAccount } from "../../packages/server/src/accounts/account-service";
import { startTestServer, type TestServer } from "../../packages/server/test/support/test-server";
import { createTestApp } from "../../packages/server/test/support/test-apps";
import { launchChromium } from "./fixtures/card-projects";
import { signInSession } from "../reliability/world";
import { bearerCall } from "./support/bearer-call";

let server: TestServer;
let browser: Browser;
let accountId: number;
const admin = { email: "", password: "" };
/** A second account, with a contact only it has, and its own super admin. */
const other = { accountId: 0, email: "", password: "", contact: "Zebediah Outsider" };

const EMBED = '<script type="application/json" id="sprocket-first-screen">';

const call = (method: string, url: string, token: string, body?: unknown) => bearerCall(server.url, method, url, token, body);

/** A session cookie for `who`, as the browser keeps it after signing in. */
const sessionCookie = async (who: { email: string; password: string }) => (await signInSession(server.url, who.email, who.password)).cookie;

/** Whether the page holds `text` (a boolean, so that a failure does not print the whole page). */
const holds = (html: string, text: string | RegExp) => (typeof text === "string" ? html.includes(text) : text.test(html));

const page = (url: string, cookie?: string) =>
  fetch(server.url + url, { headers: { accept: "text/html", "accept-language": "en-US", ...(cookie ? { cookie } : {}) } });

/** A tab of a fresh context with `options`, and the console errors and warnings and page errors it reports. */
async function watchedTab(options: { timezoneId?: string } = {}) {
  const context = await browser.newContext({ baseURL: server.url, locale: "en-US", ...options });
  const tab = await context.newPage();
  const errors: string[] = [];
  tab.on("console", (message) => void (["error", "warning"].includes(message.type()) && errors.push(message.text())));
  tab.on("pageerror", (error) => errors.push(error.message));
  return { context, tab, errors };
}

beforeAll(async () => {
  server = await startTestServer();
  accountId = server.bootstrap.info.accountId;
  Object.assign(admin, server.bootstrap.info.superAdmin);
  const created = await createAccount(server.platform, { name: "Other account", admin: { email: "other-admin@example.com" } });
  Object.assign(other, { accountId: created.accountId, email: "other-admin@example.com", password: created.superAdmin.password });
  const { token } = await createTestApp(server.platform, other.accountId, { scopes: ["crm.objects.contacts.write"] });
  const [firstname, lastname] = other.contact.split(" ");
  expect((await call("POST", "/crm/v3/objects/contacts", token, { properties: { firstname, lastname } })).status).toBe(201);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("the console's server-rendered first screen", () => {
  it("renders a signed-in user's contacts page, with its rows, total and data, for that user only", async () => {
    const res = await page(`/contacts/${accountId}/objects/0-1`, await sessionCookie(admin));
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("private, no-cache");
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    const html = await res.text();
    expect(holds(html, /<table [^>]*aria-label="Contacts"/)).toBe(true);
    expect(holds(html, /data-testid="record-total">200 contacts</)).toBe(true);
    expect(holds(html, new RegExp(`<a [^>]*href="/contacts/${accountId}/record/0-1/\\d+"`))).toBe(true);
    expect(holds(html, EMBED)).toBe(true);
    // The session is in the page: index.html's early ask for it is gone.
    expect(holds(html, 'rel="preload" href="/api/v1/session"')).toBe(false);
    expect(holds(html, other.contact.split(" ")[0]!)).toBe(false);
  });

  it("never renders another account's data: a URL naming it renders nothing, whatever the user is", async () => {
    const cookie = await sessionCookie(admin);
    for (const type of ["0-1", "contacts"]) {
      const html = await (await page(`/contacts/${other.accountId}/objects/${type}`, cookie)).text();
      expect(holds(html, EMBED)).toBe(false);
      expect(holds(html, other.contact.split(" ")[0]!)).toBe(false);
      expect(holds(html, '<div id="root"></div>')).toBe(true);
    }
    // Its own user sees it.
    const own = await (await page(`/contacts/${other.accountId}/objects/0-1`, await sessionCookie(other))).text();
    expect(holds(own, other.contact)).toBe(true);
  });

  it("renders nothing for someone signed out, a forged session or another page", async () => {
    for (const [url, cookie, cacheControl] of [
      [`/contacts/${accountId}/objects/0-1`, undefined, "no-cache"],
      // Sent as a rendered page would be (its head goes out before the session is checked), with an empty root.
      [`/contacts/${accountId}/objects/0-1`, "sprocket_session=not-a-session", "private, no-cache"],
      [`/contacts/${accountId}/record/0-1/1`, await sessionCookie(admin), "no-cache"],
      [`/settings/${accountId}/users`, await sessionCookie(admin), "no-cache"],
    ] as const) {
      const res = await page(url, cookie);
      expect(res.status).toBe(200);
      expect(res.headers.get("cache-control")).toBe(cacheControl);
      const html = await res.text();
      expect(holds(html, EMBED)).toBe(false);
      expect(holds(html, '<div id="root"></div>')).toBe(true);
    }
  });

  it("keeps a hostile label inside the page's data and title, never as markup", async () => {
    const { token } = await createTestApp(server.platform, accountId, { scopes: ["crm.schemas.custom.write", "crm.objects.custom.write"] });
    const label = "</script><script>alert(1)</script><!--";
    const schema = await call("POST", "/crm/v3/schemas", token, {
      name: "gadget",
      labels: { singular: "Gadget", plural: label },
      primaryDisplayProperty: "gadget_name",
      requiredProperties: ["gadget_name"],
      properties: [{ name: "gadget_name", label: "Name", type: "string", fieldType: "text" }],
      associatedObjects: [],
    });
    expect(schema.status).toBe(201);
    const html = await (await page(`/contacts/${accountId}/objects/${schema.body.objectTypeId}`, await sessionCookie(admin))).text();
    expect(holds(html, EMBED)).toBe(true);
    expect(holds(html, label)).toBe(false);
    expect(html.split("<script").length).toBe(3); // the entry and the data, nothing the label opened
    expect(holds(html, /<h1 [^>]*>&lt;\/script&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;&lt;!--<\/h1>/)).toBe(true);
    const context = await browser.newContext({ baseURL: server.url });
    const tab = await context.newPage();
    const errors: string[] = [];
    tab.on("console", (message) => void (message.type() === "error" && errors.push(message.text())));
    tab.on("pageerror", (error) => errors.push(error.message));
    tab.on("dialog", (dialog) => void errors.push(`dialog: ${dialog.message()}`));
    expect((await context.request.post("/api/v1/session", { data: admin })).status()).toBe(200);
    await tab.goto(`/contacts/${accountId}/objects/${schema.body.objectTypeId}`);
    await tab.getByRole("heading", { name: label }).waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it("hydrates what the server rendered when the location moves under the hydration, then follows it", async () => {
    // A link clicked while the page hydrates moves the location before every part has hydrated (the flake of
    // app-objects.test.ts: errors 418, 425 and 422 after a click on the navigation right after load). Forced here: the
    // path changes right after start.tsx has checked it and called hydrateRoot, before React's first render.
    const { context, tab, errors } = await watchedTab();
    const projects = `/developer-projects/${accountId}`;
    await tab.addInitScript((to: string) => {
      const g = globalThis as any;
      const getItem = g.Storage.prototype.getItem;
      g.Storage.prototype.getItem = function (this: unknown, key: string) {
        // start.tsx reads the column choice just before it hydrates; the move comes once its module has run.
        if (key.startsWith("sprocket.columns.") && !g.moved && g.document.getElementById("sprocket-first-screen")) {
          g.moved = true;
          g.queueMicrotask(() => g.history.pushState(null, "", to));
        }
        return getItem.call(this, key);
      };
    }, projects);
    expect((await context.request.post("/api/v1/session", { data: admin })).status()).toBe(200);
    await tab.goto(`/contacts/${accountId}/objects/0-1`);
    await tab.getByRole("heading", { name: "Projects" }).waitFor();
    expect(await tab.evaluate(() => [(globalThis as any).moved, (globalThis as any).location.pathname])).toEqual([true, projects]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("opens the column chooser at the first click (mounted then), and a ticked property becomes a column", async () => {
    const { context, tab, errors } = await watchedTab();
    expect((await context.request.post("/api/v1/session", { data: admin })).status()).toBe(200);
    await tab.goto(`/contacts/${accountId}/objects/0-1`);
    const table = tab.getByRole("table", { name: "Contacts" });
    await table.locator("tbody tr").first().waitFor();
    const choose = tab.getByRole("button", { name: "Edit columns" });
    expect(await choose.getAttribute("aria-expanded")).toBe("false");
    // React's, once hydrated: a click before that would be lost.
    await expect
      .poll(() =>
        tab.evaluate(() =>
          Object.keys((globalThis as any).document.querySelector("[data-testid=record-total]")).some((k) => k.startsWith("__react")),
        ),
      )
      .toBe(true);
    await choose.click();
    const columns = tab.getByRole("group", { name: "Columns" });
    await columns.getByLabel("City").check();
    await expect.poll(() => table.locator("thead th").allTextContents()).toContain("City");
    await tab.keyboard.press("Escape");
    await columns.waitFor({ state: "hidden" });
    // The Popover, now mounted, toggles as before.
    await tab.getByRole("button", { name: "Edit columns" }).click();
    await columns.getByLabel("City").uncheck();
    await expect.poll(() => table.locator("thead th").allTextContents()).not.toContain("City");
    expect(errors).toEqual([]);
    await context.close();
  });

  it("hydrates in Chromium: no mismatch, the server's nodes kept, the page working", async () => {
    const { context, tab, errors } = await watchedTab({ timezoneId: "Europe/Paris" });
    // Counts the root's children removed: a render from nothing replaces the server's, a hydration keeps them.
    await tab.addInitScript(() => {
      const g = globalThis as any;
      g.removedFromRoot = 0;
      g.document.addEventListener("readystatechange", () => {
        const root = g.document.getElementById("root");
        if (root && !g.observed) {
          g.observed = true;
          new g.MutationObserver((records: any[]) => {
            for (const record of records) g.removedFromRoot += record.removedNodes.length;
          }).observe(root, { childList: true });
        }
      });
    });
    expect((await context.request.post("/api/v1/session", { data: admin })).status()).toBe(200);
    await tab.goto(`/contacts/${accountId}/objects/0-1`);
    const rows = tab.getByRole("table", { name: "Contacts" }).locator("tbody tr");
    await rows.first().waitFor();
    // The server wrote dates in UTC; once hydrated, the page shows them in the browser's own time zone.
    const created = await tab.evaluate(() => {
      const screen = JSON.parse((globalThis as any).document.getElementById("sprocket-first-screen").textContent);
      return new Date(screen.search.results[0].properties.createdate).toLocaleString();
    });
    await expect.poll(() => rows.first().locator("td").last().textContent()).toBe(created);
    // Working: a search is React's, run in the browser.
    await tab.getByLabel("Search contacts").fill("no such contact");
    await expect.poll(() => tab.getByTestId("record-total").textContent()).toBe("0 contacts");
    expect(await tab.evaluate(() => [(globalThis as any).observed, (globalThis as any).removedFromRoot])).toEqual([true, 0]);
    // The page came with the rules its first screen uses, its stylesheet's link disabled in the head; once the page has
    // painted, that link is enabled (the whole stylesheet, for the rest of the console). A record page's chunk asks for
    // the stylesheet too, and finds the link there instead of adding one: no second copy after the record page's own.
    const styles = () =>
      tab.evaluate(() =>
        [...(globalThis as any).document.querySelectorAll("link[rel=stylesheet]")].map(
          (l: any) => `${l.hasAttribute("disabled") ? "disabled " : ""}${l.href}`,
        ),
      );
    await expect.poll(async () => (await styles()).filter((s) => s.startsWith("disabled "))).toEqual([]);
    // Once the stylesheet has loaded, the page's own subset of it is gone (later in the document, it would win).
    await expect.poll(() => tab.evaluate(() => (globalThis as any).document.querySelectorAll("style[data-first-screen]").length)).toBe(0);
    const before = await styles();
    expect(before).toHaveLength(1);
    await tab.getByLabel("Search contacts").fill("");
    await rows.first().locator("a").click();
    await tab.waitForURL(/\/record\//);
    await tab.getByLabel("Breadcrumb").waitFor();
    expect((await styles()).filter((s) => !before.includes(s) && s.includes(before[0]!.split("/").pop()!))).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("styles every element of the first screen with its CSS subset as the whole stylesheet does", async () => {
    const html = await (await page(`/contacts/${accountId}/objects/0-1`, await sessionCookie(admin))).text();
    // Without its scripts nothing but the styles decides how the page looks.
    const still = html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, "").replace(/<link rel="modulepreload"[^>]*>/g, "");
    const subset = /<style data-first-screen>([\s\S]*?)<\/style>/.exec(still)![1]!;
    const whole = still.replace(/<style data-first-screen>[\s\S]*?<\/style>/, "").replaceAll("<link disabled ", "<link ");
    /** The custom properties `css`'s `:root` rules define (Mantine's theme: about 350 names). */
    const defined = (css: string) =>
      new Set([...css.matchAll(/:root[^{]*\{([^}]*)\}/g)].flatMap((m) => m[1]!.match(/(?<=^|;)--[\w-]+(?=:)/g) ?? []));
    const sheet = await (
      await fetch(server.url + /<link disabled rel="stylesheet" crossorigin href="([^"]+\.css)"/.exec(html)![1]!)
    ).text();
    // The subset defines only those the page uses, a fraction of them.
    expect(defined(subset).size).toBeGreaterThan(20);
    expect(defined(subset).size).toBeLessThan(defined(sheet).size / 2);
    const computed = async (body: string) => {
      const { context, tab } = await watchedTab();
      await tab.route(`${server.url}/styles-probe`, (route) => route.fulfill({ contentType: "text/html", body }));
      await tab.goto("/styles-probe", { waitUntil: "load" });
      const styles: string[] = await tab.evaluate(() => {
        const window = globalThis as any;
        return [...window.document.querySelectorAll("#root, #root *")].map((element) =>
          [null, "::before", "::after"]
            .map((pseudo) => {
              const style = window.getComputedStyle(element, pseudo);
              // Custom properties are listed too; what shows is what they resolve to in the others.
              return Array.from(style as Iterable<string>)
                .filter((name) => !name.startsWith("--"))
                .map((name) => `${name}:${style.getPropertyValue(name)}`)
                .join(";");
            })
            .join("|"),
        );
      });
      await context.close();
      return styles;
    };
    const [withSubset, withWhole] = [await computed(still), await computed(whole)];
    expect(withSubset.length).toBeGreaterThan(300);
    expect(withSubset.length).toBe(withWhole.length);
    // The first element that differs, if one does (not the whole lists: a failure would print megabytes).
    const differs = withSubset.findIndex((style, i) => style !== withWhole[i]);
    expect(
      differs < 0 ? "none" : `element ${differs}: ${withSubset[differs]!.split(";").filter((d) => !withWhole[differs]!.includes(d))}`,
    ).toBe("none");
  });
});
