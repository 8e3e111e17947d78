// The packages' dist/ is built by `npm install` (postinstall) and again before every test run (test/global-setup.ts),
// so a developer who changed a source never tests old code. The stamp lets the second build be skipped only when it
// would write the same files: it records a hash of everything the build reads (rolldown.config.ts's `buildInputs`)
// and of every file it wrote, and a dist counts as current when both hash the same again. A changed source, config or
// lock file, or a dist file changed or removed since the build, means a build.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { build, type BuildOptions } from "rolldown";

interface Stamp {
  inputs: string;
  /** Every file the build wrote, by its path in the repository, with its content's hash. */
  outputs: Record<string, string>;
}

const hashFile = (file: string) => createHash("sha256").update(fs.readFileSync(file)).digest("hex");

/** One hash over the inputs' paths and contents, folders walked in a fixed order; a missing input hashes as missing. */
export function hashInputs(root: string, inputs: string[]): string {
  const hash = createHash("sha256");
  const add = (relative: string) => {
    const file = path.join(root, relative);
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    if (!stat) hash.update(`missing ${relative}\0`);
    else if (stat.isDirectory()) for (const entry of fs.readdirSync(file).sort()) add(path.join(relative, entry));
    else hash.update(`${relative}\0`).update(fs.readFileSync(file)).update("\0");
  };
  for (const input of inputs) add(input);
  return hash.digest("hex");
}

/** Builds and stamps the result. A build that fails leaves no stamp, so the next run builds again. */
export async function buildStamped(opts: { root: string; builds: BuildOptions[]; inputs: string[]; stampFile: string }): Promise<number> {
  fs.rmSync(opts.stampFile, { force: true });
  // Hashed before building: a source saved during the build makes the stamp stale, never a stale dist current.
  const inputs = hashInputs(opts.root, opts.inputs);
  const results = await build(opts.builds);
  const outputs: Record<string, string> = {};
  results.forEach((result, i) => {
    const output = opts.builds[i]!.output!;
    const dir = output.dir ?? path.dirname(output.file!);
    for (const { fileName } of result.output) {
      const file = path.join(dir, fileName);
      outputs[path.relative(opts.root, file)] = hashFile(file);
    }
  });
  fs.mkdirSync(path.dirname(opts.stampFile), { recursive: true });
  // Written beside and renamed into place: a worktree's node_modules may be hard links to another checkout's files.
  const staged = `${opts.stampFile}.${process.pid}`;
  fs.writeFileSync(staged, JSON.stringify({ inputs, outputs } satisfies Stamp));
  fs.renameSync(staged, opts.stampFile);
  return Object.keys(outputs).length;
}

/** Whether the stamp's build is what dist/ holds and what the inputs would build now. */
export function isStampCurrent(opts: { root: string; inputs: string[]; stampFile: string }): boolean {
  let stamp: Stamp;
  try {
    stamp = JSON.parse(fs.readFileSync(opts.stampFile, "utf8")) as Stamp;
  } catch {
    return false;
  }
  if (stamp.inputs !== hashInputs(opts.root, opts.inputs)) return false;
  return Object.entries(stamp.outputs).every(([file, hash]) => {
    try {
      return hashFile(path.join(opts.root, file)) === hash;
    } catch {
      return false;
    }
  });
}
