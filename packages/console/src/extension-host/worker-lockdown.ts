// A card runs in a worker of the console's origin. Without this, it could fetch the console's API
// with the user's cookies, read the origin's storage, or talk to other cards. It gets hubspot.fetch instead.
// (Servers should also send `Content-Security-Policy: connect-src 'none'` with worker.js.)

const removed = [
  "XMLHttpRequest",
  "WebSocket",
  "EventSource",
  "WebTransport",
  "importScripts",
  "indexedDB",
  "caches",
  "BroadcastChannel",
  "Worker",
  "SharedWorker",
] as const;

/** Some of these live on WorkerGlobalScope.prototype, where `X.prototype.fetch.call(self)` would still reach them. */
function seal(name: string, value: unknown): void {
  for (let proto = Object.getPrototypeOf(globalThis); proto; proto = Object.getPrototypeOf(proto)) {
    if (Object.prototype.hasOwnProperty.call(proto, name) && !Reflect.deleteProperty(proto, name)) {
      throw new Error(`Cannot remove ${name} from the card worker`);
    }
  }
  Object.defineProperty(globalThis, name, { value, writable: false, configurable: false, enumerable: false });
}

export function lockDownWorker(): void {
  for (const name of removed) seal(name, undefined);
  seal("fetch", async () => {
    throw new TypeError("fetch is not available in UI extensions: use hubspot.fetch()");
  });
}
