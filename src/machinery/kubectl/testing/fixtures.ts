/**
 * A small, fixed cluster state for kubectl's tests: pods in the states the printers special-case
 * (running with restarts, CrashLoopBackOff, Completed, Init:0/1, Terminating, Pending), a
 * deployment with two revisions, services of every type, nodes (one cordoned and NotReady),
 * workloads, endpoints, events, config. Timestamps are relative to `now`.
 */
import type { KObject } from '../../api/types.ts';
import { formatMicroTime, formatTime } from '../../printers/time.ts';
import type { FakeApiServer } from './fake-apiserver.ts';

export function clusterFixture(now: number): KObject[] {
  const ago = (sec: number) => formatTime(now - sec * 1000);
  const out: KObject[] = [];
  const add = (o: Record<string, unknown>) => out.push(o as KObject);
  const meta = (name: string, namespace: string | undefined, age: number, extra: Record<string, unknown> = {}) => ({
    name,
    ...(namespace ? { namespace } : {}),
    creationTimestamp: ago(age),
    ...extra,
  });

  add({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: meta('default', undefined, 86400 * 3),
    status: { phase: 'Active' },
  });
  add({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: meta('kube-system', undefined, 86400 * 3),
    status: { phase: 'Active' },
  });
  add({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: meta('old', undefined, 600, { deletionTimestamp: ago(5) }),
    status: { phase: 'Terminating' },
  });

  add({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: meta('kind-control-plane', undefined, 86400 * 3, {
      labels: { 'kubernetes.io/hostname': 'kind-control-plane', 'node-role.kubernetes.io/control-plane': '' },
    }),
    spec: {
      podCIDR: '10.244.0.0/24',
      taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }],
    },
    status: {
      conditions: [
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
      ],
      addresses: [
        { type: 'InternalIP', address: '172.18.0.2' },
        { type: 'Hostname', address: 'kind-control-plane' },
      ],
      capacity: { cpu: '8', memory: '16331276Ki', pods: '110' },
      allocatable: { cpu: '8', memory: '16331276Ki', pods: '110' },
      nodeInfo: {
        kubeletVersion: 'v1.33.1',
        kubeProxyVersion: 'v1.33.1',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        kernelVersion: '6.8.0-45-generic',
        containerRuntimeVersion: 'containerd://2.1.1',
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    },
  });
  add({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: meta('kind-worker', undefined, 86400 * 3 - 20, { labels: { 'kubernetes.io/hostname': 'kind-worker' } }),
    spec: { unschedulable: true, podCIDR: '10.244.1.0/24' },
    status: {
      conditions: [{ type: 'Ready', status: 'False', reason: 'KubeletNotReady' }],
      addresses: [{ type: 'InternalIP', address: '172.18.0.3' }],
      nodeInfo: {
        kubeletVersion: 'v1.33.1',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        kernelVersion: '6.8.0-45-generic',
        containerRuntimeVersion: 'containerd://2.1.1',
      },
    },
  });

  const podBase = (
    name: string,
    ns: string,
    age: number,
    node: string,
    containers: unknown[],
    extra: Record<string, unknown> = {},
  ) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: meta(name, ns, age, extra),
    spec: { nodeName: node, containers },
  });
  add({
    ...podBase(
      'web-6d4cf56db6-abcde',
      'default',
      3600,
      'kind-worker',
      [{ name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80, protocol: 'TCP' }] }],
      {
        labels: { app: 'web', 'pod-template-hash': '6d4cf56db6' },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: 'web-6d4cf56db6',
            uid: 'rs-uid-2',
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
    ),
    status: {
      phase: 'Running',
      hostIP: '172.18.0.3',
      podIP: '10.244.1.5',
      podIPs: [{ ip: '10.244.1.5' }],
      startTime: ago(3600),
      conditions: [
        { type: 'Ready', status: 'True', lastTransitionTime: ago(3500) },
        { type: 'ContainersReady', status: 'True', lastTransitionTime: ago(3500) },
        { type: 'PodScheduled', status: 'True', lastTransitionTime: ago(3600) },
      ],
      containerStatuses: [
        {
          name: 'nginx',
          image: 'docker.io/library/nginx:1.27',
          imageID: 'docker.io/library/nginx@sha256:0123',
          containerID: 'containerd://abc123',
          ready: true,
          started: true,
          restartCount: 3,
          lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: ago(400), finishedAt: ago(45) } },
          state: { running: { startedAt: ago(40) } },
        },
      ],
    },
  });
  add({
    ...podBase(
      'crash',
      'default',
      7200,
      'kind-worker',
      [{ name: 'app', image: 'busybox', command: ['sh', '-c', 'exit 1'] }],
      { labels: { app: 'crash' } },
    ),
    status: {
      phase: 'Running',
      podIP: '10.244.1.7',
      podIPs: [{ ip: '10.244.1.7' }],
      conditions: [{ type: 'Ready', status: 'False' }],
      containerStatuses: [
        {
          name: 'app',
          image: 'busybox',
          ready: false,
          restartCount: 12,
          lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(1230) } },
          state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container' } },
        },
      ],
    },
  });
  add({
    ...podBase('done', 'default', 90000, 'kind-worker', [{ name: 'job', image: 'busybox' }], {
      labels: { 'job-name': 'pi' },
    }),
    status: {
      phase: 'Succeeded',
      podIP: '10.244.1.9',
      podIPs: [{ ip: '10.244.1.9' }],
      containerStatuses: [
        {
          name: 'job',
          image: 'busybox',
          ready: false,
          restartCount: 0,
          state: { terminated: { exitCode: 0, reason: 'Completed', finishedAt: ago(89000) } },
        },
      ],
    },
  });
  add({
    ...podBase('init', 'default', 30, 'kind-worker', [{ name: 'main', image: 'nginx' }]),
    spec: {
      nodeName: 'kind-worker',
      initContainers: [{ name: 'setup', image: 'busybox' }],
      containers: [{ name: 'main', image: 'nginx' }],
    },
    status: {
      phase: 'Pending',
      initContainerStatuses: [
        { name: 'setup', image: 'busybox', ready: false, restartCount: 0, state: { running: { startedAt: ago(20) } } },
      ],
      containerStatuses: [
        {
          name: 'main',
          image: 'nginx',
          ready: false,
          restartCount: 0,
          state: { waiting: { reason: 'PodInitializing' } },
        },
      ],
    },
  });
  add({
    ...podBase('leaving', 'default', 600, 'kind-worker', [{ name: 'app', image: 'nginx' }], {
      deletionTimestamp: ago(-25),
      deletionGracePeriodSeconds: 30,
    }),
    status: {
      phase: 'Running',
      podIP: '10.244.1.11',
      podIPs: [{ ip: '10.244.1.11' }],
      containerStatuses: [
        { name: 'app', image: 'nginx', ready: true, restartCount: 0, state: { running: { startedAt: ago(590) } } },
      ],
    },
  });
  add({
    ...podBase(
      'coredns-668d6bf9bc-x7k2q',
      'kube-system',
      86400 * 3 - 60,
      '',
      [{ name: 'coredns', image: 'registry.k8s.io/coredns/coredns:v1.12.0' }],
      {
        labels: { 'k8s-app': 'kube-dns', 'pod-template-hash': '668d6bf9bc' },
      },
    ),
    spec: { containers: [{ name: 'coredns', image: 'registry.k8s.io/coredns/coredns:v1.12.0' }] },
    status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] },
  });

  add({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta('web', 'default', 3700, {
      uid: 'dep-uid-web',
      labels: { app: 'web' },
      generation: 2,
      annotations: { 'deployment.kubernetes.io/revision': '2' },
    }),
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80, protocol: 'TCP' }] }] },
      },
    },
    status: {
      replicas: 3,
      readyReplicas: 2,
      updatedReplicas: 3,
      availableReplicas: 2,
      unavailableReplicas: 1,
      observedGeneration: 2,
      conditions: [
        {
          type: 'Available',
          status: 'True',
          reason: 'MinimumReplicasAvailable',
          message: 'Deployment has minimum availability.',
        },
        {
          type: 'Progressing',
          status: 'True',
          reason: 'NewReplicaSetAvailable',
          message: 'ReplicaSet "web-6d4cf56db6" has successfully progressed.',
        },
      ],
    },
  });
  const rs = (hash: string, rev: string, image: string, replicas: number, uid: string, age: number) =>
    add({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: meta(`web-${hash}`, 'default', age, {
        uid,
        labels: { app: 'web', 'pod-template-hash': hash },
        annotations: { 'deployment.kubernetes.io/revision': rev },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            name: 'web',
            uid: 'dep-uid-web',
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      }),
      spec: {
        replicas,
        selector: { matchLabels: { app: 'web', 'pod-template-hash': hash } },
        template: {
          metadata: { labels: { app: 'web', 'pod-template-hash': hash } },
          spec: { containers: [{ name: 'nginx', image }] },
        },
      },
      status: {
        replicas,
        readyReplicas: replicas,
        availableReplicas: replicas,
        fullyLabeledReplicas: replicas,
        observedGeneration: 1,
      },
    });
  rs('7c4c8d5d4f', '1', 'nginx:1.26', 0, 'rs-uid-1', 3700);
  rs('6d4cf56db6', '2', 'nginx:1.27', 3, 'rs-uid-2', 3600);

  add({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: meta('kube-proxy', 'kube-system', 86400 * 3, { labels: { 'k8s-app': 'kube-proxy' }, generation: 1 }),
    spec: {
      selector: { matchLabels: { 'k8s-app': 'kube-proxy' } },
      template: {
        metadata: { labels: { 'k8s-app': 'kube-proxy' } },
        spec: {
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          containers: [{ name: 'kube-proxy', image: 'registry.k8s.io/kube-proxy:v1.33.1' }],
        },
      },
    },
    status: {
      currentNumberScheduled: 2,
      desiredNumberScheduled: 2,
      numberAvailable: 1,
      numberMisscheduled: 0,
      numberReady: 1,
      updatedNumberScheduled: 2,
      observedGeneration: 1,
    },
  });
  add({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: meta('db', 'default', 5000, { labels: { app: 'db' } }),
    spec: {
      replicas: 2,
      serviceName: 'db',
      selector: { matchLabels: { app: 'db' } },
      template: {
        metadata: { labels: { app: 'db' } },
        spec: { containers: [{ name: 'postgres', image: 'postgres:16' }] },
      },
    },
    status: { replicas: 2, readyReplicas: 1, currentReplicas: 2, updatedReplicas: 2 },
  });
  add({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: meta('pi', 'default', 90000, { labels: { 'job-name': 'pi' } }),
    spec: {
      completions: 1,
      parallelism: 1,
      backoffLimit: 6,
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'job-uid' } },
      template: {
        metadata: { labels: { 'job-name': 'pi' } },
        spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl:5.34' }] },
      },
    },
    status: {
      succeeded: 1,
      startTime: ago(90000),
      completionTime: ago(89950),
      conditions: [
        { type: 'SuccessCriteriaMet', status: 'True' },
        { type: 'Complete', status: 'True' },
      ],
    },
  });
  add({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: meta('slow', 'default', 200),
    spec: {
      completions: 3,
      parallelism: 1,
      template: { spec: { restartPolicy: 'Never', containers: [{ name: 'w', image: 'busybox' }] } },
    },
    status: { active: 1, succeeded: 1, startTime: ago(200) },
  });
  add({
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: meta('hello', 'default', 86400),
    spec: {
      schedule: '*/5 * * * *',
      suspend: false,
      jobTemplate: {
        spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'hello', image: 'busybox' }] } } },
      },
    },
    status: { lastScheduleTime: ago(130), active: [{ kind: 'Job', name: 'hello-1', namespace: 'default' }] },
  });

  add({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta('kubernetes', 'default', 86400 * 3, { labels: { component: 'apiserver', provider: 'kubernetes' } }),
    spec: {
      type: 'ClusterIP',
      clusterIP: '10.96.0.1',
      clusterIPs: ['10.96.0.1'],
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
    },
  });
  add({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta('web', 'default', 3650, { labels: { app: 'web' } }),
    spec: {
      type: 'NodePort',
      clusterIP: '10.96.12.34',
      clusterIPs: ['10.96.12.34'],
      selector: { app: 'web' },
      ports: [{ port: 80, nodePort: 30080, protocol: 'TCP', targetPort: 8080 }],
    },
  });
  add({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta('lb', 'default', 120),
    spec: {
      type: 'LoadBalancer',
      clusterIP: '10.96.40.4',
      clusterIPs: ['10.96.40.4'],
      selector: { app: 'web' },
      ports: [{ port: 443, nodePort: 31443, protocol: 'TCP' }],
    },
  });
  add({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta('db', 'default', 5000),
    spec: {
      type: 'ClusterIP',
      clusterIP: 'None',
      clusterIPs: ['None'],
      selector: { app: 'db' },
      ports: [{ port: 5432, protocol: 'TCP' }],
    },
  });
  add({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta('kube-dns', 'kube-system', 86400 * 3, {
      labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/name': 'CoreDNS' },
    }),
    spec: {
      type: 'ClusterIP',
      clusterIP: '10.96.0.10',
      clusterIPs: ['10.96.0.10'],
      selector: { 'k8s-app': 'kube-dns' },
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
        { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
      ],
    },
  });
  add({
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: meta('web', 'default', 3650, { labels: { app: 'web' } }),
    subsets: [
      {
        addresses: [{ ip: '10.244.1.5' }, { ip: '10.244.1.6' }, { ip: '10.244.2.5' }, { ip: '10.244.2.6' }],
        ports: [{ port: 8080, protocol: 'TCP' }],
      },
    ],
  });
  add({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: meta('web-x7k2q', 'default', 3650, {
      labels: {
        'kubernetes.io/service-name': 'web',
        'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
      },
    }),
    addressType: 'IPv4',
    endpoints: [
      { addresses: ['10.244.1.5'], conditions: { ready: true }, nodeName: 'kind-worker' },
      { addresses: ['10.244.2.5'], conditions: { ready: false }, nodeName: 'kind-worker' },
    ],
    ports: [{ name: '', port: 8080, protocol: 'TCP' }],
  });

  add({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: meta('cfg', 'default', 4000),
    data: {
      a: '1',
      'long.txt': 'line one\nline two\n',
      msg: 'this is a rather long message that should definitely wrap when printed as yaml by go-yaml because it exceeds eighty columns: yes',
    },
  });
  add({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: meta('kube-root-ca.crt', 'default', 86400 * 3),
    data: { 'ca.crt': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' },
  });
  add({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: meta('creds', 'default', 4000),
    type: 'Opaque',
    data: { password: 'aHVudGVyMg==', user: 'YWRtaW4=' },
  });
  add({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta('default', 'default', 86400 * 3) });
  add({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: meta('kind-control-plane', 'kube-node-lease', 86400 * 3),
    spec: { holderIdentity: 'kind-control-plane', leaseDurationSeconds: 40, renewTime: formatMicroTime(now - 5000) },
  });
  add({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: meta('crash.17f0a1', 'default', 7000),
    involvedObject: {
      kind: 'Pod',
      namespace: 'default',
      name: 'crash',
      uid: 'crash-uid',
      apiVersion: 'v1',
      fieldPath: 'spec.containers{app}',
    },
    reason: 'BackOff',
    message: 'Back-off restarting failed container app in pod crash_default(crash-uid)',
    source: { component: 'kubelet', host: 'kind-worker' },
    firstTimestamp: ago(7000),
    lastTimestamp: ago(30),
    count: 31,
    type: 'Warning',
  });
  add({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: meta('web.17f0a2', 'default', 3700),
    involvedObject: {
      kind: 'Deployment',
      namespace: 'default',
      name: 'web',
      uid: 'dep-uid-web',
      apiVersion: 'apps/v1',
    },
    reason: 'ScalingReplicaSet',
    message: 'Scaled up replica set web-6d4cf56db6 from 0 to 3',
    source: { component: 'deployment-controller' },
    firstTimestamp: ago(3600),
    lastTimestamp: ago(3600),
    count: 1,
    type: 'Normal',
  });
  return out;
}

/** Loads the fixture into a fake API server. */
export function seedFake(server: FakeApiServer, now: number): FakeApiServer {
  for (const o of clusterFixture(now)) server.add(o);
  return server;
}
