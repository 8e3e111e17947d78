// Follows new log events of one kind and app over the server-sent events stream while `enabled`.
import { useEffect, useRef, useState } from "react";
import type { LogEvent, LogKind } from "@sprocket/contract";

export type StreamState = "off" | "connecting" | "following" | "reconnecting";

export function useLogStream(kind: LogKind, appId: number, enabled: boolean, onEvent: (event: LogEvent) => void): StreamState {
  const [state, setState] = useState<StreamState>("off");
  // The latest handler (it sees the current filters) without reconnecting on every render.
  const handler = useRef(onEvent);
  handler.current = onEvent;
  useEffect(() => {
    if (!enabled) {
      setState("off");
      return;
    }
    setState("connecting");
    const source = new EventSource(`/api/v1/logs/stream?kind=${kind}&app=${appId}`);
    source.onopen = () => setState("following");
    // EventSource reconnects by itself; say so rather than pretend to follow.
    source.onerror = () => setState("reconnecting");
    const listener = (message: MessageEvent<string>) => handler.current(JSON.parse(message.data) as LogEvent);
    source.addEventListener(kind, listener);
    return () => {
      source.removeEventListener(kind, listener);
      source.close();
    };
  }, [kind, appId, enabled]);
  return state;
}
