/**
 * kube-controller-manager: many controllers in one binary, each its own loop in the client-go
 * shape (informer → work queue → sync), sharing one informer per resource. Only the leader of
 * the kube-system/kube-controller-manager Lease runs them. Mirrors
 * cmd/kube-controller-manager/app/controllermanager.go.
 */
import { DEFAULT_EPOCH } from '../../src/machinery/api/time.ts';
import type { ComponentSpec, Envelope } from '../../src/machinery/bus/protocol.ts';
import { Clientset } from '../../src/machinery/client/clientset.ts';
import { LeaderElector } from '../../src/machinery/client/leaderelection.ts';
import type { Component, Context } from '../../src/machinery/runtime/component.ts';
import { uuid } from '../kube-apiserver/objects.ts';
import { CronJobController } from './controllers/cronjob.ts';
import { DaemonSetsController } from './controllers/daemonset.ts';
import { DeploymentController } from './controllers/deployment.ts';
import { EndpointsController } from './controllers/endpoints.ts';
import { EndpointSliceController } from './controllers/endpointslice.ts';
import { GarbageCollector } from './controllers/garbagecollector.ts';
import { JobController } from './controllers/job.ts';
import { NamespaceController } from './controllers/namespace.ts';
import { NodeLifecycleController } from './controllers/nodelifecycle.ts';
import { ReplicaSetController } from './controllers/replicaset.ts';
import { ServiceAccountController } from './controllers/serviceaccount.ts';
import { StatefulSetController } from './controllers/statefulset.ts';
import { type Controller, type ControllerContext, makeControllerContext } from './shared.ts';

export interface ControllerManagerConfig {
  epoch?: number;
  /** Extra controllers registered by name (daemonset, statefulset, job, cronjob, endpoints, …). */
}

export type ControllerFactory = (c: ControllerContext) => Controller;

/** Controllers by the name kube-controller-manager's --controllers flag uses. */
export const CONTROLLERS: Record<string, ControllerFactory> = {
  deployment: (c) => new DeploymentController(c),
  replicaset: (c) => new ReplicaSetController(c),
  garbagecollector: (c) => new GarbageCollector(c),
  namespace: (c) => new NamespaceController(c),
  serviceaccount: (c) => new ServiceAccountController(c),
  'node-lifecycle': (c) => new NodeLifecycleController(c),
  daemonset: (c) => new DaemonSetsController(c),
  statefulset: (c) => new StatefulSetController(c),
  job: (c) => new JobController(c),
  cronjob: (c) => new CronJobController(c),
  endpoint: (c) => new EndpointsController(c),
  endpointslice: (c) => new EndpointSliceController(c),
};

export class KubeControllerManager implements Component {
  private ctx!: Context;
  private client!: Clientset;
  controllers: Controller[] = [];

  constructor(readonly config: ControllerManagerConfig & { epoch?: number } = {}) {}

  start(ctx: Context): void {
    this.ctx = ctx;
    this.client = new Clientset(
      ctx,
      'kube-controller-manager/v1.33.1 (linux/amd64) kubernetes/8adc0f0/leader-election',
    );
    const epoch = this.config.epoch ?? DEFAULT_EPOCH;
    const elector = new LeaderElector(ctx, this.client, {
      name: 'kube-controller-manager',
      namespace: 'kube-system',
      identity: `kind-control-plane_${uuid(ctx.rand)}`,
      epoch,
      onStartedLeading: () => void this.runControllers(epoch),
      onStoppedLeading: () => ctx.annotate('kube-controller-manager: leaderelection lost'),
    });
    elector.run();
  }

  recover(_records: unknown[], ctx: Context): void {
    this.start(ctx);
  }

  private async runControllers(epoch: number): Promise<void> {
    const c = makeControllerContext(this.ctx, this.client, epoch);
    this.controllers = Object.values(CONTROLLERS).map((f) => f(c));
    for (const ctl of this.controllers) ctl.setup();
    await c.informers.start();
    for (const ctl of this.controllers) {
      this.ctx.annotate(`Started "${ctl.name.replace(/-controller$/, '')}"`);
      ctl.run();
    }
  }

  receive(env: Envelope): void {
    this.client.dispatch(env.kind, env.payload);
  }
}

export function createKubeControllerManager(spec: ComponentSpec): Component {
  return new KubeControllerManager((spec.config ?? {}) as ControllerManagerConfig);
}
