import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { createTestDatabase, type TestDatabase } from "../../../packages/server/test/support/test-database";
import { spawnServer, type ServerProcess } from "../../../packages/server/test/support/server-process";
import type { TestHooks } from "../../../packages/server/src/config";
import { ProjectApi, SHARED_DEPS_CACHE } from "../../../packages/server/test/support/project-api";

/**
 * A free port below the OS's ephemeral range (32768 and up on Linux), where other suites' `freePort()` picks theirs:
 * a suite that restarts a server on its port leaves it free in between, and a node must not take it then.
 */
async function clusterPort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    const free = await new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once("error", () => resolve(false));
      s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

export const REDIS_URL = process.env.SPROCKET_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

export interface ClusterNode {
  name: string;
  dataDir: string;
  server: ServerProcess;
  api: ProjectApi;
  url: string;
}

/**
 * Nodes of one deployment on loopback: real `sprocket server start` processes, each with a data dir of its own, over
 * one fresh PostgreSQL database and one Redis (keys under a prefix unique to this run), with one secret key.
 */
export class Cluster {
  readonly nodes: ClusterNode[] = [];
  private readonly env: NodeJS.ProcessEnv;

  private constructor(readonly db: TestDatabase) {
    this.env = {
      SPROCKET_LOG_LEVEL: "warn",
      SPROCKET_DEPS_CACHE_DIR: SHARED_DEPS_CACHE,
      SPROCKET_DATABASE_URL: db.databaseUrl,
      SPROCKET_REDIS_URL: REDIS_URL,
      SPROCKET_REDIS_PREFIX: `sprocket-test-${randomBytes(6).toString("hex")}`,
      SPROCKET_SECRET_KEY: randomBytes(32).toString("hex"),
    };
  }

  /** Where the deployment's Redis keys and channels live: `<prefix>:events:deploys` and so on. */
  get redisPrefix(): string {
    return this.env.SPROCKET_REDIS_PREFIX!;
  }

  static async create(): Promise<Cluster> {
    const db = await createTestDatabase();
    if (!db.databaseUrl) throw new Error("A cluster needs PostgreSQL: run it under the postgres vitest project.");
    return new Cluster(db);
  }

  /** Starts nodes together (so their first-start bootstraps race, as they would in production). */
  async start(names: string[], env: NodeJS.ProcessEnv = {}, testHooks?: TestHooks): Promise<ClusterNode[]> {
    return Promise.all(
      names.map(async (name) => {
        const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `sprocket-${name}-`));
        const server = await spawnServer({
          port: await clusterPort(),
          dataDir,
          env: { ...this.env, ...env },
          ...(testHooks && { testHooks }),
        }).catch((e: unknown) => {
          fs.rmSync(dataDir, { recursive: true, force: true });
          throw e;
        });
        const node: ClusterNode = {
          name,
          dataDir,
          server,
          url: server.url,
          api: new ProjectApi(server.url, bootstrapInfo(dataDir).personalAccessKey),
        };
        this.nodes.push(node);
        return node;
      }),
    );
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.nodes.map((n) =>
        n.server.child.exitCode === null && n.server.child.signalCode === null ? n.server.kill("SIGTERM") : undefined,
      ),
    );
    for (const n of this.nodes) fs.rmSync(n.dataDir, { recursive: true, force: true });
    await this.db.drop();
  }
}

/**
 * The pids of a node's function runners for one app's build, found by its unpacked folder in their command line
 * (`sprocket-functions-<hash of the data dir>/<account>-<app>-<build>`, see functions/build-files.ts).
 */
export function runnersOf(node: ClusterNode, build: { accountId: number; appId: number; buildId: number }): number[] {
  const tag = createHash("sha256").update(node.dataDir).digest("hex").slice(0, 12);
  // cmdline separates arguments with NUL: the folder ends there, so build 1 does not match build 12.
  const marker = `sprocket-functions-${tag}${path.sep}${build.accountId}-${build.appId}-${build.buildId}\0`;
  return fs
    .readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .filter((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(marker);
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}

export const alive = (pids: number[]) =>
  pids.filter((pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  });

export const bootstrapInfo = (dataDir: string) =>
  JSON.parse(fs.readFileSync(path.join(dataDir, "bootstrap.json"), "utf8")) as {
    accountId: number;
    personalAccessKey: string;
    superAdmin: { email: string; password: string };
  };

/** `logs --follow` as the CLI does it: the server-sent event stream, read as it arrives. */
export async function followLogs(
  api: ProjectApi,
  query: string,
): Promise<{ next(match: (e: { event: string; data: any }) => boolean): Promise<{ event: string; data: any }>; close(): void }> {
  const controller = new AbortController();
  const res = await fetch(`${api.baseUrl}/api/v1/logs/stream?${query}`, {
    headers: { authorization: `Bearer ${await api.bearer()}` },
    signal: controller.signal,
  });
  if (res.status !== 200 || !res.body) throw new Error(`log stream: ${res.status} ${await res.text()}`);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  const first = await reader.read();
  buffer += first.value ?? "";
  if (!buffer.startsWith(": following")) throw new Error(`log stream did not start with its comment: ${buffer}`);
  return {
    async next(match) {
      for (;;) {
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) {
            const parsed = { event, data: JSON.parse(data) };
            if (match(parsed)) return parsed;
          }
        }
        const chunk = await reader.read();
        if (chunk.done) throw new Error("the log stream ended");
        buffer += chunk.value;
      }
    },
    close: () => controller.abort(),
  };
}
