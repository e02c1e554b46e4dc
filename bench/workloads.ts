/**
 * Workloads: from a Deployment's creation to all its replicas Running, at maximum speed, on our
 * cluster and on `@ngrok/webernetes` (the closest peer), with the same Deployment (one `pause`
 * container per pod, no requests).
 *
 * Ours boots every component (etcd, kube-apiserver, kube-scheduler, kube-controller-manager, and
 * per node kubelet, containerd and kube-proxy, plus kind's addons) behind the relay, either in the
 * measuring thread (`inProcessLink`: messages copied as across workers) or in Node worker_threads
 * as `npm run serve` places them. The Deployment goes in through the API as kubectl's would; a
 * watch on its pods (what `kubectl get pods -w` reads) counts pods bound (`spec.nodeName`) and
 * Running (`status.phase`). The relay runs rounds back to back and moves simulated time on
 * whenever every component is idle: maximum speed.
 *
 * webernetes has no maximum-speed mode: its clock follows wall time unless paused, and a paused
 * clock moves only when stepped. The driver here pauses it, lets every pending promise chain run
 * (one macrotask turn), runs the clock's queued work, and otherwise steps the clock straight to its
 * earliest timer: the same discrete-event rule as our relay. (In its default real-time mode the
 * same workloads take longer.) An informer on the pods counts bound and Running pods as our watch
 * does. It has no control-plane node: its controllers run as pods on node-1, which also takes
 * workload pods; it gets as many nodes as we have workers.
 *
 * Each measurement runs in a fresh Node process (this file is also the child's entry point), so
 * neither side inherits the other's heap, JIT state or loader hooks.
 *
 *   node --import tsx bench/workloads.ts <ours|threads|webernetes> <pods> <workers>
 */

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { register } from 'node:module';
import { resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiKind, apiSummary } from '../src/machinery/api/request-info.ts';
import type { ApiRequest, ApiResponse, KObject, WatchEventWire } from '../src/machinery/api/types.ts';
import { inProcessLink } from '../src/machinery/bus/links.ts';
import { bootCluster, type Cluster } from '../src/machinery/cluster/cluster.ts';
import { registry } from '../workers/registry.ts';
import type { BenchLine } from './line.ts';

export interface Workload {
  pods: number;
  /** Worker nodes. Ours adds kind's control-plane node (tainted, so it takes no pods). */
  workers: number;
}

export const WORKLOADS: Workload[] = [
  { pods: 300, workers: 10 },
  { pods: 1000, workers: 100 },
];

export type Side = 'ours' | 'threads' | 'webernetes';

export interface WorkloadRun {
  /** Wall ms to boot and settle the cluster (every node Ready), before the Deployment. */
  bootMs: number;
  /** Wall ms from the Deployment's creation until the last replica is seen bound, and Running. */
  boundMs: number;
  runningMs: number;
  /** Simulated ms over the same spans. */
  simBoundMs: number;
  simRunningMs: number;
  /** From the first pod seen bound to the last: the scheduler's own window, wall and simulated. */
  bindWindowMs: number;
  simBindWindowMs: number;
  /**
   * CPU ms the process used from creation to all Running (all threads). On a shared machine this
   * moves less than wall time, since waiting for a core is not counted.
   */
  cpuRunningMs: number;
  /** Messages the relay delivered from creation to all Running (ours only). */
  messages?: number;
}

const deployment = (replicas: number) => ({
  apiVersion: 'apps/v1' as const,
  kind: 'Deployment' as const,
  metadata: { name: 'load', namespace: 'default', labels: { app: 'load' } },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'load' } },
    template: {
      metadata: { labels: { app: 'load' } },
      spec: { containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.10' }] },
    },
  },
});

type PodLike = { metadata?: { name?: string }; spec?: { nodeName?: string }; status?: { phase?: string } };
type Mark = { wall: number; sim: number; cpu: number };

/** CPU ms this process has used (every thread), user plus system. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Counts bound and Running pods from watch events, and when each count first reached `want`. */
class Tally {
  readonly bound = new Set<string>();
  readonly running = new Set<string>();
  firstBound?: Mark;
  allBound?: Mark;
  allRunning?: Mark;

  constructor(
    private want: number,
    private now: () => number,
  ) {}

  see(type: string, pod: PodLike): void {
    const name = pod.metadata?.name ?? '';
    if (type === 'DELETED' || type === 'delete') {
      this.bound.delete(name);
      this.running.delete(name);
      return;
    }
    const mark = () => ({ wall: performance.now(), sim: this.now(), cpu: cpuMs() });
    if (pod.spec?.nodeName) {
      this.firstBound ??= mark();
      this.bound.add(name);
    }
    if (pod.status?.phase === 'Running') this.running.add(name);
    else this.running.delete(name);
    if (!this.allBound && this.bound.size >= this.want) this.allBound = mark();
    if (!this.allRunning && this.running.size >= this.want) this.allRunning = mark();
  }

  get done(): boolean {
    return this.allRunning !== undefined;
  }

  result(t0: Mark, bootMs: number): WorkloadRun {
    const fb = this.firstBound ?? t0;
    const ab = this.allBound ?? fb;
    const ar = this.allRunning ?? ab;
    return {
      bootMs,
      boundMs: ab.wall - t0.wall,
      runningMs: ar.wall - t0.wall,
      simBoundMs: ab.sim - t0.sim,
      simRunningMs: ar.sim - t0.sim,
      bindWindowMs: ab.wall - fb.wall,
      simBindWindowMs: ab.sim - fb.sim,
      cpuRunningMs: ar.cpu - t0.cpu,
    };
  }
}

/** Run first in each process, unmeasured. */
const WARMUP: Workload = { pods: 30, workers: 3 };

/** Simulated ms a run may take before it counts as failed. */
const SIM_LIMIT_MS = 600_000;

// ---- ours ----------------------------------------------------------------------------------------

/** Called around the measured span (a profiler can start and stop there). */
export interface MeasureHooks {
  started?(): Promise<void>;
  finished?(): Promise<void>;
}

export async function wheelhouseWorkload(
  w: Workload,
  placement: 'in-process' | 'threads',
  hooks: MeasureHooks = {},
): Promise<WorkloadRun> {
  const tb = performance.now();
  let spawnHost: Parameters<typeof bootCluster>[1] = () => inProcessLink(registry);
  if (placement === 'threads') {
    const { threadLink } = await import('../src/headless/threads.ts');
    spawnHost = (plan) => threadLink(plan.name);
  }
  const cluster: Cluster = await bootCluster({ seed: 1, workers: w.workers }, spawnHost, registry, {
    traceCapacity: 10_000,
  });
  try {
    const relay = cluster.relay;
    const kubectl = relay.client('kubectl');
    const request = (method: ApiRequest['method'], path: string, body?: unknown) => {
      const req: ApiRequest = {
        method,
        path,
        query: {},
        headers: { accept: 'application/json', 'content-type': 'application/json', 'user-agent': 'kubectl/v1.33.1' },
      };
      if (body !== undefined) req.body = JSON.stringify(body);
      return kubectl.request<ApiResponse>('kube-apiserver', apiKind(req), req, apiSummary(req)).then((e) => e.payload);
    };
    const allNodesReady = async () => {
      const r = await relay.settle(request('GET', '/api/v1/nodes'));
      const items = (r.body as { items?: KObject[] }).items ?? [];
      const ready = items.filter((n) =>
        ((n.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).some(
          (c) => c.type === 'Ready' && c.status === 'True',
        ),
      );
      return ready.length === w.workers + 1;
    };
    for (let i = 0; i < 120 && !(await allNodesReady()); i++) await relay.advance(1_000);
    if (!(await allNodesReady())) throw new Error('nodes did not become Ready in 120 simulated seconds');
    await relay.advance(5_000); // addons' pods placed and started, leases settled
    const bootMs = performance.now() - tb;

    const tally = new Tally(w.pods, () => relay.now);
    kubectl.onMessage((env) => {
      if (env.kind !== 'api.watch.event') return;
      const p = env.payload as { watchId: string; events: WatchEventWire[] };
      if (p.watchId !== 'load') return;
      for (const e of p.events) tally.see(e.type, e.object as PodLike);
    });
    const watch: ApiRequest = {
      method: 'GET',
      path: '/api/v1/namespaces/default/pods',
      query: { watch: 'true', labelSelector: 'app=load' },
      headers: {},
      watchId: 'load',
    };
    await relay.settle(kubectl.request('kube-apiserver', 'api.watch', watch, apiSummary(watch)));

    await hooks.started?.();
    const delivered0 = relay.stats.delivered;
    const t0 = { wall: performance.now(), sim: relay.now, cpu: cpuMs() };
    const created = request('POST', '/apis/apps/v1/namespaces/default/deployments', deployment(w.pods));
    const ok = await relay.runWhile(() => tally.done, t0.sim + SIM_LIMIT_MS);
    await hooks.finished?.();
    const run = { ...tally.result(t0, bootMs), messages: relay.stats.delivered - delivered0 };
    const status = (await created).status;
    if (status !== 201) throw new Error(`creating the Deployment: HTTP ${status}`);
    if (!ok)
      throw new Error(`${tally.running.size} of ${w.pods} pods Running after ${SIM_LIMIT_MS / 1000} simulated s`);
    return run;
  } finally {
    await cluster.shutdown();
  }
}

// ---- webernetes ----------------------------------------------------------------------------------

/**
 * The published package's dist imports its own files without extensions (`./runtime`), which
 * bundlers resolve and Node's ESM loader refuses (ERR_UNSUPPORTED_DIR_IMPORT). This resolve hook
 * retries relative imports from inside that package with `.js`, then `/index.js`, so the package
 * runs in Node as it would once bundled. It touches no other module.
 */
const RESOLVE_HOOK = `
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (e) {
    const inPackage = context.parentURL && context.parentURL.includes('/@ngrok/webernetes/dist/');
    if (!inPackage || !specifier.startsWith('.')) throw e;
    try {
      return await next(specifier + '.js', context);
    } catch {
      return await next(specifier + '/index.js', context);
    }
  }
}`;

/** The parts of webernetes' Clock the driver reads (its timer table and queued callbacks are private). */
interface PeerClock {
  tasks: Map<number, { dueAtMs: number; cancelled: boolean }>;
  microtasks: unknown[];
  nowMs(): number;
  pause(): void;
  resume(): void;
  isPaused(): boolean;
  step(ms: number): void;
}

export function webernetesVersion(): string {
  const url = new URL('../node_modules/@ngrok/webernetes/package.json', import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
}

const turn = () => new Promise<void>((r) => setImmediate(r));

/** One step at maximum speed: let promises run, then the clock's queued work, else jump to its next timer. */
async function stepPeer(clock: PeerClock, limit: number): Promise<void> {
  await turn();
  if (clock.microtasks.length > 0) {
    clock.step(0);
    return;
  }
  let next = Number.POSITIVE_INFINITY;
  for (const t of clock.tasks.values()) if (!t.cancelled && t.dueAtMs < next) next = t.dueAtMs;
  const to = Math.min(next, limit);
  if (Number.isFinite(to)) clock.step(Math.max(0, to - clock.nowMs()));
}

let hooked = false;

export async function webernetesWorkload(w: Workload): Promise<WorkloadRun> {
  if (!hooked) register(`data:text/javascript,${encodeURIComponent(RESOLVE_HOOK)}`);
  hooked = true;
  const { Cluster } = await import('@ngrok/webernetes');
  const tb = performance.now();
  const cluster = new Cluster({ nodes: w.workers });
  const clock = cluster.clock as unknown as PeerClock;
  try {
    await cluster.init();
    clock.pause();
    const settled = clock.nowMs() + 5_000; // nodes, control-plane pods and CoreDNS up
    while (clock.nowMs() < settled) await stepPeer(clock, settled);
    const bootMs = performance.now() - tb;
    const tally = new Tally(w.pods, () => clock.nowMs());
    const informer = cluster.informer('pods', (type, pod) => tally.see(type, pod as PodLike), {
      namespace: 'default',
      labelSelector: 'app=load',
    });
    for (let i = 0; i < 10; i++) await stepPeer(clock, clock.nowMs()); // the informer lists and watches
    const t0 = { wall: performance.now(), sim: clock.nowMs(), cpu: cpuMs() };
    let failed: unknown;
    const applied = cluster.apply([deployment(w.pods)]).catch((e: unknown) => {
      failed = e;
    });
    const limit = t0.sim + SIM_LIMIT_MS;
    while (!tally.done && failed === undefined && clock.nowMs() < limit) await stepPeer(clock, limit);
    const run = tally.result(t0, bootMs);
    if (failed !== undefined) throw failed;
    if (!tally.done)
      throw new Error(`${tally.running.size} of ${w.pods} pods Running after ${SIM_LIMIT_MS / 1000} simulated s`);
    await applied;
    clock.resume();
    await informer.stop();
    return run;
  } finally {
    if (clock.isPaused()) clock.resume();
    await cluster.close();
  }
}

// ---- the parent's side: one child process per measurement ----------------------------------------

const self = fileURLToPath(import.meta.url);

/** Runs one measurement in a fresh Node process; rejects with its error output if it fails. */
export function measure(side: Side, w: Workload, timeoutMs = 900_000): Promise<WorkloadRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', self, side, String(w.pods), String(w.workers)], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${side} ${w.pods}/${w.workers}: no result after ${timeoutMs / 1000} s`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      const last = out.trim().split('\n').pop() ?? '';
      if (code === 0 && last.startsWith('{')) resolve(JSON.parse(last) as WorkloadRun);
      else reject(new Error(`${side} ${w.pods}/${w.workers} exited ${code}: ${(err || out).trim().slice(-600)}`));
    });
  });
}

// ---- the section in `npm run bench` -------------------------------------------------------------

export type { BenchLine };

/**
 * Published end-to-end kube-scheduler throughput (see /work/shared/reference/peers.md §9): about 100
 * pods/s, the cap the API server's 100 QPS client limit sets in the 5,000-node tests
 * (kubernetes/kubernetes#74041, scheduler_perf SchedulingBasic 91 pods/s in #85861), and about 300
 * pods/s measured by a third party on a 30k-node setup (kubewharf/godel-scheduler PR #73).
 */
export const UPSTREAM_SCHEDULER = { low: 100, high: 300 };

export interface WorkloadsOptions {
  quick: boolean;
  log: (s: string) => void;
}

/** The run with the least of `by` (wall time by default). */
const best = (runs: WorkloadRun[], by = (r: WorkloadRun) => r.runningMs): WorkloadRun | undefined =>
  runs.reduce<WorkloadRun | undefined>((a, r) => (!a || by(r) < by(a) ? r : a), undefined);
const leastCpu = (r: WorkloadRun) => r.cpuRunningMs;

function fmt(r: WorkloadRun): string {
  return (
    `Running ${(r.runningMs / 1000).toFixed(2)} s wall (${r.simRunningMs} ms simulated, cpu ${(r.cpuRunningMs / 1000).toFixed(2)} s), ` +
    `bound ${(r.boundMs / 1000).toFixed(2)} s, boot ${(r.bootMs / 1000).toFixed(1)} s` +
    (r.messages !== undefined ? `, ${r.messages} messages` : '')
  );
}

/**
 * Every workload on every side, interleaved (ours, webernetes, ours, …) so both see the same
 * machine noise; ours keeps the best of its runs, as the other sections do. Returns the lines.
 */
export async function workloadsBench(o: WorkloadsOptions): Promise<BenchLine[]> {
  const lines: BenchLine[] = [
    {
      name: 'upstream.kube-scheduler.published-low',
      value: UPSTREAM_SCHEDULER.low,
      unit: 'pods/s',
      note: 'published, not measured: 100 QPS-capped 5,000-node tests (kubernetes/kubernetes#74041, #85861)',
    },
    {
      name: 'upstream.kube-scheduler.published-high',
      value: UPSTREAM_SCHEDULER.high,
      unit: 'pods/s',
      note: 'published, not measured: ~300 pods/s end to end on 30k nodes (kubewharf/godel-scheduler PR #73)',
    },
  ];
  const version = webernetesVersion();
  for (const w of WORKLOADS) {
    const big = w.pods >= 1000;
    const id = `workloads.${w.pods}x${w.workers}`;
    const plan: Side[] = o.quick
      ? big
        ? ['ours']
        : ['ours', 'webernetes']
      : big
        ? ['ours', 'webernetes', 'ours', 'threads']
        : ['ours', 'webernetes', 'ours', 'webernetes', 'ours', 'threads'];
    const runs: Record<Side, WorkloadRun[]> = { ours: [], threads: [], webernetes: [] };
    const errors: Partial<Record<Side, string>> = {};
    for (const side of plan) {
      o.log(`${id}: ${side}${side === 'webernetes' ? ` ${version}` : ''} …`);
      try {
        const r = await measure(side, w);
        runs[side].push(r);
        o.log(`${id}: ${side}: ${fmt(r)}`);
      } catch (e) {
        errors[side] = (e as Error).message;
        o.log(`${id}: ${side} failed: ${(e as Error).message}`);
      }
    }
    const ours = best(runs.ours);
    const peer = best(runs.webernetes);
    const threads = best(runs.threads);
    const oursCpu = best(runs.ours, leastCpu);
    const peerCpu = best(runs.webernetes, leastCpu);
    const rate = (r: WorkloadRun) => w.pods / (r.runningMs / 1000);
    const cpuRate = (r: WorkloadRun | undefined) => (r ? w.pods / (r.cpuRunningMs / 1000) : Number.NaN);
    const sched = (r: WorkloadRun) => w.pods / (Math.max(r.bindWindowMs, 1) / 1000);
    const schedSim = (r: WorkloadRun) => (r.simBindWindowMs > 0 ? w.pods / (r.simBindWindowMs / 1000) : Number.NaN);
    const vs = (value: number, base: number | undefined, baseName: string) =>
      base === undefined ? {} : { baseline: base, baselineName: baseName, ratio: value / base };
    const skipped = (name: string, unit: string, reason: string): BenchLine => ({
      name,
      value: Number.NaN,
      unit,
      skipped: true,
      reason,
    });
    if (peer) {
      lines.push({
        name: `${id}.webernetes.running`,
        value: peer.runningMs,
        unit: 'ms',
        note: `@ngrok/webernetes ${version}`,
      });
      lines.push({ name: `${id}.webernetes.sim-running`, value: peer.simRunningMs, unit: 'sim-ms' });
      lines.push({ name: `${id}.webernetes.pods-per-s`, value: rate(peer), unit: 'pods/s' });
      lines.push({ name: `${id}.webernetes.pods-per-cpu-s`, value: cpuRate(peerCpu), unit: 'pods/cpu-s' });
      lines.push({ name: `${id}.webernetes.scheduling`, value: sched(peer), unit: 'pods/s' });
    } else {
      const why = o.quick && big ? 'skipped with --quick (it takes minutes)' : (errors.webernetes ?? 'not run');
      lines.push(skipped(`${id}.webernetes.running`, 'ms', why));
    }
    if (ours) {
      lines.push({ name: `${id}.boot`, value: ours.bootMs, unit: 'ms' });
      lines.push({ name: `${id}.running`, value: ours.runningMs, unit: 'ms' });
      lines.push({ name: `${id}.bound`, value: ours.boundMs, unit: 'ms' });
      lines.push({ name: `${id}.sim-running`, value: ours.simRunningMs, unit: 'sim-ms' });
      lines.push({ name: `${id}.messages`, value: ours.messages ?? Number.NaN, unit: 'msg' });
      lines.push({
        name: `${id}.pods-per-s`,
        value: rate(ours),
        unit: 'pods/s',
        ...vs(rate(ours), peer && rate(peer), `${id}.webernetes.pods-per-s`),
      });
      lines.push({
        name: `${id}.pods-per-cpu-s`,
        value: cpuRate(oursCpu),
        unit: 'pods/cpu-s',
        ...vs(cpuRate(oursCpu), peerCpu && cpuRate(peerCpu), `${id}.webernetes.pods-per-cpu-s`),
      });
      lines.push({
        name: `${id}.scheduling`,
        value: sched(ours),
        unit: 'pods/s',
        ...vs(sched(ours), UPSTREAM_SCHEDULER.high, 'upstream.kube-scheduler.published-high'),
      });
      lines.push({ name: `${id}.scheduling.sim`, value: schedSim(ours), unit: 'pods/sim-s' });
    } else lines.push(skipped(`${id}.running`, 'ms', errors.ours ?? 'not run'));
    if (threads) {
      lines.push({ name: `${id}.threads.boot`, value: threads.bootMs, unit: 'ms' });
      lines.push({ name: `${id}.threads.running`, value: threads.runningMs, unit: 'ms' });
      lines.push({
        name: `${id}.threads.pods-per-s`,
        value: rate(threads),
        unit: 'pods/s',
        ...vs(rate(threads), peer && rate(peer), `${id}.webernetes.pods-per-s`),
      });
    } else if (!o.quick) lines.push(skipped(`${id}.threads.running`, 'ms', errors.threads ?? 'not run'));
  }
  return lines;
}

// ---- the child's side ----------------------------------------------------------------------------

async function child(args: string[]): Promise<void> {
  const [side, pods, workers] = args;
  const w: Workload = { pods: Number(pods), workers: Number(workers) };
  if (!(w.pods > 0 && w.workers > 0)) throw new Error('usage: workloads.ts <ours|threads|webernetes> <pods> <workers>');
  const once = (x: Workload): Promise<WorkloadRun> => {
    if (side === 'webernetes') return webernetesWorkload(x);
    if (side === 'ours' || side === 'threads')
      return wheelhouseWorkload(x, side === 'threads' ? 'threads' : 'in-process');
    throw new Error(`unknown side ${side}`);
  };
  // Warm-up: the same code paths on a small cluster first, so the measured run is not the JIT's first.
  await once(WARMUP);
  process.stdout.write(`${JSON.stringify(await once(w))}\n`);
}

if (process.argv[1] && resolvePath(process.argv[1]) === self) {
  child(process.argv.slice(2)).then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    },
  );
}
