/**
 * Which addresses a function may open connections to: the public internet only, unless the operator relaxes it.
 * Loopback, private (RFC 1918, fc00::/7), shared (CGNAT 100.64/10), link-local (169.254/16 with the cloud metadata
 * address, fe80::/10), unspecified, multicast and reserved ranges are refused, also when written as IPv4-mapped,
 * IPv4-compatible, NAT64 or 6to4 IPv6 addresses.
 *
 * This code runs inside the runner next to untrusted code, called from the guarded socket methods (network-guard.ts).
 * It therefore calls no method a function could replace (String.prototype.split, RegExp, Array.prototype.*, Set):
 * it reads characters by index, does arithmetic, and keeps bytes in a typed array.
 */

/** 16 bytes: an IPv6 address, or an IPv4 address in its IPv4-mapped form (::ffff:a.b.c.d). */
type AddressBytes = Uint8Array;

// Taken when the runner starts, before any function code could replace the globals.
const Bytes = Uint8Array;
const Words = Uint16Array;
const DIGITS: Record<string, number> = Object.create(null) as Record<string, number>;
for (let d = 0; d < 16; d++) {
  DIGITS["0123456789abcdef"[d]!] = d;
  DIGITS["0123456789ABCDEF"[d]!] = d;
}

function digit(char: string | undefined, hex: boolean): number {
  const d = char === undefined ? undefined : DIGITS[char];
  return d === undefined || (!hex && d > 9) ? -1 : d;
}

/** Strict dotted quad (no octal, hex or short forms: the kernel would not be handed those either). */
function parseIpv4(text: string, start: number, end: number, out: AddressBytes, at: number): boolean {
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = start; i <= end; i++) {
    if (i === end || text[i] === ".") {
      if (digits === 0 || part > 3) return false;
      out[at + part] = value;
      part++;
      value = 0;
      digits = 0;
      continue;
    }
    const d = digit(text[i], false);
    if (d < 0 || (digits > 0 && value === 0)) return false;
    value = value * 10 + d;
    digits++;
    if (value > 255) return false;
  }
  return part === 4;
}

function parseIpv6(text: string, out: AddressBytes): boolean {
  let end = text.length;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "%") {
      end = i;
      break;
    }
  }
  const groups = new Words(8);
  let count = 0;
  let gap = -1;
  let i = 0;
  if (end >= 2 && text[0] === ":" && text[1] === ":") {
    gap = 0;
    i = 2;
  } else if (end >= 1 && text[0] === ":") {
    return false;
  }
  while (i < end) {
    // An embedded dotted quad takes the last 32 bits.
    let dotted = false;
    for (let j = i; j < end && text[j] !== ":"; j++) if (text[j] === ".") dotted = true;
    if (dotted) {
      if (count > 6) return false;
      const quad = new Bytes(4);
      if (!parseIpv4(text, i, end, quad, 0)) return false;
      groups[count++] = quad[0]! * 256 + quad[1]!;
      groups[count++] = quad[2]! * 256 + quad[3]!;
      i = end;
      break;
    }
    let value = 0;
    let digits = 0;
    while (i < end && text[i] !== ":") {
      const d = digit(text[i], true);
      if (d < 0 || digits === 4) return false;
      value = value * 16 + d;
      digits++;
      i++;
    }
    if (digits === 0 || count === 8) return false;
    groups[count++] = value;
    if (i < end) {
      i++; // the ':'
      if (i < end && text[i] === ":") {
        if (gap >= 0) return false;
        gap = count;
        i++;
      } else if (i === end) {
        return false;
      }
    }
  }
  if (gap < 0 ? count !== 8 : count > 7) return false;
  const shift = gap < 0 ? 0 : 8 - count;
  for (let g = 0; g < 8; g++) {
    let value = 0;
    if (gap < 0 || g < gap) value = groups[g]!;
    else if (g >= gap + shift) value = groups[g - shift]!;
    out[g * 2] = value >> 8;
    out[g * 2 + 1] = value & 255;
  }
  return true;
}

/** The address as 16 bytes, or undefined when it is not an IP literal Node would connect to. */
function parseAddress(address: unknown): AddressBytes | undefined {
  if (typeof address !== "string" || address.length === 0 || address.length > 64) return undefined;
  const bytes = new Bytes(16);
  let colon = false;
  for (let i = 0; i < address.length; i++) if (address[i] === ":") colon = true;
  if (colon) return parseIpv6(address, bytes) ? bytes : undefined;
  bytes[10] = 255;
  bytes[11] = 255;
  return parseIpv4(address, 0, address.length, bytes, 12) ? bytes : undefined;
}

function inV4(b: AddressBytes, at: number, first: number, second: number, bits: number): boolean {
  const value = b[at]! * 256 + b[at + 1]!;
  const prefix = first * 256 + second;
  const mask = bits >= 16 ? 0xffff : (0xffff << (16 - bits)) & 0xffff;
  return (value & mask) === (prefix & mask);
}

function ipv4Range(b: AddressBytes, at: number): string | undefined {
  const o0 = b[at]!;
  if (o0 === 0) return "unspecified";
  if (o0 === 127) return "loopback";
  if (o0 === 10 || inV4(b, at, 172, 16, 12) || inV4(b, at, 192, 168, 16)) return "private";
  if (inV4(b, at, 100, 64, 10)) return "shared (CGNAT)";
  if (inV4(b, at, 169, 254, 16)) {
    return b[at + 2] === 169 && b[at + 3] === 254 ? "cloud metadata" : "link-local";
  }
  if (inV4(b, at, 192, 0, 16) && b[at + 2] === 0) return "reserved";
  if (inV4(b, at, 198, 18, 15)) return "reserved";
  if (o0 >= 224) return o0 < 240 ? "multicast" : "reserved";
  return undefined;
}

function zeros(b: AddressBytes, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (b[i] !== 0) return false;
  return true;
}

function rangeOfBytes(b: AddressBytes): string | undefined {
  // ::ffff:a.b.c.d (how IPv4 is kept here too) and the deprecated ::a.b.c.d.
  if (zeros(b, 0, 10) && b[10] === 255 && b[11] === 255) return ipv4Range(b, 12);
  if (zeros(b, 0, 12)) return zeros(b, 12, 15) && b[15] === 1 ? "loopback" : zeros(b, 12, 16) ? "unspecified" : "reserved";
  // NAT64 64:ff9b::/96 carries an IPv4 address; 64:ff9b:1::/48 is for local use.
  if (b[0] === 0 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b) return zeros(b, 4, 12) ? ipv4Range(b, 12) : "private";
  // 6to4 2002:a.b.c.d::/48.
  if (b[0] === 0x20 && b[1] === 0x02) return ipv4Range(b, 2);
  // Teredo 2001::/32 tunnels to an address it hides.
  if (b[0] === 0x20 && b[1] === 0x01 && b[2] === 0 && b[3] === 0) return "reserved";
  if ((b[0]! & 0xfe) === 0xfc) return "private";
  if (b[0] === 0xfe && (b[1]! & 0xc0) === 0x80) return "link-local";
  if (b[0] === 0xfe && (b[1]! & 0xc0) === 0xc0) return "private";
  if (b[0] === 0xff) return "multicast";
  // 100::/64, discard-only.
  if (b[0] === 1 && zeros(b, 1, 8)) return "reserved";
  return undefined;
}

/**
 * Why a function may not connect to this address ("loopback", "private", ...), or undefined for a public address.
 * Anything that is not an IP literal is refused ("not an IP address"): callers resolve names first.
 */
export function restrictedRange(address: unknown): string | undefined {
  const bytes = parseAddress(address);
  return bytes ? rangeOfBytes(bytes) : "not an IP address";
}

/** One spelling per address and port ("::ffff:127.0.0.1" and "127.0.0.1" are the same), for allow lists. */
export function endpointKey(address: unknown, port: unknown): string | undefined {
  const bytes = parseAddress(address);
  if (!bytes || typeof port !== "number") return undefined;
  let key = "";
  for (let i = 0; i < 16; i++) key += `${bytes[i]!}.`;
  return `${key}${port}`;
}
