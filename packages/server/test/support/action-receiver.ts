import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { Signature } from "@hubspot/api-client";
import { FIXTURES, deployProjectDir, type ProjectApi } from "./project-api";

export interface ReceivedExecution {
  url: string;
  headers: http.IncomingHttpHeaders;
  payload: Record<string, any>;
  /** Whether X-HubSpot-Signature-v3 checked out with the client secret, by @hubspot/api-client's own check. */
  signatureValid: boolean;
  status: number;
}

/**
 * An actionUrl on loopback, as an app's backend would be: it checks HubSpot's v3 signature with the app's client
 * secret (refusing with 401 when it does not hold), answers with the next status of `answers` (200 once they run out),
 * and on 200 returns `outputFields` with a job title made from the inputs.
 */
export class ActionReceiver {
  readonly received: ReceivedExecution[] = [];
  readonly answers: number[] = [];
  clientSecret = "";
  origin = "";
  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const signatureValid = Signature.isValid({
        signatureVersion: "v3",
        clientSecret: this.clientSecret,
        method: req.method!,
        url: `${this.origin}${req.url}`,
        requestBody: body,
        timestamp: Number(req.headers["x-hubspot-request-timestamp"]),
        signature: String(req.headers["x-hubspot-signature-v3"]),
      });
      const payload = JSON.parse(body) as Record<string, any>;
      const status = signatureValid ? (this.answers.shift() ?? 200) : 401;
      this.received.push({ url: req.url!, headers: req.headers, payload, signatureValid, status });
      if (status !== 200) return void res.writeHead(status).end(status === 401 ? "bad signature" : "try later");
      const { greeting, contactEmail } = payload.inputFields as Record<string, string>;
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ outputFields: { jobtitle: `${greeting} ${contactEmail ?? ""}`.trim() } }));
    });
  });

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  of(objectId: string | number): ReceivedExecution[] {
    return this.received.filter((r) => String(r.payload.object?.objectId) === String(objectId));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** Deploys `workflow-action-app` with its actionUrl pointed at `actionUrl`. */
export async function deployWorkflowActionApp(api: ProjectApi, actionUrl: string): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "sprocket-workflow-action-app-"));
  try {
    cpSync(path.join(FIXTURES, "workflow-action-app"), dir, { recursive: true });
    const config = path.join(dir, "src/app/workflow-actions/enrich-hsmeta.json");
    writeFileSync(config, readFileSync(config, "utf8").replace("https://actions.example.test/enrich", actionUrl));
    await deployProjectDir(api, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
