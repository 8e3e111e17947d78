import { X509Certificate } from "node:crypto";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import type { TLSSocket } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/index";
import { loadOrCreateCertificate } from "../src/tls/tls-certificate";
import { startTestServer, type TestServer } from "./support/test-server";

/** GET over TLS trusting only `ca`; answers the status, the body and the certificate the server presented. */
function httpsGet(url: string, ca: string): Promise<{ status: number; body: string; fingerprint: string }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca, agent: false }, (res) => {
        let body = "";
        const fingerprint = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
        res.on("data", (d: Buffer) => (body += d.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body, fingerprint }));
      })
      .on("error", reject);
  });
}

const made: string[] = [];
const tempDir = async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "sprocket-tls-"));
  made.push(dir);
  return dir;
};
afterAll(async () => {
  await Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("the HTTPS listener", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ demoCrm: false, env: { SPROCKET_HTTPS_PORT: "0" } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("serves the same API over TLS with a certificate generated into <dataDir>/tls, the key readable by its owner only", async () => {
    expect(server.https).toMatchObject({
      url: `https://127.0.0.1:${server.https!.port}`,
      certPath: path.join(server.platform.config.dataDir, "tls", "cert.pem"),
      certGenerated: true,
    });
    const cert = await readFile(server.https!.certPath, "utf8");
    const res = await httpsGet(`${server.https!.url}/healthz`, cert);
    expect(res).toMatchObject({ status: 200, body: JSON.stringify({ status: "ok" }) });
    expect((await stat(path.join(server.platform.config.dataDir, "tls", "key.pem"))).mode & 0o777).toBe(0o600);
    const x509 = new X509Certificate(cert);
    expect(x509.checkHost("localhost")).toBe("localhost");
    expect(x509.checkIP("127.0.0.1")).toBe("127.0.0.1");
  });

  it("strips the /<x>.com prefix that HUBAPI_DOMAIN_OVERRIDE puts in front of every path, qa variant included", async () => {
    const cert = await readFile(server.https!.certPath, "utf8");
    expect((await httpsGet(`${server.https!.url}/hs.com/healthz`, cert)).status).toBe(200);
    expect((await httpsGet(`${server.https!.url}/hsqa.com/healthz`, cert)).status).toBe(200);
  });
});

describe("TLS certificates", () => {
  it("reuses the generated certificate on the next start and makes a new one when a host is not covered", async () => {
    const dataDir = await tempDir();
    const first = await loadOrCreateCertificate({ dataDir });
    expect(first.generated).toBe(true);
    const again = await loadOrCreateCertificate({ dataDir });
    expect(again).toMatchObject({ generated: false, cert: first.cert, certPath: first.certPath });
    const wider = await loadOrCreateCertificate({ dataDir, hosts: ["sprocket.internal"] });
    expect(wider.generated).toBe(true);
    expect(new X509Certificate(wider.cert).checkHost("sprocket.internal")).toBe("sprocket.internal");
  });

  it("serves the operator's certificate and key when given", async () => {
    const given = await loadOrCreateCertificate({ dataDir: await tempDir() });
    const server = await startTestServer({
      demoCrm: false,
      env: { SPROCKET_HTTPS_PORT: "0", SPROCKET_TLS_CERT: given.certPath, SPROCKET_TLS_KEY: given.keyPath },
    });
    try {
      expect(server.https).toMatchObject({ certPath: given.certPath, certGenerated: false });
      const res = await httpsGet(`${server.https!.url}/healthz`, given.cert);
      expect(res.fingerprint).toBe(new X509Certificate(given.cert).fingerprint256);
    } finally {
      await server.stop();
    }
  });

  it("refuses a key that does not belong to the certificate, a file that is not PEM, and a missing file", async () => {
    const a = await loadOrCreateCertificate({ dataDir: await tempDir() });
    const b = await loadOrCreateCertificate({ dataDir: await tempDir() });
    await expect(loadOrCreateCertificate({ dataDir: "/unused", certFile: a.certPath, keyFile: b.keyPath })).rejects.toThrow(
      `The TLS key ${b.keyPath} does not belong to the certificate ${a.certPath}.`,
    );
    const junk = path.join(await tempDir(), "junk.pem");
    await writeFile(junk, "not a certificate");
    await expect(loadOrCreateCertificate({ dataDir: "/unused", certFile: junk, keyFile: a.keyPath })).rejects.toThrow(
      `The TLS certificate ${junk} is not a PEM certificate.`,
    );
    await expect(loadOrCreateCertificate({ dataDir: "/unused", certFile: a.certPath, keyFile: junk })).rejects.toThrow(
      `The TLS key ${junk} is not an unencrypted PEM private key.`,
    );
    await expect(loadOrCreateCertificate({ dataDir: "/unused", certFile: "/nowhere/cert.pem", keyFile: a.keyPath })).rejects.toThrow(
      "Cannot read the TLS certificate /nowhere/cert.pem: no such file",
    );
  });

  it("rejects TLS settings that cannot work", () => {
    expect(() => loadConfig({ httpsPort: 8443, tlsCert: "cert.pem" }, {})).toThrow(
      "Invalid setting --tls-key: --tls-cert and --tls-key (SPROCKET_TLS_CERT, SPROCKET_TLS_KEY) go together: give both or neither",
    );
    expect(() => loadConfig({}, { SPROCKET_TLS_CERT: "c.pem", SPROCKET_TLS_KEY: "k.pem" })).toThrow(
      "Invalid setting --https-port: is needed with --tls-cert and --tls-key",
    );
    expect(() => loadConfig({ httpsPort: "https" }, {})).toThrow('Invalid setting --https-port: must be a number (got "https")');
    expect(loadConfig({}, { SPROCKET_HTTPS_PORT: "8443", SPROCKET_TLS_CERT: "c.pem", SPROCKET_TLS_KEY: "k.pem" })).toMatchObject({
      httpsPort: 8443,
      tlsCertFile: path.resolve("c.pem"),
      tlsKeyFile: path.resolve("k.pem"),
    });
    expect(loadConfig({}, {}).httpsPort).toBeUndefined();
  });
});
