import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import { once } from "node:events";
import type { FastifyInstance } from "fastify";
import type { ServerConfig } from "./config";
import type { Clock, Platform } from "./platform";
import { createPlatform } from "./create-platform";
import { buildApp } from "./app";
import { ensureBootstrap, type BootstrapInfo, type BootstrapOptions } from "./bootstrap";
import { loadOrCreateCertificate } from "./tls/tls-certificate";
import { listenEndpointServer } from "./functions/endpoint-server";
import { makeDataDirPrivate } from "./store/private-data-dir";

export interface RunningServer {
  app: FastifyInstance;
  platform: Platform;
  url: string;
  /** Where public endpoint functions answer: their own listener, another origin than `url`. */
  functionsUrl: string;
  /** Set when `httpsPort` is: the same API over TLS, and the certificate clients must trust. */
  https?: { url: string; port: number; certPath: string; certGenerated: boolean };
  bootstrap: { info: BootstrapInfo; created: boolean };
  close(): Promise<void>;
}

/** Opens the store, migrates it, seeds the demo account on first start and listens. */
export async function startServer(
  config: ServerConfig,
  opts: { clock?: Clock; bootstrap?: BootstrapOptions } = {},
): Promise<RunningServer> {
  const platform = await createPlatform(config, opts);
  // Plain HTTP is redirected to the HTTPS listener once it listens (http/https-only.ts).
  let httpsPort: number | undefined;
  const app = await buildApp(platform, { httpsPort: () => httpsPort });
  await app.listen({ port: config.port, host: config.host }).catch(async (e: unknown) => {
    // A port in use: close what is open, so the process can exit with the error.
    await app.close().catch(() => undefined);
    await platform.close();
    throw e;
  });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host === "0.0.0.0" ? "127.0.0.1" : config.host;
  const url = config.publicUrl ?? `http://${host}:${port}`;
  const secure =
    config.httpsPort === undefined
      ? undefined
      : await listenHttps(app, config, host).catch(async (e: unknown) => {
          await app.close();
          await platform.close();
          throw e;
        });
  httpsPort = secure?.info.port;
  const endpoints = await listenEndpointServer(platform, app, host).catch(async (e: unknown) => {
    if (secure) await new Promise((resolve) => secure.server.close(resolve));
    await app.close();
    await platform.close();
    throw e;
  });
  // Functions' calls to the HubSpot API host come back to this very node over loopback.
  platform.addresses.listening({ api: `http://${host}:${port}`, functions: endpoints.url });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await endpoints.app.close();
    // Stops accepting and waits for in-flight requests (idle keep-alive sockets are closed at once).
    if (secure) await new Promise((resolve) => secure.server.close(resolve));
    // Fastify's close stops accepting connections and waits for in-flight requests before onClose hooks run.
    await app.close();
    await platform.close();
  };
  // A node whose job queue cannot start, or that cannot join its deployment (another secret key, say), stops instead
  // of listening half-started.
  const bootstrap = await platform
    .start()
    .then(() => ensureBootstrap(platform, url, opts.bootstrap))
    .catch(async (e: unknown) => {
      await close();
      throw e;
    });
  makeDataDirPrivate(config.dataDir);
  return { app, platform, url, functionsUrl: endpoints.url, ...(secure ? { https: secure.info } : {}), bootstrap, close };
}

/** A second listener over TLS, handing every request to the same Fastify router (URL rewriting included). */
async function listenHttps(
  app: FastifyInstance,
  config: ServerConfig,
  host: string,
): Promise<{ server: HttpsServer; info: NonNullable<RunningServer["https"]> }> {
  const specific = config.host !== "0.0.0.0" && config.host !== "::" ? [config.host] : [];
  const tls = await loadOrCreateCertificate({
    dataDir: config.dataDir,
    certFile: config.tlsCertFile,
    keyFile: config.tlsKeyFile,
    hosts: specific,
  });
  const server = createHttpsServer({ cert: tls.cert, key: tls.key }, app.routing);
  server.listen(config.httpsPort, config.host);
  await once(server, "listening");
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.httpsPort!;
  return { server, info: { url: `https://${host}:${port}`, port, certPath: tls.certPath, certGenerated: tls.generated } };
}
