import { createSocket } from "node:dgram";
import { createServer, type Server } from "node:http";
import net, { type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { restrictedRange } from "../src/child/network-policy";
import { createRunnerPool, type RunnerPool } from "../src/index";
import { fixtureRequest } from "./fixture-builds";

// C1 / M2 / F7: a function reached the platform's PostgreSQL and Redis on loopback. The runner's preload
// (child/network-guard.ts) lets functions reach public addresses and Sprocket's API only.

let api: Server;
let apiPort: number;
/** A loopback listener of the test's own: TCP connections and UDP datagrams that reach it are counted. */
let listener: net.Server;
let listenerPort: number;
const udp = createSocket("udp4");
let udpPort: number;
let accepted = 0;
let pool: RunnerPool;
let relaxed: RunnerPool;

beforeAll(async () => {
  api = createServer((_req, res) => res.end(JSON.stringify({ ok: "api" })));
  await new Promise<void>((resolve) => api.listen(0, "127.0.0.1", resolve));
  apiPort = (api.address() as AddressInfo).port;
  listener = net.createServer((socket) => {
    accepted++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
  listenerPort = (listener.address() as AddressInfo).port;
  await new Promise<void>((resolve) => udp.bind(0, "127.0.0.1", resolve));
  udpPort = udp.address().port;
  const options = { hubspotApiBaseUrl: `http://127.0.0.1:${apiPort}`, limits: { timeoutMs: 10_000, heapMb: 64 } };
  pool = createRunnerPool(options);
  relaxed = createRunnerPool({ ...options, allowPrivateNetwork: true });
});
afterAll(async () => {
  await Promise.all([pool.close(), relaxed.close()]);
  await new Promise((resolve) => api.close(resolve));
  await new Promise((resolve) => listener.close(resolve));
  udp.close();
});

const attempt = async (parameters: Record<string, unknown>, on = pool) => {
  const result = await on.invoke(fixtureRequest("network.js", { apiPort, ...parameters }));
  expect(result.outcome).toBe("SUCCESS");
  return result.value as { ok: boolean; code: string | null; message?: string; connecting?: boolean };
};

/** The platform's own services are really there: a refusal below is the guard's, not an absent service. */
async function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

describe("outbound connections from functions", () => {
  it.each([
    ["PostgreSQL", 5432],
    ["Redis", 6379],
  ])("refuses %s on 127.0.0.1:%i", async (_name, port) => {
    expect(await reachable(port)).toBe(true);
    for (const via of ["net", "fetch", "http", "tls"]) {
      const result = await attempt({ via, host: "127.0.0.1", port });
      expect({ via, ...result }).toMatchObject({ via, ok: false, code: "EACCES" });
    }
  });

  it.each(["net", "net-name", "fetch", "http", "https", "tls", "http2", "raw-handle"])(
    "refuses a loopback listener through %s, and nothing reaches it",
    async (via) => {
      const result = await attempt({ via, host: "127.0.0.1", port: listenerPort });
      expect(result).toMatchObject({ ok: false, code: "EACCES" });
      expect(accepted).toBe(0);
    },
  );

  it.each([
    "::1",
    "::ffff:127.0.0.1",
    "10.0.0.5",
    "172.16.0.1",
    "192.168.1.1",
    "100.64.0.1",
    "169.254.169.254",
    "0.0.0.0",
    "fd00::2",
    "fe80::1",
  ])("refuses %s", async (host) => {
    expect(await attempt({ via: "net", host, port: 5432 })).toMatchObject({ ok: false, code: "EACCES" });
  });

  it("refuses UDP datagrams and connections to loopback", async () => {
    expect(await attempt({ via: "dgram", host: "127.0.0.1", port: udpPort })).toMatchObject({ ok: false, code: "EACCES" });
    expect(await attempt({ via: "dgram-connect", host: "127.0.0.1", port: udpPort })).toMatchObject({ ok: false, code: "EACCES" });
    // The test's own datagram is the first the listener sees: the function's never arrived.
    const first = new Promise<string>((resolve) => udp.once("message", (message) => resolve(message.toString())));
    udp.send("from the test", udpPort, "127.0.0.1");
    expect(await first).toBe("from the test");
  });

  it("refuses Unix sockets (PostgreSQL listens on one too)", async () => {
    expect(await attempt({ via: "unix", host: "/var/run/postgresql/.s.PGSQL.5432" })).toMatchObject({ ok: false, code: "EACCES" });
  });

  it("refuses DNS servers on private addresses (c-ares would talk to them directly)", async () => {
    expect(await attempt({ via: "dns-servers", host: "127.0.0.1", port: 6379 })).toMatchObject({
      ok: false,
      code: "ERR_DNS_SET_SERVERS_FAILED",
    });
  });

  it("still reaches Sprocket's API, directly and as api.hubapi.com", async () => {
    expect(await attempt({ via: "http", host: "127.0.0.1", port: apiPort })).toEqual({ ok: true });
    expect(await attempt({ via: "fetch", host: "127.0.0.1", port: apiPort })).toEqual({ ok: true });
  });

  it("lets a public address through (nothing answers from here, but the attempt is not refused)", async () => {
    expect(restrictedRange("203.0.113.10")).toBeUndefined();
    expect(restrictedRange("2606:4700::1111")).toBeUndefined();
    expect(await attempt({ via: "public", host: "203.0.113.10", port: 80 })).toEqual({ ok: true, connecting: true, code: null });
  });

  it("lets the operator allow private networks", async () => {
    expect(await attempt({ via: "net", host: "127.0.0.1", port: 6379 }, relaxed)).toEqual({ ok: true });
  });
});

describe("listening", () => {
  it.each([
    ["TCP", "listen"],
    ["UDP", "udp-bind"],
  ])("refuses a %s listener on a port, even where private networks are allowed", async (_name, via) => {
    for (const on of [pool, relaxed])
      expect(await attempt({ via, host: "0.0.0.0", port: 39123 }, on)).toMatchObject({ ok: false, code: "EACCES" });
  });

  it("refuses a TCP listener on an ephemeral port too", async () => {
    expect(await attempt({ via: "listen", host: "127.0.0.1", port: 0 }, relaxed)).toMatchObject({ ok: false, code: "EACCES" });
  });
});

describe("the address policy", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["::1", "loopback"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["10.1.2.3", "private"],
    ["172.31.255.255", "private"],
    ["192.168.0.1", "private"],
    ["fc00::1", "private"],
    ["100.64.0.1", "shared (CGNAT)"],
    ["169.254.169.254", "cloud metadata"],
    ["169.254.1.1", "link-local"],
    ["fe80::1%eth0", "link-local"],
    ["0.0.0.0", "unspecified"],
    ["::", "unspecified"],
    ["224.0.0.1", "multicast"],
    ["64:ff9b::a00:1", "private"],
    ["2002:7f00:1::", "loopback"],
    ["2130706433", "not an IP address"],
    ["0x7f.1", "not an IP address"],
  ])("classes %s as %s", (address, range) => {
    expect(restrictedRange(address)).toBe(range);
  });

  it.each(["8.8.8.8", "172.32.0.1", "100.128.0.1", "::ffff:8.8.8.8", "2606:4700::1111", "64:ff9b::808:808"])(
    "lets %s through",
    (address) => {
      expect(restrictedRange(address)).toBeUndefined();
    },
  );
});
