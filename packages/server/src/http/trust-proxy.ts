import { isIP } from "node:net";
import { z } from "zod";

/** Which hops' X-Forwarded-For / -Proto / -Host Fastify believes: none, all, the nearest N, or these addresses. */
export type TrustProxy = boolean | number | string[];

// proxy-addr's names for address ranges (Fastify hands a list straight to it).
const RANGE_NAMES = new Set(["loopback", "linklocal", "uniquelocal"]);

const isAddressOrRange = (entry: string): boolean => {
  if (RANGE_NAMES.has(entry)) return true;
  const [address = "", bits, ...rest] = entry.split("/");
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
};

/**
 * `SPROCKET_TRUST_PROXY`: `false` (the default: the socket's peer is the client), `true` (every hop: only when no
 * client can reach the server except through the proxy), a hop count, or a comma list of the proxies' addresses
 * and CIDR ranges (`127.0.0.1,10.0.0.0/8`, or proxy-addr's `loopback`).
 */
export const trustProxySetting = z.string().transform((raw, ctx): TrustProxy => {
  const value = raw.trim();
  if (value === "" || value === "false") return false;
  if (value === "true") return true;
  if (/^\d+$/.test(value)) return Number(value);
  const entries = value.split(",").map((e) => e.trim());
  const bad = entries.find((e) => !isAddressOrRange(e));
  if (bad !== undefined) {
    ctx.addIssue({
      code: "custom",
      message: `must be true, false, a hop count or a comma list of addresses and CIDR ranges; "${bad}" is none of these`,
    });
    return z.NEVER;
  }
  return entries;
});
