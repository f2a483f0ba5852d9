/** IPv4 CIDR arithmetic for VPC planning and validation. */

const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

export interface Cidr {
  /** First address as an unsigned 32-bit integer. */
  readonly base: number;
  readonly prefix: number;
}

/** Parses `a.b.c.d/n`; returns undefined for anything that is not a canonical IPv4 CIDR. */
export function parseCidr(text: string): Cidr | undefined {
  const match = CIDR_PATTERN.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const base = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  if (base % size !== 0) return undefined; // host bits set: 10.0.0.1/16 is not a network
  return { base, prefix };
}

export function cidrToString(cidr: Cidr): string {
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(cidr.base / 2 ** shift) % 256);
  return `${octets.join('.')}/${cidr.prefix}`;
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  const aEnd = a.base + 2 ** (32 - a.prefix);
  const bEnd = b.base + 2 ** (32 - b.prefix);
  return a.base < bEnd && b.base < aEnd;
}

/** The `index`-th subnet of `newBits` more prefix bits inside `parent` (Terraform's cidrsubnet). */
export function cidrSubnet(parent: Cidr, newBits: number, index: number): Cidr {
  const prefix = parent.prefix + newBits;
  if (prefix > 32 || index >= 2 ** newBits) {
    throw new Error(`cannot cut subnet ${index} of /${prefix} from ${cidrToString(parent)}`);
  }
  return { base: parent.base + index * 2 ** (32 - prefix), prefix };
}
