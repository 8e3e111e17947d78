import readline from "node:readline";

/** Reads a line without echoing it (keys and secret values must not land in terminal scrollback); piped input is read whole. */
export async function promptHidden(question: string): Promise<string> {
  if (!process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8").split(/\r?\n/)[0]!.trim();
  }
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  process.stderr.write(question);
  (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => undefined;
  return new Promise((resolve) => {
    rl.once("line", (line) => {
      process.stderr.write("\n");
      rl.close();
      resolve(line.trim());
    });
  });
}

/** Asks the user to type `expected` back; anything else is a no. */
export async function confirm(question: string, expected: string): Promise<boolean> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  const answer = await new Promise<string>((resolve) => rl.question(question, resolve));
  rl.close();
  return answer.trim() === expected;
}
