/**
 * Host links inside the relay worker. Each link is one incarnation of one host: the page starts
 * the Web Worker and a MessageChannel, keeps one port for the worker and transfers the other here.
 * The relay's spawn() must return a link at once, so a link buffers what the relay posts until its
 * port arrives. The links also keep each host's status (booting, running, stopped, failed) for
 * the components panel.
 */
import { type HostLink, portLink } from '../../../machinery/bus/links.ts';
import type { FromHost } from '../../../machinery/bus/protocol.ts';
import type { HostPlan } from '../../../machinery/cluster/topology.ts';
import type { Endpoint } from '../../../machinery/runtime/host.ts';
import type { HostPhase, HostView, Spawner } from '../protocol.ts';

type Listener = (ev: { data: unknown }) => void;

export class HostLinks {
  private generations = new Map<string, number>();
  private exits = new Map<string, (reason: string) => void>();
  private views = new Map<string, HostView>();
  /** Set when any host's view changed since the last takeChanged(). */
  private changed = true;

  constructor(private spawner: Spawner) {}

  /** Registers the planned hosts so the page can show them as booting before any has started. */
  plan(plans: HostPlan[]): void {
    for (const p of plans) {
      if (this.views.has(p.name)) continue;
      this.views.set(p.name, {
        host: p.name,
        addresses: p.specs.map((s) => s.address),
        kinds: p.specs.map((s) => s.kind),
        phase: 'booting',
        restarts: 0,
      });
    }
    this.changed = true;
  }

  get hosts(): HostView[] {
    return [...this.views.values()].map((v) => ({ ...v }));
  }

  /** Records which addresses a fault stopped, for the panel. */
  setStopped(isStopped: (address: string) => boolean): void {
    for (const v of this.views.values()) {
      const stopped = v.addresses.filter(isStopped);
      if (JSON.stringify(stopped) !== JSON.stringify(v.stopped ?? [])) {
        v.stopped = stopped;
        this.changed = true;
      }
    }
  }

  /** The host views, if any changed since the last call. */
  takeChanged(): HostView[] | undefined {
    if (!this.changed) return undefined;
    this.changed = false;
    return this.hosts;
  }

  /** Generation numbers before the current cluster booted (a reset or a replay boots a new one). */
  private bases = new Map<string, number>();

  /**
   * Forgets the hosts' views before a new cluster boots (after a reset, or to replay): worker
   * generations keep counting, so late reports about the old workers are still recognised.
   */
  reset(): void {
    for (const [host, g] of this.generations) this.bases.set(host, g);
    this.views.clear();
    this.changed = true;
  }

  currentGeneration(host: string): number {
    return this.generations.get(host) ?? 0;
  }

  private setPhase(host: string, generation: number, phase: HostPhase): void {
    const v = this.views.get(host);
    // Reports about an older incarnation do not change what the current one is doing.
    if (!v || generation !== this.currentGeneration(host)) return;
    v.phase = phase;
    v.restarts = generation - 1 - (this.bases.get(host) ?? 0);
    this.changed = true;
  }

  /** The page reports that a worker died; the link tells the relay, which restarts it. */
  exited(host: string, generation: number, reason: string): void {
    this.exits.get(`${host}#${generation}`)?.(reason);
  }

  /** The relay's spawn function: a new incarnation of the planned host. */
  link(plan: HostPlan): HostLink {
    const host = plan.name;
    const generation = this.currentGeneration(host) + 1;
    this.generations.set(host, generation);
    this.plan([plan]);
    this.setPhase(host, generation, 'booting');

    const key = `${host}#${generation}`;
    const listeners: Listener[] = [];
    const queued: unknown[] = [];
    let port: MessagePort | undefined;
    let ready = false;
    let gone = false;
    let onExit: ((reason: string) => void) | undefined;
    const dispatch = (data: unknown) => {
      for (const l of listeners) l({ data });
    };

    const endpoint: Endpoint = {
      postMessage(m) {
        if (gone) return;
        if (port) port.postMessage(m);
        else queued.push(m);
      },
      addEventListener(_type, l) {
        listeners.push(l);
      },
    };

    const exited = (reason: string) => {
      if (gone) return;
      gone = true;
      port?.close();
      this.exits.delete(key);
      this.setPhase(host, generation, 'stopped');
      // A worker that dies before it is ready fails its boot instead of hanging it.
      if (!ready) dispatch({ t: 'fatal', error: reason } satisfies FromHost);
      else onExit?.(reason);
    };
    this.exits.set(key, exited);

    Promise.resolve(
      this.spawner.spawn(
        host,
        plan.specs.map((s) => s.kind),
        generation,
      ),
    ).then(
      (p) => {
        if (gone) {
          p.close();
          return;
        }
        port = p;
        p.addEventListener('message', (ev: MessageEvent) => {
          const m = ev.data as FromHost;
          if (m.t === 'ready') {
            ready = true;
            this.setPhase(host, generation, 'running');
          } else if (m.t === 'fatal') this.setPhase(host, generation, 'failed');
          dispatch(m);
        });
        p.start();
        for (const m of queued.splice(0)) p.postMessage(m);
      },
      (e: unknown) => exited(`could not start a worker: ${String(e)}`),
    );

    const link = portLink(
      endpoint,
      () => {
        gone = true;
        port?.close();
        this.exits.delete(key);
        void this.spawner.terminate(host, generation);
      },
      (cb) => {
        onExit = cb;
      },
    );
    link.kill = () => {
      void this.spawner.kill(host, generation);
    };
    return link;
  }
}
