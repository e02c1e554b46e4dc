import { describe, expect, it } from 'vitest';
import { iptablesSave } from '../../../workers/kube-proxy/iptables.ts';
import { computeIptablesRestore } from '../../../workers/kube-proxy/proxier.ts';
import type { EndpointSlice, Service } from '../../../workers/kube-proxy/types.ts';
import { parseNetfilter } from './netfilter.ts';
import { destinations, type NodeInfo, type PathContext, walkPath } from './walk.ts';

const NODES: NodeInfo[] = [
  { name: 'kind-control-plane', ip: '172.18.0.2', podCIDR: '10.244.0.0/24' },
  { name: 'kind-worker', ip: '172.18.0.3', podCIDR: '10.244.1.0/24' },
  { name: 'kind-worker2', ip: '172.18.0.4', podCIDR: '10.244.2.0/24' },
];

function svc(name: string, ip: string, extra: Record<string, unknown> = {}): Service {
  return {
    metadata: { namespace: 'default', name, uid: `uid-${name}`, creationTimestamp: '2025-01-01T00:00:00Z' },
    spec: {
      type: 'ClusterIP',
      clusterIP: ip,
      ipFamilies: ['IPv4'],
      selector: { app: name },
      ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080 }],
      sessionAffinity: 'None',
      ...extra,
    },
  } as Service;
}

function slice(name: string, eps: { ip: string; node: string }[]): EndpointSlice {
  return {
    metadata: {
      namespace: 'default',
      name: `${name}-abc`,
      labels: { 'kubernetes.io/service-name': name },
    },
    addressType: 'IPv4',
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    endpoints: eps.map((e) => ({
      addresses: [e.ip],
      conditions: { ready: true, serving: true, terminating: false },
      nodeName: e.node,
    })),
  } as EndpointSlice;
}

function cluster(services: Service[], slices: EndpointSlice[]) {
  const rules = new Map(
    NODES.map((n) => [
      n.name,
      parseNetfilter(
        computeIptablesRestore({
          services,
          endpointSlices: slices,
          node: { name: n.name, ip: n.ip },
          config: { clusterCIDR: '10.244.0.0/16' },
        }),
      ),
    ]),
  );
  let seed = 7;
  const ctx: PathContext = {
    nodes: NODES,
    rules: (n) => rules.get(n),
    rand: () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    },
  };
  return { rules, ctx };
}

const web = svc('web', '10.96.20.5');
const webEps = slice('web', [
  { ip: '10.244.1.7', node: 'kind-worker' },
  { ip: '10.244.2.3', node: 'kind-worker2' },
  { ip: '10.244.2.9', node: 'kind-worker2' },
]);

describe('packet walk over kube-proxy rules', () => {
  it('a pod reaching a ClusterIP: KUBE-SERVICES → KUBE-SVC → KUBE-SEP DNAT, then the hop to the pod’s node', () => {
    const { ctx } = cluster([web], [webEps]);
    const p = walkPath(
      'kind-worker',
      { src: '10.244.1.4', dst: '10.96.20.5', proto: 'tcp', dport: 80, sport: 40000 },
      'pod',
      ctx,
    );
    const first = p.hops[0];
    expect(first?.hooks.map((h) => h.hook)).toEqual(['nat PREROUTING', 'filter FORWARD', 'nat POSTROUTING']);
    const nat = first?.hooks[0]?.steps ?? [];
    expect(nat[0]?.rule).toBe('-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES');
    expect(nat[0]?.action).toBe('jump KUBE-SERVICES');
    const svcRule = nat.find((s) => s.chain === 'KUBE-SERVICES' && s.matched);
    expect(svcRule?.rule).toMatch(
      /^-A KUBE-SERVICES -d 10\.96\.20\.5\/32 -p tcp -m comment --comment "default\/web:http cluster IP" -m tcp --dport 80 -j KUBE-SVC-/,
    );
    // A pod source is inside the cluster CIDR: no masquerade mark from the KUBE-SVC rule.
    const masq = nat.find((s) => s.chain.startsWith('KUBE-SVC-') && s.rule.includes('KUBE-MARK-MASQ'));
    expect(masq?.matched).toBe(false);
    expect(first?.dnat?.ip).toMatch(/^10\.244\.[12]\.\d+$/);
    expect(first?.dnat?.port).toBe(8080);
    expect(first?.dnat?.service).toBe('default/web:http');
    expect(first?.masquerade).toBeUndefined();
    expect(p.arrival).toMatchObject({ kind: 'pod', ip: first?.dnat?.ip, port: 8080 });
    expect(p.reply?.seenFrom).toBe('10.96.20.5:80');
    expect(p.reply?.unDNAT).toBe(`${first?.dnat?.ip}:8080 → 10.96.20.5:80`);
  });

  it('the node itself reaching a ClusterIP goes through nat OUTPUT, is marked and masqueraded', () => {
    const { ctx } = cluster([web], [webEps]);
    const p = walkPath('kind-worker', { src: '172.18.0.3', dst: '10.96.20.5', proto: 'tcp', dport: 80 }, 'node', ctx);
    const h = p.hops[0];
    expect(h?.hooks.map((x) => x.hook)).toEqual(['nat OUTPUT', 'filter OUTPUT', 'nat POSTROUTING']);
    expect(h?.hooks[0]?.steps.some((s) => s.rule.includes('KUBE-MARK-MASQ') && s.matched)).toBe(true);
    expect(h?.masquerade?.to).toBe(h?.dnat?.ip?.startsWith('10.244.1.') ? '10.244.1.1' : '172.18.0.3');
    expect(p.reply?.unSNAT).toBeDefined();
  });

  it('destinations: three endpoints, one third each, as the kernel stores the probabilities', () => {
    const { ctx } = cluster([web], [webEps]);
    const d = destinations(
      'kind-control-plane',
      { src: '10.244.0.5', dst: '10.96.20.5', proto: 'tcp', dport: 80 },
      'pod',
      ctx,
    );
    expect(d.map((x) => (x.arrival as { ip: string }).ip).sort()).toEqual(['10.244.1.7', '10.244.2.3', '10.244.2.9']);
    const total = d.reduce((a, x) => a + x.probability, 0);
    expect(total).toBeCloseTo(1, 12);
    // lround(2^31/3)/2^31 for the first, then half of the rest each.
    const p1 = Math.round(0x80000000 / 3) / 0x80000000;
    const first = d.find((x) => (x.arrival as { ip: string }).ip === '10.244.1.7');
    expect(first?.probability).toBeCloseTo(p1, 15);
    for (const x of d) expect(x.via).toMatch(/^KUBE-SEP-[A-Z2-7]{16}$/);
  });

  it('a Service without endpoints is refused by filter KUBE-SERVICES; ping to a ClusterIP goes nowhere', () => {
    const empty = svc('empty', '10.96.30.30');
    const { ctx } = cluster([web, empty], [webEps]);
    const p = walkPath('kind-worker', { src: '10.244.1.4', dst: '10.96.30.30', proto: 'tcp', dport: 80 }, 'pod', ctx);
    expect(p.arrival).toEqual({ kind: 'refused', node: 'kind-worker', with: 'icmp-port-unreachable' });
    const rej = p.hops[0]?.hooks
      .find((h) => h.hook === 'filter FORWARD')
      ?.steps.find((s) => s.matched && s.action?.startsWith('REJECT'));
    expect(rej?.rule).toBe(
      '-A KUBE-SERVICES -d 10.96.30.30/32 -p tcp -m comment --comment "default/empty:http has no endpoints" -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable',
    );
    expect(
      destinations('kind-worker', { src: '10.244.1.4', dst: '10.96.30.30', proto: 'tcp', dport: 80 }, 'pod', ctx),
    ).toEqual([{ arrival: { kind: 'refused', node: 'kind-worker', with: 'icmp-port-unreachable' }, probability: 1 }]);
    const ping = walkPath('kind-worker', { src: '10.244.1.4', dst: '10.96.20.5', proto: 'icmp' }, 'pod', ctx);
    expect(ping.arrival).toEqual({ kind: 'outside', ip: '10.96.20.5' });
    expect(ping.hops[0]?.dnat).toBeUndefined();
  });

  it('a NodePort on another node is translated by that node’s rules', () => {
    const np = svc('np', '10.96.40.4', {
      type: 'NodePort',
      externalTrafficPolicy: 'Cluster',
      ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30080 }],
    });
    const { ctx } = cluster([np], [slice('np', [{ ip: '10.244.1.7', node: 'kind-worker' }])]);
    const p = walkPath('kind-worker', { src: '10.244.1.4', dst: '172.18.0.4', proto: 'tcp', dport: 30080 }, 'pod', ctx);
    expect(p.hops.map((h) => h.node)).toEqual(['kind-worker', 'kind-worker2', 'kind-worker']);
    expect(p.hops[1]?.dnat?.ip).toBe('10.244.1.7');
    expect(p.hops[1]?.masquerade?.to).toBe('172.18.0.4');
    expect(p.arrival).toEqual({ kind: 'pod', node: 'kind-worker', ip: '10.244.1.7', port: 8080 });
  });

  it('reads an iptables-save dump as well as the restore input', () => {
    const restore = computeIptablesRestore({
      services: [web],
      endpointSlices: [webEps],
      node: { name: 'kind-worker', ip: '172.18.0.3' },
      config: { clusterCIDR: '10.244.0.0/16' },
    });
    const a = parseNetfilter(restore);
    const b = parseNetfilter(iptablesSave(restore), 'save');
    expect(b.ruleCount).toBe(a.ruleCount);
    const texts = (nf: typeof a) => [...nf.chains.nat.values()].flatMap((c) => c.rules.map((r) => r.text)).sort();
    expect(texts(b)).toEqual(texts(a));
  });

  it('ClientIP affinity: the recent list keeps a client on the endpoint it got first', () => {
    const aff = svc('aff', '10.96.50.5', {
      sessionAffinity: 'ClientIP',
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
    });
    const { ctx } = cluster(
      [aff],
      [
        slice(
          'aff',
          webEps.endpoints?.map((e) => ({ ip: e.addresses[0] as string, node: e.nodeName as string })) ?? [],
        ),
      ],
    );
    const recent = { lists: new Map() };
    const seen = new Set<string>();
    for (let i = 0; i < 10; i++) {
      const p = walkPath('kind-worker', { src: '10.244.1.4', dst: '10.96.50.5', proto: 'tcp', dport: 80 }, 'pod', {
        ...ctx,
        recent,
        now: i,
      });
      seen.add((p.arrival as { ip: string }).ip);
    }
    expect(seen.size).toBe(1);
  });
});
