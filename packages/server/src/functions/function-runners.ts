import dc from "node:diagnostics_channel";
import {
  createRunnerPool,
  pickUpAnswers,
  type InvocationResult,
  type InvokeRequest,
  type RunnerPool,
  type RunnerPoolOptions,
  type RunnerPoolStats,
} from "@sprocket/runtime";

/** Node's own channel, published as each HTTP request of any of this process's servers starts. */
const REQUEST_START = "http.server.request.start";

/**
 * The node's function runner pool. Functions call HubSpot's API host back through this node's API, whose address is
 * known only once it listens, so the pool itself is created at the first invocation or prewarm after that, from
 * options read then. Until then there is nothing to run on (and nothing to evict or close).
 */
export class FunctionRunners implements RunnerPool {
  private pool: RunnerPool | undefined;
  private closed = false;

  constructor(private readonly options: () => RunnerPoolOptions | undefined) {}

  /** False until the API listens and once closed: there is nothing to run functions on then. */
  get ready(): boolean {
    return !this.closed && (this.pool !== undefined || this.options() !== undefined);
  }

  private running(): RunnerPool {
    if (this.pool) return this.pool;
    const options = this.closed ? undefined : this.options();
    if (!options) throw new Error("Function runners are not ready: check `ready` first.");
    // Runners' answers are read between the requests of a busy turn, not only at its end (pickUpAnswers).
    dc.subscribe(REQUEST_START, pickUpAnswers);
    return (this.pool = createRunnerPool(options));
  }

  invoke(request: InvokeRequest): Promise<InvocationResult> {
    return this.running().invoke(request);
  }

  prewarm(buildKey: string, bundleDir: string, accountId: number): Promise<void> {
    return this.running().prewarm(buildKey, bundleDir, accountId);
  }

  async evict(buildKey: string): Promise<void> {
    await this.pool?.evict(buildKey);
  }

  stats(): RunnerPoolStats {
    return this.pool?.stats() ?? { runners: 0, idle: 0, spares: 0, builds: [] };
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.pool) dc.unsubscribe(REQUEST_START, pickUpAnswers);
    await this.pool?.close();
  }
}
