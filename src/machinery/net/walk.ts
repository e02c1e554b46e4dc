/**
 * The packet walk: what a node's netfilter rules (as kube-proxy wrote them) do to the first packet
 * of a connection, rule by rule, and where the packet goes next.
 *
 * A packet that enters a node from one of its pods (or from another machine) meets nat PREROUTING,
 * then the routing decision, then filter FORWARD and nat POSTROUTING (or filter INPUT when it is
 * for the node itself). A packet the node sends itself meets nat OUTPUT, routing, filter OUTPUT
 * and nat POSTROUTING. The raw and mangle tables are left out: kube-proxy writes nothing that a
 * packet meets there. Only the first packet of a connection goes through nat (conntrack remembers
 * the translation for the rest), which is the packet walked here.
 *
 * Routing is kind's: every node owns a /24 of 10.244.0.0/16 (its pod CIDR, routed to it by
 * kindnet), node IPs are on the 172.18.0.0/16 docker network, and anything else leaves by the
 * default route, where nothing in the simulated network answers; a ClusterIP is virtual, so a
 * packet to it that no rule translated (a ping, a port the Service does not have) goes there.
 *
 * `walkPath` follows a packet across nodes (a NodePort on another node is translated by that
 * node's rules); `destinations` lists every place the rules can send it, with probabilities.
 */
import { ipv4ToInt } from '../../../workers/kube-proxy/types.ts';
import type { Chain, Match, Netfilter, Rule, Table } from './netfilter.ts';

export type Protocol = 'tcp' | 'udp' | 'sctp' | 'icmp';

export interface Packet {
  src: string;
  dst: string;
  proto: Protocol;
  /** Destination port (tcp, udp, sctp). */
  dport?: number;
  sport?: number;
}

/** A node as routing sees it. */
export interface NodeInfo {
  name: string;
  ip: string;
  podCIDR: string;
}

/** Where the packet comes from, as netfilter sees it. */
export type Origin = 'pod' | 'node' | 'external';

/** One rule (or a chain's policy) the packet met. */
export interface Step {
  table: Table;
  chain: string;
  /** Position in the chain; absent for the policy at the end of a built-in chain. */
  index?: number;
  /** The rule as iptables-save prints it, or `policy ACCEPT`. */
  rule: string;
  matched: boolean;
  /** What happened: `jump KUBE-SVC-…`, `return`, `DNAT to 10.244.1.5:80`, `mark 0x4000`, … */
  action?: string;
  /** Why a rule did not match when it is not obvious (random draw, no affinity entry). */
  note?: string;
}

export interface Hook {
  /** `nat PREROUTING`, `filter FORWARD`, … */
  hook: string;
  steps: Step[];
  /** ACCEPT, DROP, REJECT, DNAT, MASQUERADE (the hook's outcome). */
  verdict: string;
}

export type Route =
  | { kind: 'local'; node: string; text: string }
  | { kind: 'pod'; node: string; text: string }
  | { kind: 'node'; node: string; text: string }
  | { kind: 'default'; text: string };

/** What one node's rules did to the packet. */
export interface HopWalk {
  node: string;
  origin: Origin;
  /** The packet as it arrived. */
  in: Packet;
  /** The packet as it left (after DNAT and SNAT). */
  out: Packet;
  hooks: Hook[];
  dnat?: { ip: string; port?: number; chain: string; rule: string; service?: string };
  masquerade?: { to: string };
  /** ACCEPT (it goes on), REJECT (refused) or DROP (silently lost). */
  verdict: 'ACCEPT' | 'REJECT' | 'DROP';
  rejectWith?: string;
  route?: Route;
}

/** Per-node state a walk reads and writes: the recent module's lists (ClientIP affinity). */
export interface RecentTable {
  /** `name` → source address → last seen, in seconds. */
  lists: Map<string, Map<string, number>>;
}

export interface WalkContext {
  /** Every node: routing and the source of each node's local addresses. */
  nodes: NodeInfo[];
  /** The node owning an address, for nodes not in `nodes` (an address plan instead of a list). */
  nodeOf?: (ip: string) => NodeInfo | undefined;
  /** A uniform random number in [0, 1) for each `statistic --mode random` rule met. */
  rand?: () => number;
  /** Overrides `rand`: decides a statistic rule directly (used to enumerate every path). */
  decide?: (threshold: number) => boolean;
  recent?: RecentTable;
  /** Seconds, for the recent module. */
  now?: number;
}

const U31 = 0x80000000;

function inCIDR(ip: string, cidr: string): boolean {
  const slash = cidr.indexOf('/');
  const bits = Number(cidr.slice(slash + 1));
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return (ipv4ToInt(ip) & mask) >>> 0 === (ipv4ToInt(cidr.slice(0, slash)) & mask) >>> 0;
}

/** The pod CIDR's first address: the node side of every pod's veth (kindnet's ptp plugin). */
export function gatewayOf(podCIDR: string): string {
  const base = podCIDR.slice(0, podCIDR.indexOf('/'));
  const p = base.split('.');
  return `${p[0]}.${p[1]}.${p[2]}.${Number(p[3]) + 1}`;
}

/** The node's own addresses (`-m addrtype --dst-type LOCAL`). */
export function isLocal(node: NodeInfo, ip: string): boolean {
  return ip === node.ip || ip.startsWith('127.') || ip === gatewayOf(node.podCIDR);
}

/** Where a node sends a packet for `dst` (after its rules translated it). */
export function routeFor(
  node: NodeInfo,
  nodes: NodeInfo[],
  dst: string,
  nodeOf?: (ip: string) => NodeInfo | undefined,
): Route {
  if (isLocal(node, dst))
    return { kind: 'local', node: node.name, text: `local: ${dst} is an address of ${node.name}` };
  const planned = nodeOf?.(dst);
  for (const n of planned ? [...nodes, planned] : nodes) {
    if (inCIDR(dst, n.podCIDR)) {
      if (n.name === node.name)
        return { kind: 'pod', node: n.name, text: `${n.podCIDR} is this node's pod CIDR: out through the pod's veth` };
      return { kind: 'pod', node: n.name, text: `${n.podCIDR} via ${n.ip} (kindnet route to ${n.name})` };
    }
    if (dst === n.ip) return { kind: 'node', node: n.name, text: `${dst} is ${n.name} on the node network` };
  }
  return {
    kind: 'default',
    text: `default via 172.18.0.1: ${dst} is no node's and no pod's address, so the packet leaves the cluster network`,
  };
}

interface PacketState {
  src: string;
  dst: string;
  proto: Protocol;
  dport?: number;
  sport?: number;
  mark: number;
  dnat: boolean;
}

class Walker {
  hooks: Hook[] = [];
  dnat: HopWalk['dnat'];
  masquerade: HopWalk['masquerade'];
  rejectWith: string | undefined;
  private cur: Step[] = [];

  constructor(
    readonly nf: Netfilter,
    readonly node: NodeInfo,
    readonly ctx: WalkContext,
    readonly pkt: PacketState,
    readonly outLocal: () => string,
  ) {}

  /** Runs a built-in chain as one hook; returns ACCEPT, DROP, REJECT (or DNAT/MASQUERADE for nat). */
  hook(table: Table, builtin: string): string {
    this.cur = [];
    const chain = this.nf.chains[table].get(builtin);
    let verdict = 'ACCEPT';
    if (chain) {
      const r = this.run(chain, 0);
      if (r === 'continue' || r === 'RETURN') {
        verdict = chain.policy ?? 'ACCEPT';
        this.cur.push({ table, chain: builtin, rule: `policy ${verdict}`, matched: true, action: verdict });
      } else verdict = r;
    }
    this.hooks.push({ hook: `${table} ${builtin}`, steps: this.cur, verdict });
    return verdict;
  }

  /** 'continue' when the chain ran out (user chains then return to the caller). */
  private run(chain: Chain, depth: number): string {
    if (depth > 64) return 'DROP';
    for (const rule of chain.rules) {
      const step: Step = { table: chain.table, chain: chain.name, index: rule.index, rule: rule.text, matched: false };
      this.cur.push(step);
      const why = this.matches(rule);
      if (why !== true) {
        if (why) step.note = why;
        continue;
      }
      step.matched = true;
      const t = rule.target;
      if (!t) continue;
      switch (t.kind) {
        case 'jump': {
          const next = this.nf.chains[chain.table].get(t.chain);
          if (!next) {
            step.action = `${t.chain} (not evaluated: an extension the walk does not model)`;
            continue;
          }
          step.action = `${t.goto ? 'goto' : 'jump'} ${t.chain}`;
          const r = this.run(next, depth + 1);
          if (r === 'continue' || r === 'RETURN') {
            if (t.goto) return 'RETURN';
            continue;
          }
          return r;
        }
        case 'RETURN':
          step.action = 'return';
          return 'RETURN';
        case 'ACCEPT':
          step.action = 'ACCEPT';
          return 'ACCEPT';
        case 'DROP':
          step.action = 'DROP';
          return 'DROP';
        case 'REJECT':
          step.action = `REJECT (${t.with})`;
          this.rejectWith = t.with;
          return 'REJECT';
        case 'MARK': {
          this.pkt.mark = ((this.pkt.mark & ~t.mask) ^ t.value) >>> 0;
          step.action = `mark 0x${this.pkt.mark.toString(16)}`;
          continue;
        }
        case 'DNAT': {
          const before = `${this.pkt.dst}${this.pkt.dport !== undefined ? `:${this.pkt.dport}` : ''}`;
          this.pkt.dst = t.ip;
          if (t.port !== undefined) this.pkt.dport = t.port;
          this.pkt.dnat = true;
          const comment = rule.matches.find((m): m is Extract<Match, { kind: 'comment' }> => m.kind === 'comment');
          this.dnat = { ip: t.ip, chain: chain.name, rule: rule.text };
          if (t.port !== undefined) this.dnat.port = t.port;
          if (comment) this.dnat.service = comment.text;
          step.action = `DNAT ${before} → ${t.ip}${t.port !== undefined ? `:${t.port}` : ''}`;
          return 'DNAT';
        }
        case 'MASQUERADE': {
          const to = this.outLocal();
          this.masquerade = { to };
          step.action = `MASQUERADE: source ${this.pkt.src} → ${to}`;
          this.pkt.src = to;
          return 'MASQUERADE';
        }
        default:
          step.action = `${t.name} (not evaluated)`;
          continue;
      }
    }
    return 'continue';
  }

  /** true, or false / a reason why not. */
  private matches(rule: Rule): true | false | string {
    const p = this.pkt;
    if (rule.src && ((ipv4ToInt(p.src) & rule.src.mask) >>> 0 === rule.src.base) === rule.src.invert) return false;
    if (rule.dst && ((ipv4ToInt(p.dst) & rule.dst.mask) >>> 0 === rule.dst.base) === rule.dst.invert) return false;
    if (rule.proto && rule.proto.name !== 'all' && (rule.proto.name === p.proto) === rule.proto.invert) return false;
    for (const m of rule.matches) {
      const r = this.match(m);
      if (r !== true) return r;
    }
    return true;
  }

  private match(m: Match): true | false | string {
    const p = this.pkt;
    switch (m.kind) {
      case 'comment':
      case 'nfacct':
        return true;
      case 'ports': {
        if (p.proto === 'icmp') return false;
        const inRange = (r: { lo: number; hi: number; invert: boolean }, v: number | undefined) =>
          v !== undefined && (v >= r.lo && v <= r.hi) !== r.invert;
        if (m.dport && !inRange(m.dport, p.dport)) return false;
        if (m.sport && !inRange(m.sport, p.sport)) return false;
        return true;
      }
      case 'statistic': {
        let hit: boolean;
        if (this.ctx.decide) hit = this.ctx.decide(m.threshold);
        else hit = Math.floor((this.ctx.rand ?? (() => 0))() * U31) < m.threshold;
        const pr = (m.threshold / U31).toFixed(11);
        if (m.invert) hit = !hit;
        return hit ? true : `random draw: not taken (probability ${pr})`;
      }
      case 'recent': {
        const key = m.rdest ? p.dst : p.src;
        const table = this.ctx.recent;
        const list = table?.lists.get(m.name);
        const now = this.ctx.now ?? 0;
        if (m.op === 'set') {
          if (table) {
            let l = table.lists.get(m.name);
            if (!l) table.lists.set(m.name, (l = new Map()));
            l.set(key, now);
          }
          return !m.invert;
        }
        const seen = list?.get(key);
        let hit = seen !== undefined && (m.seconds === 0 || now - seen <= m.seconds);
        if (hit && m.op === 'update') list?.set(key, now);
        if (hit && m.op === 'remove') list?.delete(key);
        if (m.invert) hit = !hit;
        return hit ? true : `no recent entry for ${key} in ${m.name} (ClientIP affinity)`;
      }
      case 'addrtype': {
        const is = (types: string[], ip: string) =>
          types.some((t) =>
            t === 'LOCAL' ? isLocal(this.node, ip) : t === 'UNICAST' ? !isLocal(this.node, ip) : false,
          );
        if (m.src && is(m.src.types, p.src) === m.src.invert) return false;
        if (m.dst && is(m.dst.types, p.dst) === m.dst.invert) return false;
        return true;
      }
      case 'conntrack': {
        // The first packet of a connection: NEW, and DNAT once a rule translated it.
        const states = new Set(['NEW', ...(p.dnat ? ['DNAT'] : [])]);
        const hit = m.states.some((s) => states.has(s));
        return hit !== m.invert;
      }
      case 'mark':
        return ((p.mark & m.mask) >>> 0 === (m.value & m.mask) >>> 0) !== m.invert;
      default:
        return `${m.name}: not evaluated`;
    }
  }
}

/**
 * What one node's rules do to the first packet of a connection. `origin` is where it comes from:
 * one of the node's pods, the node itself, or another machine (a packet forwarded by another node).
 */
export function walkNode(nf: Netfilter, node: NodeInfo, packet: Packet, origin: Origin, ctx: WalkContext): HopWalk {
  const pkt: PacketState = { ...packet, mark: 0, dnat: false };
  let route: Route | undefined;
  const outLocal = () => {
    if (!route) route = routeFor(node, ctx.nodes, pkt.dst, ctx.nodeOf);
    return route.kind === 'pod' && route.node === node.name ? gatewayOf(node.podCIDR) : node.ip;
  };
  const w = new Walker(nf, node, ctx, pkt, outLocal);
  const finish = (verdict: HopWalk['verdict']): HopWalk => {
    const hop: HopWalk = {
      node: node.name,
      origin,
      in: { ...packet },
      out: strip(pkt),
      hooks: w.hooks,
      verdict,
    };
    if (w.dnat) hop.dnat = w.dnat;
    if (w.masquerade) hop.masquerade = w.masquerade;
    if (verdict === 'REJECT') hop.rejectWith = w.rejectWith ?? 'icmp-port-unreachable';
    if (route && verdict === 'ACCEPT') hop.route = route;
    return hop;
  };
  const blocked = (v: string) => v === 'DROP' || v === 'REJECT';
  if (origin === 'node') {
    let v = w.hook('nat', 'OUTPUT');
    if (blocked(v)) return finish(v as 'DROP');
    route = routeFor(node, ctx.nodes, pkt.dst, ctx.nodeOf);
    v = w.hook('filter', 'OUTPUT');
    if (blocked(v)) return finish(v as 'DROP');
    v = w.hook('nat', 'POSTROUTING');
    if (blocked(v)) return finish(v as 'DROP');
    if (route.kind === 'local') {
      v = w.hook('filter', 'INPUT');
      if (blocked(v)) return finish(v as 'DROP');
    }
    return finish('ACCEPT');
  }
  let v = w.hook('nat', 'PREROUTING');
  if (blocked(v)) return finish(v as 'DROP');
  route = routeFor(node, ctx.nodes, pkt.dst, ctx.nodeOf);
  if (route.kind === 'local') {
    v = w.hook('filter', 'INPUT');
    if (blocked(v)) return finish(v as 'DROP');
    return finish('ACCEPT');
  }
  v = w.hook('filter', 'FORWARD');
  if (blocked(v)) return finish(v as 'DROP');
  v = w.hook('nat', 'POSTROUTING');
  if (blocked(v)) return finish(v as 'DROP');
  return finish('ACCEPT');
}

function strip(p: PacketState): Packet {
  const out: Packet = { src: p.src, dst: p.dst, proto: p.proto };
  if (p.dport !== undefined) out.dport = p.dport;
  if (p.sport !== undefined) out.sport = p.sport;
  return out;
}

// ---- across nodes --------------------------------------------------------------------------------

/** Where a packet ends up. */
export type Arrival =
  /** At a pod address on `node` (whether a pod has it and listens is the caller's to say). */
  | { kind: 'pod'; node: string; ip: string; port?: number }
  /** At a node's own address (host-network pods, the node's services). */
  | { kind: 'node'; node: string; ip: string; port?: number }
  /** Refused by a REJECT rule (a Service without endpoints): the client gets a refusal at once. */
  | { kind: 'refused'; node: string; with: string }
  /** Dropped by a rule: the client waits until it gives up. */
  | { kind: 'dropped'; node: string }
  /** Out of the cluster network by the default route: nothing answers. */
  | { kind: 'outside'; ip: string }
  /** A node whose rules are unknown (or that does not exist). */
  | { kind: 'unknown-node'; node: string };

export interface PacketPath {
  packet: Packet;
  origin: Origin;
  hops: HopWalk[];
  arrival: Arrival;
  /**
   * The reply, as conntrack undoes the translations: it leaves `from`, goes to `to`, and the
   * client sees it come from `seenFrom` (the address it connected to).
   */
  reply?: { from: string; to: string; seenFrom: string; unDNAT?: string; unSNAT?: string };
}

export interface PathContext extends WalkContext {
  /** A node's parsed rules, or undefined when they are unknown. */
  rules(node: string): Netfilter | undefined;
}

function hostPort(ip: string, port?: number): string {
  return port === undefined ? ip : `${ip}:${port}`;
}

/** Follows the first packet of a connection from `start` across nodes until it arrives. */
export function walkPath(startNode: string, packet: Packet, origin: Origin, ctx: PathContext): PacketPath {
  const hops: HopWalk[] = [];
  let node = ctx.nodes.find((n) => n.name === startNode);
  let pkt = { ...packet };
  let o: Origin = origin;
  let arrival: Arrival | undefined;
  for (let i = 0; i < 4 && !arrival; i++) {
    if (!node) {
      arrival = { kind: 'unknown-node', node: startNode };
      break;
    }
    const nf = ctx.rules(node.name);
    if (!nf) {
      arrival = { kind: 'unknown-node', node: node.name };
      break;
    }
    const hop = walkNode(nf, node, pkt, o, ctx);
    hops.push(hop);
    if (hop.verdict === 'REJECT') arrival = { kind: 'refused', node: node.name, with: hop.rejectWith ?? '' };
    else if (hop.verdict === 'DROP') arrival = { kind: 'dropped', node: node.name };
    else {
      const r = hop.route as Route;
      pkt = hop.out;
      if (r.kind === 'default') arrival = { kind: 'outside', ip: pkt.dst };
      else if (r.kind === 'local') arrival = { kind: 'node', node: r.node, ip: pkt.dst, ...port(pkt) };
      else if (r.kind === 'pod' && r.node === node.name)
        arrival = { kind: 'pod', node: r.node, ip: pkt.dst, ...port(pkt) };
      else {
        // Another machine: its rules see a packet from outside (a pod IP it owns matches none of
        // them; its own address may be a NodePort).
        const next = ctx.nodes.find((n) => n.name === r.node) ?? ctx.nodeOf?.(pkt.dst);
        node = next;
        o = 'external';
        if (!next) arrival = { kind: 'unknown-node', node: r.node };
        else if (r.kind === 'pod' && !ctx.rules(next.name))
          arrival = { kind: 'pod', node: r.node, ip: pkt.dst, ...port(pkt) };
      }
    }
  }
  const path: PacketPath = { packet: { ...packet }, origin, hops, arrival: arrival ?? { kind: 'dropped', node: '' } };
  const a = path.arrival;
  if (a.kind === 'pod' || a.kind === 'node') {
    const final = hops[hops.length - 1]?.out ?? packet;
    const snat = hops.find((h) => h.masquerade);
    const dnat = hops.find((h) => h.dnat);
    path.reply = {
      from: hostPort(final.dst, final.dport),
      to: hostPort(final.src, final.sport),
      seenFrom: hostPort(packet.dst, packet.dport),
    };
    if (dnat) path.reply.unDNAT = `${hostPort(final.dst, final.dport)} → ${hostPort(packet.dst, packet.dport)}`;
    if (snat) path.reply.unSNAT = `${final.src} → ${packet.src}`;
  }
  return path;
}

function port(p: Packet): { port?: number } {
  return p.dport === undefined ? {} : { port: p.dport };
}

/** A place the rules can send a packet, and how likely. */
export interface Destination {
  arrival: Arrival;
  probability: number;
  /** The DNAT rule's chain (KUBE-SEP-…), when one translated the packet. */
  via?: string;
}

/**
 * Every place the rules can send this packet, with its probability: each `statistic --mode
 * random` rule is taken with the probability the kernel uses (lround(p·2^31)/2^31) and skipped
 * otherwise. A new client has no affinity entry, so `recent --rcheck` rules do not match.
 */
export function destinations(startNode: string, packet: Packet, origin: Origin, ctx: PathContext): Destination[] {
  const out = new Map<string, Destination>();
  // Depth-first over the random decisions: replay a prefix, extend with "taken" and "not taken".
  const stack: boolean[][] = [[]];
  let guard = 0;
  while (stack.length > 0 && guard++ < 100_000) {
    const prefix = stack.pop() as boolean[];
    let i = 0;
    let prob = 1;
    let extended = false;
    const decide = (threshold: number): boolean => {
      const p = threshold / U31;
      if (i < prefix.length) {
        const d = prefix[i++] as boolean;
        prob *= d ? p : 1 - p;
        return d;
      }
      // First undecided draw: explore "not taken" later, follow "taken" now.
      if (!extended) {
        extended = true;
        stack.push([...prefix, false]);
        prefix.push(true);
        i++;
        prob *= p;
        return true;
      }
      return false;
    };
    const path = walkPath(startNode, packet, origin, { ...ctx, decide, recent: { lists: new Map() } });
    if (extended) {
      // The walk went past the first new decision with later ones defaulted; redo it exactly.
      stack.push(prefix);
      continue;
    }
    if (prob === 0) continue;
    const dnat = path.hops.find((h) => h.dnat)?.dnat;
    const key = JSON.stringify(path.arrival);
    const d = out.get(key);
    if (d) d.probability += prob;
    else out.set(key, { arrival: path.arrival, probability: prob, ...(dnat ? { via: dnat.chain } : {}) });
  }
  return [...out.values()].sort((a, b) => b.probability - a.probability);
}

/** The rules that matched along a path, one line each (`node: table chain: rule → action`), for a message log. */
export function matchedRules(path: PacketPath): string[] {
  const out: string[] = [];
  for (const h of path.hops)
    for (const hook of h.hooks)
      for (const s of hook.steps)
        if (s.matched && s.index !== undefined)
          out.push(`${h.node} ${hook.hook}: ${s.rule}${s.action ? ` → ${s.action}` : ''}`);
  return out;
}

/** One line for a path: where the packet went and what translated it. */
export function describePath(path: PacketPath): string {
  const p = path.packet;
  const to = p.dport !== undefined ? `${p.dst}:${p.dport}` : p.dst;
  const dnat = path.hops.find((h) => h.dnat)?.dnat;
  const via = dnat ? ` DNAT ${dnat.chain} → ${dnat.ip}${dnat.port !== undefined ? `:${dnat.port}` : ''}` : '';
  const a = path.arrival;
  const where =
    a.kind === 'pod' || a.kind === 'node'
      ? `${a.ip}${a.port !== undefined ? `:${a.port}` : ''} on ${a.node}`
      : a.kind === 'refused'
        ? `refused on ${a.node}`
        : a.kind === 'dropped'
          ? `dropped on ${a.node}`
          : a.kind === 'outside'
            ? `out of the cluster network (${a.ip})`
            : `to ${a.node}`;
  return `${p.proto} ${p.src} → ${to}:${via} ${where}`;
}
