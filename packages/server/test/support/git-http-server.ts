import { execFileSync, spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import fs from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

/** A smart-HTTP git server on loopback (git http-backend behind node:http) serving the bare repositories in `root`. */
export interface GitHttpServer {
  /** `http://127.0.0.1:<port>`; a repository is `${url}/<name>.git`. */
  url: string;
  port: number;
  /** The path of every request it answered, so a test can tell whether the server was reached at all. */
  requests: string[];
  close(): Promise<void>;
}

export async function startGitHttpServer(root: string): Promise<GitHttpServer> {
  const requests: string[] = [];
  // Fixed now, so a test that puts a wrapper `git` on PATH for the server under test does not wrap this one.
  const PATH = process.env.PATH;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://git.test");
    requests.push(url.pathname);
    const cgi = spawn("git", ["http-backend"], {
      env: {
        PATH,
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: "1",
        GIT_CONFIG_NOSYSTEM: "1",
        GIT_CONFIG_GLOBAL: "/dev/null",
        REQUEST_METHOD: req.method ?? "GET",
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: req.headers["content-type"] ?? "",
        REMOTE_ADDR: "127.0.0.1",
        ...(req.headers["content-encoding"] ? { HTTP_CONTENT_ENCODING: String(req.headers["content-encoding"]) } : {}),
        ...(req.headers["git-protocol"] ? { GIT_PROTOCOL: String(req.headers["git-protocol"]) } : {}),
      },
    });
    req.pipe(cgi.stdin);
    const out: Buffer[] = [];
    cgi.stdout.on("data", (c: Buffer) => out.push(c));
    cgi.on("close", () => {
      const all = Buffer.concat(out);
      const split = all.indexOf("\r\n\r\n");
      const head = all.subarray(0, split).toString("latin1");
      let status = 200;
      for (const line of head.split("\r\n")) {
        const [name, ...rest] = line.split(":");
        const value = rest.join(":").trim();
        if (name!.toLowerCase() === "status") status = Number(value.split(" ")[0]);
        else if (name) res.setHeader(name, value);
      }
      res.writeHead(status);
      res.end(all.subarray(split + 4));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", ["-c", "user.name=Ada Lovelace", "-c", "user.email=ada@example.com", ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null" },
  }).trim();

/**
 * Makes `<root>/<name>.git` from a working tree: `files` (path → content) and `links` (path → symbolic link target),
 * committed on main with `message`. Returns the commit's hash; the bare repository serves any commit by hash.
 */
export function commitRepository(
  root: string,
  name: string,
  tree: { files: Record<string, string>; links?: Record<string, string>; from?: string },
  message = "First version",
): string {
  const work = fs.mkdtempSync(path.join(root, `${name}-work-`));
  if (tree.from) fs.cpSync(tree.from, work, { recursive: true });
  for (const [file, content] of Object.entries(tree.files)) {
    fs.mkdirSync(path.dirname(path.join(work, file)), { recursive: true });
    fs.writeFileSync(path.join(work, file), content);
  }
  for (const [file, target] of Object.entries(tree.links ?? {})) {
    fs.mkdirSync(path.dirname(path.join(work, file)), { recursive: true });
    fs.symlinkSync(target, path.join(work, file));
  }
  const bare = path.join(root, `${name}.git`);
  if (!fs.existsSync(bare)) {
    git(root, "init", "-q", "--bare", bare);
    git(bare, "config", "uploadpack.allowAnySHA1InWant", "true");
  }
  git(work, "init", "-q", "-b", "main");
  git(work, "add", "-A");
  git(work, "commit", "-q", "-m", message);
  git(work, "push", "-q", "-f", bare, "main");
  const commit = git(work, "rev-parse", "HEAD");
  fs.rmSync(work, { recursive: true, force: true });
  return commit;
}

/** A server that answers every request with a redirect to `target` + the request's path. */
export async function startRedirectServer(target: string): Promise<GitHttpServer> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? "/");
    res.writeHead(301, { location: `${target}${(req.url ?? "/").replace(/^\/[^/?]+/, "")}` }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, port, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A GitHub-format push event for `commit` on main, and its X-Hub-Signature-256 header for `secret`. */
export function signedPush(commit: string, secret: string): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify({
    ref: "refs/heads/main",
    after: commit,
    repository: { name: "repo", owner: { login: "acme" } },
    head_commit: { id: commit, message: "push" },
  });
  const signature = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
  return { body, headers: { "content-type": "application/json", "x-github-event": "push", "x-hub-signature-256": signature } };
}
