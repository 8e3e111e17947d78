import pLimit from "p-limit";
import { TransactionBuilder, type Kysely, type Transaction } from "kysely";

/**
 * Lets at most `slots` transactions hold one of the pool's connections at a time; the others wait their turn here, in
 * order, before they ask the pool for one. A transaction holds its connection for each of its statements and for the
 * turns of the event loop between them (a CRM write: seven round trips), a single statement for one round trip. With
 * one queue for both, a node under a write-heavy load had every connection held by a writer and about 90 requests
 * queued at the pool (issue #24, item 5: a connection took 0.6 s to get at the median, 3.3 s at p99), and a function
 * call, which reads three single rows one after another before its runner, waited for it three times. With the
 * transactions capped, the connections they may not take are always free within a round trip for single statements.
 */
export function limitTransactions<DB>(db: Kysely<DB>, slots: number): void {
  const limit = pLimit(slots);
  const begin = db.transaction.bind(db);
  db.transaction = () => gated(begin(), limit);
}

function gated<DB>(builder: TransactionBuilder<DB>, limit: ReturnType<typeof pLimit>): TransactionBuilder<DB> {
  return new Proxy(builder, {
    get(target, name) {
      const value: unknown = Reflect.get(target, name, target);
      if (name === "execute") return <T>(fn: (trx: Transaction<DB>) => Promise<T>) => limit(() => target.execute(fn));
      if (typeof value !== "function") return value;
      // setIsolationLevel and the like answer a new builder (its private fields need the real one as `this`): gate it too.
      return (...args: unknown[]) => {
        const out: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
        return out instanceof TransactionBuilder ? gated(out as TransactionBuilder<DB>, limit) : out;
      };
    },
  });
}
