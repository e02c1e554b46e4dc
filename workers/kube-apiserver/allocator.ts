/**
 * Service ClusterIP and NodePort allocation (pkg/registry/core/service/ipallocator and
 * portallocator). Dynamic allocation draws at random, preferring the upper part of the range and
 * leaving a lower "static" band for addresses and ports users pick themselves:
 * band = min(max(16, size/16), 256) addresses and min(max(16, size/32), 128) ports.
 */
import type { FieldError } from '../../src/machinery/api/types.ts';

export function ipToInt(ip: string): number {
  const p = ip.split('.').map(Number);
  return (((p[0] as number) << 24) | ((p[1] as number) << 16) | ((p[2] as number) << 8) | (p[3] as number)) >>> 0;
}

export function intToIp(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

export function parseCIDR(cidr: string): { base: number; size: number } {
  const [ip, bits] = cidr.split('/') as [string, string];
  const size = 2 ** (32 - Number(bits));
  return { base: ipToInt(ip) & (~(size - 1) >>> 0), size };
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export class IPAllocator {
  private used = new Set<number>();
  readonly base: number;
  readonly size: number;

  constructor(
    readonly cidr: string,
    private rand: (n: number) => number,
  ) {
    const c = parseCIDR(cidr);
    this.base = c.base;
    this.size = c.size;
  }

  /** Offsets 1 … size-2 are usable (not the network or broadcast address). */
  private band(): number {
    return Math.min(Math.max(16, Math.floor(this.size / 16)), 256);
  }

  has(ip: string): boolean {
    return this.used.has(ipToInt(ip));
  }

  /** Allocates a specific address; returns an error text like upstream's, or undefined. */
  allocate(ip: string): string | undefined {
    if (!IPV4.test(ip)) return `failed to allocate IP ${ip}: not a valid IP address`;
    const n = ipToInt(ip);
    const off = n - this.base;
    if (off < 1 || off > this.size - 2) {
      return `failed to allocate IP ${ip}: the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${this.cidr}`;
    }
    if (this.used.has(n)) return `failed to allocate IP ${ip}: provided IP is already allocated`;
    this.used.add(n);
    return undefined;
  }

  /** Allocates a free address at random, preferring offsets above the static band. */
  allocateNext(): string | undefined {
    const band = this.band();
    const pick = (lo: number, hi: number): number | undefined => {
      const span = hi - lo + 1;
      if (span <= 0) return undefined;
      const start = this.rand(span);
      for (let i = 0; i < span; i++) {
        const off = lo + ((start + i) % span);
        if (!this.used.has(this.base + off)) return off;
      }
      return undefined;
    };
    const off = pick(band, this.size - 2) ?? pick(1, band - 1);
    if (off === undefined) return undefined;
    this.used.add(this.base + off);
    return intToIp(this.base + off);
  }

  release(ip: string): void {
    this.used.delete(ipToInt(ip));
  }
}

export class PortAllocator {
  private used = new Set<number>();

  constructor(
    readonly min: number,
    readonly max: number,
    private rand: (n: number) => number,
  ) {}

  private band(): number {
    return Math.min(Math.max(16, Math.floor((this.max - this.min + 1) / 32)), 128);
  }

  allocate(port: number, field: string): FieldError | undefined {
    if (port < this.min || port > this.max) {
      return {
        type: 'FieldValueInvalid',
        field,
        badValue: port,
        detail: `provided port is not in the valid range. The range of valid ports is ${this.min}-${this.max}`,
      };
    }
    if (this.used.has(port))
      return { type: 'FieldValueInvalid', field, badValue: port, detail: 'provided port is already allocated' };
    this.used.add(port);
    return undefined;
  }

  allocateNext(): number | undefined {
    const lo = this.min + this.band();
    const pick = (a: number, b: number): number | undefined => {
      const span = b - a + 1;
      if (span <= 0) return undefined;
      const start = this.rand(span);
      for (let i = 0; i < span; i++) {
        const p = a + ((start + i) % span);
        if (!this.used.has(p)) return p;
      }
      return undefined;
    };
    const p = pick(lo, this.max) ?? pick(this.min, lo - 1);
    if (p !== undefined) this.used.add(p);
    return p;
  }

  release(port: number): void {
    this.used.delete(port);
  }

  has(port: number): boolean {
    return this.used.has(port);
  }
}
