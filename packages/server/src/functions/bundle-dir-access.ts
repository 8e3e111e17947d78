import fs from "node:fs";
import path from "node:path";

/** The uid and gid a function runner runs under. */
export interface RunnerIdentity {
  uid: number;
  gid: number;
}

/**
 * Who runs functions when the server runs as root and the runner pool is given no identity: the runtime's default
 * (packages/runtime/src/runner-pool.ts). Undefined when the server is not root: runners keep the server's own user.
 */
export function defaultRunnerIdentity(): RunnerIdentity | undefined {
  return process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined;
}

/**
 * Makes an unpacked bundle folder readable by one runner identity and nobody else but the server (F15 of the 2026-12
 * review: the function cache was 0755/0644, every tenant's bundles readable by any local user). The server keeps
 * ownership; the folder gets the runner's group: folders 0750, files 0640. With no identity (the server is not root and
 * runners run as its own user), folders 0700 and files 0600. Call it again with another identity to hand the folder to
 * it (a runtime giving each account a uid of its own calls it with that account's identity before spawning).
 */
export function grantBundleDirTo(dir: string, runAs: RunnerIdentity | undefined): void {
  const owner = process.getuid?.() ?? -1;
  const walk = (target: string, isDir: boolean) => {
    if (runAs) fs.lchownSync(target, owner, runAs.gid);
    fs.chmodSync(target, isDir ? (runAs ? 0o750 : 0o700) : runAs ? 0o640 : 0o600);
    if (!isDir) return;
    for (const entry of fs.readdirSync(target, { withFileTypes: true })) {
      if (entry.isDirectory() || entry.isFile()) walk(path.join(target, entry.name), entry.isDirectory());
    }
  };
  walk(dir, true);
}
