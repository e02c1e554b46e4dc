import { describe, expect, it } from 'vitest';
import { answer, clusterView, podDnsConfig, resolvConf, searchCandidates } from './dns.ts';

const view = clusterView(
  [
    { metadata: { namespace: 'default', name: 'web' }, spec: { clusterIP: '10.96.5.5', type: 'ClusterIP' } },
    { metadata: { namespace: 'default', name: 'db' }, spec: { clusterIP: 'None', type: 'ClusterIP' } },
    { metadata: { namespace: 'default', name: 'ext' }, spec: { type: 'ExternalName', externalName: 'example.com' } },
  ],
  [
    {
      metadata: { namespace: 'default', labels: { 'kubernetes.io/service-name': 'db' } },
      addressType: 'IPv4',
      endpoints: [
        { addresses: ['10.244.1.7'], hostname: 'db-0', conditions: { ready: true } },
        { addresses: ['10.244.2.8'], hostname: 'db-1', conditions: { ready: false } },
      ],
    },
  ],
);

describe('cluster DNS', () => {
  it('resolv.conf for ClusterFirst, Default, and a host-network pod', () => {
    expect(resolvConf(podDnsConfig('team', {}))).toBe(
      'search team.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n',
    );
    expect(podDnsConfig('x', { dnsPolicy: 'Default' }).nameservers).toEqual(['172.18.0.1']);
    expect(podDnsConfig('x', { hostNetwork: true }).nameservers).toEqual(['172.18.0.1']);
    expect(podDnsConfig('x', { hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }).nameservers).toEqual([
      '10.96.0.10',
    ]);
  });

  it('search path: fewer dots than ndots try the search domains first', () => {
    const c = podDnsConfig('default', {});
    expect(searchCandidates('web', c)).toEqual([
      'web.default.svc.cluster.local',
      'web.svc.cluster.local',
      'web.cluster.local',
      'web',
    ]);
    expect(searchCandidates('a.b.c.d.e.f', c)[0]).toBe('a.b.c.d.e.f');
    expect(searchCandidates('web.default.svc.cluster.local.', c)).toEqual(['web.default.svc.cluster.local']);
  });

  it('the kubernetes plugin: ClusterIP, headless endpoints, pod names, NXDOMAIN and NODATA, TTL 30', () => {
    const a = answer({ name: 'web.default.svc.cluster.local', type: 'A' }, view);
    expect(a).toEqual({
      question: { name: 'web.default.svc.cluster.local', type: 'A' },
      rcode: 'NOERROR',
      aa: true,
      records: [{ name: 'web.default.svc.cluster.local.', type: 'A', ttl: 30, data: '10.96.5.5' }],
    });
    expect(answer({ name: 'web.default.svc.cluster.local', type: 'AAAA' }, view)).toMatchObject({
      rcode: 'NOERROR',
      records: [],
    });
    expect(answer({ name: 'db.default.svc.cluster.local', type: 'A' }, view).records.map((r) => r.data)).toEqual([
      '10.244.1.7',
    ]);
    expect(answer({ name: 'db-0.db.default.svc.cluster.local', type: 'A' }, view).records[0]?.data).toBe('10.244.1.7');
    expect(answer({ name: '10-244-3-4.default.pod.cluster.local', type: 'A' }, view).records[0]?.data).toBe(
      '10.244.3.4',
    );
    expect(answer({ name: 'web.svc.cluster.local', type: 'A' }, view).rcode).toBe('NXDOMAIN');
    expect(answer({ name: 'nosuch.default.svc.cluster.local', type: 'A' }, view).rcode).toBe('NXDOMAIN');
    expect(answer({ name: 'ext.default.svc.cluster.local', type: 'A' }, view).records[0]).toMatchObject({
      type: 'CNAME',
      data: 'example.com.',
    });
    expect(answer({ name: '5.5.96.10.in-addr.arpa', type: 'PTR' }, view).records[0]?.data).toBe(
      'web.default.svc.cluster.local.',
    );
  });
});
