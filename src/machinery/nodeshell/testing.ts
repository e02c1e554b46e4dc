/**
 * A kube-proxy ruleset with every kind of rule the node shell has to print (ClusterIP over three
 * endpoints, UDP, NodePort, externalIPs, LoadBalancer with source ranges and ClientIP affinity,
 * Local traffic policy, a service without endpoints), for the iptables tests and the kernel
 * comparison in test/nodeshell.test.ts.
 */
import { computeIptablesRestore } from '../../../workers/kube-proxy/proxier.ts';
import type { EndpointSlice, Service } from '../../../workers/kube-proxy/types.ts';

export const FIXTURE_NODE = { name: 'kind-worker', ip: '172.18.0.3' };

function svc(ns: string, name: string, spec: Service['spec'], status?: Service['status']): Service {
  return {
    metadata: { namespace: ns, name },
    spec: { selector: { app: name }, ...spec },
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
    metadata: { namespace: ns, name: `${name}-abcde`, labels: { 'kubernetes.io/service-name': name } },
    addressType: 'IPv4',
    ports: ports.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol ?? 'TCP' })),
    endpoints,
  };
}

export function fixtureServices(): { services: Service[]; slices: EndpointSlice[] } {
  const services: Service[] = [
    svc('default', 'kubernetes', {
      clusterIP: '10.96.0.1',
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
    }),
    svc('kube-system', 'kube-dns', {
      clusterIP: '10.96.0.10',
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
        { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
      ],
    }),
    svc('default', 'web', {
      clusterIP: '10.96.120.7',
      ports: [{ name: '', port: 80, protocol: 'TCP', targetPort: 80 }],
    }),
    svc('default', 'nodeport', {
      type: 'NodePort',
      clusterIP: '10.96.33.4',
      externalIPs: ['192.168.99.22'],
      ports: [{ name: 'http', port: 8080, protocol: 'TCP', targetPort: 80, nodePort: 30080 }],
    }),
    svc(
      'default',
      'lb',
      {
        type: 'LoadBalancer',
        externalTrafficPolicy: 'Local',
        clusterIP: '10.96.44.5',
        ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 80, nodePort: 31001 }],
        healthCheckNodePort: 32000,
        loadBalancerSourceRanges: ['203.0.113.0/25'],
        sessionAffinity: 'ClientIP',
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
      },
      { loadBalancer: { ingress: [{ ip: '172.18.255.200' }] } },
    ),
    svc('default', 'empty', { clusterIP: '10.96.55.6', ports: [{ name: '', port: 80, protocol: 'TCP' }] }),
  ];
  const slices: EndpointSlice[] = [
    slice('default', 'kubernetes', [{ name: 'https', port: 6443 }], [{ addresses: ['172.18.0.2'] }]),
    slice(
      'kube-system',
      'kube-dns',
      [
        { name: 'dns', port: 53, protocol: 'UDP' },
        { name: 'dns-tcp', port: 53 },
        { name: 'metrics', port: 9153 },
      ],
      [{ addresses: ['10.244.0.2'] }, { addresses: ['10.244.0.3'] }],
    ),
    slice(
      'default',
      'web',
      [{ name: '', port: 80 }],
      [
        { addresses: ['10.244.1.2'], nodeName: 'kind-worker' },
        { addresses: ['10.244.1.3'], nodeName: 'kind-worker' },
        { addresses: ['10.244.2.2'], nodeName: 'kind-worker2' },
      ],
    ),
    slice(
      'default',
      'nodeport',
      [{ name: 'http', port: 80 }],
      [{ addresses: ['10.244.2.3'], nodeName: 'kind-worker2' }],
    ),
    slice(
      'default',
      'lb',
      [{ name: 'http', port: 80 }],
      [
        { addresses: ['10.244.1.4'], nodeName: 'kind-worker' },
        { addresses: ['10.244.2.4'], nodeName: 'kind-worker2' },
      ],
    ),
  ];
  return { services, slices };
}

/** The restore input kube-proxy on kind-worker writes for the fixture (a full sync). */
export function fixtureRestoreInput(): string {
  const { services, slices } = fixtureServices();
  return computeIptablesRestore({
    services,
    endpointSlices: slices,
    node: FIXTURE_NODE,
    config: { clusterCIDR: '10.244.0.0/16' },
  });
}
