import { BlockList, isIPv4, isIPv6 } from "node:net";

/**
 * Why an address is not a public internet address, or undefined when it is. A git fetch is a request the server
 * makes to a URL a tenant chose, so only public addresses are reached unless the operator allows more.
 */
export type AddressClass = "loopback" | "private" | "link-local" | "CGNAT" | "unspecified" | "reserved" | "metadata";

// Cloud instance-metadata endpoints (AWS, GCP, Azure, Alibaba; AWS's IPv6 fd00:ec2::254 below): they hand out the host's credentials, and no git server lives there.
const METADATA = new Set(["169.254.169.254", "100.100.100.200"]);

const V4: Array<[AddressClass, string, number]> = [
  ["unspecified", "0.0.0.0", 8],
  ["loopback", "127.0.0.0", 8],
  ["private", "10.0.0.0", 8],
  ["private", "172.16.0.0", 12],
  ["private", "192.168.0.0", 16],
  ["CGNAT", "100.64.0.0", 10],
  ["link-local", "169.254.0.0", 16],
  ["reserved", "192.0.0.0", 24],
  ["reserved", "192.0.2.0", 24],
  ["reserved", "198.18.0.0", 15],
  ["reserved", "198.51.100.0", 24],
  ["reserved", "203.0.113.0", 24],
  ["reserved", "224.0.0.0", 3], // multicast, class E and the broadcast address
];
const V6: Array<[AddressClass, string, number]> = [
  ["unspecified", "::", 128],
  ["loopback", "::1", 128],
  ["private", "fc00::", 7],
  ["link-local", "fe80::", 10],
  ["reserved", "fec0::", 10],
  ["reserved", "ff00::", 8],
  ["reserved", "100::", 64],
  ["reserved", "2001::", 32], // Teredo: the tunnelled IPv4 address is hidden in it
  ["reserved", "2001:db8::", 32],
];

const lists = new Map<AddressClass, BlockList>();
for (const [cls, net, prefix] of [...V4, ...V6]) {
  const list = lists.get(cls) ?? new BlockList();
  list.addSubnet(net, prefix, isIPv4(net) ? "ipv4" : "ipv6");
  lists.set(cls, list);
}

export function classifyAddress(address: string): AddressClass | undefined {
  const ip = address.replace(/^\[|\]$/g, "").toLowerCase();
  if (METADATA.has(ip)) return "metadata";
  if (isIPv6(ip)) {
    if (ipv6Words(ip).join(":") === ipv6Words("fd00:ec2::254").join(":")) return "metadata";
    // IPv4 written inside IPv6 (mapped, compatible, NAT64, 6to4) reaches the IPv4 address: judge that one.
    const embedded = embeddedIPv4(ip);
    if (embedded) return classifyAddress(embedded);
  } else if (!isIPv4(ip)) return "reserved";
  const family = isIPv4(ip) ? "ipv4" : "ipv6";
  for (const [cls, list] of lists) if (list.check(ip, family)) return cls;
  return undefined;
}

function embeddedIPv4(ip: string): string | undefined {
  const w = ipv6Words(ip);
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  const zero = (from: number, to: number) => w.slice(from, to).every((x) => x === 0);
  if (zero(0, 5) && (w[5] === 0xffff || (w[5] === 0 && (w[6]! !== 0 || w[7]! > 1)))) return v4(w[6]!, w[7]!); // ::ffff:a.b.c.d, ::a.b.c.d
  if (w[0] === 0x64 && w[1] === 0xff9b && zero(2, 6)) return v4(w[6]!, w[7]!); // NAT64 64:ff9b::/96
  if (w[0] === 0x2002) return v4(w[1]!, w[2]!); // 6to4 2002:aabb:ccdd::/48
  return undefined;
}

/** The eight 16-bit words of an IPv6 address (a trailing dotted quad included). */
function ipv6Words(ip: string): number[] {
  let text = ip;
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes("::") ? (text.split("::") as [string, string]) : [text, undefined];
  const part = (s: string) => (s === "" ? [] : s.split(":").map((x) => parseInt(x, 16)));
  const h = part(head);
  if (tail === undefined) return h;
  const t = part(tail);
  return [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
}
