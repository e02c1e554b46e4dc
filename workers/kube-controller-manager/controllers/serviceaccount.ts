/**
 * The serviceaccount controller (pkg/controller/serviceaccount) gives every active namespace a
 * `default` ServiceAccount, and the root-ca-cert-publisher (pkg/controller/certificates/
 * rootcacertpublisher) a `kube-root-ca.crt` ConfigMap with the cluster's CA bundle.
 */
import type { KObject } from '../../../src/machinery/api/types.ts';
import { GR, isAlreadyExists } from '../../../src/machinery/client/clientset.ts';
import { keyOf } from '../../../src/machinery/client/informer.ts';
import { WorkQueue } from '../../../src/machinery/client/workqueue.ts';
import type { Controller, ControllerContext } from '../shared.ts';

/** A certificate-shaped PEM block for the simulated cluster CA (not a real key pair). */
function caBundle(seed: () => number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const lines: string[] = [];
  for (let l = 0; l < 17; l++) {
    let line = '';
    for (let i = 0; i < 64; i++) line += alphabet[Math.floor(seed() * 64)];
    lines.push(line);
  }
  return `-----BEGIN CERTIFICATE-----\nMIIDBTCCAe2gAwIBAgII${lines.join('\n').slice(20)}\n-----END CERTIFICATE-----\n`;
}

export class ServiceAccountController implements Controller {
  readonly name = 'serviceaccount-controller';
  private queue: WorkQueue;
  private ca = '';

  constructor(private c: ControllerContext) {
    this.queue = new WorkQueue(c.ctx, 'serviceaccount', (ns) => this.syncNamespace(ns), 2);
  }

  setup(): void {
    this.c.informers
      .for(GR.namespaces)
      .addHandlers({ add: (ns) => this.queue.add(keyOf(ns)), update: (_o, ns) => this.queue.add(keyOf(ns)) });
    this.c.informers
      .for(GR.serviceaccounts)
      .addHandlers({ delete: (sa) => this.queue.add(sa.metadata?.namespace ?? '') });
    this.c.informers.for(GR.configmaps).addHandlers({ delete: (cm) => this.queue.add(cm.metadata?.namespace ?? '') });
  }

  run(): void {
    this.ca = caBundle(this.c.ctx.rand);
    for (const ns of this.c.informers.for(GR.namespaces).list()) this.queue.add(keyOf(ns));
  }

  private async syncNamespace(name: string): Promise<void> {
    const ns = this.c.informers.for(GR.namespaces).get(name);
    if (!ns || ns.metadata?.deletionTimestamp) return;
    if (!this.c.informers.for(GR.serviceaccounts).getByName(name, 'default')) {
      await this.create(GR.serviceaccounts, name, { metadata: { name: 'default', namespace: name } });
    }
    if (!this.c.informers.for(GR.configmaps).getByName(name, 'kube-root-ca.crt')) {
      if (!this.ca) this.ca = caBundle(this.c.ctx.rand);
      await this.create(GR.configmaps, name, {
        metadata: {
          name: 'kube-root-ca.crt',
          namespace: name,
          annotations: {
            'kubernetes.io/description':
              'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.',
          },
        },
        data: { 'ca.crt': this.ca },
      });
    }
  }

  private async create(gr: { group: string; resource: string }, ns: string, obj: KObject): Promise<void> {
    try {
      await this.c.client.create(gr, ns, obj);
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
    }
  }
}
