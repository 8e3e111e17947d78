// A card runs in a worker of the console's origin. Without this, it could fetch the console's API
// with the user's cookies, read the origin's storage, or talk to other cards. It gets hubspot.fetch instead.
// Every card of every app and account shares that origin, so anything origin-wide (storage, locks, devices the
// origin was granted, notifications) would be a channel between tenants: those go too.
// (Servers should also send `Content-Security-Policy: connect-src 'none'` with worker.js.)
// docs/security/client.md lists what Chromium 156's worker scope still has, and why each is harmless.

const removed = [
  // Network: the CSP blocks these as well; removing them does not depend on the CSP being sent.
  "XMLHttpRequest",
  "WebSocket",
  "WebSocketStream",
  "EventSource",
  "WebTransport",
  "importScripts",
  "FontFace",
  // Origin storage.
  "indexedDB",
  "caches",
  "webkitRequestFileSystem",
  "webkitRequestFileSystemSync",
  "webkitResolveLocalFileSystemURL",
  "webkitResolveLocalFileSystemSyncURL",
  // Other contexts of the origin.
  "BroadcastChannel",
  "Worker",
  "SharedWorker",
  "Notification",
  "BackgroundFetchManager",
] as const;

/** WorkerNavigator getters that hand out origin-wide state. */
const removedFromNavigator = ["storage", "storageBuckets", "locks", "usb", "hid", "serial"] as const;

/** Should a StorageManager, StorageBucketManager or LockManager still be reached some other way, its methods are gone too. */
const removedMethods: Record<string, readonly string[]> = {
  StorageManager: ["getDirectory", "estimate", "persist", "persisted"],
  StorageBucketManager: ["open", "keys", "delete"],
  LockManager: ["request", "query"],
};

/** Deletes `name` wherever the prototype chain of `target` holds it, so `X.prototype.name.call(target)` finds nothing. */
function deleteFromChain(target: object, name: string, what: string): void {
  for (let proto = Object.getPrototypeOf(target); proto; proto = Object.getPrototypeOf(proto)) {
    if (Object.prototype.hasOwnProperty.call(proto, name) && !Reflect.deleteProperty(proto, name)) {
      throw new Error(`Cannot remove ${what} from the card worker`);
    }
  }
}

function seal(target: object, name: string, value: unknown, what = name): void {
  deleteFromChain(target, name, what);
  Object.defineProperty(target, name, { value, writable: false, configurable: false, enumerable: false });
}

export function lockDownWorker(): void {
  for (const [constructor, methods] of Object.entries(removedMethods)) {
    const prototype = (globalThis as unknown as Record<string, { prototype?: object } | undefined>)[constructor]?.prototype;
    if (prototype) for (const method of methods) seal(prototype, method, undefined, `${constructor}.prototype.${method}`);
  }
  for (const name of removedFromNavigator) seal(navigator, name, undefined, `navigator.${name}`);
  for (const name of removed) seal(globalThis, name, undefined);
  seal(globalThis, "fetch", async () => {
    throw new TypeError("fetch is not available in UI extensions: use hubspot.fetch()");
  });
}
