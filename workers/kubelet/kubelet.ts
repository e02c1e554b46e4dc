/**
 * The kubelet: one per node. It registers its Node, renews its Lease every 10 s, posts node
 * status when something changes (and at least every 5 minutes), watches only the pods bound to
 * its node, and drives each pod to its spec through the container runtime (CRI): sandbox (with
 * the CNI's IP), image pull, create, start; probes; restarts with back-off (10 s doubling to
 * 5 min, CrashLoopBackOff); graceful termination; static control-plane pods mirrored into the
 * API. Mirrors pkg/kubelet/kubelet.go (syncPod, SyncTerminatingPod), pod_workers.go,
 * kuberuntime/kuberuntime_manager.go (computePodActions), prober/, status/status_manager.go,
 * nodestatus/setters.go and nodelease/.
 */
import { formatRFC3339, parseRFC3339 } from '../../src/machinery/api/time.ts';
import type { ApiResponse, KObject, ObjectMeta } from '../../src/machinery/api/types.ts';
import type { ComponentSpec, Envelope } from '../../src/machinery/bus/protocol.ts';
import { Clientset, GR, isAlreadyExists, isNotFound } from '../../src/machinery/client/clientset.ts';
import { EventRecorder } from '../../src/machinery/client/events.ts';
import { Informer } from '../../src/machinery/client/informer.ts';
import { podDnsConfig } from '../../src/machinery/net/dns.ts';
import type { Component, Context } from '../../src/machinery/runtime/component.ts';
import type { CriReply } from '../containerd/containerd.ts';
import { normalizeImage } from '../containerd/images.ts';
import { nodeObject } from '../kube-apiserver/bootstrap.ts';
import { containerEnvs, type ExecRequest, execStatus, parseExecRequest, podHostname } from './exec.ts';
import { staticPods } from './static-pods.ts';
import { type ContainerView, containerStatus, podPhase, waitingView } from './status.ts';

export interface KubeletConfig {
  node: string;
  role: 'control-plane' | 'worker';
  podCIDR: string;
  internalIP: string;
  epoch: number;
  labels?: Record<string, string>;
  capacity?: { cpu?: string; memory?: string; pods?: string };
}

const NODE_STATUS_UPDATE = 10_000;
const NODE_STATUS_REPORT = 300_000;
const LEASE_DURATION = 40;
const BACKOFF_INITIAL = 10_000;
/** pod_workers.go: a sync that failed is retried after backOffPeriod, jittered by up to 50%. */
const WORKER_BACKOFF = 10_000;
const BACKOFF_MAX = 300_000;
/** A container that ran this long without failing starts its back-off over. */
const BACKOFF_RESET = 600_000;

interface Probe {
  type: 'liveness' | 'readiness' | 'startup';
  initialDelaySeconds: number;
  periodSeconds: number;
  timeoutSeconds: number;
  successThreshold: number;
  failureThreshold: number;
  port: number;
  kind: 'httpGet' | 'tcpSocket' | 'exec' | 'grpc';
  path: string;
}

interface ContainerState {
  spec: Record<string, unknown>;
  view: ContainerView;
  id: string;
  backoff: number;
  backoffUntil: number;
  pullBackoff: number;
  startupOK: boolean;
  readyStreak: number;
  failStreak: Record<string, number>;
  probeTimers: number[];
  init: boolean;
}

interface PodWorker {
  uid: string;
  key: string;
  pod: KObject;
  sandboxId: string;
  podIP: string;
  containers: Map<string, ContainerState>;
  startTime: string;
  busy: boolean;
  again: boolean;
  terminating: boolean;
  done: boolean;
  lastStatus: string;
  conditions: Map<string, { status: string; lastTransitionTime: string; reason?: string; message?: string }>;
  wakeTimer?: number;
}

function probesOf(c: Record<string, unknown>): Probe[] {
  const out: Probe[] = [];
  for (const type of ['liveness', 'readiness', 'startup'] as const) {
    const p = c[`${type}Probe`] as Record<string, unknown> | undefined;
    if (!p) continue;
    const http = p.httpGet as { port?: number | string; path?: string } | undefined;
    const tcp = p.tcpSocket as { port?: number | string } | undefined;
    const ports = (c.ports as { name?: string; containerPort: number }[] | undefined) ?? [];
    const resolve = (port: number | string | undefined): number =>
      typeof port === 'number' ? port : (ports.find((x) => x.name === port)?.containerPort ?? Number(port ?? 0));
    out.push({
      type,
      initialDelaySeconds: Number(p.initialDelaySeconds ?? 0),
      periodSeconds: Number(p.periodSeconds ?? 10),
      timeoutSeconds: Number(p.timeoutSeconds ?? 1),
      successThreshold: Number(p.successThreshold ?? 1),
      failureThreshold: Number(p.failureThreshold ?? 3),
      port: http ? resolve(http.port) : tcp ? resolve(tcp.port) : 0,
      kind: http ? 'httpGet' : tcp ? 'tcpSocket' : p.exec ? 'exec' : 'grpc',
      path: http?.path ?? '/',
    });
  }
  return out;
}

function shouldRestart(policy: string, exitCode: number): boolean {
  return policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0);
}

export class Kubelet implements Component {
  private ctx!: Context;
  private client!: Clientset;
  private events!: EventRecorder;
  private pods!: Informer;
  private workers = new Map<string, PodWorker>();
  private byContainer = new Map<string, [PodWorker, ContainerState]>();
  private pullChain: Promise<unknown> = Promise.resolve();
  private nodeUid = '';
  private lastNodeReport = Number.NEGATIVE_INFINITY;
  private lastNodeStatus = '';
  private images: { names: string[]; sizeBytes: number }[] = [];
  private readonly runtime: string;
  private staticManifests: KObject[] = [];

  constructor(readonly config: KubeletConfig) {
    this.runtime = `containerd@${config.node}`;
  }

  private now(): string {
    return formatRFC3339(this.config.epoch + this.ctx.now());
  }

  start(ctx: Context): void {
    this.ctx = ctx;
    this.client = new Clientset(ctx, 'kubelet/v1.33.1 (linux/amd64) kubernetes/8adc0f0');
    this.events = new EventRecorder(
      ctx,
      this.client,
      { component: 'kubelet', host: this.config.node },
      this.config.epoch,
    );
    void this.run();
  }

  recover(_records: unknown[], ctx: Context): void {
    this.start(ctx);
  }

  private async cri<T>(method: string, payload: Record<string, unknown>, summary?: string): Promise<T> {
    const r = await this.ctx.request<CriReply<T>>(this.runtime, `cri.${method}`, payload, {
      summary: summary ?? method,
    });
    if (r.payload.error) throw Object.assign(new Error(r.payload.error.message), { code: r.payload.error.code });
    return r.payload.ok as T;
  }

  // ---- node registration, status and lease ---------------------------------------------------

  private async run(): Promise<void> {
    await this.registerWithAPIServer();
    this.pods = new Informer(this.client, GR.pods, { fieldSelector: `spec.nodeName=${this.config.node}` });
    this.pods.addHandlers({
      add: (p) => this.dispatch(p),
      // Like the kubelet's pod config, a change of status alone (often our own) is not work.
      update: (o, p) => (specChanged(o, p) ? this.dispatch(p) : this.refresh(p)),
      delete: (p) => this.podDeleted(p),
    });
    await this.pods.start();
    if (this.config.role === 'control-plane') await this.startStaticPods();
    this.ctx.setTimer(0, () => this.renewLease(), 'lease');
    this.ctx.setTimer(0, () => this.syncNodeStatus(), 'node status');
  }

  private nodeSeed(): KObject {
    const seed: Parameters<typeof nodeObject>[0] = {
      name: this.config.node,
      role: this.config.role,
      podCIDR: this.config.podCIDR,
      internalIP: this.config.internalIP,
    };
    if (this.config.labels) seed.labels = this.config.labels;
    if (this.config.capacity) seed.capacity = this.config.capacity;
    const n = nodeObject(seed, this.now());
    delete (n as Record<string, unknown>).created;
    return n;
  }

  /** Creates the Node, or, if it already exists, takes it over (kubelet_node_status.go). */
  private async registerWithAPIServer(): Promise<void> {
    for (;;) {
      try {
        const created = await this.client.create(GR.nodes, '', this.nodeSeed());
        this.nodeUid = created.metadata?.uid ?? '';
        this.ctx.annotate(`kubelet registered node ${this.config.node}`);
        return;
      } catch (e) {
        if (isAlreadyExists(e)) {
          const existing = await this.client.get(GR.nodes, '', this.config.node);
          this.nodeUid = existing.metadata?.uid ?? '';
          return;
        }
        this.ctx.annotate(`kubelet: unable to register node ${this.config.node}: ${(e as Error).message}`);
        await new Promise<void>((r) => this.ctx.setTimer(7000, r, 'retry registration'));
      }
    }
  }

  private async renewLease(): Promise<void> {
    this.ctx.setTimer(LEASE_DURATION * 250, () => this.renewLease(), 'renew lease');
    const name = this.config.node;
    const now = `${this.now().slice(0, -1)}.000000Z`;
    try {
      const lease = await this.client.get(GR.leases, 'kube-node-lease', name);
      await this.client.update(GR.leases, {
        ...lease,
        spec: { ...(lease.spec as object), holderIdentity: name, leaseDurationSeconds: LEASE_DURATION, renewTime: now },
      });
    } catch (e) {
      if (!isNotFound(e)) {
        this.ctx.annotate(`kubelet: failed to renew lease kube-node-lease/${name}: ${(e as Error).message}`);
        return;
      }
      await this.client
        .create(GR.leases, 'kube-node-lease', {
          metadata: {
            name,
            namespace: 'kube-node-lease',
            ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: this.nodeUid }],
          },
          spec: { holderIdentity: name, leaseDurationSeconds: LEASE_DURATION, renewTime: now },
        })
        .catch(() => undefined);
    }
  }

  private nodeConditions(heartbeat: string, transition: string): Record<string, unknown>[] {
    const c = (type: string, status: string, reason: string, message: string) => ({
      type,
      status,
      lastHeartbeatTime: heartbeat,
      lastTransitionTime: transition,
      reason,
      message,
    });
    return [
      c('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
      c('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
      c('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
      c('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
    ];
  }

  private readyTransition = '';

  /** tryUpdateNodeStatus: computed every 10 s, posted when changed or 5 min since the last post. */
  private async syncNodeStatus(): Promise<void> {
    this.ctx.setTimer(NODE_STATUS_UPDATE, () => this.syncNodeStatus(), 'node status');
    try {
      const images = await this.cri<{ repoTags: string[]; size: number }[]>('ListImages', {});
      this.images = images
        .map((i) => ({ names: i.repoTags, sizeBytes: i.size }))
        .sort((a, b) => b.sizeBytes - a.sizeBytes);
    } catch {
      // keep the last list
    }
    const node = await this.client.get(GR.nodes, '', this.config.node).catch(() => undefined);
    if (!node) return;
    const status = (node.status ?? {}) as Record<string, unknown>;
    const ready = (
      (status.conditions as { type: string; status: string; lastTransitionTime: string }[] | undefined) ?? []
    ).find((c) => c.type === 'Ready');
    if (!this.readyTransition || ready?.status !== 'True') this.readyTransition = this.now();
    const fingerprint = JSON.stringify({ images: this.images, ready: ready?.status });
    const due = this.ctx.now() - this.lastNodeReport >= NODE_STATUS_REPORT;
    if (fingerprint === this.lastNodeStatus && !due && ready?.status === 'True') return;
    this.lastNodeStatus = fingerprint;
    this.lastNodeReport = this.ctx.now();
    const now = this.now();
    await this.client
      .patch(
        GR.nodes,
        '',
        this.config.node,
        'merge',
        {
          status: { conditions: this.nodeConditions(now, this.readyTransition), images: this.images },
        },
        'status',
      )
      .catch((e: unknown) => this.ctx.annotate(`kubelet: error updating node status: ${(e as Error).message}`));
  }

  // ---- static pods --------------------------------------------------------------------------

  private async startStaticPods(): Promise<void> {
    this.staticManifests = staticPods(this.config.node, this.config.internalIP);
    for (const p of this.staticManifests) await this.createMirrorPod(p);
  }

  private async createMirrorPod(p: KObject): Promise<void> {
    const m = p.metadata as ObjectMeta;
    const mirror: KObject = structuredClone(p);
    const mm = mirror.metadata as ObjectMeta;
    const hash = `${(m.name ?? '').length.toString(16)}${Math.floor(this.ctx.rand() * 2 ** 32).toString(16)}`;
    mm.annotations = {
      ...(m.annotations ?? {}),
      'kubernetes.io/config.hash': hash,
      'kubernetes.io/config.mirror': hash,
      'kubernetes.io/config.seen': `${this.now().slice(0, -1)}.000000000Z`,
    };
    mm.ownerReferences = [
      { apiVersion: 'v1', kind: 'Node', name: this.config.node, uid: this.nodeUid, controller: true },
    ];
    await this.client.create(GR.pods, 'kube-system', mirror).catch((e: unknown) => {
      if (!isAlreadyExists(e)) this.ctx.annotate(`kubelet: failed creating a mirror pod: ${(e as Error).message}`);
    });
  }

  // ---- pod workers ------------------------------------------------------------------------------

  private dispatch(pod: KObject): void {
    const uid = pod.metadata?.uid ?? '';
    let w = this.workers.get(uid);
    if (!w) {
      w = {
        uid,
        key: `${pod.metadata?.namespace}/${pod.metadata?.name}`,
        pod,
        sandboxId: '',
        podIP: '',
        containers: new Map(),
        startTime: '',
        busy: false,
        again: false,
        terminating: false,
        done: false,
        lastStatus: '',
        conditions: new Map(),
      };
      this.workers.set(uid, w);
    }
    w.pod = pod;
    this.work(w);
  }

  private refresh(pod: KObject): void {
    const w = this.workers.get(pod.metadata?.uid ?? '');
    if (w) w.pod = pod;
    else this.dispatch(pod);
  }

  private podDeleted(pod: KObject): void {
    const m = pod.metadata ?? {};
    // A deleted mirror pod comes back: static pods are the kubelet's, not the API server's.
    if (m.annotations?.['kubernetes.io/config.mirror']) {
      const manifest = this.staticManifests.find((p) => p.metadata?.name === m.name);
      if (manifest) void this.createMirrorPod(manifest);
    }
    const w = this.workers.get(m.uid ?? '');
    if (!w) return;
    w.pod = {
      ...w.pod,
      metadata: { ...w.pod.metadata, deletionTimestamp: w.pod.metadata?.deletionTimestamp ?? this.now() },
    };
    w.done = true;
    void this.killPod(w, 0).then(() => this.forget(w));
  }

  private work(w: PodWorker): void {
    if (w.busy) {
      w.again = true;
      return;
    }
    w.busy = true;
    void (async () => {
      try {
        do {
          w.again = false;
          await this.syncPod(w);
        } while (w.again);
      } catch (e) {
        this.ctx.annotate(`kubelet: error syncing pod ${w.key}: ${(e as Error).message}`);
        this.wake(w, 1000);
      } finally {
        w.busy = false;
      }
    })();
  }

  private wake(w: PodWorker, delay: number): void {
    if (w.wakeTimer !== undefined) this.ctx.clearTimer(w.wakeTimer);
    w.wakeTimer = this.ctx.setTimer(
      delay,
      () => {
        w.wakeTimer = undefined;
        this.work(w);
      },
      `resync ${w.key}`,
    );
  }

  private containerState(w: PodWorker, spec: Record<string, unknown>, init: boolean): ContainerState {
    const name = String(spec.name);
    let cs = w.containers.get(name);
    if (!cs) {
      cs = {
        spec,
        id: '',
        backoff: 0,
        backoffUntil: 0,
        pullBackoff: 0,
        startupOK: !spec.startupProbe,
        readyStreak: 0,
        failStreak: {},
        probeTimers: [],
        init,
        view: waitingView(name, String(spec.image), 'ContainerCreating'),
      };
      w.containers.set(name, cs);
    }
    cs.spec = spec;
    return cs;
  }

  /** syncPod: one pass bringing the pod toward its spec. */
  private async syncPod(w: PodWorker): Promise<void> {
    const pod = w.pod;
    const m = pod.metadata ?? {};
    if (w.done) return;
    if (m.deletionTimestamp) {
      await this.syncTerminatingPod(w);
      return;
    }
    const phase = (pod.status as { phase?: string } | undefined)?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return;
    const spec = (pod.spec ?? {}) as Record<string, unknown>;
    if (!w.startTime) w.startTime = this.now();
    if (!w.sandboxId) {
      await this.updateStatus(w);
      try {
        const r = await this.cri<{ sandboxId: string; ip: string }>(
          'RunPodSandbox',
          {
            podUid: w.uid,
            name: m.name,
            namespace: m.namespace,
            hostNetwork: spec.hostNetwork === true,
            // PodSandboxConfig: hostname, DNS (GetPodDNS) and the kubelet's hosts entries.
            hostname: podHostname(pod),
            ...(spec.subdomain ? { subdomain: spec.subdomain } : {}),
            dnsConfig: podDnsConfig(m.namespace ?? '', spec as Parameters<typeof podDnsConfig>[1]),
            hostAliases: spec.hostAliases ?? [],
          },
          `RunPodSandbox ${w.key}`,
        );
        w.sandboxId = r.sandboxId;
        w.podIP = r.ip;
      } catch (e) {
        this.events.event(
          pod,
          'Warning',
          'FailedCreatePodSandBox',
          `Failed to create pod sandbox: ${(e as Error).message}`,
        );
        this.wake(w, 10_000);
        return;
      }
    }
    const restartPolicy = String(spec.restartPolicy ?? 'Always');
    // Init containers run one at a time, each to completion.
    const inits = (spec.initContainers as Record<string, unknown>[] | undefined) ?? [];
    for (const c of inits) {
      const cs = this.containerState(w, c, true);
      if (cs.view.state === 'terminated' && cs.view.exitCode === 0) continue;
      if (cs.view.state === 'running') {
        await this.updateStatus(w);
        return;
      }
      await this.startOrBackoff(w, cs, restartPolicy === 'Never' ? 'Never' : 'OnFailure');
      await this.updateStatus(w);
      return;
    }
    for (const c of (spec.containers as Record<string, unknown>[] | undefined) ?? []) {
      const cs = this.containerState(w, c, false);
      if (cs.view.state === 'running') continue;
      if (cs.view.state === 'terminated' && !shouldRestart(restartPolicy, cs.view.exitCode)) continue;
      await this.startOrBackoff(w, cs, restartPolicy);
      if (w.done || w.pod.metadata?.deletionTimestamp) return;
    }
    await this.updateStatus(w);
  }

  /** Starts a container that is due, or records that it is backing off. */
  private async startOrBackoff(w: PodWorker, cs: ContainerState, restartPolicy: string): Promise<void> {
    const now = this.ctx.now();
    const v = cs.view;
    const podRef = `${w.pod.metadata?.name}_${w.pod.metadata?.namespace}(${w.uid})`;
    if (v.state === 'terminated' && !shouldRestart(restartPolicy, v.exitCode)) return;
    if (now < cs.backoffUntil) {
      const secs = Math.round(cs.backoff / 1000);
      if (v.reason !== 'ImagePullBackOff' && v.reason !== 'ErrImagePull') {
        this.toWaiting(
          cs,
          'CrashLoopBackOff',
          `back-off ${secs >= 60 ? `${Math.floor(secs / 60)}m${secs % 60}s` : `${secs}s`} restarting failed container=${v.name} pod=${podRef}`,
        );
        this.events.event(
          w.pod,
          'Warning',
          'BackOff',
          `Back-off restarting failed container ${v.name} in pod ${podRef}`,
        );
      } else {
        this.toWaiting(cs, 'ImagePullBackOff', `Back-off pulling image "${String(cs.spec.image)}"`);
        this.events.event(w.pod, 'Normal', 'BackOff', `Back-off pulling image "${String(cs.spec.image)}"`);
      }
      this.wake(w, cs.backoffUntil - now);
      return;
    }
    if (!(await this.ensureImage(w, cs))) return;
    let id: string;
    try {
      const limits = ((cs.spec.resources as { limits?: Record<string, string> } | undefined)?.limits ?? {}) as Record<
        string,
        string
      >;
      const r = await this.cri<{ containerId: string }>(
        'CreateContainer',
        {
          sandboxId: w.sandboxId,
          name: v.name,
          image: cs.spec.image,
          command: cs.spec.command ?? [],
          args: cs.spec.args ?? [],
          attempt: v.restartCount,
          memoryLimit: limits.memory ? memoryBytes(limits.memory) : 0,
          envs: containerEnvs(w.pod, cs.spec, w.podIP, this.config.internalIP),
        },
        `CreateContainer ${v.name}`,
      );
      id = r.containerId;
    } catch (e) {
      this.toWaiting(cs, 'CreateContainerError', (e as Error).message);
      this.events.event(w.pod, 'Warning', 'Failed', `Error: ${(e as Error).message}`);
      this.wake(w, 10_000);
      return;
    }
    this.events.event(w.pod, 'Normal', 'Created', `Created container: ${v.name}`);
    await this.cri('StartContainer', { containerId: id }, `StartContainer ${v.name}`);
    this.events.event(w.pod, 'Normal', 'Started', `Started container ${v.name}`);
    if (cs.id) {
      // A container ran before: this is a restart.
      this.byContainer.delete(cs.id);
      if (v.state === 'terminated') {
        v.lastTerminated = {
          exitCode: v.exitCode,
          reason: v.reason,
          startedAt: v.startedAt,
          finishedAt: v.finishedAt,
          containerID: v.containerID,
        };
      }
      v.restartCount++;
    }
    cs.id = id;
    this.byContainer.set(id, [w, cs]);
    v.containerID = `containerd://${id}`;
    v.state = 'running';
    v.reason = '';
    v.message = '';
    v.startedAt = this.now();
    v.started = !cs.spec.startupProbe;
    v.ready = false;
    cs.startupOK = !cs.spec.startupProbe;
    cs.readyStreak = 0;
    cs.failStreak = {};
    this.startProbes(w, cs);
    if (!cs.spec.readinessProbe && cs.startupOK) v.ready = true;
  }

  private toWaiting(cs: ContainerState, reason: string, message: string): void {
    const v = cs.view;
    if (v.state === 'terminated') {
      v.lastTerminated = {
        exitCode: v.exitCode,
        reason: v.reason,
        startedAt: v.startedAt,
        finishedAt: v.finishedAt,
        containerID: v.containerID,
      };
    }
    v.state = 'waiting';
    v.reason = reason;
    v.message = message;
    v.ready = false;
    v.started = false;
  }

  /** The image manager: honours imagePullPolicy; pulls are serialized, as serializeImagePulls is by default. */
  private async ensureImage(w: PodWorker, cs: ContainerState): Promise<boolean> {
    const image = String(cs.spec.image);
    const policy = String(cs.spec.imagePullPolicy ?? 'IfNotPresent');
    const present = (
      await this.cri<{ present: boolean; image: { digest: string } | null }>(
        'ImageStatus',
        { image },
        `ImageStatus ${image}`,
      )
    ).present;
    if (present && policy !== 'Always') {
      this.events.event(w.pod, 'Normal', 'Pulled', `Container image "${image}" already present on machine`);
      cs.view.imageID = normalizeImage(image).ref;
      return true;
    }
    if (!present && policy === 'Never') {
      this.toWaiting(cs, 'ErrImageNeverPull', `Container image "${image}" is not present with pull policy of Never`);
      this.events.event(
        w.pod,
        'Warning',
        'ErrImageNeverPull',
        `Container image "${image}" is not present with pull policy of Never`,
      );
      return false;
    }
    this.events.event(w.pod, 'Normal', 'Pulling', `Pulling image "${image}"`);
    const queued = this.ctx.now();
    const run = this.pullChain.then(() =>
      this.cri<{ imageRef: string; size: number; took: number }>('PullImage', { image }, `PullImage ${image}`),
    );
    this.pullChain = run.catch(() => undefined);
    try {
      const r = await run;
      const total = (this.ctx.now() - queued) / 1000;
      this.events.event(
        w.pod,
        'Normal',
        'Pulled',
        `Successfully pulled image "${image}" in ${fmtSeconds(r.took / 1000)} (${fmtSeconds(total)} including waiting). Image size: ${r.size} bytes.`,
      );
      cs.pullBackoff = 0;
      cs.view.imageID = `${normalizeImage(image).repo}@${r.imageRef}`;
      return true;
    } catch (e) {
      const msg = (e as Error).message;
      this.events.event(w.pod, 'Warning', 'Failed', `Failed to pull image "${image}": ${msg}`);
      this.events.event(w.pod, 'Warning', 'Failed', 'Error: ErrImagePull');
      this.toWaiting(cs, 'ErrImagePull', msg);
      cs.pullBackoff = cs.pullBackoff === 0 ? BACKOFF_INITIAL : Math.min(cs.pullBackoff * 2, BACKOFF_MAX);
      cs.backoff = cs.pullBackoff;
      cs.backoffUntil = this.ctx.now() + cs.pullBackoff;
      // The pod worker requeues a failed sync after backOffPeriod (10 s) with jitter.
      this.wake(w, WORKER_BACKOFF * (1 + 0.5 * this.ctx.rand()));
      return false;
    }
  }

  // ---- container exits and probes -------------------------------------------------------------

  receive(env: Envelope): void | Promise<void> {
    if (this.client.dispatch(env.kind, env.payload)) return;
    switch (env.kind) {
      case 'cri.event':
        this.onContainerEvent(env.payload as { containerId: string; exitCode: number; reason: string });
        return;
      case 'kubelet.logs':
        return this.serveLogs(env);
      case 'kubelet.exec':
        return this.serveExec(env);
    }
  }

  private onContainerEvent(e: { containerId: string; exitCode: number; reason: string }): void {
    const found = this.byContainer.get(e.containerId);
    if (!found) return;
    const [w, cs] = found;
    this.terminated(w, cs, e.exitCode, e.reason);
    this.work(w);
  }

  private terminated(w: PodWorker, cs: ContainerState, exitCode: number, reason: string): void {
    const v = cs.view;
    for (const t of cs.probeTimers) this.ctx.clearTimer(t);
    cs.probeTimers = [];
    const ranFor = v.startedAt ? this.config.epoch + this.ctx.now() - parseRFC3339(v.startedAt) : 0;
    v.state = 'terminated';
    v.exitCode = exitCode;
    v.reason = reason;
    v.finishedAt = this.now();
    v.ready = false;
    v.started = false;
    const policy = String((w.pod.spec as { restartPolicy?: string } | undefined)?.restartPolicy ?? 'Always');
    if (
      !w.pod.metadata?.deletionTimestamp &&
      shouldRestart(cs.init && policy === 'Always' ? 'OnFailure' : policy, exitCode)
    ) {
      // The first restart is immediate; after that 10 s, doubling to 5 min; reset after 10 min of running.
      if (ranFor >= BACKOFF_RESET) cs.backoff = 0;
      cs.backoffUntil = this.ctx.now() + cs.backoff;
      cs.backoff = cs.backoff === 0 ? BACKOFF_INITIAL : Math.min(cs.backoff * 2, BACKOFF_MAX);
    }
  }

  private startProbes(w: PodWorker, cs: ContainerState): void {
    for (const p of probesOf(cs.spec)) {
      const tick = async (): Promise<void> => {
        if (cs.view.state !== 'running' || w.done) return;
        cs.probeTimers.push(this.ctx.setTimer(p.periodSeconds * 1000, tick, `${p.type} probe ${cs.view.name}`));
        if (p.type !== 'startup' && !cs.startupOK) return;
        if (p.type === 'startup' && cs.startupOK) return;
        const r = await this.cri<{ success: boolean; message: string }>(
          'probe',
          { containerId: cs.id, probe: p.type, type: p.kind, port: p.port, ip: w.podIP, path: p.path },
          `${p.type} probe ${cs.view.name}`,
        );
        this.onProbe(w, cs, p, r.success, r.message);
      };
      cs.probeTimers.push(this.ctx.setTimer(p.initialDelaySeconds * 1000, tick, `${p.type} probe ${cs.view.name}`));
    }
  }

  private onProbe(w: PodWorker, cs: ContainerState, p: Probe, ok: boolean, message: string): void {
    const v = cs.view;
    if (v.state !== 'running') return;
    const kind = p.type === 'liveness' ? 'Liveness' : p.type === 'readiness' ? 'Readiness' : 'Startup';
    if (ok) {
      cs.failStreak[p.type] = 0;
      if (p.type === 'startup') {
        cs.startupOK = true;
        v.started = true;
        if (!cs.spec.readinessProbe) v.ready = true;
        this.work(w);
      } else if (p.type === 'readiness') {
        cs.readyStreak++;
        if (!v.ready && cs.readyStreak >= p.successThreshold) {
          v.ready = true;
          this.work(w);
        }
      }
      return;
    }
    cs.readyStreak = 0;
    cs.failStreak[p.type] = (cs.failStreak[p.type] ?? 0) + 1;
    this.events.event(w.pod, 'Warning', 'Unhealthy', `${kind} probe failed: ${message}`);
    if (p.type === 'readiness') {
      if (v.ready && (cs.failStreak[p.type] ?? 0) >= p.failureThreshold) {
        v.ready = false;
        this.work(w);
      }
      return;
    }
    if ((cs.failStreak[p.type] ?? 0) >= p.failureThreshold) {
      this.events.event(w.pod, 'Normal', 'Killing', `Container ${v.name} failed ${p.type} probe, will be restarted`);
      const id = cs.id;
      void this.cri<{ exitCode: number; reason: string }>(
        'StopContainer',
        {
          containerId: id,
          timeout: Number(
            (w.pod.spec as { terminationGracePeriodSeconds?: number }).terminationGracePeriodSeconds ?? 30,
          ),
        },
        `StopContainer ${v.name}`,
      ).then((r) => {
        if (cs.id === id && cs.view.state === 'running') {
          this.terminated(w, cs, r.exitCode, r.reason);
          this.work(w);
        }
      });
    }
  }

  // ---- termination ------------------------------------------------------------------------------

  private async killPod(w: PodWorker, grace: number): Promise<void> {
    const stops: Promise<unknown>[] = [];
    for (const cs of w.containers.values()) {
      for (const t of cs.probeTimers) this.ctx.clearTimer(t);
      cs.probeTimers = [];
      if (cs.view.state !== 'running') continue;
      this.events.event(w.pod, 'Normal', 'Killing', `Stopping container ${cs.view.name}`);
      stops.push(
        this.cri<{ exitCode: number; reason: string }>(
          'StopContainer',
          { containerId: cs.id, timeout: grace },
          `StopContainer ${cs.view.name}`,
        ).then((r) => {
          const v = cs.view;
          v.state = 'terminated';
          v.exitCode = r.exitCode;
          v.reason = r.reason;
          v.finishedAt = this.now();
          v.ready = false;
          v.started = false;
        }),
      );
    }
    await Promise.all(stops);
    if (w.sandboxId) await this.cri('StopPodSandbox', { sandboxId: w.sandboxId }, 'StopPodSandbox');
  }

  /** SyncTerminatingPod: stop everything within the grace period, then remove the pod from the API. */
  private async syncTerminatingPod(w: PodWorker): Promise<void> {
    if (w.terminating) return;
    w.terminating = true;
    const m = w.pod.metadata ?? {};
    const grace =
      m.deletionGracePeriodSeconds ??
      Number((w.pod.spec as { terminationGracePeriodSeconds?: number }).terminationGracePeriodSeconds ?? 30);
    await this.killPod(w, grace);
    await this.updateStatus(w);
    try {
      await this.client.delete(GR.pods, m.namespace ?? '', m.name ?? '', {
        gracePeriodSeconds: 0,
        preconditions: { uid: w.uid },
      });
    } catch (e) {
      if (!isNotFound(e)) this.ctx.annotate(`kubelet: failed to delete pod ${w.key}: ${(e as Error).message}`);
    }
    this.forget(w);
  }

  private forget(w: PodWorker): void {
    w.done = true;
    for (const cs of w.containers.values()) {
      this.byContainer.delete(cs.id);
      for (const t of cs.probeTimers) this.ctx.clearTimer(t);
    }
    if (w.wakeTimer !== undefined) this.ctx.clearTimer(w.wakeTimer);
    if (w.sandboxId)
      void this.cri('RemovePodSandbox', { sandboxId: w.sandboxId }, 'RemovePodSandbox').catch(() => undefined);
    w.sandboxId = '';
    this.workers.delete(w.uid);
  }

  // ---- status manager -------------------------------------------------------------------------

  private condition(
    w: PodWorker,
    type: string,
    ok: boolean,
    reason?: string,
    message?: string,
  ): Record<string, unknown> {
    const status = ok ? 'True' : 'False';
    const prev = w.conditions.get(type);
    const lastTransitionTime = prev && prev.status === status ? prev.lastTransitionTime : this.now();
    const c: { status: string; lastTransitionTime: string; reason?: string; message?: string } = {
      status,
      lastTransitionTime,
    };
    if (reason) c.reason = reason;
    if (message) c.message = message;
    w.conditions.set(type, c);
    return {
      type,
      status,
      lastProbeTime: null,
      lastTransitionTime,
      ...(reason ? { reason } : {}),
      ...(message ? { message } : {}),
    };
  }

  private async updateStatus(w: PodWorker): Promise<void> {
    const pod = w.pod;
    const spec = (pod.spec ?? {}) as Record<string, unknown>;
    const views = ((spec.containers as { name: string; image: string }[] | undefined) ?? []).map(
      (c) => w.containers.get(c.name)?.view ?? waitingView(c.name, c.image, 'ContainerCreating'),
    );
    const initSpecs = (spec.initContainers as { name: string; image: string }[] | undefined) ?? [];
    const initViews = initSpecs.map(
      (c) => w.containers.get(c.name)?.view ?? waitingView(c.name, c.image, 'PodInitializing'),
    );
    const initDone = initViews.every((v) => v.state === 'terminated' && v.exitCode === 0);
    for (const v of views) if (!initDone && v.state === 'waiting') v.reason = 'PodInitializing';
    const phase = podPhase(String(spec.restartPolicy ?? 'Always'), views, initDone);
    const unready = views.filter((v) => !v.ready).map((v) => v.name);
    const terminal = phase === 'Succeeded' || phase === 'Failed';
    const prior = (pod.status ?? {}) as { conditions?: Record<string, unknown>[]; qosClass?: string };
    const scheduled = (prior.conditions ?? []).find((c) => c.type === 'PodScheduled');
    const conditions = [
      this.condition(w, 'PodReadyToStartContainers', w.sandboxId !== '' && !terminal),
      this.condition(
        w,
        'Initialized',
        initDone,
        initDone ? undefined : 'ContainersNotInitialized',
        initDone
          ? undefined
          : `containers with incomplete status: [${initViews
              .filter((v) => !(v.state === 'terminated' && v.exitCode === 0))
              .map((v) => v.name)
              .join(' ')}]`,
      ),
      this.condition(
        w,
        'Ready',
        unready.length === 0 && !terminal,
        unready.length || terminal ? (terminal ? 'PodCompleted' : 'ContainersNotReady') : undefined,
        unready.length && !terminal ? `containers with unready status: [${unready.join(' ')}]` : undefined,
      ),
      this.condition(
        w,
        'ContainersReady',
        unready.length === 0 && !terminal,
        unready.length || terminal ? (terminal ? 'PodCompleted' : 'ContainersNotReady') : undefined,
        unready.length && !terminal ? `containers with unready status: [${unready.join(' ')}]` : undefined,
      ),
      ...(scheduled ? [scheduled] : []),
    ];
    const status: Record<string, unknown> = {
      phase,
      conditions,
      hostIP: this.config.internalIP,
      hostIPs: [{ ip: this.config.internalIP }],
      startTime: w.startTime,
      containerStatuses: views.map(containerStatus),
      qosClass: prior.qosClass ?? 'BestEffort',
    };
    if (initViews.length) status.initContainerStatuses = initViews.map(containerStatus);
    if (w.podIP) {
      status.podIP = w.podIP;
      status.podIPs = [{ ip: w.podIP }];
    }
    const text = JSON.stringify(status);
    if (text === w.lastStatus) return;
    w.lastStatus = text;
    const m = pod.metadata ?? {};
    try {
      await this.client.patch(
        GR.pods,
        m.namespace ?? '',
        m.name ?? '',
        'merge',
        { metadata: { uid: w.uid }, status },
        'status',
      );
    } catch (e) {
      if (!isNotFound(e)) {
        w.lastStatus = '';
        this.ctx.annotate(`kubelet: failed to update status for pod ${w.key}: ${(e as Error).message}`);
      }
    }
  }

  // ---- the kubelet's API: exec ----------------------------------------------------------------

  /**
   * getExec (pkg/kubelet/server/server.go) → the runtime's Exec: the command runs in the container
   * and its output, exit code and final status come back in one answer (the simulation does not
   * stream). Errors before the stream opens are HTTP errors, as the kubelet writes them.
   */
  private async serveExec(env: Envelope): Promise<void> {
    const reply = (status: number, body: unknown) =>
      this.ctx.reply(env, 'kubelet.exec.result', {
        status,
        headers: { 'content-type': 'application/json' },
        body,
      } satisfies ApiResponse);
    const fail = (code: number, reason: string, message: string) =>
      reply(code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
    let req: ExecRequest;
    try {
      req = parseExecRequest(env.payload);
    } catch (e) {
      return fail(400, 'BadRequest', (e as Error).message);
    }
    const w = [...this.workers.values()].find(
      (x) => x.pod.metadata?.namespace === req.namespace && x.pod.metadata?.name === req.pod,
    );
    const specs = ((w?.pod.spec as { containers?: { name: string }[] } | undefined)?.containers ?? []).map(
      (c) => c.name,
    );
    const name = req.container || (specs[0] ?? '');
    const cs = w?.containers.get(name);
    if (!w || !cs || cs.view.state !== 'running' || !cs.id)
      return fail(404, 'NotFound', `container not found ("${name}")`);
    if (req.stdin || req.tty)
      return fail(
        400,
        'BadRequest',
        'interactive exec (stdin/tty) is not simulated: run one command, as in kubectl exec POD -- COMMAND [ARGS]',
      );
    const r = await this.ctx
      .request<CriReply<{ stdout: string; stderr: string; exitCode: number }>>(
        this.runtime,
        'cri.ExecSync',
        { containerId: cs.id, cmd: req.command },
        { summary: `ExecSync ${name}: ${req.command.join(' ')}` },
      )
      .then((x) => x.payload)
      .catch(
        (e: unknown): CriReply<{ stdout: string; stderr: string; exitCode: number }> => ({
          error: { code: 'Unavailable', message: (e as Error).message },
        }),
      );
    if (r.error) {
      if (r.error.code === 'NotFound') return fail(404, 'NotFound', `container not found ("${name}")`);
      const out: ExecReply = { stdout: '', stderr: '', status: execStatus(req.command, undefined, r.error.message) };
      return reply(200, out);
    }
    const ok = r.ok as { stdout: string; stderr: string; exitCode: number };
    const out: ExecReply = { ...ok, status: execStatus(req.command, ok.exitCode) };
    return reply(200, out);
  }

  // ---- the kubelet's API: logs ----------------------------------------------------------------

  private async serveLogs(env: Envelope): Promise<void> {
    const req = env.payload as { namespace: string; pod: string; query: Record<string, string> };
    const reply = (status: number, body: unknown, type = 'application/json') =>
      this.ctx.reply(env, 'kubelet.logs.result', {
        status,
        headers: { 'content-type': type },
        body,
      } satisfies ApiResponse);
    const bad = (message: string) =>
      reply(400, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message,
        reason: 'BadRequest',
        code: 400,
      });
    const w = [...this.workers.values()].find(
      (x) => x.pod.metadata?.namespace === req.namespace && x.pod.metadata?.name === req.pod,
    );
    const specs = ((w?.pod.spec as { containers?: { name: string }[] } | undefined)?.containers ?? []).map(
      (c) => c.name,
    );
    let name = req.query.container;
    if (!name) {
      if (specs.length !== 1)
        return bad(`a container name must be specified for pod ${req.pod}, choose one of: [${specs.join(' ')}]`);
      name = specs[0] as string;
    }
    const cs = w?.containers.get(name);
    if (!w || !cs) return bad(`container ${name} is not valid for pod ${req.pod}`);
    const previous = req.query.previous === 'true';
    if (previous && !cs.view.lastTerminated)
      return bad(`previous terminated container "${name}" in pod "${req.pod}" not found`);
    if (!cs.id || (cs.view.state === 'waiting' && !cs.view.lastTerminated)) {
      return bad(`container "${name}" in pod "${req.pod}" is waiting to start: ${cs.view.reason}`);
    }
    const lines = await this.cri<string[]>('logs', { containerId: cs.id }, `logs ${name}`).catch(() => [] as string[]);
    const tail = req.query.tailLines ? Number(req.query.tailLines) : undefined;
    const shown = tail !== undefined ? lines.slice(Math.max(0, lines.length - tail)) : lines;
    return reply(200, shown.length ? `${shown.join('\n')}\n` : '', 'text/plain');
  }
}

export interface ExecReply {
  stdout: string;
  stderr: string;
  /** The command's exit code; absent when it could not be started. */
  exitCode?: number;
  /** What goes on the exec stream's error channel (3): Success, NonZeroExitCode, or the error. */
  status: Record<string, unknown>;
}

function specChanged(a: KObject, b: KObject): boolean {
  const am = a.metadata ?? {};
  const bm = b.metadata ?? {};
  return (
    JSON.stringify(a.spec) !== JSON.stringify(b.spec) ||
    am.deletionTimestamp !== bm.deletionTimestamp ||
    am.deletionGracePeriodSeconds !== bm.deletionGracePeriodSeconds ||
    JSON.stringify(am.labels) !== JSON.stringify(bm.labels) ||
    JSON.stringify(am.annotations) !== JSON.stringify(bm.annotations)
  );
}

function fmtSeconds(s: number): string {
  if (s < 1) return `${Math.round(s * 1000)}ms`;
  return `${Number(s.toFixed(3))}s`;
}

function memoryBytes(q: string): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(q);
  if (!m) return 0;
  const n = Number(m[1]);
  const mult: Record<string, number> = {
    Ki: 1024,
    Mi: 1024 ** 2,
    Gi: 1024 ** 3,
    Ti: 1024 ** 4,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
  };
  return n * (m[2] ? (mult[m[2]] as number) : 1);
}

export function createKubelet(spec: ComponentSpec): Component {
  return new Kubelet(spec.config as KubeletConfig);
}
