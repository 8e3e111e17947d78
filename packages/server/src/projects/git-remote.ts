import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { classifyAddress } from "./git-address";

/**
 * The transports a linked repository may use. https, http and git:// all go through an address check and are pinned
 * to the checked address (curl's resolve list, or the address written into a git:// URL), and the build fetches one
 * commit by its hash, so even a plain-text transport cannot hand the build other code than the pushed commit's.
 * Refused: ssh:// and scp-like `host:path` (they would sign in with the server's own SSH identity), file:// (the
 * server's own disk), ext:: (runs a command) and every other remote helper.
 */
export const GIT_PROTOCOLS = ["https", "http", "git"] as const;
export type GitProtocol = (typeof GIT_PROTOCOLS)[number];

export const PRIVATE_HOSTS_SETTING = "SPROCKET_GIT_ALLOW_PRIVATE_HOSTS";

/** A repository URL or its host that the server will not fetch from; the message speaks to the user. */
export class RepositoryUrlError extends Error {}

export interface GitRemote {
  protocol: GitProtocol;
  userinfo: string | undefined;
  /** Lower-cased; an IPv6 literal keeps its brackets. */
  host: string;
  port: number;
  path: string;
}

const LABEL = "[a-z0-9](?:[a-z0-9-]*[a-z0-9])?";
// One strict shape, so that this parser, curl's and git's cannot disagree on the host: no backslashes, spaces,
// control characters, `@` in the user part, or percent-encoded hosts.
const URL_SHAPE = new RegExp(
  `^(https?|git)://(?:([^@/?#\\s\\\\]+)@)?(\\[[0-9a-f:.]+\\]|${LABEL}(?:\\.${LABEL})*\\.?)(?::(\\d{1,5}))?(/[^\\s\\\\\\x00-\\x1f\\x7f]+)$`,
  "i",
);
const DEFAULT_PORT: Record<GitProtocol, number> = { https: 443, http: 80, git: 9418 };

export function parseRepositoryUrl(raw: string): GitRemote {
  const m = URL_SHAPE.exec(raw);
  const refuse = (why: string) =>
    new RepositoryUrlError(
      `repositoryUrl must be an https://, http:// or git:// URL such as https://github.com/acme/crm-app.git${why} (got ${JSON.stringify(raw)}).`,
    );
  if (!m) throw refuse("; ssh://, file:// and other transports are not fetched by the server");
  const [, protocol, userinfo, hostText, portText, path] = m as unknown as [
    string,
    string,
    string | undefined,
    string,
    string | undefined,
    string,
  ];
  const host = hostText.toLowerCase().replace(/\.$/, "");
  const bare = host.replace(/^\[|\]$/g, "");
  if (host.startsWith("[") && isIP(bare) !== 6) throw refuse(": the host is not an IPv6 address");
  // Numeric hosts other than a plain dotted quad (2130706433, 0x7f.1, 127.1) mean different addresses to different parsers.
  if (!host.startsWith("[") && /^(0x[0-9a-f]*|\d+)$/.test(host.slice(host.lastIndexOf(".") + 1)) && isIP(host) !== 4)
    throw refuse(": the host is neither a name nor a dotted IPv4 address");
  const port = portText === undefined ? DEFAULT_PORT[protocol.toLowerCase() as GitProtocol] : Number(portText);
  if (port < 1 || port > 65535) throw refuse(": the port is out of range");
  return { protocol: protocol.toLowerCase() as GitProtocol, userinfo, host, port, path };
}

export type PrivateHosts = "all" | string[];

/** Refuses a host that resolved to any address outside the public internet, unless the operator allowed the host. */
export function checkAddresses(remote: GitRemote, addresses: string[], allowed: PrivateHosts): void {
  for (const address of addresses) {
    const cls = classifyAddress(address);
    if (cls === undefined) continue;
    const shown = remote.host === address || remote.host === `[${address}]` ? remote.host : `${remote.host} (${address})`;
    if (cls === "metadata")
      throw new RepositoryUrlError(`repositoryUrl's host ${shown} is a cloud metadata address; the server never fetches from it.`);
    if (allowed === "all" || allowed.includes(remote.host)) continue;
    const what =
      cls === "CGNAT"
        ? "a carrier-grade NAT"
        : cls === "unspecified"
          ? "an unspecified"
          : cls === "reserved"
            ? "a reserved (non-public)"
            : `a ${cls}`;
    throw new RepositoryUrlError(
      `repositoryUrl's host ${shown} is ${what} address: the server fetches repositories from public addresses only. An operator can allow this host with the ${PRIVATE_HOSTS_SETTING} setting.`,
    );
  }
}

/** Every address the system resolver gives for the host (an IP literal gives itself). */
export async function resolveHost(remote: GitRemote): Promise<string[]> {
  const found = await lookup(remote.host.replace(/^\[|\]$/g, ""), { all: true, verbatim: true });
  return found.map((a) => a.address);
}

/**
 * Resolves the host right before a fetch, checks every address, and returns the URL and `-c` settings that make git
 * connect to exactly those addresses (DNS may answer differently a second later).
 */
export async function pinRemote(remote: GitRemote, allowed: PrivateHosts): Promise<{ url: string; config: string[] }> {
  const addresses = await resolveHost(remote).catch((e: NodeJS.ErrnoException) => {
    throw new RepositoryUrlError(`The repository host ${remote.host} could not be resolved (${e.code ?? e.message}).`);
  });
  if (addresses.length === 0) throw new RepositoryUrlError(`The repository host ${remote.host} has no address.`);
  checkAddresses(remote, addresses, allowed);
  const literal = (a: string) => (isIP(a) === 6 ? `[${a}]` : a);
  const userinfo = remote.userinfo === undefined ? "" : `${remote.userinfo}@`;
  const url = (host: string) => `${remote.protocol}://${userinfo}${host}:${remote.port}${remote.path}`;
  if (isIP(remote.host.replace(/^\[|\]$/g, ""))) return { url: url(remote.host), config: [] };
  // git:// has no resolve hook: connect to the checked address itself (git daemon ignores the host it is sent unless
  // it serves virtual hosts). curl keeps the name for TLS and the Host header and takes the addresses from this list.
  if (remote.protocol === "git") return { url: url(literal(addresses[0]!)), config: [] };
  return { url: url(remote.host), config: ["-c", `http.curloptResolve=${remote.host}:${remote.port}:${addresses.map(literal).join(",")}`] };
}
