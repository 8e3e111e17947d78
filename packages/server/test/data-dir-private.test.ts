import fs from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { loadConfig, startServer } from "../src/index";
import { createTestDatabase, testEngine } from "./support/test-database";

// F15 of the 2026-12 review: sprocket.db and its -wal and -shm were 0644 in a 0755 folder.
const mode = (file: string) => (fs.statSync(file).mode & 0o777).toString(8);

/** Every folder and file under the data dir (bar the build scratch and dependency cache) with its mode. */
function modes(dataDir: string): Record<string, string> {
  const out: Record<string, string> = { ".": mode(dataDir) };
  for (const entry of fs.readdirSync(dataDir, { recursive: true, withFileTypes: true })) {
    const full = path.join(entry.parentPath, entry.name);
    const relative = path.relative(dataDir, full);
    if (/^(cache|work)(\/|$)/.test(relative)) continue;
    out[relative] = mode(full);
  }
  return out;
}

it("keeps the data dir 0700 and every file in it 0600 under a 0022 umask, and closes up what an older start left open", async () => {
  const db = await createTestDatabase();
  const env = { SPROCKET_LOG_LEVEL: "silent", ...(db.databaseUrl ? { SPROCKET_DATABASE_URL: db.databaseUrl } : {}) };
  const start = () => startServer(loadConfig({ port: 0, dataDir: db.dataDir }, env));
  const previous = process.umask(0o022);
  try {
    const first = await start();
    const files = [
      "secret.key",
      "bootstrap.json",
      ...(testEngine === "sqlite" ? ["sprocket.db", "sprocket.db-wal", "sprocket.db-shm", "sprocket-logs.db"] : []),
    ];
    for (const file of files) expect(fs.existsSync(path.join(db.dataDir, file)), file).toBe(true);
    expect(
      Object.entries(modes(db.dataDir)).filter(
        ([name, m]) => m !== (name === "." || fs.statSync(path.join(db.dataDir, name)).isDirectory() ? "700" : "600"),
      ),
    ).toEqual([]);
    await first.close();

    // As an older version left it: everything readable by anyone.
    fs.chmodSync(db.dataDir, 0o755);
    for (const file of files) if (fs.existsSync(path.join(db.dataDir, file))) fs.chmodSync(path.join(db.dataDir, file), 0o644);
    fs.mkdirSync(path.join(db.dataDir, "tls"), { mode: 0o755 });
    fs.writeFileSync(path.join(db.dataDir, "tls", "cert.pem"), "-", { mode: 0o644 });

    const second = await start();
    expect(second.bootstrap.created).toBe(false);
    const after = modes(db.dataDir);
    expect(after["."]).toBe("700");
    expect(after.tls).toBe("700");
    expect(Object.entries(after).filter(([name, m]) => name !== "." && name !== "tls" && m !== "600")).toEqual([]);
    await second.close();
  } finally {
    process.umask(previous);
    await db.drop();
  }
});
