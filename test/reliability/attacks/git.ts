import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { readZipEntries } from "@sprocket/builder";
import { ProjectApi } from "../../../packages/server/test/support/project-api";
import { commitRepository, signedPush, startGitHttpServer } from "../../../packages/server/test/support/git-http-server";
import { check, type ReliabilityCase } from "../case";
import type { World } from "../world";

const SECRET = "0123456789abcdef-webhook";

/**
 * Boundary: the server host, reached through git-linked builds. Enforced by projects/git-remote.ts and git-address.ts
 * (transports, resolved addresses, pinning), projects/git-source.ts (git's environment, core.symlinks=false, srcDir
 * inside the checkout) and builder/src/zip-project.ts (no link is ever followed into the source zip).
 */
export const gitAttacks: Array<ReliabilityCase<World>> = [
  {
    name: "F14: B cannot link a project to a loopback, private or metadata host, or to file://, ssh:// or ext::",
    run: async (w) => {
      const api = new ProjectApi(w.server.url, w.b.personalAccessKey);
      const name = `ssrf-${Date.now()}`;
      await api.call("POST", "/developer/projects/v1", { body: { name } });
      const urls = [
        "git://127.0.0.1:9419/evil.git",
        "http://localhost/evil.git",
        "https://10.0.0.5/evil.git",
        "http://169.254.169.254/latest/meta-data.git",
        "https://[::ffff:127.0.0.1]/evil.git",
        "file:///etc",
        "ssh://git@github.com/acme/app.git",
        "ext::sh -c id",
      ];
      const through: string[] = [];
      for (const repositoryUrl of urls) {
        const res = await api.call("PUT", `/developer/projects/v1/${name}/source-integration`, {
          body: { repositoryUrl, branch: "main", webhookSecret: SECRET },
        });
        if (res.status !== 400) through.push(`${repositoryUrl} → ${res.status}`);
      }
      check(through.length === 0, `linked: ${through.join(", ")}`);
      return `${urls.length} URLs refused with 400`;
    },
  },
  {
    name: "F3: B's repository with srcDir a symbolic link to a host folder gets no host file into its archive",
    run: async (w) => {
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sprocket-attack-git-"));
      const hostDir = path.join(tmp, "host-only");
      fs.mkdirSync(hostDir, { mode: 0o700 });
      const hostSecret = `root-only-secret-${Date.now()}`;
      fs.writeFileSync(path.join(hostDir, "id_rsa"), hostSecret, { mode: 0o600 });
      const repos = path.join(tmp, "repos");
      fs.mkdirSync(repos);
      const gitServer = await startGitHttpServer(repos);
      // The repository is on loopback, which an operator allows for an internal git server; the attack is the same
      // from any allowed host.
      const config = w.server.platform.config;
      const allowed = config.gitPrivateHosts;
      config.gitPrivateHosts = ["localhost"];
      try {
        const commit = commitRepository(repos, "evil", {
          files: { "hsproject.json": JSON.stringify({ name: "gitproj", srcDir: "src", platformVersion: "2025.1" }) },
          links: { src: hostDir },
        });
        const api = new ProjectApi(w.server.url, w.b.personalAccessKey);
        const name = `gitproj-${Date.now()}`;
        await api.call("POST", "/developer/projects/v1", { body: { name } });
        const link = await api.call("PUT", `/developer/projects/v1/${name}/source-integration`, {
          body: { repositoryUrl: `http://localhost:${gitServer.port}/evil.git`, branch: "main", webhookSecret: SECRET },
        });
        check(link.status === 200, `link: ${link.status} ${JSON.stringify(link.body)}`);
        const push = signedPush(commit, SECRET);
        const { buildId } = (await (
          await fetch(link.body.webhookUrl, { method: "POST", headers: push.headers, body: push.body })
        ).json()) as { buildId: number };
        const build = await api.waitForBuild(name, buildId);
        const archive = await api.call("GET", `/dfs/v1/projects/${name}/builds/${buildId}/archive-full`);
        const files = Buffer.isBuffer(archive.body) ? [...(await readZipEntries(archive.body)).entries()] : [];
        const leaked = files.filter(([, content]) => content.toString().includes(hostSecret)).map(([file]) => file);
        check(
          leaked.length === 0 && !JSON.stringify(archive.body).includes(hostSecret),
          `archive-full (${archive.status}) carries the host file: ${leaked.join(", ")}`,
        );
        check(build.status === "FAILURE", `build ${build.status}`);
        return `build FAILURE (${build.subbuildStatuses[0]?.errorMessage}); archive-full ${archive.status} without the host file`;
      } finally {
        config.gitPrivateHosts = allowed;
        await gitServer.close();
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    },
  },
];
