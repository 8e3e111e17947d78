import { expect, it } from "vitest";
import { loadConfig, startServer } from "@sprocket/server";
import { createTestDatabase } from "../../server/test/support/test-database";
import { welcomeLines } from "../src/commands/server-start";

// F15 of the 2026-12 review: the bootstrap password and key were printed on every start, into journald or docker logs.
it("prints the demo account's password and key on the first start only, and later where they are kept", async () => {
  const db = await createTestDatabase();
  const env = { SPROCKET_LOG_LEVEL: "silent", ...(db.databaseUrl ? { SPROCKET_DATABASE_URL: db.databaseUrl } : {}) };
  const start = () => startServer(loadConfig({ port: 0, dataDir: db.dataDir }, env));
  try {
    const first = await start();
    const { password } = first.bootstrap.info.superAdmin;
    const key = first.bootstrap.info.personalAccessKey;
    const firstText = welcomeLines(first).join("\n");
    expect(firstText).toContain(password);
    expect(firstText).toContain(key);
    await first.close();

    const second = await start();
    const secondText = welcomeLines(second).join("\n");
    expect(secondText).not.toContain(password);
    expect(secondText).not.toContain(key);
    expect(secondText).toContain(`${db.dataDir}/bootstrap.json`);
    await second.close();
  } finally {
    await db.drop();
  }
});
