/**
 * kube-proxy, one per node (`kube-proxy@<node>`), iptables or IPVS mode. Mirrors cmd/kube-proxy/app
 * (server.go: informers for Services and EndpointSlices without the service-proxy-name and headless
 * labels, the node's own Node for topology labels) and pkg/proxy/iptables/proxier.go (change
 * trackers feeding syncProxyRules through a BoundedFrequencyRunner: a change syncs at most once
 * per minSyncPeriod 1 s, a periodic full sync every proxyutil.FullSyncPeriod 1 h, a failed sync
 * retried within syncPeriod 30 s; the canary monitor checks KUBE-PROXY-CANARY every syncPeriod and
 * forces a full sync if the rules were flushed).
 *
 * Every sync is announced in the trace: `iptables sync: N rules, +a -r`, with the diff, the
 * restore input actually written and, for rulesets up to `traceRulesMaxLines` lines, the complete
 * ruleset now in the kernel (see README.md for the note's shape).
 *
 * In IPVS mode (`mode: 'ipvs'`) the IPVS proxier (ipvs.ts) does the syncs instead, with IPVS's
 * periods (minSyncPeriod 0, a resync every syncPeriod 30 s), each announced as `ipvs sync: …`.
 */
import type { ComponentSpec, Envelope } from '../../src/machinery/bus/protocol.ts';
import { Clientset, GR } from '../../src/machinery/client/clientset.ts';
import { EventRecorder } from '../../src/machinery/client/events.ts';
import { Informer } from '../../src/machinery/client/informer.ts';
import type { Component, Context } from '../../src/machinery/runtime/component.ts';
import { IPVS_SCHEDULERS, type IpvsDiff, IpvsProxier, type IpvsProxierConfig, type IpvsState } from './ipvs.ts';
import { Proxier, type ProxierConfig, type SyncDiff } from './proxier.ts';
import { BoundedFrequencyRunner } from './runner.ts';
import type { EndpointSlice, Service } from './types.ts';

export interface KubeProxyConfig {
  node: string;
  nodeIP: string;
  podCIDR?: string;
  /** clusterCIDR of the KubeProxyConfiguration: the local-traffic detector's range. */
  clusterCIDR?: string;
  mode?: 'iptables' | 'ipvs' | 'nftables';
  epoch?: number;
  /** Overrides of the proxier's configuration (masqueradeAll, nodePortAddresses, …). */
  proxier?: Partial<ProxierConfig>;
  /** IPVS mode: the `ipvs` section of KubeProxyConfiguration (scheduler, syncPeriod, minSyncPeriod) and more. */
  ipvs?: Partial<IpvsProxierConfig>;
  /** Include the complete ruleset in a sync's trace note up to this many lines (default 20000). */
  traceRulesMaxLines?: number;
}

/** The data of a `iptables sync:` trace note. */
export interface SyncNote {
  node: string;
  /** Simulated ms of the sync. */
  at: number;
  fullSync: boolean;
  /** -A lines in the filter and nat tables after the sync. */
  rules: number;
  added: number;
  removed: number;
  services: number;
  endpoints: number;
  largeClusterMode: boolean;
  diff: SyncDiff;
  /** What was written to iptables-restore (a partial sync leaves unchanged services' chains out). */
  restoreInput: string;
  /** The complete ruleset in the kernel (a full sync's restore input), if not too large. */
  ruleset?: string;
  rulesetOmitted?: boolean;
}

/**
 * The data of an `ipvs sync:` trace note. `state` (the virtual servers, ipsets, kube-ipvs0 and the
 * iptables rules now in the kernel) is included when the sync changed something, and on the first
 * sync; the periodic resync every syncPeriod that changes nothing says `unchanged: true`.
 */
export interface IpvsSyncNote {
  node: string;
  at: number;
  mode: 'ipvs';
  scheduler: string;
  virtualServers: number;
  realServers: number;
  ipsetEntries: number;
  /** -A lines in the restore input. */
  rules: number;
  services: number;
  endpoints: number;
  added: number;
  removed: number;
  unchanged?: true;
  diff: IpvsDiff;
  state?: IpvsState;
}

export const SERVICE_PROXY_LABEL_SELECTOR = '!service.kubernetes.io/service-proxy-name,!service.kubernetes.io/headless';

export class KubeProxy implements Component {
  private ctx!: Context;
  private client!: Clientset;
  proxier!: Proxier;
  /** The IPVS proxier, in IPVS mode. */
  ipvsProxier: IpvsProxier | undefined;
  private runner!: BoundedFrequencyRunner;
  private servicesSynced = false;
  private endpointSlicesSynced = false;
  private initialized = false;
  /** The latest sync's note (also in the trace). */
  lastSync: SyncNote | undefined;
  /** IPVS mode: the latest sync's note. */
  lastIpvsSync: IpvsSyncNote | undefined;

  constructor(readonly config: KubeProxyConfig) {}

  start(ctx: Context): void {
    this.ctx = ctx;
    this.client = new Clientset(ctx, 'kube-proxy/v1.33.1 (linux/amd64) kubernetes/8adc0f0');
    const c = this.config;
    this.proxier = new Proxier({
      nodeName: c.node,
      nodeIP: c.nodeIP,
      clusterCIDR: c.clusterCIDR ?? '10.244.0.0/16',
      ...(c.proxier ?? {}),
    });
    this.proxier.now = () => ctx.now();
    const pc = this.proxier.config;
    if ((c.mode ?? 'iptables') === 'ipvs') {
      this.ipvsProxier = new IpvsProxier({
        nodeName: c.node,
        nodeIP: c.nodeIP,
        clusterCIDR: c.clusterCIDR ?? '10.244.0.0/16',
        ...(c.ipvs ?? {}),
      });
      // ipvs.minSyncPeriod (0) and ipvs.syncPeriod (30 s): IPVS mode still resyncs every syncPeriod.
      const ic = this.ipvsProxier.config;
      this.runner = new BoundedFrequencyRunner(
        ctx,
        'sync-runner',
        () => this.syncIpvs(),
        ic.minSyncPeriod,
        ic.syncPeriod,
        ic.syncPeriod,
      );
    } else {
      this.runner = new BoundedFrequencyRunner(
        ctx,
        'sync-runner',
        () => this.syncProxyRules(),
        pc.minSyncPeriod,
        pc.syncPeriod,
        pc.fullSyncPeriod,
      );
    }
    void this.run();
  }

  recover(_records: unknown[], ctx: Context): void {
    this.start(ctx);
  }

  receive(env: Envelope): void {
    this.client.dispatch(env.kind, env.payload);
  }

  private async run(): Promise<void> {
    const mode = this.config.mode ?? 'iptables';
    if (mode === 'ipvs') {
      const scheduler = this.config.ipvs?.scheduler ?? '';
      if (!(IPVS_SCHEDULERS as readonly string[]).includes(scheduler) && scheduler !== '') {
        // Configuration validation fails and kube-proxy exits.
        this.ctx.annotate(
          `kube-proxy: invalid configuration: KubeProxyConfiguration.IPVS.Scheduler: Invalid value: ${JSON.stringify(scheduler)}: must be in [${IPVS_SCHEDULERS.join(' ')} ], blank means the default algorithm method (currently rr)`,
        );
        return;
      }
      this.ctx.annotate('kube-proxy: Using ipvs Proxier');
      if (scheduler === '') this.ctx.annotate('kube-proxy: IPVS scheduler not specified, use rr by default');
    } else this.ctx.annotate(`kube-proxy: Using ${mode} Proxier`);
    if (mode !== 'iptables' && mode !== 'ipvs') {
      this.ctx.annotate(`kube-proxy: the ${mode} proxier is not simulated yet; no rules are programmed`);
      return;
    }
    const events = new EventRecorder(
      this.ctx,
      this.client,
      { component: 'kube-proxy', host: this.config.node },
      this.config.epoch ?? 0,
    );
    events.event(
      { kind: 'Node', apiVersion: 'v1', metadata: { name: this.config.node, uid: this.config.node } },
      'Normal',
      'Starting',
      '',
    );
    const services = new Informer<Service>(this.client, GR.services, { labelSelector: SERVICE_PROXY_LABEL_SELECTOR });
    const slices = new Informer<EndpointSlice>(this.client, GR.endpointslices, {
      labelSelector: SERVICE_PROXY_LABEL_SELECTOR,
    });
    const nodes = new Informer(this.client, GR.nodes, { fieldSelector: `metadata.name=${this.config.node}` });
    // The change trackers of whichever proxier this mode uses.
    const p: Pick<
      Proxier,
      'onServiceUpdate' | 'onServiceDelete' | 'onEndpointSliceUpdate' | 'onEndpointSliceDelete' | 'onTopologyChange'
    > = this.ipvsProxier ?? this.proxier;
    services.addHandlers({
      add: (s) => this.changed(p.onServiceUpdate(s)),
      update: (_o, s) => this.changed(p.onServiceUpdate(s)),
      delete: (s) => this.changed(p.onServiceDelete(s)),
    });
    slices.addHandlers({
      add: (s) => this.changed(p.onEndpointSliceUpdate(s)),
      update: (_o, s) => this.changed(p.onEndpointSliceUpdate(s)),
      delete: (s) => this.changed(p.onEndpointSliceDelete(s)),
    });
    nodes.addHandlers({
      add: (n) => this.changed(p.onTopologyChange(n.metadata?.labels?.['topology.kubernetes.io/zone'] ?? '')),
      update: (_o, n) => this.changed(p.onTopologyChange(n.metadata?.labels?.['topology.kubernetes.io/zone'] ?? '')),
    });
    // WaitForCacheSync, retried until the API server answers.
    const startInformer = async (inf: { start(): Promise<void> }, what: string): Promise<void> => {
      for (;;) {
        try {
          await inf.start();
          return;
        } catch (e) {
          this.ctx.annotate(`kube-proxy: failed to list ${what}: ${(e as Error).message}`);
          await new Promise<void>((r) => this.ctx.setTimer(1000, r, `retry ${what}`));
        }
      }
    };
    await startInformer(nodes, 'nodes');
    // OnServiceSynced / OnEndpointSlicesSynced: the first sync happens once both are in.
    await Promise.all([
      startInformer(services, 'services').then(() => {
        this.servicesSynced = true;
      }),
      startInformer(slices, 'endpointslices').then(() => {
        this.endpointSlicesSynced = true;
      }),
    ]);
    this.initialized = this.servicesSynced && this.endpointSlicesSynced;
    if (this.ipvsProxier) this.syncIpvs();
    else this.syncProxyRules();
    this.runner.loop();
    // The canary monitor belongs to the iptables proxier; the IPVS proxier has none.
    if (!this.ipvsProxier) this.monitor();
  }

  private changed(yes: boolean): void {
    if (yes && this.initialized) this.runner.run();
  }

  /**
   * utiliptables Monitor: every syncPeriod, check that the canary chains still exist; if something
   * flushed them, force a full sync. Nothing else touches this node's simulated tables, so the
   * check always passes.
   */
  private monitor(): void {
    this.ctx.setTimer(this.proxier.config.syncPeriod, () => this.monitor(), 'iptables canary check');
  }

  /** syncProxyRules, announced in the trace. */
  syncProxyRules(opts: { forceFull?: boolean } = {}): boolean {
    if (!this.initialized) return true;
    const r = this.proxier.syncProxyRules(opts);
    const added = r.diff.added.length;
    const removed = r.diff.removed.length;
    const note: SyncNote = {
      node: this.config.node,
      at: this.ctx.now(),
      fullSync: r.fullSync,
      rules: r.rules,
      added,
      removed,
      services: this.proxier.serviceCount,
      endpoints: r.totalEndpoints,
      largeClusterMode: r.largeClusterMode,
      diff: r.diff,
      restoreInput: r.restoreInput,
    };
    const max = this.config.traceRulesMaxLines ?? 20_000;
    if (r.rules <= max) note.ruleset = this.proxier.currentRules();
    else note.rulesetOmitted = true;
    this.lastSync = note;
    this.ctx.annotate(`iptables sync: ${r.rules} rules, +${added} -${removed}`, note);
    return true;
  }

  /**
   * IPVS mode's syncProxyRules, announced in the trace as `ipvs sync: N virtual servers, M real
   * servers, +a -r` (a and r count virtual and real servers, ipset entries, kube-ipvs0 addresses
   * and iptables rules added and removed).
   */
  syncIpvs(): boolean {
    const p = this.ipvsProxier;
    if (!this.initialized || !p) return true;
    const r = p.syncProxyRules();
    const note: IpvsSyncNote = {
      node: this.config.node,
      at: this.ctx.now(),
      mode: 'ipvs',
      scheduler: p.scheduler,
      virtualServers: r.state.virtualServers.length,
      realServers: r.realServers,
      ipsetEntries: r.ipsetEntries,
      rules: r.state.restoreInput.split('\n').filter((l) => l.startsWith('-A ')).length,
      services: p.serviceCount,
      endpoints: r.totalEndpoints,
      added: r.added,
      removed: r.removed,
      diff: r.diff,
    };
    if (r.changed) note.state = r.state;
    else note.unchanged = true;
    this.lastIpvsSync = note;
    this.ctx.annotate(
      `ipvs sync: ${note.virtualServers} virtual servers, ${note.realServers} real servers, +${r.added} -${r.removed}`,
      note,
    );
    return true;
  }
}

export function createKubeProxy(spec: ComponentSpec): Component {
  return new KubeProxy(spec.config as KubeProxyConfig);
}
