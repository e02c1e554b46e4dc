/**
 * The page's side of the cluster: starts the relay worker, starts one Web Worker per host when
 * the relay asks, wires each to the relay with its own MessageChannel, and folds the relay's
 * trace batches into the store.
 *
 * Boot, in order:
 *  1. the page starts the relay worker and calls `boot` on it (comlink);
 *  2. the relay worker plans the hosts from the component registry (bootCluster) and, for each,
 *     calls `spawner.spawn(host, kinds, generation)` back on the page;
 *  3. the page starts that host's worker, creates a MessageChannel, transfers port2 to the worker
 *     and returns port1, transferred, to the relay worker;
 *  4. the relay boots the host over port1 and waits for its `ready`; the host shows as running.
 * A worker that throws an uncaught error is reported to the relay as exited; the relay records
 * `@bus.crashed`, asks for a new worker the same way, and records `@bus.restarted`.
 */
import * as Comlink from 'comlink';
import type { AppStore } from '../state/store.ts';
import { applyBatch, emitFlows, watchOutput } from '../state/store.ts';
import { startHostWorker, startRelayWorker } from './entries.ts';
import {
  type Batch,
  type ConsoleReply,
  type Fault,
  type Inspection,
  type InspectTarget,
  type LogFilter,
  type RelayControl,
  relaySpeed,
  type SavedSession,
  type Spawner,
  type SpeedChoice,
  type TraceRow,
} from './protocol.ts';

export interface ClusterController {
  setSpeed(playing: boolean, speed: SpeedChoice): void;
  setLogFilter(filter: LogFilter): void;
  step(): Promise<TraceRow | null>;
  run(line: string, node?: string, stdin?: string): Promise<ConsoleReply>;
  cancelWatch(watch: number): void;
  inspect(target: InspectTarget): Promise<Inspection>;
  session(): Promise<SavedSession>;
  rewind(to: number): Promise<void>;
  reset(): Promise<void>;
  kill(host: string): Promise<void>;
  fault(f: Fault): Promise<string>;
  dispose(): void;
}

function errorText(e: unknown): string {
  if (e instanceof ErrorEvent) return e.message || 'error in worker script';
  if (e instanceof Error) return e.message;
  return String(e);
}

export function startCluster(
  store: AppStore,
  seed = 1,
  nodeWorkers?: number,
  restore?: SavedSession,
  proxyMode?: 'iptables' | 'ipvs',
): ClusterController {
  const relayWorker = startRelayWorker();
  const relay = Comlink.wrap<RelayControl>(relayWorker);
  const workers = new Map<string, Worker>();
  const key = (host: string, generation: number) => `${host}#${generation}`;

  const fail = (error: string) => store.setState({ boot: { phase: 'failed', error } });
  relayWorker.addEventListener('error', (e) => {
    e.preventDefault();
    fail(errorText(e));
  });

  const end = (host: string, generation: number) => {
    workers.get(key(host, generation))?.terminate();
    workers.delete(key(host, generation));
  };

  const spawner: Spawner = {
    spawn(host, kinds, generation) {
      const worker = startHostWorker(kinds);
      workers.set(key(host, generation), worker);
      worker.addEventListener('error', (e) => {
        e.preventDefault();
        end(host, generation);
        void relay.hostExited(host, generation, `worker error: ${errorText(e)}`);
      });
      const channel = new MessageChannel();
      worker.postMessage({ t: 'wheelhouse.port', port: channel.port2 }, [channel.port2]);
      return Comlink.transfer(channel.port1, [channel.port1]);
    },
    terminate: end,
    kill(host, generation) {
      end(host, generation);
      void relay.hostExited(host, generation, 'killed');
    },
  };

  const onBatch = (b: Batch) => {
    store.setState((s) => applyBatch(s, b));
    if (b.flows) emitFlows(store, b.flows);
  };
  const onWatch = (watch: number, text: string, ended: boolean) => watchOutput(store, watch, text, ended);

  const { playing, speed } = store.getState();
  relay
    .boot(
      {
        seed,
        speed: relaySpeed(playing, speed),
        ...(nodeWorkers === undefined ? {} : { workers: nodeWorkers }),
        ...(restore ? { restore } : {}),
        ...(proxyMode ? { proxyMode } : {}),
      },
      Comlink.proxy(spawner),
      Comlink.proxy(onBatch),
      Comlink.proxy(onWatch),
    )
    .then(
      (r) => store.setState({ boot: { phase: 'ready' }, hosts: r.hosts }),
      (e: unknown) => fail(errorText(e)),
    );

  return {
    setSpeed(p, s) {
      void relay.setSpeed(relaySpeed(p, s));
    },
    setLogFilter(filter) {
      void relay.setLogFilter(filter);
    },
    step: () => relay.step(),
    run: (line, node, stdin) => relay.run(line, node, stdin),
    cancelWatch(watch) {
      void relay.cancelWatch(watch);
    },
    kill: (host) => relay.kill(host),
    inspect: (target) => relay.inspect(target),
    session: () => relay.session(),
    rewind: (to) => relay.rewind(to),
    reset: () => relay.reset(),
    fault: (f) => relay.fault(f),
    dispose() {
      relay[Comlink.releaseProxy]();
      relayWorker.terminate();
      for (const w of workers.values()) w.terminate();
      workers.clear();
    },
  };
}
