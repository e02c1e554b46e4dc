/** Seeded randomness: one independent xoroshiro128+ stream per component, derived from the cluster seed. */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { fnv } from '../bus/trace.ts';

export interface Rng {
  next(): number;
  int(n: number): number;
}

export function streamFor(seed: number, name: string): Rng {
  const g = xoroshiro128plus((seed ^ fnv(0x811c9dc5, name)) | 0);
  const next = (): number => (g.next() >>> 0) / 4294967296;
  return { next, int: (n: number) => Math.floor(next() * n) };
}
