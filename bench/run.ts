/**
 * `npm run bench`: every benchmark, one JSON line each on stdout, also written to
 * bench/results/latest.jsonl. Progress goes to stderr. See bench/README.md.
 *
 *   npm run bench [-- --only etcd,api,core,node,browser,workloads,proxy,ui] [--quick] [--browser-relay page]
 *                    [--workers 2] [--clients 4] [--inflight 64] [--ui-profile] [--ui-parts size,load,fps10,fps100]
 *
 * Sections can also be named without --only: `npm run bench -- ui`.
 *
 * --quick shortens every window (for trying changes; numbers are noisier). --browser-relay page runs
 * the browser relay and forwarder on the page's main thread instead of a dedicated worker.
 * --workers/--clients/--inflight change the relay workload (hosts, clients per host, requests in
 * flight per client).
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { type ApiBenchResult, apiBench } from './api.ts';
import { UI_PARTS, type UiPart, uiBench } from './browser-ui.ts';
import { DEFAULT_ETCD as ETCD, etcdBench, NAMESPACES, PODS_PER_NS } from './etcd.ts';
import { DEFAULT_LAYOUT, type FlowLayout, flowCount } from './lib/flows.ts';
import { best, DEFAULT_PAIR, median, type PairOptions } from './lib/pair.ts';
import type { BenchLine } from './line.ts';
import { DEFAULT_PROXY, proxyBench } from './proxy.ts';
import { browserRelayBench } from './relay-browser.ts';
import { relayCoreBench } from './relay-core.ts';
import { nodeRelayBench } from './relay-node.ts';
import { workloadsBench } from './workloads.ts';

type Line = BenchLine;

const args = process.argv.slice(2);
const quick = args.includes('--quick');
function flag(name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}
/** Flags followed by a value; any other bare word names a section (`npm run bench -- ui`). */
const VALUE_FLAGS = new Set(['--only', '--browser-relay', '--workers', '--clients', '--inflight', '--ui-parts']);
const named = args.filter((a, i) => !a.startsWith('--') && !VALUE_FLAGS.has(args[i - 1] ?? ''));
const only = flag('--only')?.split(',') ?? (named.length > 0 ? named : undefined);
const want = (s: string) => !only || only.includes(s);
const LAYOUT: FlowLayout = {
  workers: Number(flag('--workers') ?? DEFAULT_LAYOUT.workers),
  clientsPerWorker: Number(flag('--clients') ?? DEFAULT_LAYOUT.clientsPerWorker),
  inflight: Number(flag('--inflight') ?? DEFAULT_LAYOUT.inflight),
};
const browserThread = flag('--browser-relay') === 'page' ? 'page' : 'worker';

const PAIR: PairOptions = quick ? { warmupMs: 500, windowMs: 700, reps: 3 } : DEFAULT_PAIR;
const lines: Line[] = [];

function log(s: string): void {
  process.stderr.write(`bench: ${s}\n`);
}

function emit(l: Line): void {
  const out: Line = { ...l };
  if (Number.isFinite(out.value)) out.value = round(out.value);
  if (out.baseline !== undefined) out.baseline = round(out.baseline);
  if (out.ratio !== undefined) out.ratio = Math.round(out.ratio * 1000) / 1000;
  lines.push(out);
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

/** Three significant digits for rates, whole numbers above 1000. */
function round(x: number): number {
  if (Math.abs(x) >= 1000) return Math.round(x);
  return Number(x.toPrecision(3));
}

function ratioLines(prefix: string, relay: number[], bare: number[], batch: number[]): void {
  const b = best(bare);
  const r = best(relay);
  emit({ name: `${prefix}.bare.throughput`, value: b, unit: 'msg/s' });
  emit({
    name: `${prefix}.relay.throughput`,
    value: r,
    unit: 'msg/s',
    baseline: b,
    baselineName: `${prefix}.bare.throughput`,
    ratio: r / b,
  });
  emit({ name: `${prefix}.relay.batch`, value: median(batch), unit: 'msg/round' });
  log(`${prefix}: relay ${relay.map(Math.round).join(' ')} | bare ${bare.map(Math.round).join(' ')}`);
}

async function main(): Promise<void> {
  const started = performance.now();
  log(
    `${availableParallelism()} cpus, node ${process.version}; flows ${flowCount(LAYOUT)} ` +
      `(${LAYOUT.workers} workers × ${LAYOUT.clientsPerWorker} clients × ${LAYOUT.inflight} in flight); ` +
      `${PAIR.reps} × ${PAIR.windowMs} ms windows after ${PAIR.warmupMs} ms warm-up`,
  );

  if (want('etcd')) {
    const o = quick ? { ...ETCD, reps: 2, gets: 50_000, ranges: 5_000, mixed: 100 } : ETCD;
    log(`etcd: ${NAMESPACES * PODS_PER_NS} keys, ${o.reps} reps after a warm-up`);
    etcdBench({ ...o, reps: 1 }); // warm-up: the JIT, and the heap sized for a full store
    const r = etcdBench(o);
    for (const [k, v] of Object.entries(r)) log(`etcd ${k}: ${v.map(Math.round).join(' ')}`);
    emit({ name: 'etcd.put', value: best(r.put), unit: 'put/s' });
    emit({ name: 'etcd.put.create', value: best(r.create), unit: 'put/s' });
    emit({ name: 'etcd.put.overwrite', value: best(r.overwrite), unit: 'put/s' });
    emit({ name: 'etcd.range.get', value: best(r.get), unit: 'op/s' });
    emit({ name: 'etcd.range.prefix100', value: best(r.prefix), unit: 'op/s' });
    emit({ name: 'etcd.create-then-list', value: best(r.mixed), unit: 'op/s' });
  }

  if (want('api')) {
    const o = quick
      ? { objects: 2_000, inflight: 500, watchers: 100, watchWrites: 200 }
      : { objects: 10_000, inflight: 500, watchers: 100, watchWrites: 1_000 };
    const reps = quick ? 2 : 3;
    log(
      `api: kube-apiserver and etcd through the relay at maximum speed; ${o.objects} creates then ${o.objects} updates, ${o.inflight} in flight, ${reps} reps`,
    );
    const runs: ApiBenchResult[] = [];
    await apiBench({ ...o, objects: 1_000, watchWrites: 50 }); // warm-up
    for (let i = 0; i < reps; i++) runs.push(await apiBench(o));
    const col = (k: keyof ApiBenchResult, rs: ApiBenchResult[]) => rs.map((r) => r[k]);
    for (const k of ['writes', 'creates', 'updates', 'writesPerCpuSecond'] as const)
      log(`api in-process ${k}: ${col(k, runs).map(Math.round).join(' ')}`);
    const writes = best(col('writes', runs));
    emit({ name: 'api.write', value: writes, unit: 'write/s' });
    emit({ name: 'api.create', value: best(col('creates', runs)), unit: 'write/s' });
    emit({ name: 'api.update', value: best(col('updates', runs)), unit: 'write/s' });
    emit({ name: 'api.write.cpu', value: best(col('writesPerCpuSecond', runs)), unit: 'write/cpu-s' });
    emit({ name: 'api.write.records', value: median(col('recordsPerWrite', runs)), unit: 'record/write' });
    emit({ name: 'api.get', value: best(col('gets', runs)), unit: 'op/s' });
    emit({ name: 'api.list100', value: best(col('lists', runs)), unit: 'op/s' });
    emit({ name: 'api.watch.fanout100', value: best(col('watchEvents', runs)), unit: 'event/s' });

    log('api: the same writes with etcd and kube-apiserver in worker_threads, as npm run serve places them');
    const t: ApiBenchResult[] = [];
    const ot = { ...o, watchers: 0 };
    await apiBench({ ...ot, objects: 1_000 }, 'threads'); // warm-up
    for (let i = 0; i < reps; i++) t.push(await apiBench(ot, 'threads'));
    for (const k of ['writes', 'creates', 'updates', 'writesPerCpuSecond'] as const)
      log(`api threads ${k}: ${col(k, t).map(Math.round).join(' ')}`);
    const tw = best(col('writes', t));
    emit({
      name: 'api.threads.write',
      value: tw,
      unit: 'write/s',
      baseline: writes,
      baselineName: 'api.write',
      ratio: tw / writes,
    });
    emit({ name: 'api.threads.create', value: best(col('creates', t)), unit: 'write/s' });
    emit({ name: 'api.threads.update', value: best(col('updates', t)), unit: 'write/s' });
    emit({ name: 'api.threads.write.cpu', value: best(col('writesPerCpuSecond', t)), unit: 'write/cpu-s' });
  }

  if (want('core')) {
    log('relay core: synthetic in-thread hosts, no cloning');
    const rates = await relayCoreBench(LAYOUT, PAIR.reps, PAIR.windowMs);
    log(`relay core: ${rates.map(Math.round).join(' ')}`);
    emit({ name: 'node.relay.core', value: best(rates), unit: 'msg/s' });
  }

  if (want('node')) {
    log('node: relay vs bare forwarder over worker_threads');
    const r = await nodeRelayBench(LAYOUT, PAIR);
    ratioLines('node', r.relay, r.bare, r.relayBatch);
  }

  if (want('browser')) {
    log('chromium: building the bench page and launching');
    const o = await browserRelayBench({ layout: LAYOUT, pair: PAIR }, 120_000, browserThread);
    if (o.ok) {
      log(`chromium: relay ran in a ${o.result.thread}; ${o.result.userAgent}`);
      ratioLines(
        browserThread === 'page' ? 'chromium-page' : 'chromium',
        o.result.relay,
        o.result.bare,
        o.result.relayBatch,
      );
    } else if (o.skipped) {
      emit({ name: 'chromium.relay.throughput', value: Number.NaN, unit: 'msg/s', skipped: true, reason: o.reason });
    } else {
      throw new Error(`chromium benchmark failed: ${o.reason}`);
    }
  }

  if (want('workloads')) {
    log('workloads: a Deployment to all replicas Running, ours and @ngrok/webernetes, one process per run');
    for (const l of await workloadsBench({ quick, log: (s) => log(s) })) emit(l);
  }

  if (want('proxy')) {
    log('proxy: kube-proxy iptables-restore input for 1,000 and 10,000 services × 10 endpoints, beside the kernel');
    const o = quick ? { ...DEFAULT_PROXY, sizes: [1_000], reps: 3, warmups: 4, kernelReps: () => 2 } : DEFAULT_PROXY;
    for (const l of proxyBench({ ...o, log })) emit(l);
  }

  if (want('ui')) {
    log('ui: the app in Chromium: initial JS, time to interactive, fps with packets at 10 and 100 nodes');
    const parts = flag('--ui-parts')
      ?.split(',')
      .filter((p): p is UiPart => (UI_PARTS as string[]).includes(p));
    const o = { quick, log, profile: args.includes('--ui-profile'), ...(parts ? { parts } : {}) };
    for (const l of await uiBench(o)) emit(l);
  }

  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(
    new URL('./results/latest.jsonl', import.meta.url),
    lines.map((l) => `${JSON.stringify(l)}\n`).join(''),
  );
  log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s; wrote bench/results/latest.jsonl`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
