import type { Kysely } from "kysely";
import type { Database } from "../store/schema";
import type { Clock } from "../platform";
import { sha256 } from "../crypto/opaque-token";
import type { MaybePromise } from "../util/maybe-async";
import { TokenCache } from "../util/token-cache";

export interface DeveloperPrincipal {
  accountId: number;
  userId: number;
  keyId: number;
  email: string;
}

interface CachedPrincipal {
  principal: DeveloperPrincipal | undefined;
  expiresAt: number;
}

/**
 * The short-lived bearer tokens `hs` and the console's card calls present, resolved through this node's cache as app
 * tokens are: under the reliability suite's mix on PostgreSQL this read was one of three waits for a pool connection
 * before every card function call.
 */
export class DeveloperTokens {
  private readonly tokens: TokenCache<CachedPrincipal>;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {
    this.tokens = new TokenCache(clock, (token) => this.load(token));
  }

  /** Forgets every cached answer; call it once a revocation has committed. */
  invalidate(): void {
    this.tokens.clear();
  }

  resolve(token: string): MaybePromise<DeveloperPrincipal | undefined> {
    const now = this.clock.now();
    const entry = this.tokens.fresh(token, now);
    if (entry) return principalOf(entry, now);
    return this.tokens.load(token).then((loaded) => principalOf(loaded, now));
  }

  private async load(token: string): Promise<CachedPrincipal> {
    const row = await this.db
      .selectFrom("developer_tokens")
      .innerJoin("users", "users.id", "developer_tokens.user_id")
      .select([
        "developer_tokens.key_id",
        "developer_tokens.account_id",
        "developer_tokens.user_id",
        "developer_tokens.expires_at",
        "users.email",
      ])
      .where("developer_tokens.token_hash", "=", sha256(token))
      .executeTakeFirst();
    return {
      principal: row && { accountId: row.account_id, userId: row.user_id, keyId: row.key_id, email: row.email },
      expiresAt: row?.expires_at ?? 0,
    };
  }
}

const principalOf = (entry: CachedPrincipal, now: number) => (entry.principal && entry.expiresAt > now ? entry.principal : undefined);
