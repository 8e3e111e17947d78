// Cards served by `hs project dev`: its local dev server (HubSpot's ui-extensions-dev-server, on the developer's own
// machine) lists its bundles at GET <url>/extensions and says on its websocket when one was rebuilt. The developer's
// browser asks it directly, as HubSpot's own pages do; Sprocket's server only says where it listens.
import { useEffect, useState } from "react";

export interface LocalDevServer {
  sessionId: number;
  url: string;
}

interface ServedExtension {
  /** `<app uid>::<card uid>`. */
  sourceId: string;
  /** The bundle on the dev server, named with HubSpot's loopback host name (hslocal.net). */
  callback: string;
}

export interface LocalBundle {
  sessionId: number;
  bundleUrl: string;
}

/**
 * The bundles the local dev servers serve, by sourceId, each URL carrying the number of rebuilds seen so far so that
 * a rebuild mounts the card afresh. A server that does not answer serves nothing (it may have stopped).
 */
export function useLocalDevBundles(servers: LocalDevServer[] | undefined): Map<string, LocalBundle> {
  const [bundles, setBundles] = useState(new Map<string, LocalBundle>());
  const key = (servers ?? []).map((s) => `${s.sessionId}@${s.url}`).join(",");
  useEffect(() => {
    const list = servers ?? [];
    setBundles(new Map());
    if (list.length === 0) return;
    const sockets: WebSocket[] = [];
    let stopped = false;
    const rebuilds = new Map<string, number>();
    const served = new Map<string, { sessionId: number; url: string }>();
    const publish = () => {
      if (stopped) return;
      const next = new Map<string, LocalBundle>();
      for (const [sourceId, s] of served)
        next.set(sourceId, { sessionId: s.sessionId, bundleUrl: `${s.url}?rebuild=${rebuilds.get(sourceId) ?? 0}` });
      setBundles(next);
    };
    for (const server of list) {
      void fetch(`${server.url}/extensions`)
        .then((res) => (res.ok ? (res.json() as Promise<{ websocket?: string; extensions?: ServedExtension[] }>) : undefined))
        .then((answer) => {
          if (!answer || stopped) return;
          for (const ext of answer.extensions ?? []) {
            // hslocal.net is HubSpot's public name for 127.0.0.1; the port is the server's, the host is this machine.
            const url = new URL(ext.callback);
            served.set(ext.sourceId, { sessionId: server.sessionId, url: `${server.url}${url.pathname}` });
          }
          publish();
          if (!answer.websocket) return;
          const socket = new WebSocket(answer.websocket);
          socket.addEventListener("message", (message) => {
            const event = JSON.parse(String(message.data)) as { event?: string; sourceId?: string };
            if (event.event !== "update" || !event.sourceId) return;
            rebuilds.set(event.sourceId, (rebuilds.get(event.sourceId) ?? 0) + 1);
            publish();
          });
          sockets.push(socket);
        })
        .catch(() => undefined);
    }
    return () => {
      stopped = true;
      for (const socket of sockets) socket.close();
    };
    // The servers are compared by their key: a re-read list naming the same servers must not reconnect.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return bundles;
}
