/**
 * `npm run bench`: every benchmark, one JSON line each on stdout, also written to
 * bench/results/latest.jsonl. Progress goes to stderr. See bench/README.md.
 *
 *   npm run bench [-- --only etcd,core,node,browser] [--quick] [--browser-relay page]
 *                    [--workers 2] [--clients 4] [--inflight 64]
 *
 * --quick shortens every window (for trying changes; numbers are noisier). --browser-relay page runs
 * the browser relay and forwarder on the page's main thread instead of a dedicated worker.
 * --workers/--clients/--inflight change the relay workload (hosts, clients per host, requests in
 * flight per client).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { apiBench } from './api.ts';
import { DEFAULT_ETCD as ETCD, etcdBench, NAMESPACES, PODS_PER_NS } from './etcd.ts';
import { DEFAULT_LAYOUT, type FlowLayout, flowCount } from './lib/flows.ts';
import { best, DEFAULT_PAIR, median, type PairOptions } from './lib/pair.ts';
import { browserRelayBench } from './relay-browser.ts';
import { relayCoreBench } from './relay-core.ts';
import { nodeRelayBench } from './relay-node.ts';

interface Line {
  name: string;
  value: number;
  unit: string;
  baseline?: number;
  baselineName?: string;
  ratio?: number;
  skipped?: true;
  reason?: string;
}

const args = process.argv.slice(2);
const quick = args.includes('--quick');
function flag(name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}
const only = flag('--only')?.split(',');
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
    log('api: kube-apiserver and etcd through the relay at maximum speed, in-process');
    const o = quick
      ? { objects: 2_000, inflight: 200, watchers: 100, watchWrites: 200 }
      : { objects: 10_000, inflight: 500, watchers: 100, watchWrites: 1_000 };
    await apiBench({ ...o, objects: 500, watchWrites: 50 }); // warm-up
    const r = await apiBench(o);
    emit({ name: 'api.create', value: r.creates, unit: 'write/s' });
    emit({ name: 'api.get', value: r.gets, unit: 'op/s' });
    emit({ name: 'api.list100', value: r.lists, unit: 'op/s' });
    emit({ name: 'api.watch.fanout100', value: r.watchEvents, unit: 'event/s' });
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
