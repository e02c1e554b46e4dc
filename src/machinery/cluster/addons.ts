/**
 * What `kind create cluster` installs after the control plane is up (kubeadm's addon phase and
 * kind's own manifests): the kube-proxy DaemonSet, CoreDNS behind the kube-dns Service
 * (the tenth address of the service range, 10.96.0.10), kindnet (the CNI) and the local-path
 * provisioner. They are created through the API by `kubeadm`, as on a real kind node.
 */
import type { KObject } from '../api/types.ts';

const COREFILE = `.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30 {
       disable success cluster.local
       disable denial cluster.local
    }
    loop
    reload
    loadbalance
}
`;

const CRITICAL = { priorityClassName: 'system-node-critical' };

export function addonObjects(proxyMode: 'iptables' | 'ipvs' = 'iptables'): [string, KObject][] {
  const sys = '/api/v1/namespaces/kube-system';
  const apps = '/apis/apps/v1/namespaces/kube-system';
  return [
    [`${sys}/serviceaccounts`, { metadata: { name: 'kube-proxy', namespace: 'kube-system' } }],
    [`${sys}/serviceaccounts`, { metadata: { name: 'coredns', namespace: 'kube-system' } }],
    [`${sys}/serviceaccounts`, { metadata: { name: 'kindnet', namespace: 'kube-system' } }],
    [
      `${sys}/configmaps`,
      {
        metadata: { name: 'kube-proxy', namespace: 'kube-system', labels: { app: 'kube-proxy' } },
        data: {
          'config.conf': `apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nclusterCIDR: 10.244.0.0/16\nmode: ${proxyMode}\niptables:\n  minSyncPeriod: 1s\n  syncPeriod: 30s\n`,
        },
      },
    ],
    [`${sys}/configmaps`, { metadata: { name: 'coredns', namespace: 'kube-system' }, data: { Corefile: COREFILE } }],
    [
      `${sys}/services`,
      {
        metadata: {
          name: 'kube-dns',
          namespace: 'kube-system',
          labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' },
          annotations: { 'prometheus.io/port': '9153', 'prometheus.io/scrape': 'true' },
        },
        spec: {
          clusterIP: '10.96.0.10',
          selector: { 'k8s-app': 'kube-dns' },
          ports: [
            { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
            { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
            { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
          ],
        },
      },
    ],
    [
      `${apps}/daemonsets`,
      {
        metadata: { name: 'kube-proxy', namespace: 'kube-system', labels: { 'k8s-app': 'kube-proxy' } },
        spec: {
          selector: { matchLabels: { 'k8s-app': 'kube-proxy' } },
          template: {
            metadata: { labels: { 'k8s-app': 'kube-proxy' } },
            spec: {
              ...CRITICAL,
              hostNetwork: true,
              serviceAccountName: 'kube-proxy',
              nodeSelector: { 'kubernetes.io/os': 'linux' },
              tolerations: [{ operator: 'Exists' }],
              containers: [
                {
                  name: 'kube-proxy',
                  image: 'registry.k8s.io/kube-proxy:v1.33.1',
                  command: [
                    '/usr/local/bin/kube-proxy',
                    '--config=/var/lib/kube-proxy/config.conf',
                    '--hostname-override=$(NODE_NAME)',
                  ],
                  securityContext: { privileged: true },
                },
              ],
            },
          },
        },
      },
    ],
    [
      `${apps}/daemonsets`,
      {
        metadata: {
          name: 'kindnet',
          namespace: 'kube-system',
          labels: { app: 'kindnet', 'k8s-app': 'kindnet', tier: 'node' },
        },
        spec: {
          selector: { matchLabels: { app: 'kindnet' } },
          template: {
            metadata: { labels: { app: 'kindnet', 'k8s-app': 'kindnet', tier: 'node' } },
            spec: {
              hostNetwork: true,
              serviceAccountName: 'kindnet',
              tolerations: [{ operator: 'Exists' }],
              containers: [
                {
                  name: 'kindnet-cni',
                  image: 'docker.io/kindest/kindnetd:v20250512-df8de77b',
                  resources: { requests: { cpu: '100m', memory: '50Mi' }, limits: { cpu: '100m', memory: '50Mi' } },
                },
              ],
            },
          },
        },
      },
    ],
    [
      `${apps}/deployments`,
      {
        metadata: { name: 'coredns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
        spec: {
          replicas: 2,
          selector: { matchLabels: { 'k8s-app': 'kube-dns' } },
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
          template: {
            metadata: { labels: { 'k8s-app': 'kube-dns' } },
            spec: {
              priorityClassName: 'system-cluster-critical',
              serviceAccountName: 'coredns',
              dnsPolicy: 'Default',
              nodeSelector: { 'kubernetes.io/os': 'linux' },
              tolerations: [
                { key: 'CriticalAddonsOnly', operator: 'Exists' },
                { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
              ],
              containers: [
                {
                  name: 'coredns',
                  image: 'registry.k8s.io/coredns/coredns:v1.12.0',
                  args: ['-conf', '/etc/coredns/Corefile'],
                  ports: [
                    { name: 'dns', containerPort: 53, protocol: 'UDP' },
                    { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
                    { name: 'metrics', containerPort: 9153, protocol: 'TCP' },
                  ],
                  resources: { limits: { memory: '170Mi' }, requests: { cpu: '100m', memory: '70Mi' } },
                  livenessProbe: {
                    httpGet: { path: '/health', port: 8080, scheme: 'HTTP' },
                    initialDelaySeconds: 60,
                    timeoutSeconds: 5,
                    successThreshold: 1,
                    failureThreshold: 5,
                  },
                  readinessProbe: { httpGet: { path: '/ready', port: 8181, scheme: 'HTTP' } },
                },
              ],
            },
          },
        },
      },
    ],
    ['/api/v1/namespaces', { metadata: { name: 'local-path-storage' } }],
    [
      '/apis/apps/v1/namespaces/local-path-storage/deployments',
      {
        metadata: { name: 'local-path-provisioner', namespace: 'local-path-storage' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'local-path-provisioner' } },
          template: {
            metadata: { labels: { app: 'local-path-provisioner' } },
            spec: {
              tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Equal', effect: 'NoSchedule' }],
              nodeSelector: { 'kubernetes.io/os': 'linux' },
              containers: [
                {
                  name: 'local-path-provisioner',
                  image: 'docker.io/kindest/local-path-provisioner:v20250214-acbabc1a',
                  command: [
                    'local-path-provisioner',
                    '--debug',
                    'start',
                    '--helper-image',
                    'docker.io/kindest/local-path-helper:v20241212-8ac705d0',
                    '--config',
                    '/etc/config/config.json',
                  ],
                },
              ],
            },
          },
        },
      },
    ],
  ];
}
