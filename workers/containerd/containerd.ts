/**
 * containerd as the kubelet sees it through CRI (k8s.io/cri-api RuntimeService and ImageService):
 * pod sandboxes with an IP from the node's pod CIDR (the CNI plugin's host-local IPAM), a per-node
 * image store filled by pulls that take time, and containers that do what their image and command
 * say (serve, sleep, exit 0 or 1, leak memory until OOM-killed). Container exits are pushed to the
 * kubelet as `cri.event` (evented PLEG) instead of being found by relisting.
 *
 * Requests: cri.RunPodSandbox, cri.StopPodSandbox, cri.RemovePodSandbox, cri.PullImage,
 * cri.ListImages, cri.CreateContainer, cri.StartContainer, cri.StopContainer, cri.RemoveContainer,
 * cri.ListContainers, cri.ListPodSandbox, cri.probe, cri.logs, cri.ExecSync. Each is answered with
 * `<kind>.result` carrying `{ ok }` or `{ error: { code, message } }`.
 *
 * The pods' network namespaces are here too: an exec'd command's packets meet the node's rules and
 * travel to CoreDNS or to the destination node's runtime (netstack.ts), which answers for the
 * sandboxes it runs.
 */
import type { ComponentSpec, Envelope } from '../../src/machinery/bus/protocol.ts';
import { type DnsConfig, NODE_RESOLV } from '../../src/machinery/net/dns.ts';
import { kernelOf } from '../../src/machinery/net/kernel.ts';
import type { Component, Context } from '../../src/machinery/runtime/component.ts';
import { intToIp, parseCIDR } from '../kube-apiserver/allocator.ts';
import { type ExecTarget, execInContainer, OciError } from './exec.ts';
import { type Behaviour, behaviourOf, type ImageInfo, lookupImage, normalizeImage, pullDuration } from './images.ts';
import { NodeNet } from './netstack.ts';

export interface ContainerdConfig {
  node: string;
  podCIDR: string;
  /** The node's own address, used by host-network pods. */
  nodeIP: string;
  epoch: number;
}

interface Sandbox {
  id: string;
  podUid: string;
  name: string;
  namespace: string;
  ip: string;
  state: 'SANDBOX_READY' | 'SANDBOX_NOTREADY';
  createdAt: number;
  hostNetwork: boolean;
  /** PodSandboxConfig: hostname, DNS config (written to /etc/resolv.conf), the kubelet's hosts entries. */
  hostname: string;
  subdomain?: string;
  dns: DnsConfig;
  hostAliases: { ip: string; hostnames: string[] }[];
}

export interface ContainerRecord {
  id: string;
  sandboxId: string;
  name: string;
  image: string;
  imageRef: string;
  podName: string;
  podNamespace: string;
  attempt: number;
  state: 'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED';
  createdAt: number;
  startedAt: number;
  finishedAt: number;
  exitCode: number;
  reason: string;
  behaviour: Behaviour;
  memoryLimit: number;
  logs: string[];
  timer?: number;
  /** ContainerConfig.envs. */
  envs: { key: string; value: string }[];
}

export interface CriReply<T> {
  ok?: T;
  error?: { code: string; message: string };
}

export class Containerd implements Component {
  private ctx!: Context;
  private sandboxes = new Map<string, Sandbox>();
  private containers = new Map<string, ContainerRecord>();
  private images = new Map<string, ImageInfo>();
  private pulling = new Map<string, Promise<void>>();
  private ipBase: number;
  private ipSize: number;
  private nextIP = 2;
  private usedIPs = new Set<string>();
  private net!: NodeNet;

  constructor(readonly config: ContainerdConfig) {
    const c = parseCIDR(config.podCIDR);
    this.ipBase = c.base;
    this.ipSize = c.size;
  }

  start(ctx: Context): void {
    this.ctx = ctx;
    this.net = new NodeNet({
      ctx,
      node: this.config.node,
      nodeIP: this.config.nodeIP,
      podCIDR: this.config.podCIDR,
      kernel: kernelOf(this.config),
      endpoints: (ip) => this.endpointsAt(ip),
    });
    // kind's node image ships the pause image and the control-plane images pre-loaded.
    for (const ref of [
      'registry.k8s.io/pause:3.10',
      'docker.io/kindest/kindnetd:v20250512-df8de77b',
      'docker.io/kindest/local-path-provisioner:v20250214-acbabc1a',
      'registry.k8s.io/kube-proxy:v1.33.1',
      'registry.k8s.io/etcd:3.5.21-0',
      'registry.k8s.io/kube-apiserver:v1.33.1',
      'registry.k8s.io/kube-controller-manager:v1.33.1',
      'registry.k8s.io/kube-scheduler:v1.33.1',
      'registry.k8s.io/coredns/coredns:v1.12.0',
    ]) {
      const img = lookupImage(ref);
      if (img) this.images.set(img.ref, img);
    }
  }

  private id(): string {
    // Container IDs are 64 hex characters.
    let s = '';
    for (let i = 0; i < 8; i++)
      s += Math.floor(this.ctx.rand() * 0xffffffff)
        .toString(16)
        .padStart(8, '0');
    return s;
  }

  private ok(env: Envelope, value: unknown, summary?: string): void {
    this.ctx.reply(env, `${env.kind}.result`, { ok: value }, summary);
  }

  private fail(env: Envelope, code: string, message: string): void {
    this.ctx.reply(env, `${env.kind}.result`, { error: { code, message } }, message);
  }

  receive(env: Envelope): void | Promise<void> {
    const p = env.payload as Record<string, unknown>;
    if (this.net.receive(env)) return;
    switch (env.kind) {
      case 'cri.ExecSync':
        return this.execSync(env, p);
      case 'cri.RunPodSandbox':
        return this.runPodSandbox(env, p);
      case 'cri.StopPodSandbox': {
        const sb = this.sandboxes.get(String(p.sandboxId));
        if (sb) {
          sb.state = 'SANDBOX_NOTREADY';
          for (const c of this.containers.values())
            if (c.sandboxId === sb.id && c.state === 'CONTAINER_RUNNING') this.exit(c, 137, 'Error', false);
        }
        this.ok(env, {});
        return;
      }
      case 'cri.RemovePodSandbox': {
        const sb = this.sandboxes.get(String(p.sandboxId));
        if (sb) {
          this.sandboxes.delete(sb.id);
          if (!sb.hostNetwork) this.usedIPs.delete(sb.ip);
          for (const c of [...this.containers.values()]) if (c.sandboxId === sb.id) this.containers.delete(c.id);
        }
        this.ok(env, {});
        return;
      }
      case 'cri.PullImage':
        return this.pullImage(env, String(p.image));
      case 'cri.ImageStatus': {
        const n = normalizeImage(String(p.image));
        this.ok(env, { present: this.images.has(n.ref), image: this.images.get(n.ref) ?? null });
        return;
      }
      case 'cri.ListImages':
        this.ok(
          env,
          [...this.images.values()].map((i) => ({ id: i.digest, repoTags: [i.ref], size: i.size })),
        );
        return;
      case 'cri.CreateContainer':
        this.createContainer(env, p);
        return;
      case 'cri.StartContainer':
        this.startContainer(env, String(p.containerId));
        return;
      case 'cri.StopContainer':
        this.stopContainer(env, String(p.containerId), Number(p.timeout ?? 30));
        return;
      case 'cri.RemoveContainer': {
        const c = this.containers.get(String(p.containerId));
        if (c?.timer !== undefined) this.ctx.clearTimer(c.timer);
        this.containers.delete(String(p.containerId));
        this.ok(env, {});
        return;
      }
      case 'cri.ListContainers':
        this.ok(
          env,
          [...this.containers.values()].map((c) => this.describe(c)),
        );
        return;
      case 'cri.ListPodSandbox':
        this.ok(env, [...this.sandboxes.values()]);
        return;
      case 'cri.probe':
        this.probe(env, p);
        return;
      case 'cri.logs': {
        const c = this.containers.get(String(p.containerId));
        if (!c)
          this.fail(
            env,
            'NotFound',
            `an error occurred when try to find container "${String(p.containerId)}": not found`,
          );
        else this.ok(env, c.logs);
        return;
      }
      default:
        this.fail(env, 'Unimplemented', `unknown method ${env.kind}`);
    }
  }

  describe(c: ContainerRecord): Record<string, unknown> {
    const { timer: _t, behaviour: _b, logs: _l, envs: _e, ...rest } = c;
    return rest;
  }

  /** The ready sandboxes with this address, and their containers (the pod network's view). */
  private endpointsAt(ip: string) {
    const out = [];
    for (const sb of this.sandboxes.values()) {
      if (sb.ip !== ip) continue;
      const containers = [...this.containers.values()]
        .filter((c) => c.sandboxId === sb.id)
        .map((c) => ({ running: c.state === 'CONTAINER_RUNNING', startedAt: c.startedAt, behaviour: c.behaviour }));
      out.push({
        ip,
        hostNetwork: sb.hostNetwork,
        ready: sb.state === 'SANDBOX_READY',
        hostname: sb.hostname,
        containers,
      });
    }
    return out;
  }

  /**
   * ExecSync: runs a command in a running container and answers with its output and exit code.
   * A binary the image does not have fails to start, as containerd reports it (the exec's id in
   * the message is its random 64-hex id).
   */
  private async execSync(env: Envelope, p: Record<string, unknown>): Promise<void> {
    const c = this.containers.get(String(p.containerId));
    const cmd = (p.cmd as string[] | undefined) ?? [];
    if (c?.state !== 'CONTAINER_RUNNING') {
      this.fail(env, 'NotFound', `container ${String(p.containerId)} is not in running state`);
      return;
    }
    const sb = this.sandboxes.get(c.sandboxId) as Sandbox;
    const target: ExecTarget = {
      repo: normalizeImage(c.image).repo,
      hostname: sb.hostname,
      namespace: sb.namespace,
      podIP: sb.ip,
      hostNetwork: sb.hostNetwork,
      dns: sb.dns,
      envs: c.envs,
      hostAliases: sb.hostAliases,
    };
    if (sb.subdomain) target.subdomain = sb.subdomain;
    const execId = this.id();
    try {
      const r = await execInContainer(cmd, target, this.net.netFor(sb.ip, sb.hostNetwork, sb.dns.nameservers));
      this.ok(env, r, `exec ${cmd.join(' ')}: exit ${r.exitCode}`);
    } catch (e) {
      if (!(e instanceof OciError)) throw e;
      this.fail(env, 'Unknown', `failed to exec in container: failed to start exec "${execId}": ${e.message}`);
    }
  }

  private async runPodSandbox(env: Envelope, p: Record<string, unknown>): Promise<void> {
    const hostNetwork = p.hostNetwork === true;
    let ip = this.config.nodeIP;
    if (!hostNetwork) {
      // host-local IPAM: the next free address after the last one handed out (the gateway is .1).
      const max = this.ipSize - 2;
      let found = '';
      for (let i = 0; i < max; i++) {
        const off = ((this.nextIP - 2 + i) % (max - 1)) + 2;
        const cand = intToIp(this.ipBase + off);
        if (!this.usedIPs.has(cand)) {
          found = cand;
          this.nextIP = off + 1;
          break;
        }
      }
      if (!found) {
        this.fail(
          env,
          'Unknown',
          `failed to setup network for sandbox: plugin type="ptp" failed (add): failed to allocate for range 0: no IP addresses available in range set: ${this.config.podCIDR}`,
        );
        return;
      }
      ip = found;
      this.usedIPs.add(ip);
    }
    const sb: Sandbox = {
      id: this.id(),
      podUid: String(p.podUid),
      name: String(p.name),
      namespace: String(p.namespace),
      ip,
      state: 'SANDBOX_READY',
      createdAt: this.ctx.now(),
      hostNetwork,
      hostname: String(p.hostname ?? p.name),
      dns: (p.dnsConfig as DnsConfig | undefined) ?? structuredClone(NODE_RESOLV),
      hostAliases: (p.hostAliases as Sandbox['hostAliases'] | undefined) ?? [],
    };
    if (typeof p.subdomain === 'string' && p.subdomain) sb.subdomain = p.subdomain;
    this.sandboxes.set(sb.id, sb);
    this.ok(env, { sandboxId: sb.id, ip }, `sandbox ${sb.id.slice(0, 13)} ip ${ip}`);
  }

  private async pullImage(env: Envelope, image: string): Promise<void> {
    const n = normalizeImage(image);
    if (this.images.has(n.ref)) {
      this.ok(env, { imageRef: this.images.get(n.ref)?.digest, size: this.images.get(n.ref)?.size, took: 0 });
      return;
    }
    const img = lookupImage(image);
    const started = this.ctx.now();
    let inflight = this.pulling.get(n.ref);
    if (!inflight) {
      // Resolving the reference takes a round trip even when it fails.
      const took = img ? pullDuration(img.size) : 600;
      inflight = new Promise<void>((resolve) => this.ctx.setTimer(took, resolve, `pull ${n.ref}`));
      this.pulling.set(n.ref, inflight);
    }
    await inflight;
    this.pulling.delete(n.ref);
    if (!img) {
      this.fail(
        env,
        'NotFound',
        `rpc error: code = NotFound desc = failed to pull and unpack image "${n.ref}": failed to resolve reference "${n.ref}": ${n.ref}: not found`,
      );
      return;
    }
    this.images.set(img.ref, img);
    this.ok(env, { imageRef: img.digest, size: img.size, took: this.ctx.now() - started }, `pulled ${img.ref}`);
  }

  private createContainer(env: Envelope, p: Record<string, unknown>): void {
    const sb = this.sandboxes.get(String(p.sandboxId));
    if (!sb) {
      this.fail(env, 'NotFound', `failed to get sandbox "${String(p.sandboxId)}": not found`);
      return;
    }
    const img = this.images.get(normalizeImage(String(p.image)).ref);
    if (!img) {
      this.fail(env, 'NotFound', `failed to get image "${String(p.image)}": not found`);
      return;
    }
    const c: ContainerRecord = {
      id: this.id(),
      sandboxId: sb.id,
      name: String(p.name),
      image: img.ref,
      imageRef: img.digest,
      podName: sb.name,
      podNamespace: sb.namespace,
      attempt: Number(p.attempt ?? 0),
      state: 'CONTAINER_CREATED',
      createdAt: this.ctx.now(),
      startedAt: 0,
      finishedAt: 0,
      exitCode: 0,
      reason: '',
      behaviour: behaviourOf(img, (p.command as string[] | undefined) ?? [], (p.args as string[] | undefined) ?? []),
      memoryLimit: Number(p.memoryLimit ?? 0),
      logs: [],
      envs: (p.envs as ContainerRecord['envs'] | undefined) ?? [],
    };
    this.containers.set(c.id, c);
    this.ok(env, { containerId: c.id }, `created ${c.name} ${c.id.slice(0, 13)}`);
  }

  private stamp(): string {
    // Log lines carry the time the way `kubectl logs --timestamps` shows it; plain lines here.
    return '';
  }

  private startContainer(env: Envelope, id: string): void {
    const c = this.containers.get(id);
    if (c?.state !== 'CONTAINER_CREATED') {
      this.fail(env, 'FailedPrecondition', `container ${id} is not in created state`);
      return;
    }
    c.state = 'CONTAINER_RUNNING';
    c.startedAt = this.ctx.now();
    const b = c.behaviour;
    switch (b.kind) {
      case 'server':
        c.logs.push(...b.banner.map((l) => this.stamp() + l));
        break;
      case 'exit':
        c.timer = this.ctx.setTimer(
          b.after,
          () => {
            for (const line of b.output) c.logs.push(line === '__DATE__' ? this.date() : line);
            this.exit(c, b.code, b.code === 0 ? 'Completed' : 'Error', true);
          },
          `${c.name} exits ${b.code}`,
        );
        break;
      case 'memory-hog': {
        if (c.memoryLimit > 0) {
          const after = Math.max(100, Math.round((c.memoryLimit / b.bytesPerSecond) * 1000));
          c.timer = this.ctx.setTimer(
            after,
            () => this.exit(c, 137, 'OOMKilled', true),
            `${c.name} reaches its memory limit`,
          );
        }
        break;
      }
      default:
        break;
    }
    this.ok(env, {}, `started ${c.name}`);
  }

  private date(): string {
    // `date` output in UTC, from simulated time.
    const ms = this.config.epoch + this.ctx.now();
    const days = ['Thu', 'Fri', 'Sat', 'Sun', 'Mon', 'Tue', 'Wed'];
    const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    const d = Math.floor(ms / 86400000);
    // civil from days
    const z = d + 719468;
    const era = Math.floor(z / 146097);
    const doe = z - era * 146097;
    const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
    const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
    const mp = Math.floor((5 * doy + 2) / 153);
    const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
    const m = mp < 10 ? mp + 3 : mp - 9;
    const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
    const secs = Math.floor(ms / 1000) % 86400;
    const hh = String(Math.floor(secs / 3600)).padStart(2, '0');
    const mm = String(Math.floor((secs % 3600) / 60)).padStart(2, '0');
    const ss = String(secs % 60).padStart(2, '0');
    return `${days[((d % 7) + 7) % 7]} ${months[m - 1]} ${String(day).padStart(2, ' ')} ${hh}:${mm}:${ss} UTC ${y}`;
  }

  /** A container stops: recorded, and the kubelet is told (evented PLEG). */
  private exit(c: ContainerRecord, code: number, reason: string, notify: boolean): void {
    if (c.state === 'CONTAINER_EXITED') return;
    if (c.timer !== undefined) this.ctx.clearTimer(c.timer);
    c.timer = undefined;
    c.state = 'CONTAINER_EXITED';
    c.exitCode = code;
    c.reason = reason;
    c.finishedAt = this.ctx.now();
    if (notify) {
      this.ctx.send(
        `kubelet@${this.config.node}`,
        'cri.event',
        { type: 'CONTAINER_STOPPED_EVENT', containerId: c.id, exitCode: code, reason, finishedAt: c.finishedAt },
        `${c.name} exited ${code} (${reason})`,
      );
    }
  }

  private stopContainer(env: Envelope, id: string, timeout: number): void {
    const c = this.containers.get(id);
    if (c?.state !== 'CONTAINER_RUNNING') {
      this.ok(env, { exitCode: c?.exitCode ?? 0, reason: c?.reason ?? '' });
      return;
    }
    // Servers handle SIGTERM and exit 0 quickly; a shell or sleep as PID 1 ignores it and is
    // SIGKILLed when the grace period runs out (exit 137).
    const handles =
      c.behaviour.kind === 'server' || c.behaviour.kind === 'degrading' || c.behaviour.kind === 'slow-ready';
    const delay = handles ? Math.min(timeout * 1000, 200) : timeout * 1000;
    this.ctx.setTimer(
      delay,
      () => {
        this.exit(c, handles ? 0 : 137, handles ? 'Completed' : 'Error', false);
        this.ok(env, { exitCode: c.exitCode, reason: c.reason });
      },
      `stop ${c.name}`,
    );
  }

  private probe(env: Envelope, p: Record<string, unknown>): void {
    const c = this.containers.get(String(p.containerId));
    const kind = String(p.probe);
    if (c?.state !== 'CONTAINER_RUNNING') {
      this.ok(env, { success: false, message: 'container is not running' });
      return;
    }
    const age = this.ctx.now() - c.startedAt;
    const b = c.behaviour;
    let success = true;
    let message = '';
    const port = Number(p.port ?? 0);
    if (b.kind === 'server' && age < b.startup) {
      success = false;
      message = `dial tcp ${String(p.ip ?? '')}:${port}: connect: connection refused`;
    } else if (b.kind === 'degrading' && age >= b.healthyFor && kind === 'liveness') {
      success = false;
      message = 'HTTP probe failed with statuscode: 500';
    } else if (b.kind === 'slow-ready' && age < b.readyAfter && kind !== 'liveness') {
      success = false;
      message = 'HTTP probe failed with statuscode: 503';
    } else if (
      (b.kind === 'server' || b.kind === 'degrading' || b.kind === 'slow-ready') &&
      port &&
      port !== b.port &&
      !(b.kind === 'server' && b.alsoListens?.includes(port)) &&
      p.type !== 'exec'
    ) {
      success = false;
      message = `dial tcp ${String(p.ip ?? '')}:${port}: connect: connection refused`;
    }
    this.ok(env, { success, message });
  }
}

export function createContainerd(spec: ComponentSpec): Component {
  return new Containerd(spec.config as ContainerdConfig);
}
