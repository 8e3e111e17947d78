import { X509Certificate, createPrivateKey } from "node:crypto";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { isIP } from "node:net";
import path from "node:path";
import { generate } from "selfsigned";

/** The certificate and key the HTTPS listener serves, and where the certificate lives (for NODE_EXTRA_CA_CERTS). */
export interface TlsMaterial {
  cert: string;
  key: string;
  certPath: string;
  keyPath: string;
  /** True when this call generated a new self-signed certificate. */
  generated: boolean;
}

export class TlsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TlsError";
  }
}

/** Names a generated certificate always covers: what HUBAPI_DOMAIN_OVERRIDE points at on this machine. */
const LOOPBACK = ["localhost", "127.0.0.1", "::1"];
const VALID_DAYS = 825;
/** Regenerate a little before expiry rather than serve a certificate that lapses mid-session. */
const RENEW_BEFORE_MS = 24 * 60 * 60 * 1000;

/**
 * The operator's certificate and key when given (both are read and checked to belong together), else a self-signed
 * certificate kept in `<dataDir>/tls/` and reused across starts. It is made anew when missing, about to expire, or
 * not covering one of `hosts`.
 */
export async function loadOrCreateCertificate(opts: {
  dataDir: string;
  certFile?: string | undefined;
  keyFile?: string | undefined;
  hosts?: string[];
}): Promise<TlsMaterial> {
  if (opts.certFile && opts.keyFile) return readOperatorCertificate(path.resolve(opts.certFile), path.resolve(opts.keyFile));
  const dir = path.join(opts.dataDir, "tls");
  const certPath = path.join(dir, "cert.pem");
  const keyPath = path.join(dir, "key.pem");
  const hosts = [...new Set([...LOOPBACK, ...(opts.hosts ?? [])])];
  const existing = await readPair(certPath, keyPath);
  if (existing && covers(new X509Certificate(existing.cert), hosts)) return { ...existing, certPath, keyPath, generated: false };

  const now = new Date();
  const pems = await generate([{ name: "commonName", value: "Sprocket local API" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate: new Date(now.getTime() - 60_000),
    notAfterDate: new Date(now.getTime() + VALID_DAYS * 24 * 60 * 60 * 1000),
    // Self-signed and trusted directly (NODE_EXTRA_CA_CERTS), so it is its own CA.
    extensions: [
      { name: "basicConstraints", cA: true },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, keyCertSign: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames: hosts.map((h) => (isIP(h) ? { type: 7 as const, ip: h } : { type: 2 as const, value: h })) },
    ],
  });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(keyPath, pems.private, { mode: 0o600 });
  // writeFile's mode only applies to new files; an older key file keeps whatever it had.
  await chmod(keyPath, 0o600);
  await writeFile(certPath, pems.cert, { mode: 0o644 });
  return { cert: pems.cert, key: pems.private, certPath, keyPath, generated: true };
}

async function readPair(certPath: string, keyPath: string): Promise<{ cert: string; key: string } | undefined> {
  try {
    return { cert: await readFile(certPath, "utf8"), key: await readFile(keyPath, "utf8") };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}

function covers(x509: X509Certificate, hosts: string[]): boolean {
  if (new Date(x509.validTo).getTime() - Date.now() < RENEW_BEFORE_MS) return false;
  return hosts.every((h) => (isIP(h) ? x509.checkIP(h) : x509.checkHost(h)) !== undefined);
}

async function readOperatorCertificate(certPath: string, keyPath: string): Promise<TlsMaterial> {
  const read = (file: string, what: string) =>
    readFile(file, "utf8").catch((e: NodeJS.ErrnoException) => {
      throw new TlsError(`Cannot read the TLS ${what} ${file}: ${e.code === "ENOENT" ? "no such file" : e.message}`);
    });
  const cert = await read(certPath, "certificate");
  const key = await read(keyPath, "key");
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch {
    throw new TlsError(`The TLS certificate ${certPath} is not a PEM certificate.`);
  }
  let keyObject;
  try {
    keyObject = createPrivateKey(key);
  } catch {
    throw new TlsError(`The TLS key ${keyPath} is not an unencrypted PEM private key.`);
  }
  if (!x509.checkPrivateKey(keyObject)) throw new TlsError(`The TLS key ${keyPath} does not belong to the certificate ${certPath}.`);
  return { cert, key, certPath, keyPath, generated: false };
}
