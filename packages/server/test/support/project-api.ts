import { readFileSync } from "node:fs";
import path from "node:path";
import { hubspotUploadIgnore, zipDirectory } from "@sprocket/builder";
import { PROJECTS_DIR } from "../../../../fixtures/paths";

export const FIXTURES = PROJECTS_DIR;

export { SHARED_DEPS_CACHE } from "../../../../fixtures/paths";

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: any;
}

/** A developer client over real HTTP: exchanges the key once, then calls with the bearer token. */
export class ProjectApi {
  private token: string | undefined;
  constructor(
    readonly baseUrl: string,
    private readonly personalAccessKey: string,
  ) {}

  async bearer(): Promise<string> {
    if (!this.token) {
      const res = await fetch(`${this.baseUrl}/localdevauth/v1/auth/refresh`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ encodedOAuthRefreshToken: this.personalAccessKey }),
      });
      this.token = ((await res.json()) as { oauthAccessToken: string }).oauthAccessToken;
    }
    return this.token;
  }

  async call(
    method: string,
    url: string,
    opts: { body?: unknown; form?: FormData; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse> {
    const headers: Record<string, string> = { authorization: `Bearer ${await this.bearer()}`, ...opts.headers };
    let body: string | FormData | undefined;
    if (opts.form) body = opts.form;
    else if (opts.body !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(opts.body);
    }
    const res = await fetch(this.baseUrl + url, { method, headers, ...(body !== undefined ? { body } : {}) });
    const type = res.headers.get("content-type") ?? "";
    const parsed = type.includes("json") ? await res.json() : Buffer.from(await res.arrayBuffer());
    return { status: res.status, headers: res.headers, body: parsed };
  }

  /** `hs project upload` for platform versions before 2025.2: the zip and the form fields. */
  upload(
    name: string,
    zip: Buffer,
    fields: { platformVersion: string | undefined; uploadMessage?: string; skipAutoDeploy?: boolean },
  ): Promise<ApiResponse> {
    const form = new FormData();
    form.set("file", new Blob([new Uint8Array(zip)], { type: "application/zip" }), "project.zip");
    // HubSpot's CLI leaves the field out when hsproject.json names no platform version.
    if (fields.platformVersion !== undefined) form.set("platformVersion", fields.platformVersion);
    form.set("uploadMessage", fields.uploadMessage ?? "");
    if (fields.skipAutoDeploy) form.set("skipAutoDeploy", "true");
    return this.call("POST", `/dfs/v1/projects/upload/${encodeURIComponent(name)}`, { form });
  }

  async waitForBuild(name: string, buildId: number, timeoutMs = 180_000): Promise<any> {
    return this.poll(`/dfs/v1/projects/${encodeURIComponent(name)}/builds/${buildId}/status`, timeoutMs);
  }

  async waitForDeploy(name: string, deployId: number, timeoutMs = 60_000): Promise<any> {
    return this.poll(`/dfs/deploy/v1/deploy-status/projects/${encodeURIComponent(name)}/deploys/${deployId}`, timeoutMs);
  }

  private async poll(url: string, timeoutMs: number): Promise<any> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const res = await this.call("GET", url);
      if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${JSON.stringify(res.body)}`);
      if (res.body.status === "SUCCESS" || res.body.status === "FAILURE") return res.body;
      if (Date.now() > until) throw new Error(`${url} still ${res.body.status} after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** The contents of a fixture's srcDir, zipped as HubSpot's CLI uploads it. */
export function zipFixtureSource(fixture: string): Promise<Buffer> {
  return zipDirectory(path.join(FIXTURES, fixture, "src"), { ignore: hubspotUploadIgnore });
}

/** Uploads a project folder (with hsproject.json) as HubSpot's CLI does and waits until its build is live. */
export async function deployProjectDir(api: ProjectApi, dir: string): Promise<{ buildId: number }> {
  const config = JSON.parse(readFileSync(path.join(dir, "hsproject.json"), "utf8")) as {
    name: string;
    srcDir: string;
    platformVersion: string;
  };
  const existing = await api.call("GET", `/developer/projects/v1/by-name/${encodeURIComponent(config.name)}`);
  if (existing.status === 404) await api.call("POST", "/developer/projects/v1", { body: { name: config.name } });
  const zip = await zipDirectory(path.join(dir, config.srcDir), { ignore: hubspotUploadIgnore });
  const upload = await api.upload(config.name, zip, { platformVersion: config.platformVersion });
  if (typeof upload.body?.buildId !== "number") throw new Error(`Upload of ${config.name} refused: ${JSON.stringify(upload.body)}`);
  const build = await api.waitForBuild(config.name, upload.body.buildId);
  if (build.status !== "SUCCESS") throw new Error(`Build of ${config.name} failed: ${JSON.stringify(build)}`);
  const deploy = await api.waitForDeploy(config.name, Number(build.deployStatusTaskLocator.id));
  if (deploy.status !== "SUCCESS") throw new Error(`Deploy of ${config.name} failed: ${JSON.stringify(deploy)}`);
  return { buildId: upload.body.buildId };
}
