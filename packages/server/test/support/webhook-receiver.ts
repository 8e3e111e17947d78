import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { FIXTURES, deployProjectDir, type ProjectApi } from "./project-api";

/**
 * How long a suite waits for a delivery: deliveries go out from the queue after the write commits, and retries after
 * their back-off, so vi.waitFor's default second is too short on a CI machine with both cores taken (a retry landed
 * 1.4 s after its first try).
 */
export const DELIVERED = { timeout: 15_000 } as const;

export interface ReceivedDelivery {
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  events: Array<Record<string, any>>;
  /** What the receiver answered. */
  status: number;
}

/**
 * A webhook target on loopback: records every request, answers with the next status of `answers` (200 once they run
 * out), and holds requests while `hold` is set, counting how many are in flight at once.
 */
export class WebhookReceiver {
  readonly received: ReceivedDelivery[] = [];
  readonly answers: number[] = [];
  hold = false;
  inFlight = 0;
  maxInFlight = 0;
  private readonly held: Array<() => void> = [];
  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const answer = () => {
        const body = Buffer.concat(chunks).toString("utf8");
        const status = this.answers.shift() ?? 200;
        this.received.push({ url: req.url!, headers: req.headers, body, events: JSON.parse(body), status });
        this.inFlight--;
        res.writeHead(status).end(status === 200 ? "" : "try later");
      };
      if (this.hold) this.held.push(answer);
      else answer();
    });
  });
  origin = "";

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  heldCount(): number {
    return this.held.length;
  }

  release(): void {
    this.hold = false;
    for (const answer of this.held.splice(0)) answer();
  }

  events(): Array<Record<string, any>> {
    return this.received.flatMap((r) => r.events);
  }

  async close(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

const WEBHOOK_FIXTURES = {
  "webhooks-app": { file: "src/app/webhooks/webhooks-hsmeta.json", appUid: "webhooks-app" },
  "webhooks-legacy": { file: "src/app/webhooks/webhooks.json", appUid: "webhooks-legacy-app" },
  "public-app-getting-started": { file: "src/app/webhooks/webhooks.json", appUid: "getting-started-public-app" },
};

/** Deploys a webhooks fixture with its targetUrl pointed at `targetUrl`; answers the deployed app's id. */
export async function deployWebhooksApp(
  api: ProjectApi,
  targetUrl: string,
  findAppId: (uid: string) => Promise<number>,
  fixture: keyof typeof WEBHOOK_FIXTURES = "webhooks-app",
): Promise<number> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "sprocket-webhooks-app-"));
  const { file, appUid } = WEBHOOK_FIXTURES[fixture];
  try {
    cpSync(path.join(FIXTURES, fixture), dir, { recursive: true });
    const config = path.join(dir, file);
    writeFileSync(config, readFileSync(config, "utf8").replace(/https:\/\/hooks\.example\.test\/\w+/, targetUrl));
    await deployProjectDir(api, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return findAppId(appUid);
}
