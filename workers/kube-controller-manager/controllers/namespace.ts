/**
 * The namespace controller (pkg/controller/namespace/deletion): a namespace being deleted is
 * emptied of every namespaced resource, then its `kubernetes` finalizer is removed through the
 * finalize subresource and the API server deletes it.
 */
import { RESOURCES } from '../../../src/machinery/api/resources.ts';
import type { KObject } from '../../../src/machinery/api/types.ts';
import { collectionPath, GR, isNotFound } from '../../../src/machinery/client/clientset.ts';
import { keyOf } from '../../../src/machinery/client/informer.ts';
import { WorkQueue } from '../../../src/machinery/client/workqueue.ts';
import type { Controller, ControllerContext } from '../shared.ts';

export class NamespaceController implements Controller {
  readonly name = 'namespace-controller';
  private queue: WorkQueue;

  constructor(private c: ControllerContext) {
    this.queue = new WorkQueue(c.ctx, 'namespace', (key) => this.syncNamespace(key), 2);
  }

  setup(): void {
    this.c.informers.for(GR.namespaces).addHandlers({
      add: (ns) => ns.metadata?.deletionTimestamp && this.queue.add(keyOf(ns)),
      update: (_o, ns) => ns.metadata?.deletionTimestamp && this.queue.add(keyOf(ns)),
    });
  }

  run(): void {}

  private async syncNamespace(name: string): Promise<void> {
    const ns = this.c.informers.for(GR.namespaces).get(name);
    if (!ns?.metadata?.deletionTimestamp) return;
    let remaining = 0;
    const seen = new Set<string>();
    for (const info of RESOURCES) {
      if (!info.namespaced || !info.verbs.includes('list') || seen.has(info.etcdPrefix)) continue;
      seen.add(info.etcdPrefix);
      const path = collectionPath(info, name);
      const list = await this.c.client.do({ method: 'GET', path, query: {}, headers: {} });
      const items = ((list.body as { items?: KObject[] }).items ?? []) as KObject[];
      if (items.length === 0) continue;
      remaining += items.length;
      for (const item of items) {
        if (item.metadata?.deletionTimestamp) continue;
        const r = await this.c.client.do({
          method: 'DELETE',
          path: `${path}/${item.metadata?.name}`,
          query: {},
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' }),
        });
        if (r.status >= 400 && r.status !== 404)
          throw new Error(`deleting ${info.resource} ${name}/${item.metadata?.name}: ${JSON.stringify(r.body)}`);
      }
    }
    if (remaining > 0) {
      // Content is going; look again shortly (the controller requeues with a delay too).
      this.queue.addAfter(name, 1000);
      return;
    }
    try {
      await this.c.client.do({
        method: 'PUT',
        path: `/api/v1/namespaces/${name}/finalize`,
        query: {},
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...ns, spec: { finalizers: [] } }),
      });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}
