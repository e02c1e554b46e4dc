/**
 * CoreDNS, the cluster's DNS server (the `coredns` Deployment in kube-system behind the kube-dns
 * Service, 10.96.0.10). One component stands for the server process of every CoreDNS replica: it
 * runs the Corefile's kubernetes plugin (coredns/plugin/kubernetes: an informer on Services and one
 * on EndpointSlices, answers from their caches, `ttl 30`, `pods insecure`), and answers a query
 * only when it reached a CoreDNS pod: the node's rules DNAT the kube-dns ClusterIP to one of the
 * Service's endpoints, and only a ready endpoint of kube-dns has a CoreDNS listening on port 53.
 * A query that reached anything else gets no answer, and the client times out, as it would.
 *
 * Queries arrive as `dns.query` from the node of the pod that asked (its container runtime, where
 * the pod's network namespace is) and are answered with `dns.query.result`.
 */
import type { ComponentSpec, Envelope } from '../../src/machinery/bus/protocol.ts';
import { Clientset, GR } from '../../src/machinery/client/clientset.ts';
import { Informer } from '../../src/machinery/client/informer.ts';
import { answer, type ClusterView, clusterView, type DnsQuery, type DnsReply } from '../../src/machinery/net/dns.ts';
import type { Component, Context } from '../../src/machinery/runtime/component.ts';

export interface CorednsConfig {
  epoch?: number;
}

export class Coredns implements Component {
  private ctx!: Context;
  private client!: Clientset;
  private services!: Informer;
  private slices!: Informer;
  private synced = false;
  private view: ClusterView | undefined;
  /** Queries answered since start (the `coredns_dns_requests_total` counter). */
  requests = 0;

  constructor(readonly config: CorednsConfig = {}) {}

  start(ctx: Context): void {
    this.ctx = ctx;
    this.client = new Clientset(ctx, 'coredns/1.12.0 (linux/amd64) kubernetes/v0.31.0');
    this.services = new Informer(this.client, GR.services);
    this.slices = new Informer(this.client, GR.endpointslices);
    const dirty = () => {
      this.view = undefined;
    };
    for (const inf of [this.services, this.slices]) inf.addHandlers({ add: dirty, update: dirty, delete: dirty });
    void this.run();
  }

  recover(_records: unknown[], ctx: Context): void {
    this.start(ctx);
  }

  private async run(): Promise<void> {
    // The kubernetes plugin waits for its caches before it is ready (plugin/kubernetes/ready.go).
    for (const [inf, what] of [
      [this.services, 'services'],
      [this.slices, 'endpointslices'],
    ] as const) {
      for (;;) {
        try {
          await inf.start();
          break;
        } catch (e) {
          this.ctx.annotate(`coredns: [ERROR] plugin/kubernetes: failed to list ${what}: ${(e as Error).message}`);
          await new Promise<void>((r) => this.ctx.setTimer(1000, r, `retry ${what}`));
        }
      }
    }
    this.synced = true;
    this.ctx.annotate('coredns: plugin/kubernetes: caches synced; serving .:53');
  }

  private clusterView(): ClusterView {
    if (!this.view) this.view = clusterView(this.services.list(), this.slices.list());
    return this.view;
  }

  /** Whether a CoreDNS replica listens at `ip` (a ready endpoint of kube-system/kube-dns). */
  private isReplica(ip: string): boolean {
    return this.clusterView().endpoints.some(
      (e) => e.namespace === 'kube-system' && e.service === 'kube-dns' && e.ip === ip && e.ready,
    );
  }

  receive(env: Envelope): void {
    if (this.client.dispatch(env.kind, env.payload)) return;
    if (env.kind !== 'dns.query') return;
    const q = env.payload as DnsQuery;
    if (!this.synced) {
      this.ctx.annotate(`coredns: not ready (caches not synced); query from ${q.client} dropped`);
      return;
    }
    if (!this.isReplica(q.endpoint)) {
      this.ctx.annotate(`coredns: no CoreDNS replica at ${q.endpoint}; query from ${q.client} is lost`);
      return;
    }
    const view = this.clusterView();
    const answers = q.questions.map((qq) => answer(qq, view));
    this.requests += answers.length;
    const first = answers[0];
    const summary = answers
      .map(
        (a) =>
          `${a.question.type} ${a.question.name}: ${a.rcode}${a.records.length ? ` ${a.records.map((r) => r.data).join(',')}` : ''}`,
      )
      .join('; ');
    this.ctx.reply(env, 'dns.query.result', { answers } satisfies DnsReply, first ? summary : 'empty query');
  }
}

export function createCoredns(spec: ComponentSpec): Component {
  return new Coredns((spec.config ?? {}) as CorednsConfig);
}
