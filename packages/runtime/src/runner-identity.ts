import { chmodSync, chownSync, lchownSync, lstatSync, readdirSync } from "node:fs";
import path from "node:path";
import { RuntimeError } from "./runtime-error";

/**
 * Runners of different accounts run under different users, so one tenant's code cannot signal, trace or read another
 * tenant's runners (kill(2) and /proc across uids fail). An account's runners all run as uid = gid =
 * RUNNER_ID_BASE + account id: stable across nodes and restarts with no allocation table to share, and one account's
 * runners on every node are the same user, which a firewall's owner match can name (docs/security/runners.md).
 * 1,000,000,000 lies above system users (< 1000), regular users (1000–60000), nobody (65534) and the subordinate-uid
 * ranges container tools hand out (from 100,000 up, 65,536 per user), and keeps every uid below 2^31 so that no tool
 * reads it as negative. Account ids are below 100,000,000 (account-service.ts); any up to MAX_RUNNER_ACCOUNT_ID fit.
 */
export const RUNNER_ID_BASE = 1_000_000_000;
export const MAX_RUNNER_ACCOUNT_ID = 2 ** 31 - 1 - RUNNER_ID_BASE;

export interface RunnerIdentity {
  uid: number;
  gid: number;
}

export function runnerIdentity(accountId: number): RunnerIdentity {
  const id = RUNNER_ID_BASE + accountId;
  return { uid: id, gid: id };
}

const isRunnerId = (id: number) => id > RUNNER_ID_BASE && id <= RUNNER_ID_BASE + MAX_RUNNER_ACCOUNT_ID;

/**
 * Gives a build folder to its account's runner user: that user owns every entry, folders 0500 and files 0400, nothing
 * for group and others, so neither another account's runners nor other users of the host can read the bundles. The
 * folder itself is changed last, so a folder found already given was given whole. A folder another account's runners
 * own is refused, not taken over.
 */
export function giveBuildDir(dir: string, owner: RunnerIdentity): void {
  const top = lstatSync(dir);
  if (top.uid === owner.uid && top.gid === owner.gid && (top.mode & 0o777) === 0o500) return;
  if (isRunnerId(top.uid) && top.uid !== owner.uid) {
    throw new RuntimeError("INVALID_REQUEST", `build folder ${dir} belongs to another account's runners (uid ${top.uid})`);
  }
  const give = (entry: string, isDir: boolean) => {
    chownSync(entry, owner.uid, owner.gid);
    chmodSync(entry, isDir ? 0o500 : 0o400);
  };
  const walk = (folder: string) => {
    for (const item of readdirSync(folder, { withFileTypes: true })) {
      const entry = path.join(folder, item.name);
      // A link is not followed: it is the runner's permission model that decides what it may read through one.
      if (item.isSymbolicLink()) lchownSync(entry, owner.uid, owner.gid);
      else if (item.isDirectory()) {
        walk(entry);
        give(entry, true);
      } else give(entry, false);
    }
  };
  walk(dir);
  give(dir, true);
}
