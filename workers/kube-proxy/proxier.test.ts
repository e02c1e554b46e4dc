import { createHash } from 'node:crypto';
import { base32 } from '@scure/base';
import { describe, expect, it } from 'vitest';
import { benchFullSync } from './bench.ts';
import { computeProbability, formatFixed, savedProbability } from './format.ts';
import {
  hash16,
  serviceExternalChainName,
  serviceFirewallChainName,
  servicePortEndpointChainName,
  servicePortPolicyClusterChain,
  servicePortPolicyLocalChainName,
} from './hash.ts';
import { iptablesSave, normalizeRule, splitArgs } from './iptables.ts';
import { computeIptablesRestore, DIFF_DETAIL_MAX, Proxier, type ProxierConfig } from './proxier.ts';
import type { EndpointSlice, Service } from './types.ts';

const direct = (s: string) => base32.encode(createHash('sha256').update(s).digest()).slice(0, 16);

// ---- upstream's test conventions (proxier_test.go NewFakeProxier) ------------------------------------

const fake: Partial<ProxierConfig> = {
  clusterCIDR: '10.0.0.0/8',
  masqueradeMark: '0x4000',
  randomFully: false,
  nodeIP: '192.168.0.2',
};
const testNode = { name: 'test-node', ip: '192.168.0.2' };

function svc(ns: string, name: string, spec: Service['spec'], status?: Service['status']): Service {
  return {
    metadata: { namespace: ns, name },
    spec: { selector: { foo: 'bar' }, ...spec },
    ...(status ? { status } : {}),
  };
}

function slice(
  ns: string,
  name: string,
  ports: { name: string; port: number; protocol?: string }[],
  endpoints: EndpointSlice['endpoints'],
): EndpointSlice {
  return {
    metadata: { namespace: ns, name: `${name}-1`, labels: { 'kubernetes.io/service-name': name } },
    addressType: 'IPv4',
    ports: ports.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol ?? 'TCP' })),
    endpoints,
  };
}

/**
 * assertIPTablesRulesEqual, as reference §1.6 describes: the same tables and chain declarations,
 * per chain the same rules; the top-level chains (whose order follows Go map iteration upstream)
 * compared as multisets, with nat KUBE-SERVICES' last rule fixed; every other chain in order.
 */
function parse(text: string) {
  const tables = new Map<string, { chains: Set<string>; rules: Map<string, string[]> }>();
  let cur: { chains: Set<string>; rules: Map<string, string[]> } | undefined;
  for (const line of text.trim().split('\n')) {
    const l = line.trim();
    if (l.startsWith('*')) tables.set(l.slice(1), (cur = { chains: new Set(), rules: new Map() }));
    else if (l.startsWith(':')) cur?.chains.add(l);
    else if (l.startsWith('-A ')) {
      const chain = l.split(' ')[1] as string;
      const r = cur?.rules.get(chain) ?? [];
      r.push(l);
      cur?.rules.set(chain, r);
    }
  }
  return tables;
}

const UNORDERED = new Set(['KUBE-SERVICES', 'KUBE-NODEPORTS', 'KUBE-EXTERNAL-SERVICES', 'KUBE-PROXY-FIREWALL']);

function expectRulesEqual(actual: string, expected: string): void {
  const a = parse(actual);
  const e = parse(expected);
  expect([...a.keys()].sort()).toEqual([...e.keys()].sort());
  for (const [table, et] of e) {
    const at = a.get(table);
    expect(at, table).toBeDefined();
    if (!at) continue;
    expect([...at.chains].sort(), `${table} chains`).toEqual([...et.chains].sort());
    const chains = new Set([...at.rules.keys(), ...et.rules.keys()]);
    for (const chain of chains) {
      const ar = at.rules.get(chain) ?? [];
      const er = et.rules.get(chain) ?? [];
      if (UNORDERED.has(chain)) {
        expect([...ar].sort(), `${table}/${chain}`).toEqual([...er].sort());
        if (table === 'nat' && chain === 'KUBE-SERVICES') expect(ar[ar.length - 1]).toBe(er[er.length - 1]);
      } else expect(ar, `${table}/${chain}`).toEqual(er);
    }
  }
}

describe('chain names', () => {
  it('match the reference test vectors', () => {
    const vectors: [string, string][] = [
      ['ns1/svc1:p80tcp', 'XPGD46QRK7WJZT7O'],
      ['ns1/svc1:p80tcp10.180.0.1:80', 'SXIVWICOYRO3J4NJ'],
      ['ns2/svc2:p80tcp', 'GNZBNJ2PO5MGZ6GT'],
      ['ns5/svc5:p80tcp', 'NUKIZ6OKUXPJNT4C'],
      ['ns1/svc1tcp', 'AQI2S6QIMU7PVVRP'],
      ['ns1/svc1tcp10.0.1.1:80', '3JOIVZTXZZRGORX4'],
      ['ns1/svc1tcp10.0.1.2:80', 'IO5XOSKPAXIFQXAJ'],
      ['ns1/svc1tcp10.0.1.3:80', 'XGJFVO3L2O5SRFNT'],
      ['default/kubernetes:httpstcp', 'NPX46M4PTMTKRN6Y'],
      ['kube-system/kube-dns:dnsudp', 'TCOU7JCQXEZGVUNU'],
      ['kube-system/kube-dns:dns-tcptcp', 'ERIFXISQEP7F7OF4'],
      ['kube-system/kube-dns:metricstcp', 'JD5MR3NA4I4DYORP'],
      ['default/nginxtcp', '2CMXP7HKUVJN7L6M'],
    ];
    for (const [input, suffix] of vectors) expect(hash16(input), input).toBe(suffix);
    expect(servicePortPolicyClusterChain('ns1/svc1:p80', 'tcp')).toBe('KUBE-SVC-XPGD46QRK7WJZT7O');
    expect(servicePortPolicyLocalChainName('ns1/svc1', 'tcp')).toBe('KUBE-SVL-AQI2S6QIMU7PVVRP');
    expect(serviceExternalChainName('ns2/svc2:p80', 'tcp')).toBe('KUBE-EXT-GNZBNJ2PO5MGZ6GT');
    expect(serviceFirewallChainName('ns5/svc5:p80', 'tcp')).toBe('KUBE-FW-NUKIZ6OKUXPJNT4C');
    expect(servicePortEndpointChainName('ns1/svc1:p80', 'tcp', '10.180.0.1:80')).toBe('KUBE-SEP-SXIVWICOYRO3J4NJ');
  });

  it('equal a direct sha256 + base32 computation for random names of every length', () => {
    let seed = 12345;
    const rnd = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const alpha = 'abcdefghijklmnopqrstuvwxyz0123456789-';
    const word = (n: number) => Array.from({ length: n }, () => alpha[Math.floor(rnd() * alpha.length)]).join('');
    for (let i = 0; i < 500; i++) {
      const name = `${word(1 + Math.floor(rnd() * 63))}/${word(1 + Math.floor(rnd() * 63))}:${word(Math.floor(rnd() * 15))}`;
      const proto = ['tcp', 'udp', 'sctp'][i % 3] as string;
      const ep = `10.${i % 256}.${Math.floor(rnd() * 256)}.${Math.floor(rnd() * 256)}:${1 + Math.floor(rnd() * 65535)}`;
      expect(servicePortPolicyClusterChain(name, proto)).toBe(`KUBE-SVC-${direct(name + proto)}`);
      expect(servicePortEndpointChainName(name, proto, ep)).toBe(`KUBE-SEP-${direct(name + proto + ep)}`);
    }
    // Lengths around the SHA-256 block boundaries, and non-ASCII input.
    for (let n = 0; n < 200; n++) expect(hash16('x'.repeat(n))).toBe(direct('x'.repeat(n)));
    expect(hash16('ns/명령:p')).toBe(direct('ns/명령:p'));
  });
});

describe('probabilities', () => {
  it('computeProbability(n) is Go %0.10f of 1/n for n = 1..20', () => {
    const want = [
      '1.0000000000',
      '0.5000000000',
      '0.3333333333',
      '0.2500000000',
      '0.2000000000',
      '0.1666666667',
      '0.1428571429',
      '0.1250000000',
      '0.1111111111',
      '0.1000000000',
      '0.0909090909',
      '0.0833333333',
      '0.0769230769',
      '0.0714285714',
      '0.0666666667',
      '0.0625000000',
      '0.0588235294',
      '0.0555555556',
      '0.0526315789',
      '0.0500000000',
    ];
    expect(Array.from({ length: 20 }, (_, i) => computeProbability(i + 1))).toEqual(want);
  });

  it('rounds exact ties half to even, as Go and glibc do', () => {
    // 1/2048 = 0.00048828125 exactly.
    expect(computeProbability(2048)).toBe('0.0004882812');
    expect(formatFixed(0.125, 2)).toBe('0.12');
    expect(formatFixed(0.375, 2)).toBe('0.38');
  });

  it('iptables-save prints the kernel value with 11 decimals', () => {
    const want: Record<number, string> = {
      2: '0.50000000000',
      3: '0.33333333349',
      4: '0.25000000000',
      5: '0.20000000019',
      6: '0.16666666651',
      7: '0.14285714272',
      8: '0.12500000000',
      9: '0.11111111101',
      10: '0.10000000009',
    };
    for (const [n, s] of Object.entries(want)) expect(savedProbability(computeProbability(Number(n)))).toBe(s);
  });
});

describe('syncProxyRules (proxier_test.go fixtures)', () => {
  const e2eService = (itp?: string) =>
    svc('ns1', 'svc1', {
      clusterIP: '172.30.1.1',
      ports: [{ name: '', port: 80, protocol: 'TCP' }],
      ...(itp ? { internalTrafficPolicy: itp } : {}),
    });
  const e2eSlice = (hosts: string[]) =>
    slice(
      'ns1',
      'svc1',
      [{ name: '', port: 80 }],
      hosts.map((h, i) => ({ addresses: [`10.0.1.${i + 1}`], conditions: { ready: true }, nodeName: h })),
    );
  const head = `*filter
:KUBE-NODEPORTS - [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-EXTERNAL-SERVICES - [0:0]
:KUBE-FIREWALL - [0:0]
:KUBE-FORWARD - [0:0]
:KUBE-PROXY-FIREWALL - [0:0]`;
  const filterTail = `-A KUBE-FIREWALL -m comment --comment "block incoming localnet connections" -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP
-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
COMMIT`;
  const natFixed = `-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000
-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE`;
  const nodeportsLast =
    '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS';

  it('TestInternalTrafficPolicyE2E: internalTrafficPolicy is cluster', () => {
    const got = computeIptablesRestore({
      services: [e2eService('Cluster')],
      endpointSlices: [e2eSlice(['test-node', 'host1', 'host2'])],
      node: testNode,
      config: fake,
    });
    expectRulesEqual(
      got,
      `${head}
${filterTail}
*nat
:KUBE-NODEPORTS - [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-MARK-MASQ - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-SEP-3JOIVZTXZZRGORX4 - [0:0]
:KUBE-SEP-IO5XOSKPAXIFQXAJ - [0:0]
:KUBE-SEP-XGJFVO3L2O5SRFNT - [0:0]
:KUBE-SVC-AQI2S6QIMU7PVVRP - [0:0]
-A KUBE-SERVICES -m comment --comment "ns1/svc1 cluster IP" -m tcp -p tcp -d 172.30.1.1 --dport 80 -j KUBE-SVC-AQI2S6QIMU7PVVRP
${nodeportsLast}
${natFixed}
-A KUBE-SEP-3JOIVZTXZZRGORX4 -m comment --comment ns1/svc1 -s 10.0.1.1 -j KUBE-MARK-MASQ
-A KUBE-SEP-3JOIVZTXZZRGORX4 -m comment --comment ns1/svc1 -m tcp -p tcp -j DNAT --to-destination 10.0.1.1:80
-A KUBE-SEP-IO5XOSKPAXIFQXAJ -m comment --comment ns1/svc1 -s 10.0.1.2 -j KUBE-MARK-MASQ
-A KUBE-SEP-IO5XOSKPAXIFQXAJ -m comment --comment ns1/svc1 -m tcp -p tcp -j DNAT --to-destination 10.0.1.2:80
-A KUBE-SEP-XGJFVO3L2O5SRFNT -m comment --comment ns1/svc1 -s 10.0.1.3 -j KUBE-MARK-MASQ
-A KUBE-SEP-XGJFVO3L2O5SRFNT -m comment --comment ns1/svc1 -m tcp -p tcp -j DNAT --to-destination 10.0.1.3:80
-A KUBE-SVC-AQI2S6QIMU7PVVRP -m comment --comment "ns1/svc1 cluster IP" -m tcp -p tcp -d 172.30.1.1 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
-A KUBE-SVC-AQI2S6QIMU7PVVRP -m comment --comment "ns1/svc1 -> 10.0.1.1:80" -m statistic --mode random --probability 0.3333333333 -j KUBE-SEP-3JOIVZTXZZRGORX4
-A KUBE-SVC-AQI2S6QIMU7PVVRP -m comment --comment "ns1/svc1 -> 10.0.1.2:80" -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-IO5XOSKPAXIFQXAJ
-A KUBE-SVC-AQI2S6QIMU7PVVRP -m comment --comment "ns1/svc1 -> 10.0.1.3:80" -j KUBE-SEP-XGJFVO3L2O5SRFNT
COMMIT`,
    );
  });

  it('TestInternalTrafficPolicyE2E: internalTrafficPolicy is local and there are local endpoints', () => {
    const got = computeIptablesRestore({
      services: [e2eService('Local')],
      endpointSlices: [e2eSlice(['test-node', 'host1', 'host2'])],
      node: testNode,
      config: fake,
    });
    expectRulesEqual(
      got,
      `${head}
${filterTail}
*nat
:KUBE-NODEPORTS - [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-MARK-MASQ - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-SEP-3JOIVZTXZZRGORX4 - [0:0]
:KUBE-SVL-AQI2S6QIMU7PVVRP - [0:0]
-A KUBE-SERVICES -m comment --comment "ns1/svc1 cluster IP" -m tcp -p tcp -d 172.30.1.1 --dport 80 -j KUBE-SVL-AQI2S6QIMU7PVVRP
${nodeportsLast}
${natFixed}
-A KUBE-SEP-3JOIVZTXZZRGORX4 -m comment --comment ns1/svc1 -s 10.0.1.1 -j KUBE-MARK-MASQ
-A KUBE-SEP-3JOIVZTXZZRGORX4 -m comment --comment ns1/svc1 -m tcp -p tcp -j DNAT --to-destination 10.0.1.1:80
-A KUBE-SVL-AQI2S6QIMU7PVVRP -m comment --comment "ns1/svc1 cluster IP" -m tcp -p tcp -d 172.30.1.1 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
-A KUBE-SVL-AQI2S6QIMU7PVVRP -m comment --comment "ns1/svc1 -> 10.0.1.1:80" -j KUBE-SEP-3JOIVZTXZZRGORX4
COMMIT`,
    );
  });

  it('TestInternalTrafficPolicyE2E: internalTrafficPolicy is local and there are no local endpoints', () => {
    const got = computeIptablesRestore({
      services: [e2eService('Local')],
      endpointSlices: [e2eSlice(['host0', 'host1', 'host2'])],
      node: testNode,
      config: fake,
    });
    expectRulesEqual(
      got,
      `${head}
-A KUBE-SERVICES -m comment --comment "ns1/svc1 has no local endpoints" -m tcp -p tcp -d 172.30.1.1 --dport 80 -j DROP
${filterTail}
*nat
:KUBE-NODEPORTS - [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-MARK-MASQ - [0:0]
:KUBE-POSTROUTING - [0:0]
${nodeportsLast}
${natFixed}
COMMIT`,
    );
  });

  it('TestOverallIPTablesRules', () => {
    const p80 = (extra: object = {}) => [{ name: 'p80', port: 80, protocol: 'TCP', ...extra }];
    const services: Service[] = [
      svc('ns1', 'svc1', { clusterIP: '172.30.0.41', ports: p80() }),
      svc(
        'ns2',
        'svc2',
        {
          type: 'LoadBalancer',
          externalTrafficPolicy: 'Local',
          clusterIP: '172.30.0.42',
          ports: p80({ nodePort: 3001 }),
          externalIPs: ['192.168.99.22'],
          healthCheckNodePort: 30000,
        },
        { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } },
      ),
      svc('ns3', 'svc3', { type: 'NodePort', clusterIP: '172.30.0.43', ports: p80({ nodePort: 3003 }) }),
      svc('ns4', 'svc4', {
        type: 'NodePort',
        clusterIP: '172.30.0.44',
        externalIPs: ['192.168.99.33'],
        ports: p80({ targetPort: 80 }),
      }),
      svc(
        'ns5',
        'svc5',
        {
          type: 'LoadBalancer',
          externalTrafficPolicy: 'Cluster',
          clusterIP: '172.30.0.45',
          ports: p80({ nodePort: 3002 }),
          healthCheckNodePort: 30000,
          loadBalancerSourceRanges: [' 203.0.113.0/25'],
          sessionAffinity: 'ClientIP',
          sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
        },
        { loadBalancer: { ingress: [{ ip: '5.6.7.8' }] } },
      ),
      svc('ns6', 'svc6', { type: 'ClusterIP', clusterIP: '172.30.0.46', ports: p80({ targetPort: 80 }) }),
    ];
    const ports = [{ name: 'p80', port: 80 }];
    const slices = [
      slice('ns1', 'svc1', ports, [{ addresses: ['10.180.0.1'] }]),
      slice('ns2', 'svc2', ports, [{ addresses: ['10.180.0.2'] }]),
      slice('ns3', 'svc3', ports, [{ addresses: ['10.180.0.3'] }]),
      slice('ns4', 'svc4', ports, [
        { addresses: ['10.180.0.4'] },
        { addresses: ['10.180.0.5'], nodeName: 'test-node' },
      ]),
      slice('ns5', 'svc5', ports, [{ addresses: ['10.180.0.3'] }]),
    ];
    const got = computeIptablesRestore({
      services,
      endpointSlices: slices,
      node: testNode,
      config: { ...fake, nfacct: true },
    });
    expectRulesEqual(
      got,
      `*filter
:KUBE-NODEPORTS - [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-EXTERNAL-SERVICES - [0:0]
:KUBE-FIREWALL - [0:0]
:KUBE-FORWARD - [0:0]
:KUBE-PROXY-FIREWALL - [0:0]
-A KUBE-NODEPORTS -m comment --comment "ns2/svc2:p80 health check node port" -m tcp -p tcp --dport 30000 -j ACCEPT
-A KUBE-SERVICES -m comment --comment "ns6/svc6:p80 has no endpoints" -m tcp -p tcp -d 172.30.0.46 --dport 80 -j REJECT
-A KUBE-EXTERNAL-SERVICES -m comment --comment "ns2/svc2:p80 has no local endpoints" -m tcp -p tcp -d 192.168.99.22 --dport 80 -j DROP
-A KUBE-EXTERNAL-SERVICES -m comment --comment "ns2/svc2:p80 has no local endpoints" -m tcp -p tcp -d 1.2.3.4 --dport 80 -j DROP
-A KUBE-EXTERNAL-SERVICES -m comment --comment "ns2/svc2:p80 has no local endpoints" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 3001 -j DROP
-A KUBE-FIREWALL -m comment --comment "block incoming localnet connections" -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP
-A KUBE-FORWARD -m conntrack --ctstate INVALID -m nfacct --nfacct-name ct_state_invalid_dropped_pkts -j DROP
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A KUBE-PROXY-FIREWALL -m comment --comment "ns5/svc5:p80 traffic not accepted by KUBE-FW-NUKIZ6OKUXPJNT4C" -m tcp -p tcp -d 5.6.7.8 --dport 80 -j DROP
COMMIT
*nat
:KUBE-NODEPORTS - [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-EXT-4SW47YFZTEDKD3PK - [0:0]
:KUBE-EXT-GNZBNJ2PO5MGZ6GT - [0:0]
:KUBE-EXT-NUKIZ6OKUXPJNT4C - [0:0]
:KUBE-EXT-X27LE4BHSL4DOUIK - [0:0]
:KUBE-FW-NUKIZ6OKUXPJNT4C - [0:0]
:KUBE-MARK-MASQ - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-SEP-C6EBXVWJJZMIWKLZ - [0:0]
:KUBE-SEP-I77PXRDZVX7PMWMN - [0:0]
:KUBE-SEP-OYPFS5VJICHGATKP - [0:0]
:KUBE-SEP-RS4RBKLTHTF2IUXJ - [0:0]
:KUBE-SEP-SXIVWICOYRO3J4NJ - [0:0]
:KUBE-SEP-UKSFD7AGPMPPLUHC - [0:0]
:KUBE-SVC-4SW47YFZTEDKD3PK - [0:0]
:KUBE-SVC-GNZBNJ2PO5MGZ6GT - [0:0]
:KUBE-SVC-NUKIZ6OKUXPJNT4C - [0:0]
:KUBE-SVC-X27LE4BHSL4DOUIK - [0:0]
:KUBE-SVC-XPGD46QRK7WJZT7O - [0:0]
-A KUBE-NODEPORTS -m comment --comment ns2/svc2:p80 -m tcp -p tcp -d 127.0.0.0/8 --dport 3001 -m nfacct --nfacct-name localhost_nps_accepted_pkts -j KUBE-EXT-GNZBNJ2PO5MGZ6GT
-A KUBE-NODEPORTS -m comment --comment ns2/svc2:p80 -m tcp -p tcp --dport 3001 -j KUBE-EXT-GNZBNJ2PO5MGZ6GT
-A KUBE-NODEPORTS -m comment --comment ns3/svc3:p80 -m tcp -p tcp -d 127.0.0.0/8 --dport 3003 -m nfacct --nfacct-name localhost_nps_accepted_pkts -j KUBE-EXT-X27LE4BHSL4DOUIK
-A KUBE-NODEPORTS -m comment --comment ns3/svc3:p80 -m tcp -p tcp --dport 3003 -j KUBE-EXT-X27LE4BHSL4DOUIK
-A KUBE-NODEPORTS -m comment --comment ns5/svc5:p80 -m tcp -p tcp -d 127.0.0.0/8 --dport 3002 -m nfacct --nfacct-name localhost_nps_accepted_pkts -j KUBE-EXT-NUKIZ6OKUXPJNT4C
-A KUBE-NODEPORTS -m comment --comment ns5/svc5:p80 -m tcp -p tcp --dport 3002 -j KUBE-EXT-NUKIZ6OKUXPJNT4C
-A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j KUBE-SVC-XPGD46QRK7WJZT7O
-A KUBE-SERVICES -m comment --comment "ns2/svc2:p80 cluster IP" -m tcp -p tcp -d 172.30.0.42 --dport 80 -j KUBE-SVC-GNZBNJ2PO5MGZ6GT
-A KUBE-SERVICES -m comment --comment "ns2/svc2:p80 external IP" -m tcp -p tcp -d 192.168.99.22 --dport 80 -j KUBE-EXT-GNZBNJ2PO5MGZ6GT
-A KUBE-SERVICES -m comment --comment "ns2/svc2:p80 loadbalancer IP" -m tcp -p tcp -d 1.2.3.4 --dport 80 -j KUBE-EXT-GNZBNJ2PO5MGZ6GT
-A KUBE-SERVICES -m comment --comment "ns3/svc3:p80 cluster IP" -m tcp -p tcp -d 172.30.0.43 --dport 80 -j KUBE-SVC-X27LE4BHSL4DOUIK
-A KUBE-SERVICES -m comment --comment "ns4/svc4:p80 cluster IP" -m tcp -p tcp -d 172.30.0.44 --dport 80 -j KUBE-SVC-4SW47YFZTEDKD3PK
-A KUBE-SERVICES -m comment --comment "ns4/svc4:p80 external IP" -m tcp -p tcp -d 192.168.99.33 --dport 80 -j KUBE-EXT-4SW47YFZTEDKD3PK
-A KUBE-SERVICES -m comment --comment "ns5/svc5:p80 cluster IP" -m tcp -p tcp -d 172.30.0.45 --dport 80 -j KUBE-SVC-NUKIZ6OKUXPJNT4C
-A KUBE-SERVICES -m comment --comment "ns5/svc5:p80 loadbalancer IP" -m tcp -p tcp -d 5.6.7.8 --dport 80 -j KUBE-FW-NUKIZ6OKUXPJNT4C
-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
-A KUBE-EXT-4SW47YFZTEDKD3PK -m comment --comment "masquerade traffic for ns4/svc4:p80 external destinations" -j KUBE-MARK-MASQ
-A KUBE-EXT-4SW47YFZTEDKD3PK -j KUBE-SVC-4SW47YFZTEDKD3PK
-A KUBE-EXT-GNZBNJ2PO5MGZ6GT -m comment --comment "pod traffic for ns2/svc2:p80 external destinations" -s 10.0.0.0/8 -j KUBE-SVC-GNZBNJ2PO5MGZ6GT
-A KUBE-EXT-GNZBNJ2PO5MGZ6GT -m comment --comment "masquerade LOCAL traffic for ns2/svc2:p80 external destinations" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ
-A KUBE-EXT-GNZBNJ2PO5MGZ6GT -m comment --comment "route LOCAL traffic for ns2/svc2:p80 external destinations" -m addrtype --src-type LOCAL -j KUBE-SVC-GNZBNJ2PO5MGZ6GT
-A KUBE-EXT-NUKIZ6OKUXPJNT4C -m comment --comment "masquerade traffic for ns5/svc5:p80 external destinations" -j KUBE-MARK-MASQ
-A KUBE-EXT-NUKIZ6OKUXPJNT4C -j KUBE-SVC-NUKIZ6OKUXPJNT4C
-A KUBE-EXT-X27LE4BHSL4DOUIK -m comment --comment "masquerade traffic for ns3/svc3:p80 external destinations" -j KUBE-MARK-MASQ
-A KUBE-EXT-X27LE4BHSL4DOUIK -j KUBE-SVC-X27LE4BHSL4DOUIK
-A KUBE-FW-NUKIZ6OKUXPJNT4C -m comment --comment "ns5/svc5:p80 loadbalancer IP" -s 203.0.113.0/25 -j KUBE-EXT-NUKIZ6OKUXPJNT4C
-A KUBE-FW-NUKIZ6OKUXPJNT4C -m comment --comment "other traffic to ns5/svc5:p80 will be dropped by KUBE-PROXY-FIREWALL"
${natFixed}
-A KUBE-SEP-C6EBXVWJJZMIWKLZ -m comment --comment ns4/svc4:p80 -s 10.180.0.5 -j KUBE-MARK-MASQ
-A KUBE-SEP-C6EBXVWJJZMIWKLZ -m comment --comment ns4/svc4:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.5:80
-A KUBE-SEP-I77PXRDZVX7PMWMN -m comment --comment ns5/svc5:p80 -s 10.180.0.3 -j KUBE-MARK-MASQ
-A KUBE-SEP-I77PXRDZVX7PMWMN -m comment --comment ns5/svc5:p80 -m recent --name KUBE-SEP-I77PXRDZVX7PMWMN --set -m tcp -p tcp -j DNAT --to-destination 10.180.0.3:80
-A KUBE-SEP-OYPFS5VJICHGATKP -m comment --comment ns3/svc3:p80 -s 10.180.0.3 -j KUBE-MARK-MASQ
-A KUBE-SEP-OYPFS5VJICHGATKP -m comment --comment ns3/svc3:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.3:80
-A KUBE-SEP-RS4RBKLTHTF2IUXJ -m comment --comment ns2/svc2:p80 -s 10.180.0.2 -j KUBE-MARK-MASQ
-A KUBE-SEP-RS4RBKLTHTF2IUXJ -m comment --comment ns2/svc2:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.2:80
-A KUBE-SEP-SXIVWICOYRO3J4NJ -m comment --comment ns1/svc1:p80 -s 10.180.0.1 -j KUBE-MARK-MASQ
-A KUBE-SEP-SXIVWICOYRO3J4NJ -m comment --comment ns1/svc1:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.1:80
-A KUBE-SEP-UKSFD7AGPMPPLUHC -m comment --comment ns4/svc4:p80 -s 10.180.0.4 -j KUBE-MARK-MASQ
-A KUBE-SEP-UKSFD7AGPMPPLUHC -m comment --comment ns4/svc4:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.4:80
-A KUBE-SVC-4SW47YFZTEDKD3PK -m comment --comment "ns4/svc4:p80 cluster IP" -m tcp -p tcp -d 172.30.0.44 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
-A KUBE-SVC-4SW47YFZTEDKD3PK -m comment --comment "ns4/svc4:p80 -> 10.180.0.4:80" -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-UKSFD7AGPMPPLUHC
-A KUBE-SVC-4SW47YFZTEDKD3PK -m comment --comment "ns4/svc4:p80 -> 10.180.0.5:80" -j KUBE-SEP-C6EBXVWJJZMIWKLZ
-A KUBE-SVC-GNZBNJ2PO5MGZ6GT -m comment --comment "ns2/svc2:p80 cluster IP" -m tcp -p tcp -d 172.30.0.42 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
-A KUBE-SVC-GNZBNJ2PO5MGZ6GT -m comment --comment "ns2/svc2:p80 -> 10.180.0.2:80" -j KUBE-SEP-RS4RBKLTHTF2IUXJ
-A KUBE-SVC-NUKIZ6OKUXPJNT4C -m comment --comment "ns5/svc5:p80 cluster IP" -m tcp -p tcp -d 172.30.0.45 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
-A KUBE-SVC-NUKIZ6OKUXPJNT4C -m comment --comment "ns5/svc5:p80 -> 10.180.0.3:80" -m recent --name KUBE-SEP-I77PXRDZVX7PMWMN --rcheck --seconds 10800 --reap -j KUBE-SEP-I77PXRDZVX7PMWMN
-A KUBE-SVC-NUKIZ6OKUXPJNT4C -m comment --comment "ns5/svc5:p80 -> 10.180.0.3:80" -j KUBE-SEP-I77PXRDZVX7PMWMN
-A KUBE-SVC-X27LE4BHSL4DOUIK -m comment --comment "ns3/svc3:p80 cluster IP" -m tcp -p tcp -d 172.30.0.43 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
-A KUBE-SVC-X27LE4BHSL4DOUIK -m comment --comment "ns3/svc3:p80 -> 10.180.0.3:80" -j KUBE-SEP-OYPFS5VJICHGATKP
-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 -> 10.180.0.1:80" -j KUBE-SEP-SXIVWICOYRO3J4NJ
COMMIT`,
    );
  });

  it('writes the restore input in upstream order: filter chains, rules, COMMIT, nat chains, rules, COMMIT', () => {
    const got = computeIptablesRestore({
      services: [e2eService()],
      endpointSlices: [e2eSlice(['test-node'])],
      node: testNode,
      config: { clusterCIDR: '10.244.0.0/16' },
    });
    const lines = got.trim().split('\n');
    expect(lines.slice(0, 7)).toEqual([
      '*filter',
      ':KUBE-SERVICES - [0:0]',
      ':KUBE-EXTERNAL-SERVICES - [0:0]',
      ':KUBE-FORWARD - [0:0]',
      ':KUBE-NODEPORTS - [0:0]',
      ':KUBE-PROXY-FIREWALL - [0:0]',
      ':KUBE-FIREWALL - [0:0]',
    ]);
    // Real kube-proxy formats the mark with %#08x and writes --random-fully.
    expect(got).toContain('-A KUBE-POSTROUTING -m mark ! --mark 0x00004000/0x00004000 -j RETURN\n');
    expect(got).toContain('-j MASQUERADE --random-fully\n');
    expect(lines[lines.length - 2]).toBe(nodeportsLast);
    expect(lines[lines.length - 1]).toBe('COMMIT');
  });
});

describe('endpoint selection', () => {
  const base = svc('ns', 's', { clusterIP: '10.96.0.20', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] });
  const sl = (eps: EndpointSlice['endpoints']) => slice('ns', 's', [{ name: 'http', port: 8080 }], eps);

  it('orders endpoints by their ip:port string (so 10.0.1.10:8080 comes before 10.0.1.1:8080)', () => {
    const got = computeIptablesRestore({
      services: [base],
      endpointSlices: [sl(['10.0.1.2', '10.0.1.10', '10.0.1.1'].map((ip) => ({ addresses: [ip] })))],
      node: testNode,
    });
    const order = [...got.matchAll(/"ns\/s:http -> ([\d.:]+)"/g)].map((m) => m[1]);
    expect(order).toEqual(['10.0.1.10:8080', '10.0.1.1:8080', '10.0.1.2:8080']);
  });

  it('uses only ready endpoints, falling back to serving terminating ones', () => {
    const cond = (ready: boolean, serving: boolean, terminating: boolean) => ({ ready, serving, terminating });
    const withReady = computeIptablesRestore({
      services: [base],
      endpointSlices: [
        sl([
          { addresses: ['10.0.0.1'], conditions: cond(true, true, false) },
          { addresses: ['10.0.0.2'], conditions: cond(false, true, true) },
          { addresses: ['10.0.0.3'], conditions: cond(false, false, false) },
        ]),
      ],
      node: testNode,
    });
    expect(withReady).toContain('--to-destination 10.0.0.1:8080');
    expect(withReady).not.toContain('10.0.0.2:8080');
    expect(withReady).not.toContain('10.0.0.3:8080');
    const onlyTerminating = computeIptablesRestore({
      services: [base],
      endpointSlices: [
        sl([
          { addresses: ['10.0.0.2'], conditions: cond(false, true, true) },
          { addresses: ['10.0.0.4'], conditions: cond(false, false, true) },
        ]),
      ],
      node: testNode,
    });
    expect(onlyTerminating).toContain('--to-destination 10.0.0.2:8080');
    expect(onlyTerminating).not.toContain('10.0.0.4:8080');
    const none = computeIptablesRestore({
      services: [base],
      endpointSlices: [sl([{ addresses: ['10.0.0.4'], conditions: cond(false, false, true) }])],
      node: testNode,
    });
    expect(none).toContain(
      '-A KUBE-SERVICES -m comment --comment "ns/s:http has no endpoints" -m tcp -p tcp -d 10.96.0.20 --dport 80 -j REJECT',
    );
  });

  it('drops endpoint comments above 1000 endpoints (large cluster mode)', () => {
    const eps = Array.from({ length: 1001 }, (_, i) => ({ addresses: [`10.1.${i >> 8}.${i & 255}`] }));
    const got = computeIptablesRestore({ services: [base], endpointSlices: [sl(eps)], node: testNode });
    expect(got).not.toContain('"ns/s:http -> ');
    expect(got).not.toMatch(/-A KUBE-SEP-\w+ -m comment/);
    expect(got).toMatch(/-A KUBE-SEP-\w+ -s 10\.1\.0\.0 -j KUBE-MARK-MASQ/);
    expect(got).toContain('-m comment --comment "ns/s:http cluster IP"');
    const small = computeIptablesRestore({
      services: [base],
      endpointSlices: [sl(eps.slice(0, 1000))],
      node: testNode,
    });
    expect(small).toContain('"ns/s:http -> 10.1.0.0:8080"');
  });
});

describe('syncs', () => {
  it('a partial sync rewrites only the changed service, and the diff lists what changed', () => {
    const p = new Proxier({ nodeName: 'n1', clusterCIDR: '10.244.0.0/16' });
    const mk = (name: string, ip: string) =>
      svc('default', name, { clusterIP: ip, ports: [{ name: '', port: 80, protocol: 'TCP' }] });
    p.onServiceUpdate(mk('a', '10.96.0.11'));
    p.onServiceUpdate(mk('b', '10.96.0.12'));
    p.onEndpointSliceUpdate(slice('default', 'a', [{ name: '', port: 80 }], [{ addresses: ['10.244.1.5'] }]));
    p.onEndpointSliceUpdate(slice('default', 'b', [{ name: '', port: 80 }], [{ addresses: ['10.244.1.6'] }]));
    const first = p.syncProxyRules();
    expect(first.fullSync).toBe(true);
    expect(first.diff.removed).toEqual([]);
    expect(first.diff.added.length).toBe(first.rules);
    const full = first.restoreInput;
    // Scale b to two endpoints.
    p.onEndpointSliceUpdate(
      slice('default', 'b', [{ name: '', port: 80 }], [{ addresses: ['10.244.1.6'] }, { addresses: ['10.244.2.7'] }]),
    );
    const second = p.syncProxyRules();
    expect(second.fullSync).toBe(false);
    expect(second.updatedServices).toEqual(['default/b']);
    // a's endpoint chain is not rewritten, its KUBE-SERVICES rule is.
    expect(second.restoreInput).not.toContain('10.244.1.5');
    expect(second.restoreInput).toContain('"default/a cluster IP"');
    expect(second.restoreInput).toContain('10.244.2.7');
    expect(second.diff.perChain[`nat/KUBE-SVC-${hash16('default/btcp')}`]).toEqual({ added: 2, removed: 1 });
    expect(second.diff.removed.map((r) => r.rule)).toEqual([
      `-A KUBE-SVC-${hash16('default/btcp')} -m comment --comment "default/b -> 10.244.1.6:80" -j KUBE-SEP-${hash16('default/btcp10.244.1.6:80')}`,
    ]);
    expect(second.diff.chainsAdded).toEqual([
      { table: 'nat', chain: `KUBE-SEP-${hash16('default/btcp10.244.2.7:80')}` },
    ]);
    // The complete ruleset equals a fresh full computation.
    expect(p.currentRules()).not.toBe(full);
    // Delete b: its chains are flushed and deleted in the restore input.
    p.onServiceDelete(mk('b', '10.96.0.12'));
    const third = p.syncProxyRules();
    expect(third.restoreInput).toContain(`-X KUBE-SVC-${hash16('default/btcp')}\n`);
    expect(third.restoreInput).toContain(`:KUBE-SVC-${hash16('default/btcp')} - [0:0]\n`);
    expect(p.currentRules()).not.toContain('default/b');
  });
});

describe('iptables-save', () => {
  it('normalises rules as iptables prints them', () => {
    const n = (line: string) => {
      const a = splitArgs(line);
      return normalizeRule(a[1] as string, a.slice(2));
    };
    expect(
      n(
        '-A KUBE-SERVICES -m comment --comment "default/kubernetes:https cluster IP" -m tcp -p tcp -d 10.96.0.1 --dport 443 -j KUBE-SVC-NPX46M4PTMTKRN6Y',
      ),
    ).toBe(
      '-A KUBE-SERVICES -d 10.96.0.1/32 -p tcp -m comment --comment "default/kubernetes:https cluster IP" -m tcp --dport 443 -j KUBE-SVC-NPX46M4PTMTKRN6Y',
    );
    expect(
      n(
        '-A KUBE-SVC-X -m comment --comment "default/my-nginx cluster IP" -m tcp -p tcp -d 10.96.86.215 --dport 80 ! -s 10.244.0.0/16 -j KUBE-MARK-MASQ',
      ),
    ).toBe(
      '-A KUBE-SVC-X ! -s 10.244.0.0/16 -d 10.96.86.215/32 -p tcp -m comment --comment "default/my-nginx cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ',
    );
    expect(n('-A KUBE-SEP-Y -m comment --comment default/my-nginx -s 10.244.3.3 -j KUBE-MARK-MASQ')).toBe(
      '-A KUBE-SEP-Y -s 10.244.3.3/32 -m comment --comment "default/my-nginx" -j KUBE-MARK-MASQ',
    );
    expect(
      n('-A KUBE-SEP-Y -m comment --comment default/my-nginx -m tcp -p tcp -j DNAT --to-destination 10.244.3.3:80'),
    ).toBe(
      '-A KUBE-SEP-Y -p tcp -m comment --comment "default/my-nginx" -m tcp -j DNAT --to-destination 10.244.3.3:80',
    );
    expect(n('-A KUBE-MARK-MASQ -j MARK --or-mark 0x00004000')).toBe(
      '-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000',
    );
    expect(n('-A KUBE-POSTROUTING -j MARK --xor-mark 0x00004000')).toBe(
      '-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0',
    );
    expect(n('-A KUBE-POSTROUTING -m mark ! --mark 0x00004000/0x00004000 -j RETURN')).toBe(
      '-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN',
    );
    expect(
      n(
        '-A KUBE-SVC-X -m comment --comment "default/web -> 10.244.1.10:80" -m statistic --mode random --probability 0.3333333333 -j KUBE-SEP-Y',
      ),
    ).toBe(
      '-A KUBE-SVC-X -m comment --comment "default/web -> 10.244.1.10:80" -m statistic --mode random --probability 0.33333333349 -j KUBE-SEP-Y',
    );
    expect(n('-A KUBE-SVC-X -m recent --name KUBE-SEP-Y --rcheck --seconds 10800 --reap -j KUBE-SEP-Y')).toBe(
      '-A KUBE-SVC-X -m recent --rcheck --seconds 10800 --reap --name KUBE-SEP-Y --mask 255.255.255.255 --rsource -j KUBE-SEP-Y',
    );
    expect(
      n('-A KUBE-SERVICES -m comment --comment "x has no endpoints" -m tcp -p tcp -d 10.96.0.5 --dport 80 -j REJECT'),
    ).toBe(
      '-A KUBE-SERVICES -d 10.96.0.5/32 -p tcp -m comment --comment "x has no endpoints" -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable',
    );
    expect(n('-A FOO -m comment --comment plain_word-1 -j ACCEPT')).toBe(
      '-A FOO -m comment --comment plain_word-1 -j ACCEPT',
    );
  });

  it('prints tables with kube-proxy jumps, canaries and a ctime header', () => {
    const restore = computeIptablesRestore({ services: [], endpointSlices: [], node: testNode });
    const out = iptablesSave(restore, { date: Date.UTC(2025, 0, 1, 9, 5, 3) });
    expect(out.split('\n')[0]).toBe('# Generated by iptables-nft-save v1.8.9 (nf_tables) on Wed Jan  1 09:05:03 2025');
    expect(out).toContain(
      '*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n:KUBE-MARK-MASQ - [0:0]\n:KUBE-NODEPORTS - [0:0]\n:KUBE-POSTROUTING - [0:0]\n:KUBE-PROXY-CANARY - [0:0]\n:KUBE-SERVICES - [0:0]\n-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES\n-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES\n-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING\n',
    );
    expect(out).toContain(
      '-A INPUT -j KUBE-FIREWALL\n-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL\n-A INPUT -m comment --comment "kubernetes health check service ports" -j KUBE-NODEPORTS\n-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES\n',
    );
    expect(out.indexOf('*mangle')).toBeLessThan(out.indexOf('*filter'));
    expect(out.indexOf('*filter')).toBeLessThan(out.indexOf('*nat'));
  });
});

describe('summarised diffs (the first sync of a large cluster)', () => {
  it('counts every rule per kind of chain, lists the first DIFF_DETAIL_MAX, without reading the rest', () => {
    const { result } = benchFullSync(500, 10);
    const d = result.diff;
    expect(d.truncated).toBe(true);
    expect(d.added).toHaveLength(DIFF_DETAIL_MAX);
    const total = Object.values(d.perChain).reduce((a, e) => a + e.added, 0);
    expect(total).toBe(result.rules);
    // 500 services × 10 endpoints: two rules per endpoint chain, one per endpoint in the SVC chains
    // (large-cluster mode, no comments) plus each SVC chain's masquerade rule.
    expect(d.perChain['nat/KUBE-SEP-*']).toEqual({ added: 10_000, removed: 0 });
    expect(d.perChain['nat/KUBE-SVC-*']).toEqual({ added: 5_500, removed: 0 });
    expect(d.perChain['nat/KUBE-SERVICES']).toEqual({ added: 501, removed: 0 });
  });
});
