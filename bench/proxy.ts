/**
 * kube-proxy's iptables mode beside the real kernel: how long the proxier takes to generate the full
 * iptables-restore input for N services with E endpoints each, how many bytes that is, how long an
 * incremental sync after one endpoint change takes, and how long the kernel's own
 * `iptables-restore --test` takes for the same text in the same run (inside `unshare -rn`, so no
 * privileges are needed). See bench/README.md, section "kube-proxy".
 *
 * Each repetition starts a fresh proxier on a cluster whose namespace differs from the previous
 * repetition's, so no chain-name hash is reused across repetitions: every full sync is a cold one,
 * as kube-proxy's first sync after it starts. Two warm full syncs are timed beside it: a rebuild of
 * every service's rules with the chain names already memoised (what a topology or large-cluster-mode
 * change costs a running kube-proxy), and the periodic full resync, which rewrites every chain from
 * the rules it keeps.
 */

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { benchIncrementalSync, type SyntheticCluster, syntheticCluster } from '../workers/kube-proxy/bench.ts';
import { Proxier } from '../workers/kube-proxy/proxier.ts';
import type { BenchLine } from './line.ts';

export type ProxyLine = BenchLine;

export interface ProxyBenchOptions {
  sizes: number[];
  endpointsPerService: number;
  /** Repetitions of our full sync and of the incremental sync. */
  reps: number;
  /** Untimed full syncs of a 1,000-service cluster first, for the JIT. */
  warmups: number;
  /** Repetitions of `iptables-restore --test` (per size; the kernel is slow at 10,000 services). */
  kernelReps: (services: number) => number;
  log: (s: string) => void;
}

export const DEFAULT_PROXY: ProxyBenchOptions = {
  sizes: [1_000, 10_000],
  endpointsPerService: 10,
  reps: 5,
  warmups: 20,
  kernelReps: (n) => (n >= 10_000 ? 1 : 3),
  log: () => {},
};

/** The same cluster under another namespace of the same length (so the text has the same size). */
function renamed(c: SyntheticCluster, ns: string): SyntheticCluster {
  return {
    node: c.node,
    services: c.services.map((s) => ({ ...s, metadata: { ...s.metadata, namespace: ns } })),
    endpointSlices: c.endpointSlices.map((s) => ({ ...s, metadata: { ...s.metadata, namespace: ns } })),
  };
}

/** Whether `unshare -rn iptables-restore --test` works here; the reason when it does not. */
export function kernelCheck(): { ok: true } | { ok: false; reason: string } {
  const probe = spawnSync('unshare', ['-rn', 'iptables-restore', '--test'], {
    input: '*nat\n:KUBE-PROBE - [0:0]\nCOMMIT\n',
    encoding: 'utf8',
  });
  if (probe.error) {
    const code = (probe.error as NodeJS.ErrnoException).code;
    return {
      ok: false,
      reason:
        code === 'ENOENT'
          ? 'unshare not found (apt-get install util-linux iptables)'
          : `unshare failed: ${probe.error.message}`,
    };
  }
  if (probe.status !== 0) {
    return {
      ok: false,
      reason: `unshare -rn iptables-restore --test failed (${probe.status}): ${(probe.stderr || probe.stdout).trim().split('\n')[0] ?? ''}`,
    };
  }
  return { ok: true };
}

/** The collector, to start each repetition with no garbage from the last one (exposed at run time). */
const gc: (() => void) | undefined = (() => {
  try {
    v8.setFlagsFromString('--expose-gc');
    return vm.runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
})();

/** Wall and CPU time of one measured step, in ms. */
interface Timing {
  wall: number;
  cpu: number;
}

/** Times `fn` in this process: wall clock and CPU (user + system, every thread, GC included). */
function timed<T>(fn: () => T): [T, Timing] {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const v = fn();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return [v, { wall, cpu: (c.user + c.system) / 1000 }];
}

const TIME = '/usr/bin/time';
const haveTime = spawnSync(TIME, ['-f', '%U', 'true']).status === 0;

/** Reads `/usr/bin/time -f '%U %S'` output (seconds) into CPU ms. */
function cpuOf(file: string): number {
  const [u, s] = readFileSync(file, 'utf8').trim().split('\n').pop()?.split(' ').map(Number) ?? [
    Number.NaN,
    Number.NaN,
  ];
  return ((u ?? Number.NaN) + (s ?? Number.NaN)) * 1000;
}

/**
 * `unshare -rn iptables-restore --test <file>`: wall time (process start included) and the CPU
 * time of iptables-restore itself (from /usr/bin/time; NaN without it).
 */
function kernelTest(file: string, dir: string): Timing {
  const cpuFile = join(dir, 'cpu.txt');
  const cmd = haveTime
    ? [TIME, ['-f', '%U %S', '-o', cpuFile, 'unshare', '-rn', 'iptables-restore', '--test', file]]
    : ['unshare', ['-rn', 'iptables-restore', '--test', file]];
  const t0 = performance.now();
  const r = spawnSync(cmd[0] as string, cmd[1] as string[], { encoding: 'utf8' });
  const wall = performance.now() - t0;
  if (r.status !== 0) throw new Error(`iptables-restore --test ${file} failed: ${r.stderr.trim()}`);
  return { wall, cpu: haveTime ? cpuOf(cpuFile) : Number.NaN };
}

/**
 * Inside one namespace: load `full` for real, then time `--noflush --test` of `inc` on top of it (a
 * partial sync's input refers to chains only the full load created). This uses the legacy backend:
 * in an unprivileged namespace the nft backend cannot send a batch larger than the netlink socket
 * buffer ("sendmsg() failed: Message too long"), so it cannot load a full ruleset of this size.
 */
function kernelIncremental(full: string, inc: string, dir: string): Timing | string {
  const cpuFile = join(dir, 'cpu-inc.txt');
  const test = haveTime
    ? `${TIME} -f '%U %S' -o "$3" iptables-legacy-restore --noflush --test "$2"`
    : 'iptables-legacy-restore --noflush --test "$2"';
  const r = spawnSync(
    'unshare',
    [
      '-rn',
      'sh',
      '-c',
      `iptables-legacy-restore "$1" && s=$(date +%s%N) && ${test} && e=$(date +%s%N) && echo $((e - s))`,
      'sh',
      full,
      inc,
      cpuFile,
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) return `iptables-legacy-restore in unshare -rn failed: ${r.stderr.trim().split('\n')[0] ?? ''}`;
  return { wall: Number(r.stdout.trim()) / 1e6, cpu: haveTime ? cpuOf(cpuFile) : Number.NaN };
}

const best = (xs: Timing[]): Timing => ({
  wall: Math.min(...xs.map((x) => x.wall)),
  cpu: Math.min(...xs.map((x) => x.cpu)),
});
const fmt = (xs: Timing[]) => xs.map((x) => `${Math.round(x.cpu)}/${Math.round(x.wall)}`).join(' ');

export function proxyBench(opts: ProxyBenchOptions = DEFAULT_PROXY): ProxyLine[] {
  const out: ProxyLine[] = [];
  const kernel = kernelCheck();
  if (!kernel.ok) opts.log(`proxy: the kernel columns are skipped: ${kernel.reason}`);
  const dir = mkdtempSync(join(tmpdir(), 'wheelhouse-proxy-bench-'));
  try {
    // Warm-up: the JIT needs a good number of full syncs of a sizeable cluster before it settles.
    const warm = syntheticCluster(1_000, opts.endpointsPerService);
    for (let i = 0; i < opts.warmups; i++) {
      const c = renamed(warm, `wu${String(i).padStart(3, '0')}`);
      const p = new Proxier({ nodeName: c.node.name, nodeIP: c.node.ip });
      for (const s of c.services) p.onServiceUpdate(s);
      for (const s of c.endpointSlices) p.onEndpointSliceUpdate(s);
      p.syncProxyRules();
      benchIncrementalSync(p, c, 1, 0);
    }
    for (const n of opts.sizes) {
      const base = syntheticCluster(n, opts.endpointsPerService);
      const prefix = `proxy.iptables.${n}`;
      const load: Timing[] = [];
      const sync: Timing[] = [];
      let text = '';
      let rules = 0;
      let proxier: Proxier | undefined;
      let cluster: SyntheticCluster = base;
      for (let rep = 0; rep < opts.reps; rep++) {
        // `bench` for the last repetition (the text the kernel gets), other 5-letter names before it.
        cluster = rep === opts.reps - 1 ? base : renamed(base, `bn${String(rep).padStart(3, '0')}`);
        const c = cluster;
        const p = new Proxier({ nodeName: c.node.name, nodeIP: c.node.ip });
        gc?.(); // no garbage from the previous repetition is collected on this one's time
        const [, l] = timed(() => {
          for (const s of c.services) p.onServiceUpdate(s);
          for (const s of c.endpointSlices) p.onEndpointSliceUpdate(s);
        });
        const [r, t] = timed(() => p.syncProxyRules());
        load.push(l);
        sync.push(t);
        text = r.restoreInput;
        rules = r.rules;
        proxier = p;
      }
      const bytes = Buffer.byteLength(text);
      opts.log(
        `proxy ${n} services × ${opts.endpointsPerService} (CPU/wall ms): load ${fmt(load)}, sync ${fmt(sync)}; ${rules} rules, ${(bytes / 1e6).toFixed(1)} MB`,
      );
      const full = best(sync);
      const ld = best(load);
      out.push({ name: `${prefix}.full.sync`, value: full.cpu, unit: 'ms cpu' });
      out.push({ name: `${prefix}.full.sync.wall`, value: full.wall, unit: 'ms' });
      out.push({ name: `${prefix}.full.load`, value: ld.cpu, unit: 'ms cpu' });
      out.push({ name: `${prefix}.full.bytes`, value: bytes, unit: 'B' });

      // Warm: every service's rules rebuilt, chain names memoised from the cold syncs above (a new
      // proxier on the same cluster); then the periodic full resync of a running proxier.
      const rebuild: Timing[] = [];
      const resync: Timing[] = [];
      for (let rep = 0; rep < opts.reps; rep++) {
        const c = cluster;
        const p = new Proxier({ nodeName: c.node.name, nodeIP: c.node.ip });
        for (const s of c.services) p.onServiceUpdate(s);
        for (const s of c.endpointSlices) p.onEndpointSliceUpdate(s);
        gc?.();
        const [r, t] = timed(() => p.syncProxyRules());
        if (r.restoreInput !== text) throw new Error('proxy: a warm full sync wrote other text than the cold one');
        rebuild.push(t);
      }
      for (let rep = 0; rep < opts.reps; rep++) {
        gc?.();
        const [r, t] = timed(() => (proxier as Proxier).syncProxyRules({ forceFull: true }));
        if (r.restoreInput !== text) throw new Error('proxy: the periodic full resync wrote other text');
        resync.push(t);
      }
      opts.log(`proxy ${n}: warm rebuild (CPU/wall ms) ${fmt(rebuild)}; periodic full resync ${fmt(resync)}`);
      const rb = best(rebuild);
      const rs = best(resync);
      out.push({ name: `${prefix}.warm.rebuild`, value: rb.cpu, unit: 'ms cpu' });
      out.push({ name: `${prefix}.warm.resync`, value: rs.cpu, unit: 'ms cpu' });
      out.push({ name: `${prefix}.full.rules`, value: rules, unit: 'rules' });

      // Incremental: one endpoint more in one service, a different service each round.
      const inc: Timing[] = [];
      let incText = '';
      for (let round = 0; round < opts.reps; round++) {
        const [r, t] = timed(() => benchIncrementalSync(proxier as Proxier, cluster, 1, round));
        inc.push(t);
        incText = r.restoreInput;
      }
      const incT = best(inc);
      opts.log(
        `proxy ${n}: incremental (CPU/wall ms) ${inc.map((x) => `${x.cpu.toFixed(1)}/${x.wall.toFixed(1)}`).join(' ')}, ${incText.length} B`,
      );
      out.push({
        name: `${prefix}.incremental.sync`,
        value: incT.cpu,
        unit: 'ms cpu',
        baseline: full.cpu,
        baselineName: `${prefix}.full.sync`,
        ratio: incT.cpu / full.cpu,
      });
      out.push({ name: `${prefix}.incremental.bytes`, value: Buffer.byteLength(incText), unit: 'B' });

      if (!kernel.ok) {
        for (const what of ['full', 'incremental'])
          out.push({
            name: `${prefix}.kernel.${what}`,
            value: Number.NaN,
            unit: 'ms cpu',
            skipped: true,
            reason: kernel.reason,
          });
        continue;
      }
      const fullFile = join(dir, `full-${n}.rules`);
      const incFile = join(dir, `inc-${n}.rules`);
      writeFileSync(fullFile, text);
      writeFileSync(incFile, incText);
      const ks: Timing[] = [];
      for (let i = 0; i < opts.kernelReps(n); i++) ks.push(kernelTest(fullFile, dir));
      const k = best(ks);
      opts.log(`proxy ${n}: iptables-restore --test (CPU/wall ms) ${fmt(ks)}`);
      out.push({
        name: `${prefix}.kernel.full`,
        value: k.cpu,
        unit: 'ms cpu',
        baseline: full.cpu,
        baselineName: `${prefix}.full.sync`,
        ratio: k.cpu / full.cpu,
      });
      out.push({
        name: `${prefix}.kernel.full-vs-warm.rebuild`,
        value: k.cpu,
        unit: 'ms cpu',
        baseline: rb.cpu,
        baselineName: `${prefix}.warm.rebuild`,
        ratio: k.cpu / rb.cpu,
      });
      out.push({
        name: `${prefix}.kernel.full-vs-warm.resync`,
        value: k.cpu,
        unit: 'ms cpu',
        baseline: rs.cpu,
        baselineName: `${prefix}.warm.resync`,
        ratio: k.cpu / rs.cpu,
      });
      out.push({
        name: `${prefix}.kernel.full-vs-load+sync`,
        value: k.cpu,
        unit: 'ms cpu',
        baseline: ld.cpu + full.cpu,
        baselineName: `${prefix}.full.load + ${prefix}.full.sync`,
        ratio: k.cpu / (ld.cpu + full.cpu),
      });
      out.push({
        name: `${prefix}.kernel.full.wall`,
        value: k.wall,
        unit: 'ms',
        baseline: full.wall,
        baselineName: `${prefix}.full.sync.wall`,
        ratio: k.wall / full.wall,
      });
      const kInc = kernelIncremental(fullFile, incFile, dir);
      if (typeof kInc === 'string') {
        opts.log(`proxy ${n}: kernel incremental skipped: ${kInc}`);
        out.push({
          name: `${prefix}.kernel.incremental`,
          value: Number.NaN,
          unit: 'ms cpu',
          skipped: true,
          reason: kInc,
        });
        continue;
      }
      opts.log(
        `proxy ${n}: iptables-legacy-restore --noflush --test of the incremental input (CPU/wall ms) ${fmt([kInc])}`,
      );
      out.push({
        name: `${prefix}.kernel.incremental`,
        value: kInc.cpu,
        unit: 'ms cpu',
        baseline: incT.cpu,
        baselineName: `${prefix}.incremental.sync`,
        ratio: kInc.cpu / incT.cpu,
      });
    }
    if (kernel.ok) {
      const tiny = join(dir, 'tiny.rules');
      writeFileSync(tiny, '*nat\n:KUBE-PROBE - [0:0]\nCOMMIT\n');
      out.push({
        name: 'proxy.iptables.kernel.process-start.wall',
        value: best([kernelTest(tiny, dir), kernelTest(tiny, dir), kernelTest(tiny, dir)]).wall,
        unit: 'ms',
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
