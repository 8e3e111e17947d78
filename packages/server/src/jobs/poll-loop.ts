/**
 * Runs `poll` every `pollMs`, or at once when woken, and never two polls at a time; a wake during a poll runs one more
 * right after it. Both job queues claim work this way.
 */
export class PollLoop {
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private again = false;
  private running = false;

  constructor(
    private readonly poll: () => Promise<void>,
    private readonly pollMs: number,
    private readonly log: { error(obj: object, msg: string): void },
  ) {}

  /** False once stopped: claims in progress check it to hand work back. */
  get active(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.wake();
  }

  wake(): void {
    if (!this.running) return;
    if (this.polling) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.polling = this.poll()
      .catch((err: unknown) => this.log.error({ err }, "job queue poll failed"))
      .finally(() => {
        this.polling = undefined;
        if (!this.running) return;
        if (this.again) {
          this.again = false;
          this.wake();
        } else this.timer = setTimeout(() => this.wake(), this.pollMs);
      });
  }

  /** Stops polling and waits for a poll in progress. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.polling;
  }
}
