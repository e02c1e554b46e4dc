/**
 * IPVS mode against the documented output formats (the kernel here has no ip_vs or ip_set, so
 * nothing is compared with a live table): a small cluster whose expected `ipvsadm -Ln`,
 * `ip addr show kube-ipvs0`, `ipset list` and iptables-restore text were worked out by hand from
 * pkg/proxy/ipvs/proxier.go, ipvsadm.c and ipset's session.c; then schedulers, external and
 * load-balancer addresses, Local policy, and incremental syncs with their diffs.
 */
import { describe, expect, it } from 'vitest';
import { ipsetListText, memsize } from './ipset.ts';
import { computeIpvsState, IpvsProxier, type IpvsProxierConfig, ipvsProxierFor } from './ipvs.ts';
import { cmpServices, glibcQsort, ipAddrShow, ipvsadmList, NO_KUBE_IPVS0, type VirtualServer } from './ipvsadm.ts';
import type { EndpointSlice, Service, SliceEndpoint } from './types.ts';

const NODE = { name: 'kind-worker', ip: '172.18.0.3' };

function svc(name: string, spec: Service['spec'], status?: Service['status']): Service {
  return { metadata: { namespace: 'default', name }, spec, ...(status ? { status } : {}) };
}

function slice(
  service: string,
  ports: { name: string; port: number; protocol?: string }[],
  endpoints: SliceEndpoint[],
  name = `${service}-abcde`,
): EndpointSlice {
  return {
    metadata: { namespace: 'default', name, labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4',
    ports: ports.map((p) => ({ protocol: 'TCP', ...p })),
    endpoints,
  };
}

const ep = (ip: string, nodeName: string, ready = true): SliceEndpoint => ({
  addresses: [ip],
  conditions: { ready, serving: ready, terminating: false },
  nodeName,
});

/** A small cluster: the kubernetes Service, a NodePort with a not-ready pod, ClientIP affinity, no endpoints, headless. */
function smallCluster() {
  return {
    node: NODE,
    services: [
      svc('kubernetes', { type: 'ClusterIP', clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443 }] }),
      svc('web', {
        type: 'NodePort',
        clusterIP: '10.96.100.10',
        ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30080 }],
      }),
      svc('sticky', {
        clusterIP: '10.96.100.20',
        sessionAffinity: 'ClientIP',
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 600 } },
        ports: [{ protocol: 'TCP', port: 8080 }],
      }),
      svc('lonely', { clusterIP: '10.96.100.30', ports: [{ name: 'dns', protocol: 'UDP', port: 53 }] }),
      svc('db', { clusterIP: 'None', ports: [{ port: 5432 }] }),
    ],
    endpointSlices: [
      slice('kubernetes', [{ name: 'https', port: 6443 }], [ep('172.18.0.2', 'kind-control-plane')]),
      slice(
        'web',
        [{ name: 'http', port: 8080 }],
        [ep('10.244.1.5', 'kind-worker'), ep('10.244.2.7', 'kind-worker2'), ep('10.244.2.10', 'kind-worker2', false)],
      ),
      slice('sticky', [{ name: '', port: 8080 }], [ep('10.244.1.6', 'kind-worker')]),
      slice('db', [{ name: '', port: 5432 }], [ep('10.244.1.9', 'kind-worker')]),
    ],
  };
}

/** The lines of `ipvsadm -Ln` with the padding ipvsadm prints kept visible as `|` line ends. */
function visible(text: string): string {
  return text.replace(/\n/g, '|\n');
}

describe('IPVS mode: a small cluster, by hand', () => {
  const state = computeIpvsState(smallCluster());

  it('ipvsadm -Ln: sorted by protocol, address (as libipvs subtracts) and port; rr; persistence; padded columns', () => {
    const expected = [
      'IP Virtual Server version 1.2.1 (size=4096)',
      'Prot LocalAddress:Port Scheduler Flags',
      '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn',
      // 172.18.0.3 - 10.96.0.1 does not fit in an int: it wraps negative, so the NodePort comes first.
      'TCP  172.18.0.3:30080 rr',
      '  -> 10.244.1.5:8080              Masq    1      0          0         ',
      '  -> 10.244.2.7:8080              Masq    1      0          0         ',
      'TCP  10.96.0.1:443 rr',
      '  -> 172.18.0.2:6443              Masq    1      0          0         ',
      'TCP  10.96.100.10:80 rr',
      '  -> 10.244.1.5:8080              Masq    1      0          0         ',
      '  -> 10.244.2.7:8080              Masq    1      0          0         ',
      'TCP  10.96.100.20:8080 rr persistent 600',
      '  -> 10.244.1.6:8080              Masq    1      0          0         ',
      // No endpoints: the virtual server exists without real servers. The headless db has none.
      'UDP  10.96.100.30:53 rr',
      '',
    ].join('\n');
    expect(visible(ipvsadmList(state.virtualServers))).toBe(visible(expected));
  });

  it('ipvsadm -Ln --stats: counters, all zero', () => {
    const text = ipvsadmList(state.virtualServers, { stats: true });
    expect(text.split('\n').slice(0, 6)).toEqual([
      'IP Virtual Server version 1.2.1 (size=4096)',
      'Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes',
      '  -> RemoteAddress:Port',
      'TCP  172.18.0.3:30080                    0        0        0        0        0',
      '  -> 10.244.1.5:8080                     0        0        0        0        0',
      '  -> 10.244.2.7:8080                     0        0        0        0        0',
    ]);
  });

  it('ip addr show kube-ipvs0: every ClusterIP as a /32, in the order they were bound', () => {
    const text = ipAddrShow(state.dummy);
    const lines = text.split('\n');
    expect(lines[0]).toBe('3: kube-ipvs0: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN group default ');
    expect(lines[1]).toMatch(/^ {4}link\/ether [0-9a-f]{2}(:[0-9a-f]{2}){5} brd ff:ff:ff:ff:ff:ff$/);
    // A locally administered unicast MAC.
    expect(Number.parseInt(lines[1]?.slice(15, 17) ?? '', 16) & 0x03).toBe(0x02);
    expect(lines.slice(2).join('\n')).toBe(
      [
        '    inet 10.96.0.1/32 scope global kube-ipvs0',
        '       valid_lft forever preferred_lft forever',
        '    inet 10.96.100.30/32 scope global kube-ipvs0',
        '       valid_lft forever preferred_lft forever',
        '    inet 10.96.100.20/32 scope global kube-ipvs0',
        '       valid_lft forever preferred_lft forever',
        '    inet 10.96.100.10/32 scope global kube-ipvs0',
        '       valid_lft forever preferred_lft forever',
        '',
      ].join('\n'),
    );
    expect(NO_KUBE_IPVS0).toBe('Device "kube-ipvs0" does not exist.\n');
  });

  it('ipset list: all seventeen sets in ipsetInfo order, with their members', () => {
    const text = ipsetListText(state.ipsets, NODE.name);
    expect([...text.matchAll(/^Name: (\S+)$/gm)].map((m) => m[1])).toEqual([
      'KUBE-LOOP-BACK',
      'KUBE-CLUSTER-IP',
      'KUBE-EXTERNAL-IP',
      'KUBE-EXTERNAL-IP-LOCAL',
      'KUBE-LOAD-BALANCER',
      'KUBE-LOAD-BALANCER-FW',
      'KUBE-LOAD-BALANCER-LOCAL',
      'KUBE-LOAD-BALANCER-SOURCE-IP',
      'KUBE-LOAD-BALANCER-SOURCE-CIDR',
      'KUBE-NODE-PORT-TCP',
      'KUBE-NODE-PORT-LOCAL-TCP',
      'KUBE-NODE-PORT-UDP',
      'KUBE-NODE-PORT-LOCAL-UDP',
      'KUBE-NODE-PORT-SCTP-HASH',
      'KUBE-NODE-PORT-LOCAL-SCTP-HASH',
      'KUBE-HEALTH-CHECK-NODE-PORT',
      'KUBE-IPVS-IPS',
    ]);
    const block = (name: string) => {
      const start = text.indexOf(`Name: ${name}\n`);
      const end = text.indexOf('\n\nName: ', start);
      return text.slice(start, end < 0 ? undefined : end + 1).replace(/initval 0x[0-9a-f]{8}/, 'initval 0x…');
    };
    // Local endpoints only (the not-ready one is on another node), for hairpin masquerade.
    expect(block('KUBE-LOOP-BACK')).toBe(
      [
        'Name: KUBE-LOOP-BACK',
        'Type: hash:ip,port,ip',
        'Revision: 6',
        'Header: family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0x…',
        'Size in memory: 240',
        'References: 1',
        'Number of entries: 2',
        'Members:',
        '10.244.1.5,tcp:8080,10.244.1.5',
        '10.244.1.6,tcp:8080,10.244.1.6',
        '',
      ].join('\n'),
    );
    // Referenced by the masquerade rule, the ACCEPT rule and KUBE-IPVS-FILTER.
    expect(block('KUBE-CLUSTER-IP')).toBe(
      [
        'Name: KUBE-CLUSTER-IP',
        'Type: hash:ip,port',
        'Revision: 7',
        'Header: family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0x…',
        'Size in memory: 264',
        'References: 3',
        'Number of entries: 4',
        'Members:',
        '10.96.0.1,tcp:443',
        '10.96.100.10,tcp:80',
        '10.96.100.20,tcp:8080',
        '10.96.100.30,udp:53',
        '',
      ].join('\n'),
    );
    expect(block('KUBE-NODE-PORT-TCP')).toBe(
      [
        'Name: KUBE-NODE-PORT-TCP',
        'Type: bitmap:port',
        'Revision: 3',
        'Header: range 0-65535',
        'Size in memory: 8268',
        'References: 1',
        'Number of entries: 1',
        'Members:',
        '30080',
        '',
      ].join('\n'),
    );
    expect(block('KUBE-NODE-PORT-UDP')).toContain('References: 0\nNumber of entries: 0\nMembers:\n');
    expect(block('KUBE-IPVS-IPS')).toContain('Type: hash:ip\nRevision: 6\n');
    expect(block('KUBE-IPVS-IPS')).toMatch(
      /Number of entries: 4\nMembers:\n10\.96\.0\.1\n10\.96\.100\.10\n10\.96\.100\.20\n10\.96\.100\.30\n$/,
    );
    // The initval is a fixed function of node and set (the kernel draws it at random).
    expect(ipsetListText(state.ipsets, NODE.name)).toBe(text);
    expect(ipsetListText([], NODE.name)).toBe('');
  });

  it('iptables-restore input: nat then filter, constant-size rules over the non-empty sets', () => {
    expect(state.restoreInput).toBe(
      [
        '*nat',
        ':KUBE-SERVICES - [0:0]',
        ':KUBE-POSTROUTING - [0:0]',
        ':KUBE-NODE-PORT - [0:0]',
        ':KUBE-LOAD-BALANCER - [0:0]',
        ':KUBE-MARK-MASQ - [0:0]',
        '-A KUBE-SERVICES -s 127.0.0.0/8 -j RETURN',
        '-A KUBE-POSTROUTING -m comment --comment "Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose" -m set --match-set KUBE-LOOP-BACK dst,dst,src -j MASQUERADE',
        '-A KUBE-NODE-PORT -p tcp -m comment --comment "Kubernetes nodeport TCP port for masquerade purpose" -m set --match-set KUBE-NODE-PORT-TCP dst -j KUBE-MARK-MASQ',
        '-A KUBE-SERVICES -m comment --comment "Kubernetes service cluster ip + port for masquerade purpose" -m set --match-set KUBE-CLUSTER-IP dst,dst ! -s 10.244.0.0/16 -j KUBE-MARK-MASQ',
        '-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODE-PORT',
        '-A KUBE-LOAD-BALANCER -j KUBE-MARK-MASQ',
        '-A KUBE-SERVICES -m set --match-set KUBE-CLUSTER-IP dst,dst -j ACCEPT',
        '-A KUBE-POSTROUTING -m mark ! --mark 0x00004000/0x00004000 -j RETURN',
        '-A KUBE-POSTROUTING -j MARK --xor-mark 0x00004000',
        '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully',
        '-A KUBE-MARK-MASQ -j MARK --or-mark 0x00004000',
        'COMMIT',
        '*filter',
        ':KUBE-FORWARD - [0:0]',
        ':KUBE-NODE-PORT - [0:0]',
        ':KUBE-PROXY-FIREWALL - [0:0]',
        ':KUBE-SOURCE-RANGES-FIREWALL - [0:0]',
        ':KUBE-IPVS-FILTER - [0:0]',
        ':KUBE-IPVS-OUT-FILTER - [0:0]',
        '-A KUBE-SOURCE-RANGES-FIREWALL -j DROP',
        '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x00004000/0x00004000 -j ACCEPT',
        '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
        '-A KUBE-NODE-PORT -m comment --comment "Kubernetes health check node port" -m set --match-set KUBE-HEALTH-CHECK-NODE-PORT dst -j ACCEPT',
        '-A KUBE-IPVS-FILTER -m set --match-set KUBE-LOAD-BALANCER dst,dst -j RETURN',
        '-A KUBE-IPVS-FILTER -m set --match-set KUBE-CLUSTER-IP dst,dst -j RETURN',
        '-A KUBE-IPVS-FILTER -m set --match-set KUBE-EXTERNAL-IP dst,dst -j RETURN',
        '-A KUBE-IPVS-FILTER -m set --match-set KUBE-EXTERNAL-IP-LOCAL dst,dst -j RETURN',
        '-A KUBE-IPVS-FILTER -m set --match-set KUBE-HEALTH-CHECK-NODE-PORT dst -j RETURN',
        '-A KUBE-IPVS-FILTER -m conntrack --ctstate NEW -m set --match-set KUBE-IPVS-IPS dst -j REJECT',
        'COMMIT',
        '',
      ].join('\n'),
    );
  });

  it('masqueradeAll and no local detector change only the KUBE-CLUSTER-IP masquerade rule', () => {
    const rule = (config: Partial<IpvsProxierConfig>) =>
      computeIpvsState({ ...smallCluster(), config })
        .restoreInput.split('\n')
        .find((l) => l.includes('--match-set KUBE-CLUSTER-IP') && l.includes('KUBE-MARK-MASQ'));
    expect(rule({ masqueradeAll: true })).toMatch(/--match-set KUBE-CLUSTER-IP dst,dst -j KUBE-MARK-MASQ$/);
    expect(rule({ clusterCIDR: '' })).toMatch(/--match-set KUBE-CLUSTER-IP src,dst -j KUBE-MARK-MASQ$/);
    expect(computeIpvsState({ ...smallCluster(), config: { randomFully: false } }).restoreInput).toContain(
      '-j MASQUERADE\n',
    );
  });
});

describe('IPVS mode: schedulers, addresses and policies', () => {
  it('the configured scheduler is on every virtual server; mh also sets the source-hash flag', () => {
    for (const scheduler of ['wrr', 'lc', 'wlc', 'dh', 'sh', 'sed', 'nq']) {
      const st = computeIpvsState({ ...smallCluster(), config: { scheduler } });
      expect(new Set(st.virtualServers.map((v) => v.scheduler))).toEqual(new Set([scheduler]));
      expect(ipvsadmList(st.virtualServers)).toContain(`TCP  10.96.100.20:8080 ${scheduler} persistent 600\n`);
    }
    const mh = computeIpvsState({ ...smallCluster(), config: { scheduler: 'mh' } });
    expect(mh.virtualServers.every((v) => (v.flags & 0x10) === 0x10)).toBe(true);
    expect(ipvsadmList(mh.virtualServers)).toContain('TCP  10.96.0.1:443 mh (mh-port)\n');
    expect(new IpvsProxier({ scheduler: '' }).scheduler).toBe('rr');
  });

  it('external IPs, load-balancer IPs with source ranges, and an SCTP NodePort', () => {
    const st = computeIpvsState({
      node: NODE,
      services: [
        svc('ext', {
          clusterIP: '10.96.5.5',
          externalIPs: ['192.0.2.10', '172.18.0.3'],
          ports: [{ name: 'http', protocol: 'TCP', port: 80 }],
        }),
        svc(
          'lb',
          {
            type: 'LoadBalancer',
            clusterIP: '10.96.6.6',
            loadBalancerSourceRanges: ['203.0.113.0/24'],
            ports: [{ name: 'http', protocol: 'TCP', port: 80, nodePort: 31000 }],
          },
          { loadBalancer: { ingress: [{ ip: '172.18.255.200' }] } },
        ),
        svc(
          'lb-node',
          {
            type: 'LoadBalancer',
            clusterIP: '10.96.7.7',
            loadBalancerSourceRanges: ['172.18.0.0/16'],
            ports: [{ name: 'http', protocol: 'TCP', port: 81, nodePort: 31001 }],
          },
          { loadBalancer: { ingress: [{ ip: '172.18.255.201' }] } },
        ),
        svc('sig', {
          type: 'NodePort',
          clusterIP: '10.96.8.8',
          ports: [{ name: 's', protocol: 'SCTP', port: 9000, nodePort: 32000 }],
        }),
      ],
      endpointSlices: [slice('ext', [{ name: 'http', port: 80 }], [ep('10.244.2.3', 'kind-worker2')])],
    });
    const sets = Object.fromEntries(st.ipsets.map((s) => [s.name, s.entries]));
    expect(sets['KUBE-EXTERNAL-IP']).toEqual(['192.0.2.10,tcp:80', '172.18.0.3,tcp:80']);
    expect(sets['KUBE-LOAD-BALANCER']).toEqual(['172.18.255.200,tcp:80', '172.18.255.201,tcp:81']);
    expect(sets['KUBE-LOAD-BALANCER-FW']).toEqual(['172.18.255.200,tcp:80', '172.18.255.201,tcp:81']);
    expect(sets['KUBE-LOAD-BALANCER-SOURCE-CIDR']).toEqual([
      '172.18.255.200,tcp:80,203.0.113.0/24',
      '172.18.255.201,tcp:81,172.18.0.0/16',
    ]);
    // The node (172.18.0.3) is inside lb-node's range: its own address is let through too.
    expect(sets['KUBE-LOAD-BALANCER-SOURCE-IP']).toEqual(['172.18.255.201,tcp:81,172.18.255.201']);
    expect(sets['KUBE-NODE-PORT-TCP']).toEqual(['31000', '31001']);
    expect(sets['KUBE-NODE-PORT-SCTP-HASH']).toEqual(['172.18.0.3,sctp:32000']);
    // The node's own address (an external IP it owns) is not bound to kube-ipvs0.
    expect(st.dummy.addresses).toEqual([
      '10.96.5.5',
      '192.0.2.10',
      '10.96.6.6',
      '172.18.255.200',
      '10.96.7.7',
      '172.18.255.201',
      '10.96.8.8',
    ]);
    expect(sets['KUBE-IPVS-IPS']).toEqual(st.dummy.addresses);
    const rules = st.restoreInput;
    expect(rules).toContain(
      '-A KUBE-SERVICES -m comment --comment "Kubernetes service external ip + port for masquerade and filter purpose" -m set --match-set KUBE-EXTERNAL-IP dst,dst -j KUBE-MARK-MASQ\n' +
        '-A KUBE-SERVICES -m comment --comment "Kubernetes service external ip + port for masquerade and filter purpose" -m set --match-set KUBE-EXTERNAL-IP dst,dst -m physdev ! --physdev-is-in -m addrtype ! --src-type LOCAL -j ACCEPT\n' +
        '-A KUBE-SERVICES -m comment --comment "Kubernetes service external ip + port for masquerade and filter purpose" -m set --match-set KUBE-EXTERNAL-IP dst,dst -m addrtype --dst-type LOCAL -j ACCEPT\n',
    );
    expect(rules).toContain(
      '-A KUBE-SERVICES -m comment --comment "Kubernetes service lb portal" -m set --match-set KUBE-LOAD-BALANCER dst,dst -j KUBE-LOAD-BALANCER\n',
    );
    expect(rules).toContain(
      '-A KUBE-NODE-PORT -p sctp -m comment --comment "Kubernetes nodeport SCTP port for masquerade purpose with type \'hash ip:port\'" -m set --match-set KUBE-NODE-PORT-SCTP-HASH dst,dst -j KUBE-MARK-MASQ\n',
    );
    expect(rules).toContain(
      '-A KUBE-PROXY-FIREWALL -m comment --comment "Kubernetes service load balancer ip + port for load balancer with sourceRange" -m set --match-set KUBE-LOAD-BALANCER-FW dst,dst -j KUBE-SOURCE-RANGES-FIREWALL\n' +
        '-A KUBE-SOURCE-RANGES-FIREWALL -m comment --comment "Kubernetes service load balancer ip + port + source cidr for packet filter purpose" -m set --match-set KUBE-LOAD-BALANCER-SOURCE-CIDR dst,dst,src -j RETURN\n' +
        '-A KUBE-SOURCE-RANGES-FIREWALL -m comment --comment "Kubernetes service load balancer ip + port + source IP for packet filter purpose" -m set --match-set KUBE-LOAD-BALANCER-SOURCE-IP dst,dst,src -j RETURN\n' +
        '-A KUBE-SOURCE-RANGES-FIREWALL -j DROP\n' +
        '-A KUBE-IPVS-OUT-FILTER -s 172.18.255.200 -m ipvs --vaddr 172.18.255.200 --vproto tcp --vport 80 -j DROP\n',
    );
    expect(rules).toContain(
      '-A KUBE-SERVICES -m set --match-set KUBE-CLUSTER-IP dst,dst -j ACCEPT\n-A KUBE-SERVICES -m set --match-set KUBE-LOAD-BALANCER dst,dst -j ACCEPT\n',
    );
    const text = ipvsadmList(st.virtualServers);
    expect(text).toContain(
      'TCP  192.0.2.10:80 rr\n  -> 10.244.2.3:80                Masq    1      0          0         \n',
    );
    expect(text).toContain('TCP  172.18.255.200:80 rr\nTCP  172.18.255.201:81 rr\n');
    // SCTP after UDP after TCP (protocol numbers 132, 17, 6).
    expect(text.trimEnd().split('\n').pop()).toBe('SCTP  10.96.8.8:9000 rr');
  });

  it('externalTrafficPolicy Local: the -LOCAL sets, and NodePort real servers from this node only', () => {
    const st = computeIpvsState({
      node: NODE,
      services: [
        svc('local', {
          type: 'NodePort',
          clusterIP: '10.96.9.9',
          externalTrafficPolicy: 'Local',
          ports: [{ name: 'http', protocol: 'TCP', port: 80, nodePort: 30090 }],
        }),
      ],
      endpointSlices: [
        slice(
          'local',
          [{ name: 'http', port: 80 }],
          [ep('10.244.1.3', 'kind-worker'), ep('10.244.2.3', 'kind-worker2')],
        ),
      ],
    });
    const sets = Object.fromEntries(st.ipsets.map((s) => [s.name, s.entries]));
    expect(sets['KUBE-NODE-PORT-LOCAL-TCP']).toEqual(['30090']);
    expect(sets['KUBE-NODE-PORT-TCP']).toEqual(['30090']);
    const rs = (addr: string) =>
      st.virtualServers.find((v) => v.address === addr)?.realServers.map((r) => `${r.address}:${r.port}`);
    expect(rs('10.96.9.9')).toEqual(['10.244.1.3:80', '10.244.2.3:80']);
    expect(rs('172.18.0.3')).toEqual(['10.244.1.3:80']);
    // The Local RETURN comes before the masquerade jump (ipsetWithIptablesChain order).
    expect(st.restoreInput).toContain(
      '-A KUBE-NODE-PORT -p tcp -m comment --comment "Kubernetes nodeport TCP port with externalTrafficPolicy=local" -m set --match-set KUBE-NODE-PORT-LOCAL-TCP dst -j RETURN\n' +
        '-A KUBE-NODE-PORT -p tcp -m comment --comment "Kubernetes nodeport TCP port for masquerade purpose" -m set --match-set KUBE-NODE-PORT-TCP dst -j KUBE-MARK-MASQ\n',
    );
    // Without local endpoints the cluster ones are used (pkg/proxy/ipvs: kubernetes#97081).
    const other = computeIpvsState({
      node: { name: 'kind-control-plane', ip: '172.18.0.2' },
      services: [
        svc('local', {
          type: 'NodePort',
          clusterIP: '10.96.9.9',
          externalTrafficPolicy: 'Local',
          ports: [{ name: 'http', protocol: 'TCP', port: 80, nodePort: 30090 }],
        }),
      ],
      endpointSlices: [slice('local', [{ name: 'http', port: 80 }], [ep('10.244.1.3', 'kind-worker')])],
    });
    expect(other.virtualServers.find((v) => v.address === '172.18.0.2')?.realServers).toEqual([
      { address: '10.244.1.3', port: 80, weight: 1 },
    ]);
  });

  it('nodePortAddresses picks the node addresses NodePort virtual servers are made on', () => {
    const cluster = { ...smallCluster(), config: { nodeAddresses: ['172.18.0.3', '10.244.1.1', '127.0.0.1'] } };
    const all = computeIpvsState(cluster)
      .virtualServers.filter((v) => v.port === 30080)
      .map((v) => v.address);
    expect(all).toEqual(['172.18.0.3', '10.244.1.1']);
    const some = computeIpvsState({ ...cluster, config: { ...cluster.config, nodePortAddresses: ['10.244.0.0/16'] } });
    expect(some.virtualServers.filter((v) => v.port === 30080).map((v) => v.address)).toEqual(['10.244.1.1']);
  });
});

describe('IPVS mode: incremental syncs', () => {
  it('an endpoint change adds and removes real servers and loop-back entries; addresses keep their order', () => {
    const p = ipvsProxierFor(smallCluster());
    const first = p.syncProxyRules();
    expect(first.changed).toBe(true);
    expect(first.diff.virtualServersAdded).toHaveLength(5);
    expect(first.diff.addressesAdded).toEqual(['10.96.0.1', '10.96.100.30', '10.96.100.20', '10.96.100.10']);

    // Nothing changed: a periodic resync leaves the kernel as it is.
    const again = p.syncProxyRules();
    expect(again.changed).toBe(false);
    expect(again.added + again.removed).toBe(0);

    // web: 10.244.1.5 goes, 10.244.1.8 (local) comes.
    p.onEndpointSliceUpdate(
      slice('web', [{ name: 'http', port: 8080 }], [ep('10.244.1.8', 'kind-worker'), ep('10.244.2.7', 'kind-worker2')]),
    );
    const r = p.syncProxyRules();
    expect(r.changed).toBe(true);
    expect(r.diff.realServersAdded.sort()).toEqual([
      '10.96.100.10:80/TCP -> 10.244.1.8:8080',
      '172.18.0.3:30080/TCP -> 10.244.1.8:8080',
    ]);
    expect(r.diff.realServersRemoved.sort()).toEqual([
      '10.96.100.10:80/TCP -> 10.244.1.5:8080',
      '172.18.0.3:30080/TCP -> 10.244.1.5:8080',
    ]);
    expect(r.diff.ipsetEntriesAdded).toEqual([{ set: 'KUBE-LOOP-BACK', entry: '10.244.1.8,tcp:8080,10.244.1.8' }]);
    expect(r.diff.ipsetEntriesRemoved).toEqual([{ set: 'KUBE-LOOP-BACK', entry: '10.244.1.5,tcp:8080,10.244.1.5' }]);
    expect(r.diff.virtualServersAdded).toEqual([]);
    expect(r.diff.rulesAdded).toEqual([]);
    expect(r.added).toBe(3);
    expect(r.removed).toBe(3);

    // A new Service's ClusterIP is appended to kube-ipvs0; a deleted one is removed, the rest stay put.
    p.onServiceUpdate(svc('aaa', { clusterIP: '10.96.200.1', ports: [{ name: 'x', protocol: 'TCP', port: 1 }] }));
    p.onServiceDelete(svc('sticky', {}));
    const s = p.syncProxyRules();
    expect(s.state.dummy.addresses).toEqual(['10.96.0.1', '10.96.100.30', '10.96.100.10', '10.96.200.1']);
    expect(s.diff.addressesAdded).toEqual(['10.96.200.1']);
    expect(s.diff.addressesRemoved).toEqual(['10.96.100.20']);
    expect(s.diff.virtualServersRemoved).toEqual(['10.96.100.20:8080/TCP']);
    expect(s.diff.ipsetEntriesRemoved).toContainEqual({ set: 'KUBE-IPVS-IPS', entry: '10.96.100.20' });

    // Affinity switched on: the virtual server is updated in place.
    p.onServiceUpdate(
      svc('aaa', {
        clusterIP: '10.96.200.1',
        sessionAffinity: 'ClientIP',
        ports: [{ name: 'x', protocol: 'TCP', port: 1 }],
      }),
    );
    const u = p.syncProxyRules();
    expect(u.diff.virtualServersUpdated).toEqual(['10.96.200.1:1/TCP']);
    expect(ipvsadmList(u.state.virtualServers)).toContain('TCP  10.96.200.1:1 rr persistent 10800\n');

    // The last NodePort goes: its set empties and the iptables jump over it with it.
    p.onServiceDelete(svc('web', {}));
    const w = p.syncProxyRules();
    expect(w.diff.rulesRemoved.map((x) => x.rule)).toEqual([
      '-A KUBE-POSTROUTING -m comment --comment "Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose" -m set --match-set KUBE-LOOP-BACK dst,dst,src -j MASQUERADE',
      '-A KUBE-NODE-PORT -p tcp -m comment --comment "Kubernetes nodeport TCP port for masquerade purpose" -m set --match-set KUBE-NODE-PORT-TCP dst -j KUBE-MARK-MASQ',
    ]);
  });
});

describe('ipvsadm and ipset printing details', () => {
  const vs = (address: string, port: number, protocol: VirtualServer['protocol'] = 'TCP'): VirtualServer => ({
    protocol,
    address,
    port,
    scheduler: 'rr',
    flags: 0,
    timeout: 0,
    realServers: [],
  });

  it('libipvs compares addresses by int subtraction, which wraps for addresses 2^31 apart', () => {
    const sorted = glibcQsort(
      [vs('10.96.0.10', 53), vs('10.96.0.1', 443), vs('172.18.0.2', 30000), vs('10.96.0.10', 9153)],
      cmpServices,
    );
    expect(sorted.map((v) => `${v.address}:${v.port}`)).toEqual([
      '172.18.0.2:30000',
      '10.96.0.1:443',
      '10.96.0.10:53',
      '10.96.0.10:9153',
    ]);
  });

  it('a node without virtual servers prints the version and the title only', () => {
    expect(ipvsadmList([])).toBe(
      'IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n',
    );
  });

  it('the real server column is 28 wide: the longest IPv4 address:port still leaves padding', () => {
    const v = { ...vs('10.96.0.1', 80), realServers: [{ address: '255.255.255.255', port: 65535, weight: 1 }] };
    expect(ipvsadmList([v]).split('\n')[4]).toBe(
      '  -> 255.255.255.255:65535        Masq    1      0          0         ',
    );
  });

  it('bitmap sets have a fixed size in memory; hash sets grow', () => {
    expect(memsize('bitmap:port', 0)).toBe(8268);
    expect(memsize('bitmap:port', 100)).toBe(8268);
    expect(memsize('hash:ip,port', 10)).toBeGreaterThan(memsize('hash:ip,port', 0));
  });
});
