import type { Redis } from "ioredis";

/** How long a node trusts an answer that no node follows the logs; a new follower waits this long before it listens. */
export const FOLLOWED_CHECK_MS = 500;
/** The flag outlives its follower node by this much at most; a live one refreshes it well before. */
const FLAG_TTL_MS = 15_000;
const REFRESH_EVERY_MS = 5_000;

/**
 * Whether any node of the deployment has a log follower, as a key in Redis that a node with followers keeps alive.
 * Publishing every stored row on Redis for nobody cost a function call on PostgreSQL + Redis the rows' views, their
 * JSON, an HMAC and the bytes to Redis (issue #24 item 1). A publisher asks Redis at most every half check and
 * trusts a "no" for FOLLOWED_CHECK_MS from when it asked, publishing while it has no fresh answer; a follower raises
 * the flag and then waits FOLLOWED_CHECK_MS before it counts as listening, so by then every "no" given before the flag
 * was up has gone stale and every event stored from then on is published. Only durations on each node's own clock
 * are compared, so nodes' clocks need not agree.
 */
export class FollowedFlag {
  /** Publisher side: the last answer and when it was asked (performance.now()). */
  private followed = true;
  private askedAt = -Infinity;
  private asking = false;
  /** Follower side: this node's followers, and the timer that keeps the flag up while there are any. */
  private followers = 0;
  private refresher: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** True unless Redis said, less than FOLLOWED_CHECK_MS ago, that no node follows. */
  mayBeFollowed(): boolean {
    const now = performance.now();
    if (now - this.askedAt >= FOLLOWED_CHECK_MS / 2 && !this.asking) {
      this.asking = true;
      this.redis
        .exists(this.key)
        .then((n) => {
          this.followed = n > 0;
          this.askedAt = now;
        }, this.onError)
        .finally(() => (this.asking = false));
    }
    return this.followed || now - this.askedAt >= FOLLOWED_CHECK_MS;
  }

  /** Raises the flag for one more follower on this node; resolves once every node publishes. */
  async follow(): Promise<void> {
    this.followers++;
    try {
      await this.raise();
    } catch (e) {
      this.unfollow();
      throw e;
    }
    this.refresher ??= setInterval(() => void this.raise().catch(this.onError), REFRESH_EVERY_MS).unref();
    await new Promise((resolve) => setTimeout(resolve, FOLLOWED_CHECK_MS));
  }

  /** The flag lapses FLAG_TTL_MS after this node's last follower goes, unless another node keeps it up. */
  unfollow(): void {
    if (--this.followers > 0) return;
    clearInterval(this.refresher);
    this.refresher = undefined;
  }

  private async raise(): Promise<void> {
    await this.redis.set(this.key, "1", "PX", FLAG_TTL_MS);
  }
}
