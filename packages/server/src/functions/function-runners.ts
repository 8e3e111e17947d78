import {
  createRunnerPool,
  type InvocationResult,
  type InvokeRequest,
  type RunnerPool,
  type RunnerPoolOptions,
  type RunnerPoolStats,
} from "@sprocket/runtime";

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
    await this.pool?.close();
  }
}
