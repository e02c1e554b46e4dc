/**
 * The packet walk against the real kernel. For generated clusters (seeded), kube-proxy's restore
 * input for one node is loaded into a private network namespace (`unshare -rn`) as kube-proxy loads
 * it, real TCP connections go through it, and the answers are compared with what
 * src/machinery/net/walk.ts says the same rules do: `destinations()` must list exactly the
 * endpoints the kernel reached, each within 5 standard deviations of its probability (plus a
 * chi-square summary in the log); where the walk says refused, the kernel refuses every
 * connection; where it says dropped, every connection times out.
 *
 * Namespaces: a client (10.244.200.7, a pod on another node, and 172.18.0.10, a machine on the node
 * network), the node (172.18.0.3, with the rules) and the pods (every endpoint IP on lo, one
 * listener per port that answers with the address:port it was reached at). Connections made inside
 * the node namespace take the node's own OUTPUT path.
 */

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseNetfilter } from '../src/machinery/net/netfilter.ts';
import { type Destination, destinations, type NodeInfo, type Origin } from '../src/machinery/net/walk.ts';
import {
  canaryTables,
  iptablesJumpChains,
  iptablesKubeletJumpChains,
  jumpRuleArgs,
} from '../workers/kube-proxy/iptables.ts';
import { computeIptablesRestore } from '../workers/kube-proxy/proxier.ts';
import type { EndpointSlice, Service } from '../workers/kube-proxy/types.ts';
import { CLIENT, mulberry32, pickBackend, q, SERVER } from './netns.ts';
import { findTool, requireTool } from './real-tools.ts';

const NODES: NodeInfo[] = [
  { name: 'kind-control-plane', ip: '172.18.0.2', podCIDR: '10.244.0.0/24' },
  { name: 'kind-worker', ip: '172.18.0.3', podCIDR: '10.244.1.0/24' },
  { name: 'kind-worker2', ip: '172.18.0.4', podCIDR: '10.244.2.0/24' },
];
const NODE = NODES[1] as NodeInfo;
const CLIENT_POD = '10.244.200.7';
const CLIENT_EXTERNAL = '172.18.0.10';

const hint = 'apt-get install -y iptables iproute2 util-linux';
const haveTools =
  requireTool('unshare', '/usr/bin/unshare', hint) &&
  requireTool('nsenter', '/usr/bin/nsenter', hint) &&
  requireTool('ip', '/usr/sbin/ip', hint) &&
  (findTool('iptables-nft-restore', '/usr/sbin/iptables-nft-restore') !== null ||
    requireTool('iptables-legacy-restore', '/usr/sbin/iptables-legacy-restore', hint));

let backend: 'nft' | 'legacy' | null = null;
if (haveTools) {
  if (spawnSync('unshare', ['-rn', 'true']).status !== 0) {
    const why = 'unshare -rn (a user + network namespace) is not permitted here';
    if (process.env.CI) throw new Error(`${why}. CI is set, so this is an error, not a skip.`);
    console.warn(`[skip] packet walk kernel conformance: ${why}`);
  } else {
    backend = pickBackend();
    if (!backend) {
      const why = 'neither iptables-nft nor iptables-legacy works in a network namespace';
      if (process.env.CI) throw new Error(`${why}. CI is set, so this is an error, not a skip.`);
      console.warn(`[skip] packet walk kernel conformance: ${why}`);
    }
  }
}

// ---- generated clusters --------------------------------------------------------------------------

interface Generated {
  services: Service[];
  slices: EndpointSlice[];
  ips: string[];
  ports: number[];
}

function generate(seed: number): Generated {
  const rnd = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const services: Service[] = [];
  const slices: EndpointSlice[] = [];
  const used = new Set<string>(['10.244.1.1']);
  const ports = new Set<number>();
  const nodePorts = new Set<number>();
  const n = int(4, 6);
  for (let s = 0; s < n; s++) {
    const name = `svc${s}`;
    const nodePort = rnd() < 0.5;
    const local = nodePort && rnd() < 0.4;
    const targetPort = 8000 + s;
    ports.add(targetPort);
    let np = 0;
    if (nodePort) {
      do np = int(30000, 32767);
      while (nodePorts.has(np));
      nodePorts.add(np);
    }
    services.push({
      metadata: { namespace: 'default', name, uid: `uid-${name}`, creationTimestamp: '2025-01-01T00:00:00Z' },
      spec: {
        type: nodePort ? 'NodePort' : 'ClusterIP',
        clusterIP: `10.96.${10 + s}.${int(2, 250)}`,
        ipFamilies: ['IPv4'],
        selector: { app: name },
        ports: [{ name: 'http', protocol: 'TCP', port: 80 + s, targetPort, ...(nodePort ? { nodePort: np } : {}) }],
        sessionAffinity: 'None',
        externalTrafficPolicy: local ? 'Local' : 'Cluster',
      },
    } as Service);
    // Service 1 has no endpoints at all; the others 1..9, some not ready.
    const count = s === 1 ? 0 : s === 0 ? int(5, 9) : int(1, 9);
    const eps = [];
    for (let k = 0; k < count; k++) {
      const node = NODES[int(0, 2)] as NodeInfo;
      let ip = '';
      const third = node.podCIDR.split('.')[2];
      do ip = `10.244.${third}.${int(2, 250)}`;
      while (used.has(ip));
      used.add(ip);
      const ready = rnd() < 0.85;
      eps.push({ addresses: [ip], conditions: { ready, serving: ready, terminating: false }, nodeName: node.name });
    }
    if (count > 0)
      slices.push({
        metadata: { namespace: 'default', name: `${name}-x`, labels: { 'kubernetes.io/service-name': name } },
        addressType: 'IPv4',
        ports: [{ name: 'http', port: targetPort, protocol: 'TCP' }],
        endpoints: eps,
      } as EndpointSlice);
  }
  return { services, slices, ips: [...used].filter((x) => x !== '10.244.1.1'), ports: [...ports] };
}

// ---- the namespace script ------------------------------------------------------------------------

function script(dir: string, b: 'nft' | 'legacy', ips: string[]): string {
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
  return `set -eu
D=${q(dir)}
waitns() { for i in $(seq 1 200); do [ "$(readlink /proc/$1/ns/net)" != "$(readlink /proc/self/ns/net)" ] && return 0; sleep 0.01; done; exit 1; }
ip link set lo up
echo 1 > /proc/sys/net/ipv4/ip_forward
for f in /proc/sys/net/ipv4/conf/*/rp_filter; do echo 0 > "$f" 2>/dev/null || true; done
echo 0 > /proc/sys/net/ipv4/icmp_ratelimit
echo 100000 > /proc/sys/net/ipv4/icmp_msgs_per_sec
unshare -n sleep 600 & PODS=$!
unshare -n sleep 600 & CLIENT=$!
SERVER=
trap 'kill $PODS $CLIENT $SERVER 2>/dev/null || true' EXIT
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
  for a in ${ips.join(' ')}; do ip addr add $a/32 dev lo; done
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
${ensure.join('\n')}
${ipt}-restore -w --noflush --counters < "$D/restore.txt"
for i in $(seq 1 500); do [ -f "$D/server.ready" ] && break; sleep 0.02; done
[ -f "$D/server.ready" ] || { echo "server did not start" >&2; cat "$D/server.log" >&2; exit 1; }
nsenter -t $CLIENT -n node "$D/client.mjs" "$D/plan-client.json" > "$D/client.json"
node "$D/client.mjs" "$D/plan-node.json" > "$D/node.json"
`;
}

// ---- the test ------------------------------------------------------------------------------------

interface Probe {
  id: string;
  host: string;
  port: number;
  localAddress?: string;
  count: number;
  timeoutMs: number;
  origin: Origin;
  src: string;
  expect: Destination[];
}

const summary: string[] = [];
let connections = 0;
const dirs: string[] = [];

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  if (connections > 0) {
    console.log(`packet walk vs kernel (${backend}): ${connections} connections`);
    for (const l of summary) console.log(`  ${l}`);
  }
});

function outcomeOf(d: Destination): string {
  const a = d.arrival;
  if (a.kind === 'pod' || a.kind === 'node') return `${a.ip}:${a.port}`;
  if (a.kind === 'refused') return 'refused';
  if (a.kind === 'dropped') return 'timeout';
  return a.kind;
}

describe.skipIf(backend === null)('the packet walk agrees with the kernel on the same rules', () => {
  for (const seed of [3, 17, 58]) {
    it(`cluster seed ${seed}: the walk's destinations and probabilities are what the kernel does`, () => {
      const b = backend as 'nft' | 'legacy';
      const g = generate(seed);
      const restore = computeIptablesRestore({
        services: g.services,
        endpointSlices: g.slices,
        node: { name: NODE.name, ip: NODE.ip },
        config: { clusterCIDR: '10.244.0.0/16' },
      });
      const nf = parseNetfilter(restore);
      const ctx = { nodes: NODES, rules: (n: string) => (n === NODE.name ? nf : undefined) };
      const client: Probe[] = [];
      const node: Probe[] = [];
      for (const svc of g.services) {
        const sp = svc.spec?.ports?.[0];
        if (!sp) continue;
        const ip = svc.spec?.clusterIP ?? '';
        const add = (
          list: Probe[],
          id: string,
          host: string,
          port: number,
          origin: Origin,
          src: string,
          local?: string,
        ) => {
          const expectD = destinations(NODE.name, { src, dst: host, proto: 'tcp', dport: port }, origin, ctx);
          const many = expectD.length > 1;
          const dropped = expectD.some((d) => d.arrival.kind === 'dropped');
          list.push({
            id: `${svc.metadata?.name} ${id}`,
            host,
            port,
            count: many ? 300 : 10,
            timeoutMs: dropped ? 400 : 3000,
            origin,
            src,
            expect: expectD,
            ...(local ? { localAddress: local } : {}),
          });
        };
        add(client, 'clusterIP from a pod', ip, sp.port, 'external', CLIENT_POD, CLIENT_POD);
        add(node, 'clusterIP from the node', ip, sp.port, 'node', NODE.ip);
        if (sp.nodePort) {
          add(client, 'nodePort from outside', NODE.ip, sp.nodePort, 'external', CLIENT_EXTERNAL, CLIENT_EXTERNAL);
          add(node, 'nodePort from the node', NODE.ip, sp.nodePort, 'node', NODE.ip);
        }
      }
      // Every cluster has a Service without endpoints: the walk says refused for it.
      expect(client.some((p) => p.expect.some((d) => d.arrival.kind === 'refused'))).toBe(true);
      const dir = mkdtempSync(join(tmpdir(), `walk-kernel-${seed}-`));
      dirs.push(dir);
      writeFileSync(join(dir, 'restore.txt'), restore);
      writeFileSync(join(dir, 'server.mjs'), SERVER);
      writeFileSync(join(dir, 'client.mjs'), CLIENT);
      writeFileSync(join(dir, 'ports.json'), JSON.stringify(g.ports));
      writeFileSync(join(dir, 'plan-client.json'), JSON.stringify(client));
      writeFileSync(join(dir, 'plan-node.json'), JSON.stringify(node));
      writeFileSync(join(dir, 'run.sh'), script(dir, b, g.ips));
      try {
        execFileSync('unshare', ['-rn', 'bash', join(dir, 'run.sh')], {
          stdio: ['ignore', 'pipe', 'pipe'],
          timeout: 50_000,
        });
      } catch (e) {
        const err = e as { stderr?: Buffer };
        throw new Error(`namespace script failed:\n${err.stderr?.toString() ?? ''}`);
      }
      const results = {
        ...JSON.parse(readFileSync(join(dir, 'client.json'), 'utf8')),
        ...JSON.parse(readFileSync(join(dir, 'node.json'), 'utf8')),
      } as Record<string, Record<string, number>>;
      for (const p of [...client, ...node]) {
        const got = results[p.id] ?? {};
        const total = Object.values(got).reduce((a, x) => a + x, 0);
        connections += total;
        expect(total, p.id).toBe(p.count);
        const want = new Map<string, number>();
        for (const d of p.expect) want.set(outcomeOf(d), (want.get(outcomeOf(d)) ?? 0) + d.probability);
        // The kernel reached exactly the places the walk lists.
        expect(Object.keys(got).sort(), `${p.id}: where the kernel sent it`).toEqual(
          [...want.keys()].filter((k) => (want.get(k) ?? 0) * p.count >= 0.5 || k in got).sort(),
        );
        let chi2 = 0;
        let maxZ = 0;
        for (const [k, prob] of want) {
          const e = p.count * prob;
          const sd = Math.sqrt(p.count * prob * (1 - prob));
          const n = got[k] ?? 0;
          if (sd > 0) maxZ = Math.max(maxZ, Math.abs(n - e) / sd);
          if (e > 0) chi2 += (n - e) ** 2 / e;
          expect(Math.abs(n - e), `${p.id}: ${k} got ${n}, walk says ${e.toFixed(1)}`).toBeLessThanOrEqual(5 * sd + 1);
        }
        if (want.size > 1)
          summary.push(
            `seed ${seed} ${p.id}: ${p.count} connections over ${want.size} endpoints, chi² ${chi2.toFixed(1)} (df ${want.size - 1}), max |z| ${maxZ.toFixed(2)}`,
          );
      }
    });
  }
});
