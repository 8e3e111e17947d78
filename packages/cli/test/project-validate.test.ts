import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURES } from "../../server/test/support/project-api";
import { startTestServer, type TestServer } from "../../server/test/support/test-server";
import { runCli, runInProcess } from "./run-cli";

let server: TestServer;
let work: string;
let env: NodeJS.ProcessEnv;
let signedOut: NodeJS.ProcessEnv;

beforeAll(async () => {
  server = await startTestServer();
  work = fs.mkdtempSync(path.join(os.tmpdir(), "sprocket-cli-validate-"));
  env = { SPROCKET_CONFIG_PATH: path.join(work, "config.yml") };
  signedOut = { SPROCKET_CONFIG_PATH: path.join(work, "nobody.yml") };
  const auth = await runInProcess(
    ["auth", "--server", server.url, "--personal-access-key", server.bootstrap.info.personalAccessKey, "--name", "demo"],
    env,
  );
  expect(auth.code).toBe(0);
});
afterAll(async () => {
  await server.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

const validate = (fixture: string, ...args: string[]) => runInProcess(["project", "validate", path.join(FIXTURES, fixture), ...args], env);
const db = () => server.platform.store.db;

describe("sprocket project validate: what a build would refuse or a card would trip over, before an upload", () => {
  it("passes the seed project with nothing to say", async () => {
    const res = await validate("seed-example");
    expect(res.stdout).toBe("✔ seed-example is valid (1 app(s), platform 2023.2).\n");
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
  });

  it("warns that the seed guide's hidden .functions folder is not uploaded, and that the card's function is then undefined", async () => {
    const res = await validate("hidden-functions-folder");
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(
      'src/app/.functions:1:1 warning FOLDER_HIDDEN src/app/.functions is hidden (its name starts with "."), so uploads leave it out',
    );
    expect(res.stdout).toContain("hint: Rename it to src/app/app.functions;");
    expect(res.stdout).toMatch(/src\/app\/extensions\/Example\.jsx:15:38 warning CARD_FUNCTION_UNKNOWN the card calls function 'myFunc'/);
    expect(res.stdout).toContain("0 errors, 2 warnings");
  });

  it("fails on a card that does not compile, at its file, line and column, with the line and a caret", async () => {
    const res = await validate("card-syntax-error");
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('src/app/extensions/Example.jsx:15:69 error SOURCE_COMPILE_ERROR Expected "}" but found ")"');
    expect(res.stdout).toContain(' 15 |     const result = await run({ name: "myFunc", parameters: { text } );');
    expect(res.stdout).toMatch(/\n {4}\| {69}\^\n/);
    expect(res.stdout).toContain("1 error, 0 warnings");
  });

  it("fails on a function that does not compile, in --json with the stable code and position", async () => {
    const res = await validate("function-syntax-error", "--json");
    expect(res.code).toBe(1);
    expect(JSON.parse(res.stdout)).toEqual({
      ok: false,
      errors: 1,
      warnings: 0,
      diagnostics: [
        expect.objectContaining({
          severity: "error",
          code: "SOURCE_COMPILE_ERROR",
          file: "src/app/app.functions/example-function.js",
          line: 3,
          column: 36,
          message: 'Expected "}" but found ";"',
        }),
      ],
    });
  });

  it("warns about a card calling a function name its app does not define, naming the ones it does", async () => {
    const res = await validate("card-calls-unknown-function");
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(
      "src/app/extensions/Example.jsx:15:38 warning CARD_FUNCTION_UNKNOWN the card calls function 'myFunction', which its app does not define",
    );
    expect(res.stdout).toContain("The app defines 'myFunc'");
  });

  it("warns about a declared secret the account lacks, and stops once the account has it", async () => {
    const before = await validate("missing-secret");
    expect(before.code).toBe(0);
    expect(before.stdout).toContain(
      "src/app/app.functions/serverless.json:7:19 warning FUNCTION_SECRET_MISSING function 'myFunc' declares secret 'GREETING_PREFIX'",
    );
    expect(before.stdout).toContain("sprocket secrets add GREETING_PREFIX");
    expect((await runCli(["secrets", "add", "GREETING_PREFIX"], env, "Hello!\n")).code).toBe(0);
    const after = await validate("missing-secret");
    expect(after.stdout).toBe("✔ missing-secret is valid (1 app(s), platform 2023.2).\n");
    expect(after.stderr).toBe("");
  });

  it("skips the secrets check with a note when not signed in, and still checks the rest", async () => {
    const res = await runInProcess(["project", "validate", path.join(FIXTURES, "missing-secret"), "--json"], signedOut);
    expect(res.code).toBe(0);
    expect(res.stderr).toContain("Secrets not checked against the account: Not signed in.");
    expect(JSON.parse(res.stdout)).toMatchObject({ ok: true, errors: 0, warnings: 0 });
  });
});

describe("sprocket project upload runs the same checks", () => {
  it("refuses a card that does not compile and uploads nothing", async () => {
    const res = await runInProcess(["project", "upload", path.join(FIXTURES, "card-syntax-error")], env);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("src/app/extensions/Example.jsx:15:69 error SOURCE_COMPILE_ERROR");
    expect(res.stderr).toContain("nothing was uploaded");
    const projects = await db().selectFrom("projects").select("name").execute();
    expect(projects.map((p) => p.name)).not.toContain("card-syntax-error");
  });

  it("uploads the hidden-folder project with the warnings, and the server builds the app without the function, as HubSpot does", async () => {
    const res = await runInProcess(["project", "upload", path.join(FIXTURES, "hidden-functions-folder")], env);
    expect(res.code).toBe(0);
    expect(res.stderr).toContain("src/app/.functions:1:1 warning FOLDER_HIDDEN");
    expect(res.stderr).toContain("warning CARD_FUNCTION_UNKNOWN");
    expect(res.stdout).toContain("Deployed build #1");
    const app = await db()
      .selectFrom("private_apps")
      .select(["id"])
      .where("uid", "=", "unique-app-name")
      .where("deleted_at", "is", null)
      .executeTakeFirstOrThrow();
    const components = await db().selectFrom("app_components").select(["kind", "name"]).where("app_id", "=", app.id).execute();
    expect(components).toEqual([{ kind: "card", name: "example-card" }]);
  });
});
