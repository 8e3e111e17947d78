import { randomBytes } from "node:crypto";
import pg from "pg";
import { Redis } from "ioredis";
import { CaseFailure, check, type ReliabilityCase } from "../case";
import type { World } from "../world";
import { ClusterEvents, type DeployNotice } from "../../../packages/server/src/cluster/cluster-events";
import { RedisPubSub } from "../../../packages/server/src/cluster/redis-pub-sub";
import { MessageSigner } from "../../../packages/server/src/cluster/signed-messages";

const REDIS_URL = process.env.SPROCKET_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/** PostgreSQL's answer to a statement: the error message, or "ran" if it was allowed. */
async function attempt(client: pg.Client, statement: string): Promise<string> {
  return client.query(statement).then(
    () => "ran",
    (e: Error) => e.message,
  );
}

/**
 * Boundary: the scale-out services (PostgreSQL, Redis) against whoever reaches them on the network without being
 * Sprocket (review 2, C1 and M2). Enforced by store/database-role.ts (no superuser role) and cluster/signed-messages.ts
 * (cluster messages signed under the deployment's secret key).
 */
export const scaleoutAttacks: Array<ReliabilityCase<World>> = [
  {
    name: "C1: with the server's own PostgreSQL role, a caller cannot run programs, read host files or make roles",
    run: async (w) => {
      const url = w.server.db.databaseUrl;
      if (!url) return "embedded SQLite store: no database server to reach";
      // What the reviewer's function did, with the strongest credentials it could find: the server's own.
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const role = (
          await client.query<{ rolsuper: boolean; rolcreaterole: boolean }>(
            "SELECT rolsuper, rolcreaterole FROM pg_roles WHERE rolname = current_user",
          )
        ).rows[0]!;
        check(!role.rolsuper && !role.rolcreaterole, `the server's role is ${JSON.stringify(role)}`);
        const program = await attempt(client, "COPY (SELECT 1) TO PROGRAM 'true'");
        const file = await attempt(client, "SELECT pg_read_file('/etc/hostname')");
        const newRole = await attempt(client, `CREATE ROLE intruder_${randomBytes(4).toString("hex")} SUPERUSER LOGIN`);
        for (const [what, answer] of [
          ["COPY TO PROGRAM", program],
          ["pg_read_file", file],
          ["CREATE ROLE", newRole],
        ] as const) {
          check(/permission denied|must be superuser|only superusers|not allowed/i.test(answer), `${what}: ${answer}`);
        }
        return "not a superuser; COPY TO PROGRAM, pg_read_file and CREATE ROLE refused";
      } finally {
        await client.end();
      }
    },
  },
  {
    name: "M2: a deploy notice PUBLISHed raw to <prefix>:events:deploys reaches no node; a signed one does",
    run: async () => {
      // Two nodes' pub/sub over the real Redis, as createPlatform builds them, on a prefix of this case's own.
      const prefix = `sprocket-attack-${randomBytes(6).toString("hex")}`;
      const key = randomBytes(32);
      const refused: unknown[] = [];
      const clients = [new Redis(REDIS_URL), new Redis(REDIS_URL), new Redis(REDIS_URL)] as const;
      const node = new RedisPubSub(clients[0], prefix, new MessageSigner(key), (e) => refused.push(e));
      const peer = new RedisPubSub(clients[1], prefix, new MessageSigner(key), (e) => refused.push(e));
      try {
        const heard: DeployNotice[] = [];
        let realHeard = () => {};
        const signedArrived = new Promise<void>((resolve) => (realHeard = resolve));
        await new ClusterEvents(node).onDeploy((n) => {
          heard.push(n);
          if (n.buildId === 2) realHeard();
        });
        const forged: DeployNotice = { accountId: 1, appId: 1, buildId: null, previousBuildId: 1 };
        const receivers = await clients[2].publish(`${prefix}:events:deploys`, JSON.stringify(forged));
        check(receivers === 1, `the forged notice reached ${receivers} subscribers (expected the node's 1)`);
        const real: DeployNotice = { ...forged, buildId: 2 };
        await new ClusterEvents(peer).announceDeploy(real);
        // Redis delivers one channel's messages in order: once the real notice is heard, the forged one was handled.
        const gaveUp = new Promise<void>((_, reject) =>
          setTimeout(() => reject(new CaseFailure("the signed notice never arrived")), 15_000).unref(),
        );
        await Promise.race([signedArrived, gaveUp]);
        check(JSON.stringify(heard) === JSON.stringify([real]), `the node heard ${JSON.stringify(heard)}`);
        check(refused.length === 1, `refusals reported: ${refused.length}`);
        return "forged notice ignored and reported; the signed notice heard";
      } finally {
        await Promise.all([node.close(), peer.close()]);
        await Promise.all(clients.map((c) => c.quit()));
      }
    },
  },
];
