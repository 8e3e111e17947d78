import type { Ora } from "ora";
import { canAnimate, pc } from "./terminal";
import { streams } from "./streams";

/**
 * How a long task shows its steps on standard output. At a terminal, a spinner per step that ends as a ✔ or ✖ line;
 * in a pipe, a file or a terminal of 0 columns, the same lines without the spinner ("- step" when a step starts, as
 * ora prints then); with `--json`, nothing at all (the result is printed at the end).
 */
export class Progress {
  private spinner: Ora | undefined;
  constructor(private readonly quiet: boolean) {}
  async start(text: string): Promise<void> {
    if (this.quiet) return;
    const { default: ora } = await import("ora");
    this.spinner = ora({ text, stream: streams.out, isEnabled: canAnimate(streams.out) }).start();
  }
  update(text: string): void {
    if (this.spinner) this.spinner.text = text;
  }
  // Our own marks rather than ora's: its symbols take their colour from the environment, not from where they go.
  succeed(text: string): void {
    this.spinner?.stopAndPersist({ symbol: pc.green("✔"), text });
    this.spinner = undefined;
  }
  fail(text: string): void {
    this.spinner?.stopAndPersist({ symbol: pc.red("✖"), text });
    this.spinner = undefined;
  }
  line(text: string): void {
    if (this.quiet) return;
    const spinning = this.spinner?.isSpinning;
    if (spinning) this.spinner!.clear();
    streams.out.write(`${text}\n`);
    if (spinning) this.spinner!.render();
  }
}
