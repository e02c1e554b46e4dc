/**
 * What a new kind cluster has before anyone types a command: the four system namespaces, the
 * `kubernetes` Service (first address of the service range, 443 → 6443) with its Endpoints and
 * EndpointSlice pointing at the control-plane node, and the Node objects of the configured
 * nodes (pkg/controlplane/controller/{systemnamespaces,kubernetesservice}, kind's node setup).
 */
import type { KObject } from '../../src/machinery/api/types.ts';
import { intToIp, parseCIDR } from './allocator.ts';
import type { ApiserverConfig } from './apiserver.ts';

export interface NodeSeed {
  name: string;
  role: 'control-plane' | 'worker';
  /** 10.244.N.0/24 */
  podCIDR: string;
  /** 172.18.0.N */
  internalIP: string;
  labels?: Record<string, string>;
  capacity?: { cpu?: string; memory?: string; pods?: string; 'ephemeral-storage'?: string };
}

export const KUBELET_VERSION = 'v1.33.1';

/** A kind node as its kubelet registers it. Conditions come from the kubelet itself. */
export function nodeObject(n: NodeSeed, created: string): KObject {
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': n.name,
    'kubernetes.io/os': 'linux',
  };
  if (n.role === 'control-plane') {
    labels['node-role.kubernetes.io/control-plane'] = '';
    labels['node.kubernetes.io/exclude-from-external-load-balancers'] = '';
  }
  Object.assign(labels, n.labels ?? {});
  const capacity = {
    cpu: n.capacity?.cpu ?? '8',
    'ephemeral-storage': n.capacity?.['ephemeral-storage'] ?? '263174212Ki',
    'hugepages-1Gi': '0',
    'hugepages-2Mi': '0',
    memory: n.capacity?.memory ?? '16374584Ki',
    pods: n.capacity?.pods ?? '110',
  };
  const spec: Record<string, unknown> = {
    podCIDR: n.podCIDR,
    podCIDRs: [n.podCIDR],
    providerID: `kind://docker/kind/${n.name}`,
  };
  if (n.role === 'control-plane')
    spec.taints = [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }];
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: n.name,
      labels,
      annotations: {
        'kubeadm.alpha.kubernetes.io/cri-socket': 'unix:///run/containerd/containerd.sock',
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec,
    status: {
      capacity,
      allocatable: { ...capacity },
      addresses: [
        { type: 'InternalIP', address: n.internalIP },
        { type: 'Hostname', address: n.name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        architecture: 'amd64',
        bootID: '',
        containerRuntimeVersion: 'containerd://2.1.1',
        kernelVersion: '6.1.0-37-amd64',
        kubeProxyVersion: '',
        kubeletVersion: KUBELET_VERSION,
        machineID: '',
        operatingSystem: 'linux',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        systemUUID: '',
      },
    },
    created,
  } as KObject;
}

/** (collection path, object) pairs to create at boot, in order. */
export function bootstrapObjects(config: ApiserverConfig, now: string): [string, KObject][] {
  const out: [string, KObject][] = [];
  for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
    out.push([
      '/api/v1/namespaces',
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'kubernetes.io/metadata.name': ns } } },
    ]);
  }
  const { base } = parseCIDR(config.serviceCIDR ?? '10.96.0.0/16');
  const apiIP = intToIp(base + 1);
  const host = config.advertiseAddress ?? '172.18.0.2';
  out.push([
    '/api/v1/namespaces/default/services',
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'kubernetes',
        namespace: 'default',
        labels: { component: 'apiserver', provider: 'kubernetes' },
      },
      spec: {
        type: 'ClusterIP',
        clusterIP: apiIP,
        clusterIPs: [apiIP],
        ports: [{ name: 'https', protocol: 'TCP', port: 443, targetPort: 6443 }],
        sessionAffinity: 'None',
        ipFamilies: ['IPv4'],
        ipFamilyPolicy: 'SingleStack',
        internalTrafficPolicy: 'Cluster',
      },
    },
  ]);
  out.push([
    '/api/v1/namespaces/default/endpoints',
    {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: {
        name: 'kubernetes',
        namespace: 'default',
        labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' },
      },
      subsets: [{ addresses: [{ ip: host }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }],
    },
  ]);
  out.push([
    '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices',
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'kubernetes', namespace: 'default', labels: { 'kubernetes.io/service-name': 'kubernetes' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: [host], conditions: { ready: true } }],
      ports: [{ name: 'https', port: 6443, protocol: 'TCP' }],
    },
  ]);
  for (const n of config.nodes ?? []) {
    const node = nodeObject(n, now);
    delete (node as Record<string, unknown>).created;
    out.push(['/api/v1/nodes', node]);
  }
  return out;
}
