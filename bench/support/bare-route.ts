import path from "node:path";
import Fastify, { type FastifyInstance } from "fastify";
import SQLite from "better-sqlite3";

/**
 * bench/crm's yardstick: a record's stored properties from the bench server's own SQLite file, one prepared statement
 * on a read-only connection of its own, no auth, no limits, no view, at `/doc/:id`. `app` takes further routes (and
 * `read` serves them the same statement) until `listen`.
 */
export function bareRoute(dataDir: string): {
  app: FastifyInstance;
  read: (id: number) => string;
  listen(): Promise<string>;
  close(): Promise<void>;
} {
  const file = new SQLite(path.join(dataDir, "sprocket.db"), { readonly: true });
  const stmt = file.prepare("select properties from crm_objects where id = ?");
  const read = (id: number) => (stmt.get(id) as { properties: string }).properties;
  const app = Fastify({ logger: false });
  app.get<{ Params: { id: string } }>("/doc/:id", async (req, reply) => reply.type("application/json").send(read(Number(req.params.id))));
  return {
    app,
    read,
    async listen() {
      await app.listen({ port: 0, host: "127.0.0.1" });
      return `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    },
    async close() {
      await app.close();
      file.close();
    },
  };
}
