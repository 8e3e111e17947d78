import type { FastifyReply } from "fastify";
import type { ServerResponse } from "node:http";

/** A comment now and then keeps proxies and browsers from closing an idle stream. */
const HEARTBEAT_MS = 15_000;

export interface EventStream {
  send(event: string, data: unknown, id?: string): void;
  /** Runs when the client hangs up or the server ends the stream. */
  onClose(cleanup: () => void): void;
}

/**
 * Server-sent events on hijacked replies, and the streams a Fastify instance has open, so that closing it (a preClose
 * hook calls `endAll`) does not wait for followers to hang up. One per plugin that streams.
 */
export class EventStreams {
  private readonly open = new Set<ServerResponse>();

  /** Sends the headers and a first comment line, which tells the client it is subscribed. */
  start(reply: FastifyReply, comment: string): EventStream {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    res.write(`: ${comment}\n\n`);
    const heartbeat = setInterval(() => res.write(": ping\n\n"), HEARTBEAT_MS).unref();
    this.open.add(res);
    res.on("close", () => {
      this.open.delete(res);
      clearInterval(heartbeat);
    });
    return {
      send: (event, data, id) =>
        void res.write(`event: ${event}\n${id === undefined ? "" : `id: ${id}\n`}data: ${JSON.stringify(data)}\n\n`),
      onClose: (cleanup) => void res.on("close", cleanup),
    };
  }

  endAll(): void {
    for (const res of this.open) res.end();
  }
}
