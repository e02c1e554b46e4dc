/**
 * The node's network as a pod on it sees it: packets from a pod's network namespace meet the
 * node's netfilter tables (the kernel kube-proxy writes, src/machinery/net/kernel.ts), the packet
 * walk decides where they go, and they travel as bus messages the relay records:
 *
 * - `dns.query` to `coredns` when the rules sent a DNS packet to a CoreDNS pod (the kube-dns
 *   ClusterIP, DNAT'd to one of its endpoints);
 * - `net.connect` (a TCP connection and one HTTP request) and `net.ping` (an ICMP echo) to the
 *   runtime of the node that owns the destination: kindnet routes each node's pod CIDR to it, and
 *   a node's own address (a NodePort) is that node's, whose own rules translate it on arrival.
 *
 * The answering side finds the sandbox with the destination address and asks its containers: a
 * server listening on the port accepts (nginx answers with its pages), nothing listening refuses,
 * no such address is unreachable. Routing is kind's: node N has pod CIDR 10.244.N.0/24 and address
 * 172.18.0.(N+2), and the node's name follows kind's scheme.
 */
import type { Envelope } from '../../src/machinery/bus/protocol.ts';
import { nodePlanAt } from '../../src/machinery/cluster/topology.ts';
import type { DnsQuery, DnsReply, Question } from '../../src/machinery/net/dns.ts';
import type { NodeKernel } from '../../src/machinery/net/kernel.ts';
import {
  describePath,
  matchedRules,
  type NodeInfo,
  type Origin,
  type Packet,
  type PacketPath,
  walkPath,
} from '../../src/machinery/net/walk.ts';
import type { Context } from '../../src/machinery/runtime/component.ts';
import type { ConnectResult, Lookup, Net } from './exec.ts';
import type { Behaviour } from './images.ts';

/** tcp_syn_retries 6: a connection nobody answers fails after 1+2+4+…+64 s. */
export const SYN_TIMEOUT = 127_000;
/** How long the kernel waits for ARP before "No route to host". */
const ARP_TIMEOUT = 3_000;

export interface Endpoint {
  ip: string;
  hostNetwork: boolean;
  ready: boolean;
  hostname: string;
  containers: { running: boolean; startedAt: number; behaviour: Behaviour }[];
}

export interface NetHost {
  ctx: Context;
  node: string;
  nodeIP: string;
  podCIDR: string;
  kernel: NodeKernel | undefined;
  /** The sandboxes with this address (host-network ones for the node's own address). */
  endpoints(ip: string): Endpoint[];
}

export interface ConnectRequest {
  packet: Packet;
  path: string;
  host: string;
  /** How the packet got here (for the message log). */
  via: string;
  rules: string[];
}

function ipInt(ip: string): number {
  const p = ip.split('.').map(Number);
  return (((p[0] ?? 0) << 24) | ((p[1] ?? 0) << 16) | ((p[2] ?? 0) << 8) | (p[3] ?? 0)) >>> 0;
}

export class NodeNet {
  private readonly cluster: string;

  constructor(readonly host: NetHost) {
    this.cluster = host.node.replace(/-(control-plane|worker\d*)$/, '');
  }

  /** Node N of this kind cluster. */
  private nodeAt(index: number): NodeInfo {
    const p = nodePlanAt({ name: this.cluster }, index);
    return { name: p.name, ip: p.internalIP, podCIDR: p.podCIDR };
  }

  private self(): NodeInfo {
    return { name: this.host.node, ip: this.host.nodeIP, podCIDR: this.host.podCIDR };
  }

  /** The node owning an address (by kind's address plan), if any. */
  ownerOf(ip: string): NodeInfo | undefined {
    const n = ipInt(ip);
    if ((n & 0xffff0000) >>> 0 === ipInt('10.244.0.0')) return this.nodeAt((n >>> 8) & 0xff);
    if ((n & 0xffff0000) >>> 0 === ipInt('172.18.0.0')) {
      const idx = (n & 0xffff) - 2;
      if (idx >= 0) return this.nodeAt(idx);
    }
    return undefined;
  }

  /** The first packet's walk through this node's rules (and routing). */
  walk(packet: Packet, origin: Origin): PacketPath {
    const self = this.self();
    const nf = this.host.kernel?.netfilter();
    return walkPath(self.name, packet, origin, {
      nodes: [self],
      nodeOf: (ip) => this.ownerOf(ip),
      // Before kube-proxy wrote anything the tables are empty: every policy is ACCEPT.
      rules: (n) => (n === self.name ? (nf ?? EMPTY) : undefined),
      rand: () => this.host.ctx.rand(),
      recent: this.host.kernel?.recent ?? { lists: new Map() },
      now: Math.floor(this.host.ctx.now() / 1000),
    });
  }

  private sport(): number {
    return 32768 + this.host.ctx.randInt(28232);
  }

  private wait(ms: number): Promise<void> {
    return new Promise((r) => this.host.ctx.setTimer(Math.max(0, ms), r, 'network wait'));
  }

  /** `Net` for a process in the sandbox with address `src`. */
  netFor(src: string, hostNetwork: boolean, nameservers: string[]): Net {
    const origin: Origin = hostNetwork ? 'node' : 'pod';
    const ctx = this.host.ctx;
    return {
      now: () => ctx.now(),
      sleep: (ms) => this.wait(ms),
      query: (questions, timeoutMs) => this.query(src, origin, nameservers[0] ?? '127.0.0.1', questions, timeoutMs),
      connect: async (ip, port, path, host) => {
        // Loopback and the pod's own address never leave its network namespace.
        if (ip.startsWith('127.') || ip === src) {
          await this.wait(0);
          return this.local({ src, dst: src, proto: 'tcp', dport: port }, { path });
        }
        return this.connect(src, origin, ip, port, path, host);
      },
      ping: async (ip, timeoutMs) => {
        if (ip.startsWith('127.') || ip === src) {
          await this.wait(0);
          return { ttl: 64, rtt: 0.05 };
        }
        return this.ping(src, origin, ip, timeoutMs);
      },
    };
  }

  private async query(
    src: string,
    origin: Origin,
    server: string,
    questions: Question[],
    timeoutMs: number,
  ): Promise<Lookup> {
    const started = this.host.ctx.now();
    const path = this.walk({ src, dst: server, proto: 'udp', dport: 53, sport: this.sport() }, origin);
    const a = path.arrival;
    const timeout = async (): Promise<Lookup> => {
      await this.wait(timeoutMs - (this.host.ctx.now() - started));
      return { kind: 'timeout' };
    };
    if (a.kind === 'refused') {
      await this.wait(0);
      return { kind: 'refused' };
    }
    if (a.kind === 'outside' && a.ip === '172.18.0.1') {
      // Docker's resolver on the kind network knows nothing of the cluster, and there is no
      // Internet here: every name is unknown.
      await this.wait(1);
      return {
        kind: 'answers',
        answers: questions.map((q) => ({ question: q, rcode: 'NXDOMAIN', aa: false, records: [] })),
      };
    }
    if (a.kind !== 'pod') return timeout();
    const q: DnsQuery = { questions, server, endpoint: a.ip, client: src, node: this.host.node };
    try {
      const r = await this.host.ctx.request<DnsReply>(
        'coredns',
        'dns.query',
        { ...q, via: describePath(path), rules: matchedRules(path) },
        {
          timeout: timeoutMs,
          summary: `${questions.map((x) => `${x.type} ${x.name}`).join(', ')} from ${src} (${server} → ${a.ip}:53)`,
        },
      );
      return { kind: 'answers', answers: r.payload.answers };
    } catch {
      return timeout();
    }
  }

  private async connect(
    src: string,
    origin: Origin,
    ip: string,
    port: number,
    path: string,
    host: string,
  ): Promise<ConnectResult> {
    const started = this.host.ctx.now();
    const p = this.walk({ src, dst: ip, proto: 'tcp', dport: port, sport: this.sport() }, origin);
    return this.deliver(p, { path, host }, started);
  }

  /** Sends a walked packet on to the node it arrived at and waits for the answer. */
  private async deliver(p: PacketPath, http: { path: string; host: string }, started: number): Promise<ConnectResult> {
    const a = p.arrival;
    const timedOut = async (): Promise<ConnectResult> => {
      await this.wait(SYN_TIMEOUT - (this.host.ctx.now() - started));
      return { kind: 'timeout', after: SYN_TIMEOUT };
    };
    if (a.kind === 'refused') return { kind: 'refused' };
    if (a.kind === 'dropped' || a.kind === 'outside') return timedOut();
    const node = a.kind === 'unknown-node' ? a.node : a.node;
    const last = p.hops[p.hops.length - 1];
    const packet = last?.out ?? p.packet;
    const req: ConnectRequest = {
      packet,
      path: http.path,
      host: http.host,
      via: describePath(p),
      rules: matchedRules(p),
    };
    try {
      const r = await this.host.ctx.request<ConnectResult>(`containerd@${node}`, 'net.connect', req, {
        timeout: SYN_TIMEOUT - (this.host.ctx.now() - started),
        summary: `TCP ${packet.src}:${packet.sport ?? ''} → ${packet.dst}:${packet.dport ?? ''}${http.path ? ` GET ${http.path}` : ''}`,
      });
      if (r.payload.kind === 'timeout') return timedOut();
      return r.payload;
    } catch {
      return timedOut();
    }
  }

  private async ping(
    src: string,
    origin: Origin,
    ip: string,
    timeoutMs: number,
  ): Promise<{ ttl: number; rtt: number } | null> {
    const started = this.host.ctx.now();
    const p = this.walk({ src, dst: ip, proto: 'icmp' }, origin);
    const a = p.arrival;
    const lost = async () => {
      await this.wait(timeoutMs - (this.host.ctx.now() - started));
      return null;
    };
    if (a.kind !== 'pod' && a.kind !== 'node') return lost();
    try {
      const r = await this.host.ctx.request<{ alive: boolean }>(
        `containerd@${a.node}`,
        'net.ping',
        { packet: p.hops[p.hops.length - 1]?.out ?? p.packet, via: describePath(p) },
        { timeout: timeoutMs, summary: `ICMP echo ${src} → ${ip}` },
      );
      if (!r.payload.alive) return lost();
      // Each router on the way takes one off the reply's TTL of 64: the node of the pod that
      // answers and, across nodes, this one.
      const hops = a.node === this.host.node ? (a.kind === 'node' ? 0 : 1) : a.kind === 'node' ? 1 : 2;
      return { ttl: 64 - hops, rtt: this.host.ctx.now() - started };
    } catch {
      return lost();
    }
  }

  // ---- the receiving side ----------------------------------------------------------------------

  /** Handles `net.connect` and `net.ping` for addresses on this node. Returns whether it did. */
  receive(env: Envelope): boolean {
    if (env.kind === 'net.connect') {
      void this.onConnect(env);
      return true;
    }
    if (env.kind === 'net.ping') {
      const { packet } = env.payload as { packet: Packet };
      const alive = packet.dst === this.host.nodeIP || this.host.endpoints(packet.dst).some((e) => e.ready);
      if (alive) this.host.ctx.reply(env, 'net.ping.result', { alive }, `ICMP echo reply from ${packet.dst}`);
      // No reply at all for an address nobody has: the sender's wait runs out.
      return true;
    }
    return false;
  }

  private async onConnect(env: Envelope): Promise<void> {
    const req = env.payload as ConnectRequest;
    const pkt = req.packet;
    const ctx = this.host.ctx;
    const answer = (r: ConnectResult, summary: string) => ctx.reply(env, 'net.connect.result', r, summary);
    // A packet for this node's own address meets this node's rules on arrival (a NodePort).
    if (pkt.dst === this.host.nodeIP) {
      const p = this.walk(pkt, 'external');
      const a = p.arrival;
      if (p.hops[0]?.dnat || a.kind === 'refused' || a.kind === 'dropped') {
        if (a.kind === 'pod' && a.node === this.host.node && a.ip !== this.host.nodeIP) {
          answer(this.local(p.hops[p.hops.length - 1]?.out ?? pkt, req), `${pkt.dst}:${pkt.dport} → ${a.ip}:${a.port}`);
          return;
        }
        const r = await this.deliver(p, { path: req.path, host: req.host }, ctx.now());
        answer(r, `${pkt.dst}:${pkt.dport} → ${describePath(p)}`);
        return;
      }
    }
    const r = this.local(pkt, req);
    if (r.kind === 'unreachable') await this.wait(ARP_TIMEOUT);
    answer(r, r.kind === 'http' ? `HTTP/1.1 ${r.status} ${r.reason}` : r.kind);
  }

  /** What the sandbox with the packet's destination address does with a connection. */
  private local(pkt: Packet, req: { path: string }): ConnectResult {
    const eps = this.host.endpoints(pkt.dst);
    if (eps.length === 0) return pkt.dst === this.host.nodeIP ? { kind: 'refused' } : { kind: 'unreachable' };
    const port = pkt.dport ?? 0;
    for (const ep of eps) {
      for (const c of ep.containers) {
        if (!c.running) continue;
        const r = serve(c.behaviour, port, this.host.ctx.now() - c.startedAt, req.path, ep.hostname);
        if (r) return r;
      }
    }
    return { kind: 'refused' };
  }
}

const EMPTY = { chains: { filter: new Map(), nat: new Map() }, ruleCount: 0 };

const NGINX_404 =
  '<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/1.27.5</center>\r\n</body>\r\n</html>\r\n';
const APACHE_404 =
  '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>404 Not Found</title>\n</head><body>\n<h1>Not Found</h1>\n<p>The requested URL was not found on this server.</p>\n</body></html>\n';

/** How a container's process answers a connection to `port` and a GET of `path`; undefined if it does not listen. */
export function serve(
  b: Behaviour,
  port: number,
  age: number,
  path: string,
  hostname: string,
): ConnectResult | undefined {
  const p = path.split('?')[0] || '/';
  switch (b.kind) {
    case 'server': {
      if (port !== b.port && !b.alsoListens?.includes(port)) return undefined;
      if (age < b.startup) return undefined;
      if (b.page !== undefined && port === b.port) {
        const isNginx = b.page.includes('nginx');
        const server = isNginx ? 'nginx/1.27.5' : 'Apache/2.4.63 (Unix)';
        if (p === '/' || p === '/index.html') return { kind: 'http', status: 200, reason: 'OK', body: b.page, server };
        return { kind: 'http', status: 404, reason: 'Not Found', body: isNginx ? NGINX_404 : APACHE_404, server };
      }
      if (b.port === 9376 && port === 9376)
        return { kind: 'http', status: 200, reason: 'OK', body: hostname, server: '' };
      // CoreDNS's health and ready ports answer OK; other servers (redis, databases) speak no HTTP.
      if (port === 8080 || port === 8181) return { kind: 'http', status: 200, reason: 'OK', body: 'OK', server: '' };
      return { kind: 'closed' };
    }
    case 'degrading':
      if (port !== b.port) return undefined;
      return age >= b.healthyFor
        ? { kind: 'http', status: 500, reason: 'Internal Server Error', body: 'unhealthy\n', server: '' }
        : { kind: 'http', status: 200, reason: 'OK', body: 'ok\n', server: '' };
    case 'slow-ready':
      if (port !== b.port) return undefined;
      return age < b.readyAfter
        ? { kind: 'http', status: 503, reason: 'Service Unavailable', body: 'starting\n', server: '' }
        : { kind: 'http', status: 200, reason: 'OK', body: 'ok\n', server: '' };
    default:
      return undefined;
  }
}
