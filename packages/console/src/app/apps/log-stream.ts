// Follows new log events over a server-sent events stream while `enabled`.
import { useEffect, useRef, useState } from "react";
import type { LogEvent, LogKind } from "@sprocket/contract";

export type StreamState = "off" | "connecting" | "following" | "reconnecting";

/** What the Live switch says about a stream. */
export const liveLabels: Record<StreamState, string> = {
  off: "",
  connecting: "Connecting…",
  following: "Following new events",
  reconnecting: "Reconnecting…",
};

/** Each `event` of the stream at `url`, parsed, to `onEvent`; the stream is open only while `enabled`. */
export function useEventStream<T>(url: string, event: string, enabled: boolean, onEvent: (data: T) => void): StreamState {
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
    const source = new EventSource(url);
    source.onopen = () => setState("following");
    // EventSource reconnects by itself; say so rather than pretend to follow.
    source.onerror = () => setState("reconnecting");
    const listener = (message: MessageEvent<string>) => handler.current(JSON.parse(message.data) as T);
    source.addEventListener(event, listener);
    return () => {
      source.removeEventListener(event, listener);
      source.close();
    };
  }, [url, event, enabled]);
  return state;
}

export function useLogStream(kind: LogKind, appId: number, enabled: boolean, onEvent: (event: LogEvent) => void): StreamState {
  return useEventStream(`/api/v1/logs/stream?kind=${kind}&app=${appId}`, kind, enabled, onEvent);
}
