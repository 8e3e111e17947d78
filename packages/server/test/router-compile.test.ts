// SPROCKET_ROUTER_COMPILE: the in-process test servers walk the route tree (test-server.ts), production compiles it.
// find-my-way documents the same matches either way; this holds it to that over every route Sprocket registers, so
// what the suites find with the walked tree stands for the compiled one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectRoutes, routeCatalogue } from "../../../test/reliability/route-catalogue";
import { startTestServer, type TestServer } from "./support/test-server";

let walked: TestServer;
let compiled: TestServer;
beforeAll(async () => {
  collectRoutes();
  [walked, compiled] = await Promise.all([
    startTestServer({ demoCrm: false }),
    startTestServer({ demoCrm: false, env: { SPROCKET_ROUTER_COMPILE: "true" } }),
  ]);
});
afterAll(async () => {
  await Promise.all([walked?.stop(), compiled?.stop()]);
});

/** A concrete path for a registered pattern, and one of the near misses a router can get wrong, in turn. */
function pathsFor(pattern: string, turn: number): string[] {
  const path = pattern.replace(/:[A-Za-z]+(\([^)]*\))?/g, "1").replace(/\*/g, "x");
  return [path, [`${path}/`, `${path}/extra`, `/hs.com${path}`][turn % 3]!];
}

describe("the router, compiled or walked", () => {
  it("matches every route and every near miss the same way", async () => {
    const routes = routeCatalogue(walked.app);
    expect(routes.length).toBeGreaterThan(500);
    const differences: string[] = [];
    for (const [turn, route] of routes.entries()) {
      for (const url of pathsFor(route.url, turn)) {
        const [a, b] = await Promise.all(
          [walked, compiled].map((s) => s.app.inject({ method: route.method as "GET", url, headers: { origin: "" } })),
        );
        // The status says which route (or none) answered: 404 for no route, 401/403 for a guarded one, 400 for a
        // public one's bad input. Answers that carry state of their own server (ids, times) are not compared.
        if (a!.statusCode !== b!.statusCode) differences.push(`${route.method} ${url}: ${a!.statusCode} walked, ${b!.statusCode} compiled`);
      }
    }
    expect(differences).toEqual([]);
  });
});
