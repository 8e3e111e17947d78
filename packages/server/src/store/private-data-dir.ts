import fs from "node:fs";
import path from "node:path";

// Folders under the data dir that are not private data: build scratch and the npm dependency cache, which a build
// running under its own uid must reach when they are configured there (see projects/build-settings.ts).
const NOT_PRIVATE = new Set(["cache", "work"]);

/**
 * Makes the data dir private to the server's user, whatever the umask (F15 of the 2026-12 review): the folder and its
 * folders 0700, every file 0600 (the SQLite database and its -wal and -shm, secret.key, bootstrap.json, tls/). Files
 * made before this ran (an older version, a 0022 umask) are fixed too. SQLite gives the -wal and -shm files it
 * creates later the database file's own mode, so they stay 0600.
 */
export function makeDataDirPrivate(dataDir: string): void {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const walk = (dir: string) => {
    fs.chmodSync(dir, 0o700);
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!(dir === dataDir && NOT_PRIVATE.has(entry.name))) walk(full);
      } else if (entry.isFile()) fs.chmodSync(full, 0o600);
    }
  };
  walk(dataDir);
}
