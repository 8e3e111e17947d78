import type { TerminalTraits } from "./terminal";

/** A stream the CLI writes to. */
export type OutStream = NodeJS.WritableStream & TerminalTraits;

/**
 * Where every command writes: standard output and error. The test suites point them at buffers to run a command
 * inside the test process (see run.ts) when what they check is what it prints, not the process around it.
 */
export const streams: { out: OutStream; err: OutStream } = { out: process.stdout, err: process.stderr };
