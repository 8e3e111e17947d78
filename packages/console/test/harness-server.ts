// A loopback HTTP server for the browser tests: the built host, card bundles, and a record page harness.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { join, normalize } from "node:path";
import type { AddressInfo } from "node:net";

const harnessPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Record page harness</title>
<link rel="stylesheet" href="/host/host.css">
<style>body { margin: 24px; background: #f5f8fa; } #cards { display: grid; gap: 16px; max-width: 900px; } #cards > section { background: #fff; border: 1px solid #cbd6e2; border-radius: 4px; padding: 16px; }</style>
</head>
<body>
<main id="cards"></main>
<script type="module">
import { mountCard } from "/host/host.js";
document.cookie = "visible_cookie=page-secret; path=/";
window.mountCard = mountCard;
window.logLines = [];
window.navigations = [];
window.cards = {};
// The CRM data a console page would read from /crm/v3 and /crm/v4 (set by the test).
window.crm = { records: {}, associations: {} };
const key = (record) => record.objectTypeId + "/" + record.objectId;
const hostData = {
  async fetchProperties(record, names) {
    const properties = window.crm.records[key(record)];
    if (!properties) throw new Error("No record " + key(record));
    const wanted = names === "*" ? Object.keys(properties) : names;
    return Object.fromEntries(wanted.map((name) => [name, properties[name] ?? null]));
  },
  async fetchAssociations(record, request) {
    const ids = (window.crm.associations[key(record)] ?? {})[request.toObjectType] ?? [];
    const offset = request.offset ?? 0;
    const page = ids.slice(offset, offset + (request.pageLength ?? 10));
    return {
      results: page.map((id) => ({
        toObjectId: id,
        associationTypes: [{ category: "HUBSPOT_DEFINED", typeId: 1, label: "Primary" }],
        properties: Object.fromEntries((request.properties ?? []).map((name) => [name, window.crm.records[request.toObjectType + "/" + id]?.[name] ?? null])),
      })),
      hasMore: offset + page.length < ids.length,
      nextOffset: offset + page.length,
    };
  },
  async search() {
    return { results: [], total: 0, hasMore: false };
  },
};
window.mountTestCard = (slot, bundle, context) => {
  const element = document.createElement("section");
  element.id = slot;
  element.setAttribute("aria-label", slot);
  document.getElementById("cards").append(element);
  const handle = mountCard(element, {
    bundleUrl: bundle,
    workerUrl: "/host/worker.js",
    cardId: slot,
    context,
    services: {
      invoke: (request, meta) => window.invokeServerless(request, meta),
      hostData,
      onLog: (line) => window.logLines.push(line),
      onNavigate: (path) => window.navigations.push(path),
    },
  });
  window.cards[slot] = handle;
  handle.ready.catch(() => {});
  return handle.traceId;
};
</script>
</body>
</html>`;

export interface HarnessServer {
  url: string;
  /** Paths requested that a card should never reach. */
  secretHits: string[];
  /** Requests for /external (the "other site" a card opens), with the Referer they carried. */
  externalHits: { url: string; referer: string | undefined }[];
  close(): Promise<void>;
}

const types: Record<string, string> = { ".js": "text/javascript", ".css": "text/css", ".map": "application/json" };

export async function startHarnessServer(hostDir: string, cards: Map<string, string>): Promise<HarnessServer> {
  const secretHits: string[] = [];
  const externalHits: HarnessServer["externalHits"] = [];
  const server = createServer(async (request, response) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    if (path === "/") {
      response.writeHead(200, {
        "content-type": "text/html; charset=utf-8",
        "set-cookie": "sprocket_session=http-only-secret; HttpOnly; SameSite=Lax; Path=/",
      });
      return response.end(harnessPage);
    }
    if (path.startsWith("/cards/") && cards.has(path.slice(7))) {
      response.writeHead(200, { "content-type": "text/javascript" });
      return response.end(cards.get(path.slice(7)));
    }
    if (path.startsWith("/host/")) {
      const file = normalize(path.slice(6));
      const extension = file.slice(file.lastIndexOf("."));
      try {
        const body = await readFile(join(hostDir, file));
        response.writeHead(200, { "content-type": types[extension] ?? "application/octet-stream" });
        return response.end(body);
      } catch {
        // falls through to 404
      }
    }
    if (path === "/external") {
      externalHits.push({ url: request.url ?? "", referer: request.headers.referer });
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      return response.end("<!doctype html><title>External page</title><p>Another site</p>");
    }
    if (path === "/secret") secretHits.push(`${path} cookie=${request.headers.cookie ?? ""}`);
    response.writeHead(404, { "content-type": "text/plain" });
    response.end("not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    secretHits,
    externalHits,
    close: () => new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
