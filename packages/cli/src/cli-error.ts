/** A failure to show the user as it is, without a stack: exit 1, or 2 for a usage error. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "CliError";
  }
}
