// Issue #23 item 8: the CLI behaves in a pipe (no colour codes, no spinner frames, plain progress lines) and on a
// terminal that reports 0 columns (some CI runners' and editor consoles' pseudo-terminals), where ora's redraw used to
// loop for ever. The terminal is a real pseudo-terminal made by util-linux `script`, sized to 0 columns with stty.
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../server/test/support/test-server";
import { FIXTURES } from "../../server/test/support/project-api";
import { runCli, type CliResult } from "./run-cli";

const BIN = path.resolve(import.meta.dirname, "../bin/sprocket.js");
/** Braille spinner frames (ora's "dots"); any escape sequence; one that is not a colour (moving or hiding the cursor). */
const SPINNER = /[\u2800-\u28ff]/;
const ESCAPE = /\u001b/;
const NOT_COLOUR = /\u001b(?!\[[0-9;]*m)/;

let server: TestServer;
let work: string;
/** No colour setting (what the CLI prints is its own choice), and CI set, which alone makes picocolors colour a pipe. */
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  server = await startTestServer();
  work = fs.mkdtempSync(path.join(os.tmpdir(), "sprocket-cli-terminal-"));
  env = {
    SPROCKET_CONFIG_PATH: path.join(work, "config.yml"),
    NO_COLOR: undefined,
    FORCE_COLOR: undefined,
    CI: "1",
    TERM: "xterm-256color",
  };
  const auth = await runCli(
    ["auth", "--server", server.url, "--personal-access-key", server.bootstrap.info.personalAccessKey, "--name", "demo"],
    env,
  );
  expect(auth.code, auth.stderr).toBe(0);
});
afterAll(async () => {
  await server.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

/**
 * Runs the binary in a pseudo-terminal of 0 columns (the first line of output is `stty size`, to show it); standard
 * output and error both arrive as the terminal's output, with CR LF line ends.
 */
function runInZeroColumnTerminal(args: string[]): Promise<CliResult> {
  const quoted = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(" ");
  return new Promise((resolve) => {
    const child = execFile(
      "script",
      ["-qec", `stty cols 0 rows 0 && stty size && ${quoted}`, "/dev/null"],
      { env: { ...process.env, ...env, CI: undefined } },
      (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr });
      },
    );
    child.stdin?.end();
  });
}

it("prints plain progress lines into a pipe: no colour codes, no spinner frames", async () => {
  const res = await runCli(["project", "upload", path.join(FIXTURES, "seed-example"), "-m", "piped"], env);
  expect(res.code, res.stderr).toBe(0);
  expect(res.stdout).not.toMatch(ESCAPE);
  expect(res.stdout).not.toMatch(SPINNER);
  expect(res.stdout).toContain("\n- Building #1\n");
  expect(res.stdout).toMatch(/^ {2}✔ example-card \(REACT_EXTENSION\) \d+ ms$/m);
  expect(res.stdout).toContain("\n✔ Build #1 succeeded\n- Deploying (deploy 1)\n✔ Deployed build #1");

  const table = await runCli(["project", "list-builds", "--project", "seed-example"], env);
  expect(table.stdout).toContain("#1");
  expect(table.stdout).not.toMatch(ESCAPE);

  const refused = await runCli(["project", "upload", path.join(FIXTURES, "seed-verbatim")], env);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain("nothing was uploaded");
  expect(refused.stderr).not.toMatch(ESCAPE);
});

it("uploads on a terminal that reports 0 columns, with colour but without a spinner", async () => {
  const res = await runInZeroColumnTerminal(["project", "upload", path.join(FIXTURES, "seed-example"), "-m", "zero columns"]);
  expect(res.code, res.stdout).toBe(0);
  expect(res.stdout).toMatch(/^0 0\r\n/);
  expect(res.stdout).toContain("Build #2 succeeded");
  expect(res.stdout).toContain("Deployed build #2");
  expect(res.stdout).not.toMatch(SPINNER);
  // A terminal gets colour; nothing else: no cursor movement, no line clearing, no hidden cursor.
  expect(res.stdout).toContain("\u001b[32m✔\u001b[39m Build #2 succeeded");
  expect(res.stdout).not.toMatch(NOT_COLOUR);

  const help = await runInZeroColumnTerminal(["project", "upload", "--help"]);
  expect(help.code).toBe(0);
  expect(help.stdout).toContain("Examples:");
});
