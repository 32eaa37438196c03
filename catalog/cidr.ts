/** Minimal IPv4 CIDR arithmetic for validating address plans before anything is synthesized. */

export interface Cidr {
  /** Network address as an unsigned 32-bit number. */
  readonly base: number;
  readonly prefix: number;
}

export function parseCidr(text: string): Cidr | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  // A host address with a prefix (10.0.0.5/16) is almost always a typo in an address plan.
  if (address % size !== 0) return undefined;
  return { base: address, prefix };
}

function range(text: string): [number, number] {
  const c = parseCidr(text);
  if (!c) throw new Error(`not an IPv4 CIDR: ${text}`);
  return [c.base, c.base + 2 ** (32 - c.prefix) - 1];
}

export function cidrContains(outer: string, inner: string): boolean {
  if (!parseCidr(outer) || !parseCidr(inner)) return false;
  const [oStart, oEnd] = range(outer);
  const [iStart, iEnd] = range(inner);
  return iStart >= oStart && iEnd <= oEnd;
}

export function cidrsOverlap(a: string, b: string): boolean {
  if (!parseCidr(a) || !parseCidr(b)) return false;
  const [aStart, aEnd] = range(a);
  const [bStart, bEnd] = range(b);
  return aStart <= bEnd && bStart <= aEnd;
}

/** Merged [start, end] address intervals of the ranges (plain addresses count as /32). */
function intervals(cidrs: string[]): [number, number][] {
  const sorted = cidrs
    .map((c) => (c.includes('/') ? c : `${c}/32`))
    .filter((c) => parseCidr(c))
    .map(range)
    .sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [s, e] of sorted) {
    const last = merged[merged.length - 1];
    if (last && s <= last[1] + 1) last[1] = Math.max(last[1], e);
    else merged.push([s, e]);
  }
  return merged;
}

/** Whether the union of `outers` covers every address of `inner` (no single range needs to). */
export function coveredBy(inner: string, outers: string[]): boolean {
  const [s, e] = range(inner.includes('/') ? inner : `${inner}/32`);
  return intervals(outers).some(([a, b]) => a <= s && e <= b);
}

/** Whether the ranges together admit every IPv4 address (0.0.0.0/0, or halves of it, ...). */
export function coversAllAddresses(cidrs: string[]): boolean {
  return coveredBy('0.0.0.0/0', cidrs);
}

/** The prefix length of an address or CIDR (an address is a /32). */
export function prefixOf(ipOrCidr: string): number {
  return ipOrCidr.includes('/') ? Number(ipOrCidr.split('/')[1]) : 32;
}
