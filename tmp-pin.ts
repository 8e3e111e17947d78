import { startGitHttpServer, commitRepository } from "/work/wt/git/packages/server/test/support/git-http-server";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
const root = fs.mkdtempSync("/tmp/pintest/r-");
const s = await startGitHttpServer(root);
commitRepository(root, "x", { files: { a: "b" } });
for (const cfg of [[], ["-c", `http.curloptResolve=git.nowhere.invalid:${s.port}:127.0.0.1`]]) {
  try { console.log(execFileSync("git", [...cfg, "ls-remote", `http://git.nowhere.invalid:${s.port}/x.git`], { encoding: "utf8", stdio: "pipe" })); } catch (e: any) { console.log("ERR", e.stderr.trim()); }
}
await s.close();
