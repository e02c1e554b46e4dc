/**
 * Real-kernel conformance for kube-proxy's iptables rules. For several generated clusters (seeded),
 * one node's restore input is loaded into a private network namespace (`unshare -rn`) exactly as
 * kube-proxy loads it (canary chains, `-N`/`-C || -I` jumps from the built-in chains, then
 * `iptables-restore --noflush --counters`), and real TCP connections go through it.
 *
 * Topology, three network namespaces joined by veth pairs:
 *
 *   client ns                 node ns (the rules)                 pods ns
 *   10.244.200.7 (a pod on   172.18.0.3 (this node's IP)          every endpoint IP on lo,
 *   another node) and        routes 10.244.0.0/16 → pods ns,      one TCP listener per target
 *   172.18.0.10 (a machine   default → client ns                  port answering with the
 *   outside the pod range)   ip_forward=1                         address:port it was reached at
 *
 * A connection from the client ns crosses the node as a packet from another machine does:
 * nat PREROUTING → KUBE-SERVICES → KUBE-SVC/SVL/EXT/FW → KUBE-SEP (DNAT), filter FORWARD
 * (KUBE-PROXY-FIREWALL, KUBE-FORWARD, KUBE-SERVICES, KUBE-EXTERNAL-SERVICES), nat POSTROUTING →
 * KUBE-POSTROUTING (MASQUERADE for marked packets) — or, for a NodePort whose rules do not DNAT,
 * filter INPUT → KUBE-EXTERNAL-SERVICES. Connections made inside the node ns take the
 * locally-originated path (nat OUTPUT, filter OUTPUT), as `curl` on the node does.
 *
 * Checked: every answer comes from a usable endpoint of that service (ready, or serving and
 * terminating when nothing is ready; local ones for externalTrafficPolicy Local from outside),
 * the spread over endpoints matches the probabilities in the rules (each endpoint within 5 σ of
 * its expected count, plus a chi-square summary), ClientIP affinity pins a client to one
 * endpoint, services without endpoints refuse, Local services without local endpoints drop, and
 * the kernel's `iptables-save` equals iptablesSave() of the same input (header and counters aside).
 */

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type EndpointOut,
  getEndpointPorts,
  type PodLike,
  podToEndpoint,
  portMapKey,
  type ServiceLike,
} from '../workers/kube-controller-manager/controllers/endpointslice.ts';
import { savedProbability } from '../workers/kube-proxy/format.ts';
import {
  canaryTables,
  iptablesJumpChains,
  iptablesKubeletJumpChains,
  iptablesSave,
  jumpRuleArgs,
} from '../workers/kube-proxy/iptables.ts';
import { computeIptablesRestore } from '../workers/kube-proxy/proxier.ts';
import type { EndpointSlice, Service, ServicePortSpec } from '../workers/kube-proxy/types.ts';
import { CLIENT, mulberry32, pickBackend, q, SERVER } from './netns.ts';
import { findTool, requireTool } from './real-tools.ts';

const NODE = { name: 'kind-worker', ip: '172.18.0.3' };
const NODES = [
  { name: 'kind-control-plane', ip: '172.18.0.2', n: 0 },
  { name: 'kind-worker', ip: '172.18.0.3', n: 1 },
  { name: 'kind-worker2', ip: '172.18.0.4', n: 2 },
];
const CLIENT_POD = '10.244.200.7';
const CLIENT_EXTERNAL = '172.18.0.10';

// ---- tools -----------------------------------------------------------------------------------------

const hint = 'apt-get install -y iptables iproute2 util-linux';
const haveTools =
  requireTool('unshare', '/usr/bin/unshare', hint) &&
  requireTool('nsenter', '/usr/bin/nsenter', hint) &&
  requireTool('ip', '/usr/sbin/ip', hint) &&
  (findTool('iptables-nft-restore', '/usr/sbin/iptables-nft-restore') !== null ||
    requireTool('iptables-legacy-restore', '/usr/sbin/iptables-legacy-restore', hint));

let backend: 'nft' | 'legacy' | null = null;
let unshareWorks = false;
if (haveTools) {
  unshareWorks = spawnSync('unshare', ['-rn', 'true']).status === 0;
  if (!unshareWorks) {
    const why = 'unshare -rn (a user + network namespace) is not permitted here';
    if (process.env.CI) throw new Error(`${why}. CI is set, so this is an error, not a skip.`);
    console.warn(`[skip] iptables kernel conformance: ${why}`);
  } else {
    backend = pickBackend();
    if (!backend) {
      const why = 'neither iptables-nft nor iptables-legacy works in a network namespace';
      if (process.env.CI) throw new Error(`${why}. CI is set, so this is an error, not a skip.`);
      console.warn(`[skip] iptables kernel conformance: ${why}`);
    }
  }
}
const runnable = haveTools && unshareWorks && backend !== null;

// ---- generated clusters ------------------------------------------------------------------------------

interface Generated {
  services: Service[];
  pods: PodLike[];
  slices: EndpointSlice[];
}

const PORT_NAMES = ['http', 'metrics', 'grpc', 'admin'];

function generateCluster(seed: number): Generated {
  const rnd = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)] as T;
  const services: Service[] = [];
  const pods: PodLike[] = [];
  const usedIPs = new Set<string>(['10.244.1.1']);
  const usedNodePorts = new Set<number>();
  const nServices = int(5, 7);
  for (let s = 0; s < nServices; s++) {
    const name = `svc${s}`;
    const nPorts = int(1, 3);
    const names = [...PORT_NAMES].sort(() => rnd() - 0.5).slice(0, nPorts);
    const nodePort = s === 0 || rnd() < 0.5;
    const ports: ServicePortSpec[] = names.map((pn, i) => {
      const named = rnd() < 0.5;
      const p: ServicePortSpec = {
        name: nPorts === 1 && rnd() < 0.4 ? '' : pn,
        protocol: 'TCP',
        port: 80 + i * 1000 + s,
        targetPort: named ? pn : 8000 + i * 10 + s,
      };
      if (nodePort) {
        let np = 0;
        do np = int(30000, 32767);
        while (usedNodePorts.has(np));
        usedNodePorts.add(np);
        p.nodePort = np;
      }
      return p;
    });
    const svc: Service = {
      metadata: { namespace: 'default', name, uid: `uid-${name}`, creationTimestamp: '2025-01-01T00:00:00Z' },
      spec: {
        type: nodePort ? 'NodePort' : 'ClusterIP',
        clusterIP: `10.96.${10 + s}.${int(2, 250)}`,
        ipFamilies: ['IPv4'],
        selector: { app: name },
        ports,
        ...(nodePort && rnd() < 0.4 ? { externalTrafficPolicy: 'Local' } : { externalTrafficPolicy: 'Cluster' }),
        ...(s === 1 || rnd() < 0.2
          ? { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } } }
          : { sessionAffinity: 'None' }),
      },
    };
    services.push(svc);
    // Service 2 never has endpoints; the others 0..12 pods in mixed states.
    const nPods = s === 2 ? 0 : s === 0 ? int(6, 12) : int(0, 12);
    for (let k = 0; k < nPods; k++) {
      const node = pick(NODES);
      let ip = '';
      do ip = `10.244.${node.n}.${int(2, 250)}`;
      while (usedIPs.has(ip));
      usedIPs.add(ip);
      const state = rnd();
      const ready = state < 0.7 || (state >= 0.85 && state < 0.95);
      const terminating = state >= 0.85;
      // A named target port usually resolves to the same number; sometimes a pod uses another.
      const containerPorts = names.map((pn, i) => ({
        name: pn,
        containerPort: rnd() < 0.15 ? 9000 + i * 10 + s : 8000 + i * 10 + s,
        protocol: 'TCP',
      }));
      if (rnd() < 0.1) containerPorts.pop();
      pods.push({
        metadata: {
          namespace: 'default',
          name: `${name}-pod${k}`,
          uid: `uid-${name}-${k}`,
          labels: { app: name },
          ...(terminating ? { deletionTimestamp: '2025-01-01T00:01:00Z' } : {}),
        },
        spec: { nodeName: node.name, containers: [{ name: 'c', ports: containerPorts }] },
        status: {
          phase: 'Running',
          podIP: ip,
          podIPs: [{ ip }],
          conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: '2025-01-01T00:00:10Z' }],
        },
      });
    }
  }
  // EndpointSlices as the EndpointSlice controller builds them (podToEndpoint, getEndpointPorts).
  const slices: EndpointSlice[] = [];
  for (const svc of services) {
    const groups = new Map<string, { ports: ReturnType<typeof getEndpointPorts>; eps: EndpointOut[] }>();
    for (const pod of pods.filter((p) => p.metadata?.labels?.app === svc.spec?.selector?.app)) {
      const ports = getEndpointPorts(svc as ServiceLike, pod);
      const key = portMapKey(ports);
      const g = groups.get(key) ?? { ports, eps: [] };
      g.eps.push(podToEndpoint(pod, { metadata: { name: pod.spec?.nodeName } }, svc as ServiceLike, 'IPv4'));
      groups.set(key, g);
    }
    let i = 0;
    for (const g of groups.values()) {
      slices.push({
        metadata: {
          namespace: 'default',
          name: `${svc.metadata?.name}-${i++}`,
          labels: {
            'kubernetes.io/service-name': svc.metadata?.name ?? '',
            'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
          },
        },
        addressType: 'IPv4',
        ports: g.ports,
        endpoints: g.eps,
      });
    }
  }
  return { services, pods, slices };
}

/** The endpoints a service port may use, computed straight from the pods (not from the rules). */
function usableEndpoints(g: Generated, svc: Service, portIndex: number, localOnly: boolean): string[] {
  const sp = svc.spec?.ports?.[portIndex];
  if (!sp) return [];
  const candidates: { ep: string; ready: boolean; servingTerminating: boolean }[] = [];
  for (const pod of g.pods) {
    if (pod.metadata?.labels?.app !== svc.spec?.selector?.app) continue;
    if (localOnly && pod.spec?.nodeName !== NODE.name) continue;
    const tp = sp.targetPort;
    let port: number | undefined;
    if (typeof tp === 'number') port = tp;
    else port = pod.spec?.containers?.[0]?.ports?.find((p) => p.name === tp)?.containerPort;
    if (port === undefined) continue;
    const isReady = pod.status?.conditions?.[0]?.status === 'True';
    const terminating = !!pod.metadata?.deletionTimestamp;
    candidates.push({
      ep: `${pod.status?.podIP}:${port}`,
      ready: isReady && !terminating,
      servingTerminating: isReady && terminating,
    });
  }
  const ready = candidates.filter((c) => c.ready).map((c) => c.ep);
  if (ready.length > 0) return ready.sort();
  return candidates
    .filter((c) => c.servingTerminating)
    .map((c) => c.ep)
    .sort();
}

/**
 * The probability of each endpoint that the rules give: the KUBE-SVC/SVL chain's cascade of
 * `statistic --probability` matches, with each probability as the kernel stores it.
 */
function ruleDistribution(restore: string, chain: string): Map<string, number> {
  const out = new Map<string, number>();
  let remaining = 1;
  for (const line of restore.split('\n')) {
    if (!line.startsWith(`-A ${chain} `) || line.includes('KUBE-MARK-MASQ') || line.includes('-m recent')) continue;
    const ep = /"[^"]* -> ([\d.:]+)"/.exec(line)?.[1];
    if (!ep) continue;
    const p = /--probability (\S+)/.exec(line)?.[1];
    const prob = p ? Number(savedProbability(p)) : 1;
    out.set(ep, remaining * prob);
    remaining *= 1 - prob;
  }
  return out;
}

function chainFor(restore: string, comment: string, prefix: 'KUBE-SVC-' | 'KUBE-SVL-'): string | undefined {
  for (const line of restore.split('\n')) {
    const m = new RegExp(`^-A (${prefix}\\w+) -m comment --comment "${comment.replace(/[/.]/g, '\\$&')} -> `).exec(
      line,
    );
    if (m) return m[1];
  }
  return undefined;
}

// ---- the namespace script ----------------------------------------------------------------------------

interface Probe {
  id: string;
  host: string;
  port: number;
  localAddress?: string;
  count: number;
  timeoutMs: number;
  concurrency?: number;
  /** What may answer: endpoints (distribution from `chain`), or a refusal or a drop. */
  expect:
    | { kind: 'endpoints'; eps: string[]; chain?: string; affinity: boolean }
    | { kind: 'refused' }
    | { kind: 'dropped' };
}

/** What kube-proxy runs: the canary monitor's -N, EnsureChain/EnsureRule(Prepend) for the jumps. */
function ensureCommands(b: 'nft' | 'legacy'): string {
  const ipt = `iptables-${b}`;
  const ensure: string[] = [];
  for (const t of canaryTables) ensure.push(`${ipt} -w -t ${t} -N KUBE-PROXY-CANARY`);
  for (const j of [...iptablesJumpChains, ...iptablesKubeletJumpChains]) {
    const args = jumpRuleArgs(j).map(q).join(' ');
    ensure.push(`${ipt} -w -t ${j.table} -N ${j.dstChain} 2>/dev/null || true`);
    ensure.push(
      `${ipt} -w -t ${j.table} -C ${j.srcChain} ${args} 2>/dev/null || ${ipt} -w -t ${j.table} -I ${j.srcChain} ${args}`,
    );
  }
  return ensure.join('\n');
}

function nsScript(dir: string, b: 'nft' | 'legacy', epIPs: string[]): string {
  const ipt = `iptables-${b}`;
  return `set -eu
D=${q(dir)}
waitns() { for i in $(seq 1 200); do [ "$(readlink /proc/$1/ns/net)" != "$(readlink /proc/self/ns/net)" ] && return 0; sleep 0.01; done; echo "namespace of $1 never appeared" >&2; exit 1; }
ip link set lo up
echo 1 > /proc/sys/net/ipv4/ip_forward
for f in /proc/sys/net/ipv4/conf/*/rp_filter; do echo 0 > "$f" 2>/dev/null || true; done
# REJECT answers with ICMP port-unreachable; the kernel rate-limits ICMP errors per peer, which
# would turn a burst of refusals into timeouts. Real nodes have the same limit; the test lifts it.
echo 0 > /proc/sys/net/ipv4/icmp_ratelimit
echo 100000 > /proc/sys/net/ipv4/icmp_msgs_per_sec
unshare -n sleep 600 & PODS=$!
unshare -n sleep 600 & CLIENT=$!
trap 'kill $PODS $CLIENT $SERVER 2>/dev/null || true' EXIT
SERVER=
waitns $PODS; waitns $CLIENT
ip link add vpods0 type veth peer name vpods1
ip link set vpods1 netns $PODS
ip link add vcli0 type veth peer name vcli1
ip link set vcli1 netns $CLIENT
ip addr add ${NODE.ip}/16 dev vcli0
ip addr add 10.244.1.1/32 dev vpods0
ip link set vcli0 up
ip link set vpods0 up
ip route add 10.244.0.0/16 dev vpods0
ip route add ${CLIENT_POD}/32 dev vcli0
ip route add default via ${CLIENT_EXTERNAL} dev vcli0
nsenter -t $PODS -n sh -c '
  set -e
  ip link set lo up
  ip link set vpods1 up
  for a in ${epIPs.join(' ')}; do ip addr add $a/32 dev lo; done
  ip addr add 10.244.255.254/32 dev vpods1
  ip route add 10.244.1.1/32 dev vpods1
  ip route add default via 10.244.1.1 dev vpods1
'
nsenter -t $CLIENT -n sh -c '
  set -e
  ip link set lo up
  ip link set vcli1 up
  ip addr add ${CLIENT_EXTERNAL}/16 dev vcli1
  ip addr add ${CLIENT_POD}/32 dev vcli1
  ip route add default via ${NODE.ip} dev vcli1
'
nsenter -t $PODS -n node "$D/server.mjs" "$D/ports.json" "$D/server.ready" > "$D/server.log" 2>&1 &
SERVER=$!
# kube-proxy: the canary monitor, EnsureChain/EnsureRule for the jumps, then the restore.
${ensureCommands(b)}
${ipt}-restore -w --noflush --counters < "$D/restore.txt"
${ipt}-save > "$D/save.txt"
for i in $(seq 1 500); do [ -f "$D/server.ready" ] && break; sleep 0.02; done
[ -f "$D/server.ready" ] || { echo "server did not start" >&2; cat "$D/server.log" >&2; exit 1; }
nsenter -t $CLIENT -n node "$D/client.mjs" "$D/plan-client.json" > "$D/client.json"
node "$D/client.mjs" "$D/plan-node.json" > "$D/node.json"
`;
}

// ---- the test ------------------------------------------------------------------------------------------

interface Stat {
  cluster: number;
  probe: string;
  n: number;
  endpoints: number;
  chi2: number;
  maxZ: number;
}

const stats: Stat[] = [];
let connections = 0;

function buildProbes(g: Generated, restore: string): { client: Probe[]; node: Probe[] } {
  const client: Probe[] = [];
  const node: Probe[] = [];
  for (const svc of g.services) {
    const ports = svc.spec?.ports ?? [];
    const affinity = svc.spec?.sessionAffinity === 'ClientIP';
    const local = svc.spec?.externalTrafficPolicy === 'Local';
    const nsn = `${svc.metadata?.namespace}/${svc.metadata?.name}`;
    ports.forEach((sp, i) => {
      const comment = sp.name ? `${nsn}:${sp.name}` : nsn;
      const all = usableEndpoints(g, svc, i, false);
      const id = `${nsn}:${sp.name || '-'}`;
      const clusterChain = chainFor(restore, comment, 'KUBE-SVC-');
      const big = i === 0 && all.length >= 2 && !affinity;
      const endpoints = (eps: string[], chain?: string): Probe['expect'] =>
        eps.length === 0 ? { kind: 'refused' } : { kind: 'endpoints', eps, affinity, ...(chain ? { chain } : {}) };
      // A pod on another node → ClusterIP (PREROUTING, FORWARD, no masquerade).
      client.push({
        id: `${id} clusterIP from pod`,
        host: svc.spec?.clusterIP ?? '',
        port: sp.port,
        localAddress: CLIENT_POD,
        count: all.length === 0 ? 3 : big ? 400 : affinity ? 20 : 40,
        timeoutMs: 3000,
        concurrency: affinity ? 1 : 32,
        expect: endpoints(all, clusterChain),
      });
      // The node itself → ClusterIP (OUTPUT; masqueraded).
      node.push({
        id: `${id} clusterIP from node`,
        host: svc.spec?.clusterIP ?? '',
        port: sp.port,
        count: all.length === 0 ? 2 : 20,
        timeoutMs: 3000,
        concurrency: affinity ? 1 : 16,
        expect: endpoints(all, clusterChain),
      });
      if (!sp.nodePort) return;
      // Outside the pod range → NodeIP:NodePort (KUBE-NODEPORTS, KUBE-EXT; Local policy: local endpoints).
      const external = local ? usableEndpoints(g, svc, i, true) : all;
      const externalChain = local ? chainFor(restore, comment, 'KUBE-SVL-') : clusterChain;
      client.push({
        id: `${id} nodePort from outside`,
        host: NODE.ip,
        port: sp.nodePort,
        localAddress: CLIENT_EXTERNAL,
        count: external.length === 0 ? 2 : big ? 300 : affinity ? 20 : 40,
        timeoutMs: external.length === 0 && all.length > 0 ? 400 : 3000,
        concurrency: affinity ? 1 : 32,
        expect: external.length === 0 && all.length > 0 ? { kind: 'dropped' } : endpoints(external, externalChain),
      });
      // A pod on another node → NodePort: pod traffic short-circuits Local policy to all endpoints.
      client.push({
        id: `${id} nodePort from pod`,
        host: NODE.ip,
        port: sp.nodePort,
        localAddress: CLIENT_POD,
        count: all.length === 0 ? 2 : 20,
        timeoutMs: 3000,
        concurrency: affinity ? 1 : 16,
        expect: endpoints(all, clusterChain),
      });
      // The node itself → its NodePort (OUTPUT, --dst-type LOCAL; LOCAL sources go to the cluster chain).
      node.push({
        id: `${id} nodePort from node`,
        host: NODE.ip,
        port: sp.nodePort,
        count: all.length === 0 ? 2 : 20,
        timeoutMs: 3000,
        concurrency: affinity ? 1 : 16,
        expect: endpoints(all, clusterChain),
      });
    });
  }
  return { client, node };
}

function check(cluster: number, probes: Probe[], results: Record<string, Record<string, number>>): void {
  for (const p of probes) {
    const r = results[p.id] ?? {};
    const total = Object.values(r).reduce((a, b) => a + b, 0);
    connections += total;
    expect(total, p.id).toBe(p.count);
    const e = p.expect;
    if (e.kind === 'refused') {
      expect(r, `${p.id}: a service without endpoints refuses`).toEqual({ refused: p.count });
      continue;
    }
    if (e.kind === 'dropped') {
      expect(r, `${p.id}: no local endpoints, the packet is dropped`).toEqual({ timeout: p.count });
      continue;
    }
    const { eps, chain, affinity } = e;
    for (const [answer, n] of Object.entries(r))
      expect(eps, `${p.id}: ${n} connection(s) answered by ${answer}`).toContain(answer);
    if (affinity) {
      expect(Object.keys(r), `${p.id}: ClientIP affinity keeps one client on one endpoint`).toHaveLength(1);
      continue;
    }
    if (!chain) continue;
    const dist = ruleDistribution(readFileSync(join(dirFor(cluster), 'restore.txt'), 'utf8'), chain);
    expect([...dist.keys()].sort(), `${p.id}: the rules' endpoints`).toEqual([...eps].sort());
    let chi2 = 0;
    let maxZ = 0;
    for (const [ep, prob] of dist) {
      const expected = p.count * prob;
      const got = r[ep] ?? 0;
      const sd = Math.sqrt(p.count * prob * (1 - prob));
      if (sd > 0) maxZ = Math.max(maxZ, Math.abs(got - expected) / sd);
      chi2 += expected > 0 ? (got - expected) ** 2 / expected : 0;
      // Fixed, seed-independent tolerance: 5 standard deviations (plus one for rounding).
      expect(
        Math.abs(got - expected),
        `${p.id}: ${ep} got ${got}, expected ${expected.toFixed(1)}`,
      ).toBeLessThanOrEqual(5 * sd + 1);
    }
    if (dist.size >= 2) stats.push({ cluster, probe: p.id, n: p.count, endpoints: dist.size, chi2, maxZ });
  }
}

const dirs = new Map<number, string>();
function dirFor(cluster: number): string {
  let d = dirs.get(cluster);
  if (!d) dirs.set(cluster, (d = mkdtempSync(join(tmpdir(), `kp-kernel-${cluster}-`))));
  return d;
}

afterAll(() => {
  for (const d of dirs.values()) rmSync(d, { recursive: true, force: true });
  if (stats.length > 0) {
    const worst = stats.reduce((m, x) => Math.max(m, x.maxZ), 0);
    console.log(
      `iptables kernel conformance (${backend} backend): ${connections} connections, ${stats.length} distributions checked, worst |z| ${worst.toFixed(2)}`,
    );
    for (const s of stats.filter((x) => x.n >= 300))
      console.log(
        `  seed ${s.cluster} ${s.probe}: ${s.n} connections over ${s.endpoints} endpoints, chi² ${s.chi2.toFixed(1)} (df ${s.endpoints - 1}), max |z| ${s.maxZ.toFixed(2)}`,
      );
  }
});

describe.skipIf(!runnable)('kube-proxy iptables rules in a real kernel', () => {
  for (const seed of [11, 29, 47]) {
    it(`cluster seed ${seed}: connections land on the right endpoints, iptables-save matches`, () => {
      const b = backend as 'nft' | 'legacy';
      const g = generateCluster(seed);
      const restore = computeIptablesRestore({
        services: g.services,
        endpointSlices: g.slices,
        node: NODE,
        config: { clusterCIDR: '10.244.0.0/16' },
      });
      const dir = dirFor(seed);
      const epIPs = [...new Set(g.pods.map((p) => p.status?.podIP as string))];
      const ports = [...new Set(g.slices.flatMap((s) => (s.ports ?? []).map((p) => p.port as number)).concat([8000]))];
      const probes = buildProbes(g, restore);
      writeFileSync(join(dir, 'restore.txt'), restore);
      writeFileSync(join(dir, 'server.mjs'), SERVER);
      writeFileSync(join(dir, 'client.mjs'), CLIENT);
      writeFileSync(join(dir, 'ports.json'), JSON.stringify(ports));
      writeFileSync(join(dir, 'plan-client.json'), JSON.stringify(probes.client));
      writeFileSync(join(dir, 'plan-node.json'), JSON.stringify(probes.node));
      writeFileSync(join(dir, 'run.sh'), nsScript(dir, b, epIPs));
      try {
        execFileSync('unshare', ['-rn', 'bash', join(dir, 'run.sh')], {
          stdio: ['ignore', 'pipe', 'pipe'],
          timeout: 50_000,
        });
      } catch (e) {
        const err = e as { stderr?: Buffer; stdout?: Buffer };
        throw new Error(`namespace script failed:\n${err.stderr?.toString() ?? ''}${err.stdout?.toString() ?? ''}`);
      }

      // iptables-save of the loaded rules equals iptablesSave() (header lines and counters aside).
      const strip = (s: string) =>
        s
          .split('\n')
          .filter((l) => !l.startsWith('#') && l !== '')
          .map((l) => l.replace(/\[\d+:\d+\]$/, '[0:0]'));
      const kernel = strip(readFileSync(join(dir, 'save.txt'), 'utf8'));
      const mine = strip(iptablesSave(restore, { backend: b }));
      expect(mine).toEqual(kernel);

      check(seed, probes.client, JSON.parse(readFileSync(join(dir, 'client.json'), 'utf8')));
      check(seed, probes.node, JSON.parse(readFileSync(join(dir, 'node.json'), 'utf8')));
    });
  }

  it('iptables-save matches iptablesSave() for every backend that works here (nft and legacy)', () => {
    const g = generateCluster(101);
    const restore = computeIptablesRestore({
      services: g.services,
      endpointSlices: g.slices,
      node: NODE,
      config: { clusterCIDR: '10.244.0.0/16' },
    });
    const dir = dirFor(101);
    writeFileSync(join(dir, 'restore.txt'), restore);
    let tried = 0;
    for (const b of ['nft', 'legacy'] as const) {
      if (!findTool(`iptables-${b}-restore`, `/usr/sbin/iptables-${b}-restore`)) continue;
      const script = `set -eu\n${ensureCommands(b)}\niptables-${b}-restore -w --noflush --counters < ${q(join(dir, 'restore.txt'))}\niptables-${b}-save\n`;
      const r = spawnSync('unshare', ['-rn', 'bash', '-c', script], { encoding: 'utf8' });
      if (r.status !== 0) continue;
      tried++;
      const kernel = r.stdout.split('\n').filter((l) => l !== '' && !l.startsWith('# Warning'));
      const mine = iptablesSave(restore, { backend: b, date: 0 })
        .split('\n')
        .filter((l) => l !== '');
      // Everything but the date in the header lines and the counters is the same, in the same order.
      const norm = (ls: string[]) => ls.map((l) => l.replace(/ on .*$/, ' on <date>').replace(/\[\d+:\d+\]$/, '[0:0]'));
      expect(norm(mine), `iptables-${b}-save`).toEqual(norm(kernel));
    }
    expect(tried).toBeGreaterThan(0);
  });
});
