/**
 * The etcd MVCC store in-process (no relay, no worker, no JSON codec): puts into a fresh store,
 * overwrites, single-key gets, prefix ranges, and the apiserver's create-then-list pattern.
 *
 * Keys are laid out as kube-apiserver writes pods: /registry/pods/<namespace>/<name>, NAMESPACES
 * namespaces of PODS_PER_NS pods, so a namespace prefix range returns PODS_PER_NS keys. Values are
 * ~1 KB byte strings (a pod's protobuf is 1-3 KB); a few distinct ones are reused, since the store
 * keeps references and never copies or hashes values.
 */
import { MvccStore } from '../workers/etcd/mvcc.ts';

export const NAMESPACES = 2000;
export const PODS_PER_NS = 100;

export interface EtcdOptions {
  reps: number;
  gets: number;
  ranges: number;
  /** create+list pairs on a full store. */
  mixed: number;
}

export const DEFAULT_ETCD: EtcdOptions = { reps: 5, gets: 200_000, ranges: 20_000, mixed: 300 };

export interface EtcdResult {
  /** Puts per second creating every key in a fresh store. */
  create: number[];
  /** Puts per second overwriting every key once more. */
  overwrite: number[];
  /** Both together: all puts over all put time. */
  put: number[];
  get: number[];
  prefix: number[];
  mixed: number[];
}

const nsKey = (n: number) => `/registry/pods/ns-${n}/`;
/** etcd's prefix range_end: the prefix with its last byte incremented ('/' + 1 = '0'). */
const prefixEnd = (p: string) => p.slice(0, -1) + String.fromCharCode(p.charCodeAt(p.length - 1) + 1);

function makeValue(seed: number): string {
  // A byte string shaped like a pod's protobuf envelope: the k8s magic, then filler.
  let s = 'k8s\0\n\u0002v1\u0012\u0003Pod';
  let x = seed * 2654435761;
  while (s.length < 1024) {
    x = Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) >>> 0;
    s += String.fromCharCode(32 + (x % 95));
  }
  return s;
}

/** A deterministic pseudo-random sequence for picking keys. */
function picker(n: number, seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % n;
  };
}

/** `Store` lets a candidate store (same API) be measured against the current one in one process. */
export function etcdBench(o: EtcdOptions, Store: new () => MvccStore = MvccStore): EtcdResult {
  const keys: string[] = [];
  for (let n = 0; n < NAMESPACES; n++) for (let p = 0; p < PODS_PER_NS; p++) keys.push(`${nsKey(n)}pod-${p}`);
  const values = Array.from({ length: 16 }, (_, i) => makeValue(i + 1));
  const prefixes = Array.from({ length: NAMESPACES }, (_, n) => ({ key: nsKey(n), range_end: prefixEnd(nsKey(n)) }));
  const r: EtcdResult = { create: [], overwrite: [], put: [], get: [], prefix: [], mixed: [] };
  let sink = 0;
  for (let rep = 0; rep < o.reps; rep++) {
    const store = new Store();
    const t0 = performance.now();
    for (let i = 0; i < keys.length; i++) store.put({ key: keys[i] as string, value: values[i & 15] as string });
    const t1 = performance.now();
    for (let i = 0; i < keys.length; i++) store.put({ key: keys[i] as string, value: values[(i + 7) & 15] as string });
    const t2 = performance.now();
    r.create.push((keys.length / (t1 - t0)) * 1000);
    r.overwrite.push((keys.length / (t2 - t1)) * 1000);
    r.put.push(((2 * keys.length) / (t2 - t0)) * 1000);

    // The first ranged read merges the keys written since the last one into the sorted index.
    sink += store.range({ key: '/registry/', range_end: '/registry0', count_only: true }).count;

    const pick = picker(keys.length, rep + 1);
    const t3 = performance.now();
    for (let i = 0; i < o.gets; i++) sink += store.range({ key: keys[pick()] as string }).kvs.length;
    const t4 = performance.now();
    r.get.push((o.gets / (t4 - t3)) * 1000);

    const pickNs = picker(NAMESPACES, rep + 7);
    const t5 = performance.now();
    for (let i = 0; i < o.ranges; i++)
      sink += store.range(prefixes[pickNs()] as { key: string; range_end: string }).count;
    const t6 = performance.now();
    r.prefix.push((o.ranges / (t6 - t5)) * 1000);

    // kube-apiserver's usual rhythm: create an object, then list its namespace (a new key each time).
    const t7 = performance.now();
    for (let i = 0; i < o.mixed; i++) {
      const n = pickNs();
      store.put({ key: `${nsKey(n)}new-${rep}-${i}`, value: values[i & 15] as string });
      sink += store.range(prefixes[n] as { key: string; range_end: string }).count;
    }
    const t8 = performance.now();
    r.mixed.push((o.mixed / (t8 - t7)) * 1000);
  }
  if (sink < 0) throw new Error('unreachable');
  return r;
}
