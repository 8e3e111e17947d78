import readline from "node:readline";

/** Reads a line without echoing it (keys and secret values must not land in terminal scrollback). */
export function promptHidden(question: string): Promise<string> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: process.stdin.isTTY === true });
  const output = rl as unknown as { _writeToOutput?: (s: string) => void };
  if (process.stdin.isTTY) output._writeToOutput = () => undefined;
  process.stderr.write(question);
  return new Promise((resolve) => {
    rl.once("line", (line) => {
      if (process.stdin.isTTY) process.stderr.write("\n");
      rl.close();
      resolve(line.trim());
    });
    rl.once("close", () => resolve(""));
  });
}
