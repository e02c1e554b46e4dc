/**
 * The control plane's static pods, as kubeadm writes their manifests to
 * /etc/kubernetes/manifests on a kind control-plane node. The kubelet runs them without the API
 * server's help and mirrors each into kube-system so `kubectl get pods -n kube-system` shows them.
 */
import type { KObject } from '../../src/machinery/api/types.ts';

interface StaticPod {
  component: string;
  image: string;
  command: string[];
  cpu: string;
  memory?: string;
}

export function staticPods(node: string, nodeIP: string): KObject[] {
  const defs: StaticPod[] = [
    {
      component: 'etcd',
      image: 'registry.k8s.io/etcd:3.5.21-0',
      command: [
        'etcd',
        `--advertise-client-urls=https://${nodeIP}:2379`,
        '--data-dir=/var/lib/etcd',
        `--listen-client-urls=https://127.0.0.1:2379,https://${nodeIP}:2379`,
        `--name=${node}`,
      ],
      cpu: '100m',
      memory: '100Mi',
    },
    {
      component: 'kube-apiserver',
      image: 'registry.k8s.io/kube-apiserver:v1.33.1',
      command: [
        'kube-apiserver',
        `--advertise-address=${nodeIP}`,
        '--etcd-servers=https://127.0.0.1:2379',
        '--secure-port=6443',
        '--service-cluster-ip-range=10.96.0.0/16',
      ],
      cpu: '250m',
    },
    {
      component: 'kube-controller-manager',
      image: 'registry.k8s.io/kube-controller-manager:v1.33.1',
      command: [
        'kube-controller-manager',
        '--allocate-node-cidrs=true',
        '--cluster-cidr=10.244.0.0/16',
        '--leader-elect=true',
        '--service-cluster-ip-range=10.96.0.0/16',
      ],
      cpu: '200m',
    },
    {
      component: 'kube-scheduler',
      image: 'registry.k8s.io/kube-scheduler:v1.33.1',
      command: [
        'kube-scheduler',
        '--bind-address=127.0.0.1',
        '--kubeconfig=/etc/kubernetes/scheduler.conf',
        '--leader-elect=true',
      ],
      cpu: '100m',
    },
  ];
  return defs.map((d) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${d.component}-${node}`,
      namespace: 'kube-system',
      labels: { component: d.component, tier: 'control-plane' },
      annotations: {
        'kubernetes.io/config.source': 'file',
        ...(d.component === 'kube-apiserver'
          ? { 'kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint': `${nodeIP}:6443` }
          : {}),
        ...(d.component === 'etcd'
          ? { 'kubeadm.kubernetes.io/etcd.advertise-client-urls': `https://${nodeIP}:2379` }
          : {}),
      },
    },
    spec: {
      containers: [
        {
          name: d.component,
          image: d.image,
          command: d.command,
          imagePullPolicy: 'IfNotPresent',
          resources: { requests: { cpu: d.cpu, ...(d.memory ? { memory: d.memory } : {}) } },
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
        },
      ],
      hostNetwork: true,
      nodeName: node,
      priority: 2000001000,
      priorityClassName: 'system-node-critical',
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      schedulerName: 'default-scheduler',
      securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
      terminationGracePeriodSeconds: 30,
      tolerations: [{ operator: 'Exists', effect: 'NoExecute' }],
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
    },
  }));
}
