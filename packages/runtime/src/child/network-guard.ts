/**
 * The runner's network policy (loaded by the preload before any function code): a function may open connections to
 * public addresses and to Sprocket's own API, and nowhere else: not to loopback (the platform's PostgreSQL and
 * Redis), private networks, link-local and cloud-metadata addresses, this host's own addresses, Unix sockets. It may
 * not listen, nor bind a fixed port. See restrictedRange() for the ranges and docs/security/runners.md for what this
 * does not cover.
 *
 * Every socket in Node ends in three native handle classes (TCP, UDP, Pipe); net, http, https, tls, http2, dgram and
 * the fetch built into Node (undici) all call their methods with the address already resolved. Those methods are
 * replaced here, on the shared prototypes, with checked ones that cannot be reconfigured; process.binding, which
 * would hand out fresh copies, is closed by the permission model. The checks call only functions taken before any
 * function code ran, so a function that replaces Function.prototype.call or String.prototype methods changes nothing.
 * On top, net.Socket#connect gets a checked DNS lookup (so a name resolving to a private address fails with a clear
 * message, and the API's host name is recognised) and a clear error for refused IP literals and socket paths.
 */
import dgram from "node:dgram";
import dns from "node:dns";
import net from "node:net";
import os from "node:os";
import { endpointKey, restrictedRange } from "./network-policy";

const apply = Reflect.apply;
const defineProperty = Object.defineProperty;
const getPrototypeOf = Object.getPrototypeOf;
const isArray = Array.isArray;
const UV_EACCES = -os.constants.errno.EACCES;
/** c-ares' ARES_EREFUSED: setServers answers with it, and Node then throws ERR_DNS_SET_SERVERS_FAILED. */
const ARES_EREFUSED = 6;

interface Policy {
  configured: boolean;
  allowPrivate: boolean;
  /** endpointKey()s of Sprocket's API (its address and port). */
  api: string[];
  apiHost: { hostname: string; port: number } | undefined;
  /** This host's own interface addresses, refused even when public (services bound to 0.0.0.0 answer on them). */
  own: string[];
  /** DNS servers the runner started with (c-ares reads them from resolv.conf); a function may not add others. */
  dnsServers: string[];
}

const policy: Policy = { configured: false, allowPrivate: false, api: [], apiHost: undefined, own: [], dnsServers: [] };

function includes(list: string[], key: string | undefined): boolean {
  if (key === undefined) return false;
  for (let i = 0; i < list.length; i++) if (list[i] === key) return true;
  return false;
}

function add(list: string[], key: string | undefined): void {
  if (key !== undefined && !includes(list, key)) defineProperty(list, list.length, { value: key, enumerable: true, writable: false });
}

for (const addresses of Object.values(os.networkInterfaces())) {
  for (const info of addresses ?? []) add(policy.own, endpointKey(info.address, 0));
}

/** Why connecting to address:port is refused, or undefined when it is allowed. */
function refusal(address: unknown, port: unknown): string | undefined {
  if (typeof address !== "string" || typeof port !== "number") return "not an IP address";
  if (includes(policy.api, endpointKey(address, port))) return undefined;
  const range = restrictedRange(address);
  if (range === "not an IP address") return range;
  if (policy.allowPrivate) return undefined;
  return includes(policy.own, endpointKey(address, 0)) ? "this host's own" : range;
}

function policyError(syscall: string, target: string, reason: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(
    `${syscall} EACCES ${target}: functions may not reach ${reason} addresses (Sprocket's network policy; only public hosts and the HubSpot API are allowed)`,
  );
  error.code = "EACCES";
  error.errno = UV_EACCES;
  error.syscall = syscall;
  return error;
}

/** Replaces a native method on a shared handle prototype, for good: not writable, not configurable. */
function guard(proto: object, name: string, check: (self: unknown, args: IArguments) => number): void {
  const original = (proto as Record<string, unknown>)[name];
  if (typeof original !== "function") throw new Error(`The network guard found no ${name} method to guard`);
  defineProperty(proto, name, {
    value: function guarded(this: unknown) {
      // eslint-disable-next-line prefer-rest-params
      const args = arguments;
      const error = check(this, args);
      return error !== 0 ? error : apply(original, this, args);
    },
    writable: false,
    configurable: false,
    enumerable: false,
  });
}

const refuse = () => UV_EACCES;
const connectTo = (addressAt: number, portAt: number) => (_self: unknown, args: IArguments) =>
  refusal(args[addressAt], args[portAt]) === undefined ? 0 : UV_EACCES;
// Binding is how a socket listens (or squats a port); port 0 is the ephemeral bind a UDP client gets implicitly.
const ephemeralOnly = (portAt: number) => (_self: unknown, args: IArguments) => (args[portAt] === 0 ? 0 : UV_EACCES);

/** The native classes, reached the way function code could reach them: through a socket's handle. */
function nativeClasses(): { TCP: object; Pipe: object; UDP: object; ChannelWrap: object } {
  const never = () => undefined;
  const tcp = new net.Socket();
  tcp.connect({ host: "tcp.invalid", port: 1, lookup: never });
  const TCP = getPrototypeOf((tcp as unknown as { _handle: object })._handle) as object;
  tcp.destroy();
  // The runner's stdout is a pipe (process-runner.ts): its handle is a Pipe, and reaching it costs no system call.
  const Pipe = getPrototypeOf((process.stdout as unknown as { _handle: object })._handle) as object;
  if ((Pipe as { constructor?: { name?: string } }).constructor?.name !== "Pipe")
    throw new Error("The network guard needs stdout to be a pipe");
  const udp = dgram.createSocket("udp4");
  const state = Object.getOwnPropertySymbols(udp)
    .map((key) => (udp as unknown as Record<symbol, { handle?: object }>)[key])
    .find((value) => value?.handle);
  const UDP = getPrototypeOf(state!.handle!) as object;
  udp.close();
  const ChannelWrap = getPrototypeOf((new dns.Resolver() as unknown as { _handle: object })._handle) as object;
  return { TCP, Pipe, UDP, ChannelWrap };
}

function guardNativeHandles(): void {
  const { TCP, Pipe, UDP, ChannelWrap } = nativeClasses();
  guard(TCP, "connect", connectTo(1, 2));
  guard(TCP, "connect6", connectTo(1, 2));
  guard(TCP, "bind", ephemeralOnly(1));
  guard(TCP, "bind6", ephemeralOnly(1));
  guard(TCP, "listen", refuse);
  // Unix sockets reach local daemons by path (PostgreSQL's among them), outside any address policy.
  guard(Pipe, "connect", refuse);
  guard(Pipe, "bind", refuse);
  guard(Pipe, "listen", refuse);
  guard(UDP, "connect", connectTo(0, 1));
  guard(UDP, "connect6", connectTo(0, 1));
  guard(UDP, "bind", ephemeralOnly(1));
  guard(UDP, "bind6", ephemeralOnly(1));
  // send(req, buffers, count, port, address, hasCallback); a connected socket sends without port and address.
  const send = (_self: unknown, args: IArguments) => (args.length <= 4 ? 0 : refusal(args[4], args[3]) === undefined ? 0 : UV_EACCES);
  guard(UDP, "send", send);
  guard(UDP, "send6", send);
  for (const name of ["addMembership", "addSourceSpecificMembership"]) guard(UDP, name, refuse);

  for (const [address] of (new dns.Resolver() as unknown as { _handle: { getServers(): Array<[string, number]> } })._handle.getServers()) {
    add(policy.dnsServers, endpointKey(address, 0));
  }
  // setServers([[family, address, port], ...]): c-ares then talks UDP and TCP to them with its own sockets.
  guard(ChannelWrap, "setServers", (_self, args) => {
    const servers: unknown = args[0];
    if (!isArray(servers)) return ARES_EREFUSED;
    for (let i = 0; i < servers.length; i++) {
      const server: unknown = servers[i];
      if (!isArray(server) || server.length !== 3) return ARES_EREFUSED;
      const address: unknown = server[1];
      const port: unknown = server[2];
      if (includes(policy.dnsServers, endpointKey(address, 0))) continue;
      if (refusal(address, port) !== undefined) return ARES_EREFUSED;
    }
    return 0;
  });
}

type Lookup = (hostname: string, options: dns.LookupOptions, callback: (...args: unknown[]) => void) => void;
const systemLookup = dns.lookup as unknown as Lookup;

/**
 * A DNS lookup that drops refused addresses, or fails with the policy error when none is left. The API's host name
 * is always resolved by the system resolver taken at start (a function's own lookup could name any address), and
 * what it answers joins the API's allowed endpoints.
 */
function checkedLookup(lookup: Lookup, host: string, port: number): Lookup {
  const isApi = policy.apiHost !== undefined && host === policy.apiHost.hostname && port === policy.apiHost.port;
  return (hostname, options, callback) =>
    (isApi ? systemLookup : lookup)(hostname, options, (error: unknown, address: unknown, family: unknown) => {
      if (error) return callback(error, address, family);
      const all = isArray(address);
      const found = (all ? address : [{ address, family }]) as Array<{ address: string; family: number }>;
      if (isApi) {
        for (let i = 0; i < found.length; i++) add(policy.api, endpointKey(found[i]!.address, port));
        return callback(null, address, family);
      }
      const kept = found.filter((entry) => refusal(entry.address, port) === undefined);
      if (kept.length === 0) {
        const first = found[0]?.address ?? "";
        return callback(policyError("connect", `${host} (${first}):${port}`, refusal(first, port) ?? "refused"));
      }
      return all ? callback(null, kept) : callback(null, kept[0]!.address, kept[0]!.family);
    });
}

type NormalizedArgs = [net.NetConnectOpts, ((...args: unknown[]) => void) | null];

function guardSocketConnect(): void {
  const original = net.Socket.prototype.connect;
  const normalize = (net as unknown as { _normalizeArgs(args: unknown[]): NormalizedArgs })._normalizeArgs;
  defineProperty(net.Socket.prototype, "connect", {
    value: function connect(this: net.Socket, ...args: unknown[]) {
      // net.connect() hands over arguments it already normalised (an array marked with a private symbol).
      const normalized = isArray(args[0]) ? (args[0] as NormalizedArgs) : normalize(args);
      const options = normalized[0] as net.NetConnectOpts & { path?: string; host?: string; port?: number | string; lookup?: Lookup };
      let reason: string | undefined;
      let target = "";
      // As net.js decides: any truthy path makes a Unix socket (http passes path: null for TCP).
      if (options.path) {
        reason = "local (Unix socket)";
        target = String(options.path);
      } else {
        const host = options.host ?? "localhost";
        const port = Number(options.port);
        if (net.isIP(host)) {
          reason = refusal(host, port);
          target = `${host}:${port}`;
        } else {
          normalized[0] = { ...options, lookup: checkedLookup(options.lookup ?? systemLookup, host, port) } as NormalizedArgs[0];
        }
      }
      if (reason !== undefined) {
        // Refused the way a failed DNS lookup fails: later, while the socket is connecting, as callers (http2's
        // session, for one) expect of a connection that does not come about.
        const error = policyError("connect", target, reason);
        const refused: Lookup = (_hostname, _options, callback) => process.nextTick(() => callback(error));
        normalized[0] = { ...options, path: undefined, host: "refused.invalid", port: 0, lookup: refused } as NormalizedArgs[0];
      }
      return apply(original, this, [normalized]) as net.Socket;
    },
    // Replaceable like the original (instrumentation libraries wrap it): the native methods below are the guard.
    writable: true,
    configurable: true,
    enumerable: false,
  });
}

guardNativeHandles();
guardSocketConnect();

/**
 * Sets the policy once, from the runner's entry script before any function code is loaded. A function can require
 * this module (its file is readable), so a second call is refused rather than obeyed.
 */
export function configureNetwork(options: { apiBaseUrl: string; allowPrivateNetwork: boolean }): void {
  if (policy.configured) throw new Error("The network policy is already set");
  policy.configured = true;
  policy.allowPrivate = options.allowPrivateNetwork;
  const url = new URL(options.apiBaseUrl);
  const hostname = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
  if (net.isIP(hostname)) add(policy.api, endpointKey(hostname, port));
  else policy.apiHost = { hostname, port };
}
