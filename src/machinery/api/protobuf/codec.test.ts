import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { base64Decode, base64Encode, formatDuration, formatMicroTime, parseDuration, parseTime } from './goforms.ts';
import {
  bytesFromBinaryString,
  coveredKinds,
  decodeK8sProtobuf,
  decodeMessageBytes,
  encodeK8sProtobuf,
  encodeMessageBytes,
  isK8sProtobuf,
  messageTypeFor,
  ProtobufError,
} from './index.ts';
import { hasMessage, messageSpec } from './registry.ts';
import { MESSAGES } from './schema.ts';

type Obj = Record<string, unknown>;

const hex = (s: string) => new Uint8Array(s.match(/../g)?.map((b) => Number.parseInt(b, 16)) ?? []);
const toHex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join('');

/** JSON → protobuf → JSON must give back exactly the same object, key order included. */
function expectRoundTrip(obj: Obj): Uint8Array {
  const bytes = encodeK8sProtobuf(obj.apiVersion as string, obj.kind as string, obj);
  expect(isK8sProtobuf(bytes)).toBe(true);
  const decoded = decodeK8sProtobuf(bytes);
  expect(decoded.unknownFields).toEqual([]);
  expect(JSON.stringify(decoded.object, null, 1)).toBe(JSON.stringify(obj, null, 1));
  // and re-encoding the decoded object is byte-stable
  expect(toHex(encodeK8sProtobuf(decoded.apiVersion, decoded.kind, decoded.object))).toBe(toHex(bytes));
  return bytes;
}

// Request bodies captured from kubectl v1.33.1 (the fake-server test in kubectl.test.ts regenerates
// these live; they are kept here so the codec is checked against real Go bytes without kubectl).
const KUBECTL_BODIES: Record<string, { hex: string; json: Obj }> = {
  'create deployment web --image=nginx --replicas=3': {
    hex:
      '6b3873000a150a07617070732f7631120a4465706c6f796d656e7412ab010a1f0a0377656212001a0022002a0032003800420' +
      '05a0a0a036170701203776562127a0803120c0a0a0a0361707012037765621a600a1c0a0012001a0022002a0032003800420' +
      '05a0a0a036170701203776562124012220a056e67696e7812056e67696e782a0042006a007200800100880100900100a20100' +
      '1a00320042004a0052005800600068008201008a01009a0100c2010022020a00280038001a0c08001000180020002800380' +
      '01a002200',
    json: {
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      metadata: { name: 'web', creationTimestamp: null, labels: { app: 'web' } },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { creationTimestamp: null, labels: { app: 'web' } },
          spec: { containers: [{ name: 'nginx', image: 'nginx', resources: {} }] },
        },
        strategy: {},
      },
      status: {},
    },
  },
  'create service nodeport np --tcp=80:http': {
    hex:
      '6b3873000a0d0a02763112075365727669636512680a1d0a026e7012001a0022002a003200380042005a090a03617070120' +
      '26e7012430a1e0a0738302d6874747012035443501850220a080110001a0468747470280012090a0361707012026e701a00' +
      '22084e6f6465506f72743a00420052005a00600068001a020a001a002200',
    json: {
      kind: 'Service',
      apiVersion: 'v1',
      metadata: { name: 'np', creationTimestamp: null, labels: { app: 'np' } },
      spec: {
        ports: [{ name: '80-http', protocol: 'TCP', port: 80, targetPort: 'http' }],
        selector: { app: 'np' },
        type: 'NodePort',
      },
      status: { loadBalancer: {} },
    },
  },
  'create secret generic s --from-file=bin=<bin\\0\\x01\\xff> --from-literal=k=v': {
    hex:
      '6b3873000a0c0a0276311206536563726574122c0a110a017312001a0022002a00320038004200120d0a0362696e120662696e' +
      '0001ff12060a016b1201761a001a002200',
    json: {
      kind: 'Secret',
      apiVersion: 'v1',
      metadata: { name: 's', creationTimestamp: null },
      data: { bin: base64Encode(new Uint8Array([0x62, 0x69, 0x6e, 0, 1, 0xff])), k: 'dg==' },
    },
  },
  'create cronjob cj --image=busybox --schedule="*/1 * * * *" -- date': {
    hex:
      '6b3873000a130a0862617463682f7631120743726f6e4a6f6212a4010a120a02636a12001a0022002a003200380042001' +
      '28b010a0b2a2f31202a202a202a202a1a002a7a0a120a02636a12001a0022002a00320038004200126432620a100a0012001a' +
      '0022002a00320038004200124e12270a02636a120762757379626f781a04646174652a0042006a0072008001008801009001' +
      '00a201001a094f6e4661696c757265320042004a0052005800600068008201008a01009a0100c201001a001a002200',
    json: {
      kind: 'CronJob',
      apiVersion: 'batch/v1',
      metadata: { name: 'cj', creationTimestamp: null },
      spec: {
        schedule: '*/1 * * * *',
        jobTemplate: {
          metadata: { name: 'cj', creationTimestamp: null },
          spec: {
            template: {
              metadata: { creationTimestamp: null },
              spec: {
                containers: [{ name: 'cj', image: 'busybox', command: ['date'], resources: {} }],
                restartPolicy: 'OnFailure',
              },
            },
          },
        },
      },
      status: {},
    },
  },
};

describe('real kubectl request bodies', () => {
  for (const [command, { hex: h, json }] of Object.entries(KUBECTL_BODIES)) {
    it(`decodes and re-encodes byte for byte: kubectl ${command}`, () => {
      const bytes = hex(h);
      const decoded = decodeK8sProtobuf(bytes);
      expect(decoded.apiVersion).toBe(json.apiVersion);
      expect(decoded.kind).toBe(json.kind);
      expect(decoded.unknownFields).toEqual([]);
      expect(JSON.stringify(decoded.object)).toBe(JSON.stringify(json));
      expect(toHex(encodeK8sProtobuf(decoded.apiVersion, decoded.kind, decoded.object))).toBe(h);
    });
  }
});

const here = new URL('.', import.meta.url).pathname;

describe('round trips of realistic objects', () => {
  it('Deployment as kubectl create deployment prints it', () => {
    expectRoundTrip(KUBECTL_BODIES['create deployment web --image=nginx --replicas=3']!.json);
  });

  it('Namespace', () => {
    expectRoundTrip({
      kind: 'Namespace',
      apiVersion: 'v1',
      metadata: {
        name: 'demo',
        uid: '6b1f0c3e-0000-4000-8000-000000000001',
        resourceVersion: '42',
        creationTimestamp: '2025-01-01T00:00:00Z',
        labels: { 'kubernetes.io/metadata.name': 'demo' },
      },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
  });

  it('Service with targetPort as a number and as a name', () => {
    const bytes = expectRoundTrip({
      kind: 'Service',
      apiVersion: 'v1',
      metadata: { name: 'web', namespace: 'default', creationTimestamp: null, labels: { app: 'web' } },
      spec: {
        ports: [
          { name: 'http', protocol: 'TCP', port: 80, targetPort: 8080 },
          { name: 'metrics', protocol: 'TCP', appProtocol: 'http', port: 9090, targetPort: 'metrics', nodePort: 30090 },
        ],
        selector: { app: 'web' },
        clusterIP: '10.96.0.10',
        clusterIPs: ['10.96.0.10'],
        type: 'NodePort',
        sessionAffinity: 'ClientIP',
        externalTrafficPolicy: 'Cluster',
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
        ipFamilies: ['IPv4'],
        ipFamilyPolicy: 'SingleStack',
        internalTrafficPolicy: 'Cluster',
      },
      status: { loadBalancer: {} },
    });
    // IntOrString on the wire: {type=1 (0 int), intVal=2, strVal=3}
    const decoded = decodeK8sProtobuf(bytes).object as { spec: { ports: { targetPort: unknown }[] } };
    expect(decoded.spec.ports.map((p) => p.targetPort)).toEqual([8080, 'metrics']);
    expect(toHex(encodeMessageBytes('intstr.IntOrString', 8080))).toBe('080010903f1a00');
    expect(toHex(encodeMessageBytes('intstr.IntOrString', 'http'))).toBe('080110001a0468747470');
  });

  it('Secret with binary data (map<string, bytes> as base64)', () => {
    const bin = new Uint8Array(256).map((_, i) => 255 - i);
    const bytes = expectRoundTrip({
      kind: 'Secret',
      apiVersion: 'v1',
      metadata: { name: 'tls', namespace: 'default', creationTimestamp: null },
      immutable: true,
      data: { 'blob.bin': base64Encode(bin), empty: '', 'tls.crt': 'LS0tLS1CRUdJTg==' },
      type: 'kubernetes.io/tls',
    });
    const hexed = toHex(bytes);
    // the raw bytes themselves are on the wire, not their base64
    expect(hexed).toContain(toHex(bin));
  });

  it('Pod with probes, resources, volumes, tolerations and affinity (kubectl run --overrides output)', () => {
    // testdata/pod.kubectl-run.json is what kubectl 1.33 printed for
    // `kubectl run p --image=nginx --overrides="$(cat testdata/pod.overrides.json)" --dry-run=client -o json`:
    // Go's own JSON for the typed Pod, so decoding must reproduce it exactly.
    const pod = JSON.parse(readFileSync(`${here}testdata/pod.kubectl-run.json`, 'utf8')) as Obj;
    expectRoundTrip(pod);
  });

  it('Pod status as a kubelet posts it', () => {
    expectRoundTrip({
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: {
        name: 'web-7d4b9c-x2x',
        generateName: 'web-7d4b9c-',
        namespace: 'default',
        uid: 'b0b0b0b0-0000-4000-8000-000000000002',
        resourceVersion: '1001',
        creationTimestamp: '2025-01-01T00:00:00Z',
        labels: { app: 'web', 'pod-template-hash': '7d4b9c' },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: 'web-7d4b9c',
            uid: 'a0a0a0a0-0000-4000-8000-000000000003',
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
        managedFields: [
          {
            manager: 'kubelet',
            operation: 'Update',
            apiVersion: 'v1',
            time: '2025-01-01T00:00:07Z',
            fieldsType: 'FieldsV1',
            fieldsV1: { 'f:status': { 'f:conditions': { '.': {} }, 'f:phase': {} } },
            subresource: 'status',
          },
        ],
      },
      spec: {
        containers: [{ name: 'nginx', image: 'nginx', resources: {} }],
        nodeName: 'node-1',
      },
      status: {
        phase: 'Running',
        conditions: [
          { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: '2025-01-01T00:00:01Z' },
          {
            type: 'Ready',
            status: 'False',
            lastProbeTime: null,
            lastTransitionTime: '2025-01-01T00:00:02Z',
            reason: 'ContainersNotReady',
            message: 'containers with unready status: [nginx]',
          },
        ],
        hostIP: '172.18.0.2',
        hostIPs: [{ ip: '172.18.0.2' }],
        podIP: '10.244.1.5',
        podIPs: [{ ip: '10.244.1.5' }],
        startTime: '2025-01-01T00:00:01Z',
        containerStatuses: [
          {
            name: 'nginx',
            state: { running: { startedAt: '2025-01-01T00:00:05Z' } },
            lastState: {
              terminated: {
                exitCode: 137,
                signal: 9,
                reason: 'OOMKilled',
                startedAt: '2025-01-01T00:00:02Z',
                finishedAt: '2025-01-01T00:00:04Z',
                containerID: 'containerd://aaa',
              },
            },
            ready: false,
            restartCount: 1,
            image: 'docker.io/library/nginx:latest',
            imageID: 'docker.io/library/nginx@sha256:0000',
            containerID: 'containerd://bbb',
            started: true,
          },
        ],
        qosClass: 'BestEffort',
      },
    });
  });

  it('Job', () => {
    expectRoundTrip({
      kind: 'Job',
      apiVersion: 'batch/v1',
      metadata: { name: 'pi', namespace: 'default', creationTimestamp: null, labels: { app: 'pi' } },
      spec: {
        parallelism: 2,
        completions: 4,
        activeDeadlineSeconds: 600,
        podFailurePolicy: {
          rules: [
            { action: 'FailJob', onExitCodes: { containerName: 'pi', operator: 'In', values: [42] } },
            { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
          ],
        },
        backoffLimit: 0,
        selector: { matchExpressions: [{ key: 'batch.kubernetes.io/job-name', operator: 'Exists' }] },
        manualSelector: false,
        template: {
          metadata: { creationTimestamp: null },
          spec: {
            containers: [
              {
                name: 'pi',
                image: 'perl:5.34',
                command: ['perl', '-Mbignum=bpi', '-wle', 'print bpi(2000)'],
                resources: {},
              },
            ],
            restartPolicy: 'Never',
          },
        },
        ttlSecondsAfterFinished: 100,
        completionMode: 'Indexed',
        suspend: false,
      },
      status: {
        conditions: [
          {
            type: 'Complete',
            status: 'True',
            lastProbeTime: '2025-01-01T00:01:00Z',
            lastTransitionTime: '2025-01-01T00:01:00Z',
          },
        ],
        startTime: '2025-01-01T00:00:00Z',
        completionTime: '2025-01-01T00:01:00Z',
        succeeded: 4,
        completedIndexes: '0-3',
        uncountedTerminatedPods: {},
        ready: 0,
      },
    });
  });

  it('CronJob', () => {
    expectRoundTrip({
      kind: 'CronJob',
      apiVersion: 'batch/v1',
      metadata: { name: 'hello', namespace: 'default', creationTimestamp: '2025-01-01T00:00:00Z' },
      spec: {
        schedule: '*/1 * * * *',
        timeZone: 'Etc/UTC',
        startingDeadlineSeconds: 200,
        concurrencyPolicy: 'Forbid',
        suspend: false,
        jobTemplate: {
          metadata: { creationTimestamp: null },
          spec: {
            template: {
              metadata: { creationTimestamp: null },
              spec: {
                containers: [{ name: 'hello', image: 'busybox', command: ['date'], resources: {} }],
                restartPolicy: 'OnFailure',
              },
            },
          },
        },
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 1,
      },
      status: {
        active: [{ kind: 'Job', namespace: 'default', name: 'hello-28950000', uid: 'c0c0', apiVersion: 'batch/v1' }],
        lastScheduleTime: '2025-01-01T00:01:00Z',
        lastSuccessfulTime: '2025-01-01T00:00:10Z',
      },
    });
  });

  it('Lease with MicroTime', () => {
    const bytes = expectRoundTrip({
      kind: 'Lease',
      apiVersion: 'coordination.k8s.io/v1',
      metadata: { name: 'kube-scheduler', namespace: 'kube-system', creationTimestamp: '2025-01-01T00:00:00Z' },
      spec: {
        holderIdentity: 'node-1_0a1b2c',
        leaseDurationSeconds: 15,
        acquireTime: '2025-01-01T00:00:00.000000Z',
        renewTime: '2025-01-01T00:00:12.345678Z',
        leaseTransitions: 0,
      },
    });
    // renewTime = {seconds=1 1735689612, nanos=2 345678000}
    expect(toHex(bytes)).toContain(toHex(encodeMessageBytes('meta.MicroTime', '2025-01-01T00:00:12.345678Z')));
    expect(toHex(encodeMessageBytes('meta.MicroTime', '2025-01-01T00:00:12.345678Z'))).toBe('088c8bd2bb0610b0c1eaa401');
  });

  it('Node with status', () => {
    expectRoundTrip({
      kind: 'Node',
      apiVersion: 'v1',
      metadata: { name: 'node-1', creationTimestamp: '2025-01-01T00:00:00Z', labels: { 'kubernetes.io/os': 'linux' } },
      spec: {
        podCIDR: '10.244.1.0/24',
        podCIDRs: ['10.244.1.0/24'],
        taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule', timeAdded: '2025-01-01T00:00:00Z' }],
      },
      status: {
        capacity: { cpu: '4', memory: '16Gi', pods: '110' },
        allocatable: { cpu: '3800m', memory: '15Gi', pods: '110' },
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            lastHeartbeatTime: '2025-01-01T00:00:40Z',
            lastTransitionTime: '2025-01-01T00:00:10Z',
            reason: 'KubeletReady',
            message: 'kubelet is posting ready status',
          },
        ],
        addresses: [
          { type: 'InternalIP', address: '172.18.0.2' },
          { type: 'Hostname', address: 'node-1' },
        ],
        daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
        nodeInfo: {
          machineID: 'm',
          systemUUID: 's',
          bootID: 'b',
          kernelVersion: '6.1.0',
          osImage: 'Debian GNU/Linux 12 (bookworm)',
          containerRuntimeVersion: 'containerd://1.7.0',
          kubeletVersion: 'v1.33.1',
          kubeProxyVersion: '',
          operatingSystem: 'linux',
          architecture: 'amd64',
        },
        images: [{ names: ['docker.io/library/nginx:latest'], sizeBytes: 72000000 }],
      },
    });
  });

  it('events.k8s.io/v1 Event and core/v1 Event', () => {
    expectRoundTrip({
      kind: 'Event',
      apiVersion: 'events.k8s.io/v1',
      metadata: { name: 'web.17f0', namespace: 'default', creationTimestamp: null },
      eventTime: '2025-01-01T00:00:01.500000Z',
      series: { count: 2, lastObservedTime: '2025-01-01T00:00:09.000001Z' },
      reportingController: 'default-scheduler',
      reportingInstance: 'default-scheduler-node-1',
      action: 'Binding',
      reason: 'Scheduled',
      regarding: { kind: 'Pod', namespace: 'default', name: 'web', uid: 'u', apiVersion: 'v1', resourceVersion: '7' },
      note: 'Successfully assigned default/web to node-1',
      type: 'Normal',
      deprecatedSource: {},
      deprecatedFirstTimestamp: null,
      deprecatedLastTimestamp: null,
    });
    expectRoundTrip({
      kind: 'Event',
      apiVersion: 'v1',
      metadata: { name: 'web.17f1', namespace: 'default', creationTimestamp: null },
      involvedObject: { kind: 'Pod', namespace: 'default', name: 'web', fieldPath: 'spec.containers{nginx}' },
      reason: 'Pulled',
      message: 'Container image "nginx" already present on machine',
      source: { component: 'kubelet', host: 'node-1' },
      firstTimestamp: '2025-01-01T00:00:03Z',
      lastTimestamp: '2025-01-01T00:00:03Z',
      count: 1,
      type: 'Normal',
      eventTime: null,
      reportingComponent: 'kubelet',
      reportingInstance: 'node-1',
    });
  });

  it('EndpointSlice and Endpoints', () => {
    expectRoundTrip({
      kind: 'EndpointSlice',
      apiVersion: 'discovery.k8s.io/v1',
      metadata: {
        name: 'web-abc',
        namespace: 'default',
        creationTimestamp: null,
        labels: { 'kubernetes.io/service-name': 'web' },
      },
      addressType: 'IPv4',
      endpoints: [
        {
          addresses: ['10.244.1.5'],
          conditions: { ready: true, serving: true, terminating: false },
          targetRef: { kind: 'Pod', namespace: 'default', name: 'web-1', uid: 'u1' },
          nodeName: 'node-1',
          zone: 'a',
          hints: { forZones: [{ name: 'a' }] },
        },
      ],
      ports: [{ name: 'http', protocol: 'TCP', port: 8080 }],
    });
    expectRoundTrip({
      kind: 'Endpoints',
      apiVersion: 'v1',
      metadata: { name: 'web', namespace: 'default', creationTimestamp: null },
      subsets: [
        {
          addresses: [{ ip: '10.244.1.5', nodeName: 'node-1', targetRef: { kind: 'Pod', name: 'web-1' } }],
          notReadyAddresses: [{ ip: '10.244.2.7' }],
          ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
        },
      ],
    });
  });

  it('ReplicaSet, DaemonSet and StatefulSet with strategies and statuses', () => {
    const template = {
      metadata: { creationTimestamp: null, labels: { app: 'x' } },
      spec: { containers: [{ name: 'x', image: 'x', resources: {} }] },
    };
    expectRoundTrip({
      kind: 'ReplicaSet',
      apiVersion: 'apps/v1',
      metadata: { name: 'x-1', namespace: 'default', generation: 3, creationTimestamp: null },
      spec: { replicas: 0, minReadySeconds: 5, selector: { matchLabels: { app: 'x' } }, template },
      status: { replicas: 0, observedGeneration: 3 },
    });
    expectRoundTrip({
      kind: 'DaemonSet',
      apiVersion: 'apps/v1',
      metadata: { name: 'x', namespace: 'default', creationTimestamp: null },
      spec: {
        selector: { matchLabels: { app: 'x' } },
        template,
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%', maxSurge: 0 } },
        revisionHistoryLimit: 10,
      },
      status: { currentNumberScheduled: 2, numberMisscheduled: 0, desiredNumberScheduled: 2, numberReady: 1 },
    });
    expectRoundTrip({
      kind: 'StatefulSet',
      apiVersion: 'apps/v1',
      metadata: { name: 'db', namespace: 'default', creationTimestamp: null },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'db' } },
        template,
        volumeClaimTemplates: [
          {
            metadata: { name: 'data', creationTimestamp: null },
            spec: {
              accessModes: ['ReadWriteOnce'],
              resources: { requests: { storage: '1Gi' } },
              storageClassName: 'standard',
            },
            status: {},
          },
        ],
        serviceName: 'db',
        podManagementPolicy: 'Parallel',
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
        revisionHistoryLimit: 10,
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Delete' },
        ordinals: { start: 1 },
      },
      status: {
        replicas: 3,
        readyReplicas: 3,
        currentRevision: 'db-1',
        updateRevision: 'db-1',
        collisionCount: 0,
        availableReplicas: 3,
      },
    });
  });

  it('Eviction, Scale, Binding, DeleteOptions and Status', () => {
    expectRoundTrip({
      kind: 'Eviction',
      apiVersion: 'policy/v1',
      metadata: { name: 'web-1', namespace: 'default', creationTimestamp: null },
      deleteOptions: { gracePeriodSeconds: 0, preconditions: { uid: 'u1' }, propagationPolicy: 'Background' },
    });
    expectRoundTrip({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name: 'web', namespace: 'default', resourceVersion: '9', creationTimestamp: null },
      spec: { replicas: 5 },
      status: { replicas: 3, selector: 'app=web' },
    });
    expectRoundTrip({
      kind: 'Binding',
      apiVersion: 'v1',
      metadata: { name: 'web-1', namespace: 'default', creationTimestamp: null },
      target: { kind: 'Node', name: 'node-1' },
    });
    expectRoundTrip({ kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Foreground', dryRun: ['All'] });
    expectRoundTrip({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'deployments.apps "web" not found',
      reason: 'NotFound',
      details: { name: 'web', group: 'apps', kind: 'deployments' },
      code: 404,
    });
  });

  it('kubectl create priorityclass|role|quota|pdb|ingress shapes', () => {
    expectRoundTrip({
      kind: 'PriorityClass',
      apiVersion: 'scheduling.k8s.io/v1',
      metadata: { name: 'high', creationTimestamp: null },
      value: 1000,
      description: 'x',
      preemptionPolicy: 'PreemptLowerPriority',
    });
    expectRoundTrip({
      kind: 'ResourceQuota',
      apiVersion: 'v1',
      metadata: { name: 'q', creationTimestamp: null },
      spec: { hard: { cpu: '1', memory: '1G' } },
      status: {},
    });
    expectRoundTrip({
      kind: 'PodDisruptionBudget',
      apiVersion: 'policy/v1',
      metadata: { name: 'pdb', creationTimestamp: null },
      spec: { minAvailable: '50%', selector: { matchLabels: { app: 'x' } } },
      status: { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 },
    });
  });
});

describe('Go JSON semantics of decoding', () => {
  it('fills in what Go prints for zero values and drops what omitempty drops', () => {
    const bytes = encodeK8sProtobuf('apps/v1', 'Deployment', {
      metadata: { name: 'web', generation: 0 },
      spec: {
        replicas: 0, // *int32: kept even when 0
        paused: false, // bool, omitempty: dropped
        template: { spec: { containers: [{ name: 'c', image: 'i', stdin: false, workingDir: '' }] } },
      },
    });
    expect(decodeK8sProtobuf(bytes).object).toEqual({
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      metadata: { name: 'web', creationTimestamp: null },
      spec: {
        replicas: 0,
        selector: null, // *LabelSelector without omitempty
        template: {
          metadata: { creationTimestamp: null },
          spec: { containers: [{ name: 'c', image: 'i', resources: {} }] },
        },
        strategy: {},
      },
      status: {},
    });
  });

  it('prints a nil slice without omitempty as null, and Time with nanoseconds at seconds precision', () => {
    const bytes = encodeK8sProtobuf('v1', 'Pod', {
      metadata: { name: 'p', creationTimestamp: '2025-01-01T00:00:00.999Z' },
    });
    const pod = decodeK8sProtobuf(bytes).object as { spec: Obj; metadata: Obj };
    expect(pod.spec.containers).toBeNull();
    expect(pod.metadata.creationTimestamp).toBe('2025-01-01T00:00:00Z');
  });

  it('reads packed repeated scalars and merges repeated singular messages', () => {
    // PodSecurityContext.supplementalGroups = 4 (int64), packed: tag 0x22, len 3, 1, 2, 300
    const psc = decodeMessageBytes('core.PodSecurityContext', hex('22040102ac02'));
    expect(psc.value).toEqual({ supplementalGroups: [1, 2, 300] });
    // ObjectMeta twice in a ConfigMap: protobuf merges them
    const meta1 = encodeMessageBytes('meta.ObjectMeta', { name: 'a', labels: { x: '1' } });
    const meta2 = hex('1a026e73'); // namespace = "ns"
    const cm = new Uint8Array([0x0a, meta1.length, ...meta1, 0x0a, meta2.length, ...meta2]);
    expect(decodeMessageBytes('core.ConfigMap', cm).value).toEqual({
      metadata: { name: 'a', namespace: 'ns', creationTimestamp: null, labels: { x: '1' } },
    });
  });

  it('handles negative and 64-bit integers as Go does', () => {
    const bytes = expectRoundTrip({
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: { name: 'p', generation: 9007199254740991, creationTimestamp: null },
      spec: {
        containers: null,
        terminationGracePeriodSeconds: -1,
        securityContext: { runAsUser: 0, supplementalGroups: [-5] },
        priority: -2147483648,
      },
      status: {},
    });
    // negative integers are 10-byte sign-extended varints: priority (25) and terminationGracePeriodSeconds (4)
    expect(toHex(bytes)).toContain('c80180808080f8ffffffff01');
    expect(toHex(bytes)).toContain('20ffffffffffffffffff01');
  });

  it('collects unknown fields with their path instead of failing', () => {
    const container = encodeMessageBytes('core.Container', { name: 'c', image: 'i' });
    const withExtra = new Uint8Array([...container, 0xf8, 0x06, 0x01]); // field 111, varint 1
    const podSpec = new Uint8Array([0x12, ...varint(withExtra.length), ...withExtra]); // containers = 2
    const pod = new Uint8Array([0x12, ...varint(podSpec.length), ...podSpec]); // spec = 2
    const decoded = decodeK8sProtobuf(envelope('v1', 'Pod', pod));
    expect(decoded.unknownFields).toEqual([
      {
        path: 'spec.containers[0]',
        messageType: 'core.Container',
        field: 111,
        wireType: 0,
        offset: expect.any(Number),
      },
    ]);
    const u = decoded.unknownFields[0]!;
    expect(envelope('v1', 'Pod', pod)[u.offset]).toBe(0xf8);
    expect((decoded.object.spec as { containers: unknown[] }).containers).toEqual([
      { name: 'c', image: 'i', resources: {} },
    ]);
  });
});

describe('errors', () => {
  const good = hex(KUBECTL_BODIES['create deployment web --image=nginx --replicas=3']!.hex);

  function error(f: () => unknown): ProtobufError {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(ProtobufError);
      return e as ProtobufError;
    }
    throw new Error('no error');
  }

  it('reads bodies carried as byte strings', () => {
    const latin1 = String.fromCharCode(...good);
    expect(decodeK8sProtobuf(bytesFromBinaryString(latin1)).kind).toBe('Deployment');
    expect(() => bytesFromBinaryString('k8s\u0000\u20ac')).toThrow(ProtobufError);
  });

  it('rejects a missing magic', () => {
    const e = error(() => decodeK8sProtobuf(new TextEncoder().encode('{"kind":"Pod"}')));
    expect(e.message).toMatch(/k8s\\x00 prefix/);
    expect(e.offset).toBe(0);
  });

  it('reports truncation with the byte offset and message type', () => {
    const e = error(() => decodeK8sProtobuf(good.subarray(0, 120)));
    expect(e.offset).toBeGreaterThanOrEqual(4);
    expect(e.messageType).toBe('runtime.Unknown');
    expect(e.message).toMatch(/runs past the end/);
    // a length inside the raw object that overruns its parent
    const bad = good.slice();
    const at = toHex(bad).indexOf('12220a056e67696e78') / 2; // Container inside PodSpec
    bad[at + 1] = 0x7f;
    const e2 = error(() => decodeK8sProtobuf(bad));
    expect(e2.messageType).toBe('core.PodSpec');
    expect(e2.offset).toBe(at);
    expect(e2.message).toMatch(/byte offset \d+/);
  });

  it('rejects a wrong wire type and an unknown kind', () => {
    const e = error(() => decodeMessageBytes('apps.DeploymentSpec', hex('0a0103'))); // replicas as bytes
    expect(e.messageType).toBe('apps.DeploymentSpec');
    expect(e.message).toMatch(/wire type 2, want 0/);
    const unknownKind = encodeK8sProtobuf('v1', 'Pod', {}).slice();
    const kindAt = toHex(unknownKind).indexOf(toHex(new TextEncoder().encode('Pod'))) / 2;
    unknownKind[kindAt] = 'Q'.charCodeAt(0);
    const e2 = error(() => decodeK8sProtobuf(unknownKind));
    expect(e2.message).toMatch(/no protobuf schema for kind "Qod" in "v1"/);
    expect(e2.unsupported).toBe(true);
    expect(e.unsupported).toBe(false);
    expect(() => encodeK8sProtobuf('v1', 'Widget', {})).toThrow(ProtobufError);
  });

  it('rejects JSON values of the wrong type when encoding', () => {
    const e = error(() => encodeK8sProtobuf('apps/v1', 'Deployment', { spec: { replicas: 'three' } }));
    expect(e.message).toMatch(/expected int32, got string/);
    expect(e.path).toBe('spec.replicas');
    expect(() => encodeK8sProtobuf('v1', 'Secret', { data: { k: 'not base64!' } })).toThrow(/illegal base64/);
  });
});

describe('Go value forms', () => {
  it('formats and parses durations like time.Duration', () => {
    const cases: [bigint, string][] = [
      [0n, '0s'],
      [1n, '1ns'],
      [1100n, '1.1µs'],
      [2_200_000n, '2.2ms'],
      [3_300_000_000n, '3.3s'],
      [4n * 60n * 1_000_000_000n + 5_000_000_000n, '4m5s'],
      [3600n * 1_000_000_000n, '1h0m0s'],
      [-90n * 1_000_000_000n, '-1m30s'],
    ];
    for (const [ns, s] of cases) {
      expect(formatDuration(ns)).toBe(s);
      expect(parseDuration(s)).toBe(ns);
    }
    expect(parseDuration('1.5h')).toBe(5400n * 1_000_000_000n);
    expect(parseDuration('300ms')).toBe(300_000_000n);
    expect(parseDuration('1x')).toBeUndefined();
    expect(decodeMessageBytes('meta.Duration', encodeMessageBytes('meta.Duration', '90s')).value).toBe('1m30s');
  });

  it('parses RFC 3339 and formats Time and MicroTime', () => {
    expect(parseTime('2025-01-01T00:00:00Z')).toEqual({ seconds: 1735689600, nanos: 0 });
    expect(parseTime('2025-01-01T02:00:00.5+02:00')).toEqual({ seconds: 1735689600, nanos: 500_000_000 });
    expect(parseTime('2025-01-01 00:00:00')).toBeUndefined();
    expect(formatMicroTime(1735689600, 1_234_567)).toBe('2025-01-01T00:00:00.001234Z');
    // zero bytes and Go's zero time are both null
    expect(decodeMessageBytes('meta.Time', new Uint8Array(0)).value).toBeNull();
    expect(toHex(encodeMessageBytes('meta.Time', '2025-01-01T00:00:00Z'))).toBe('08808bd2bb061000');
  });

  it('base64 like encoding/json', () => {
    for (const s of ['', 'f', 'fo', 'foo', 'foob', 'fooba', 'foobar']) {
      const b = new TextEncoder().encode(s);
      const enc = base64Encode(b);
      expect(base64Decode(enc)).toEqual(b);
    }
    expect(base64Encode(new TextEncoder().encode('foobar'))).toBe('Zm9vYmFy');
    expect(base64Decode('Zm9v\nYmE=')).toEqual(new TextEncoder().encode('fooba'));
    expect(typeof base64Decode('Zm9')).toBe('string');
    expect(typeof base64Decode('Zm9v!A==')).toBe('string');
  });

  it('RawExtension holds JSON or a nested protobuf object', () => {
    const inner = encodeK8sProtobuf('v1', 'ConfigMap', { metadata: { name: 'c' }, data: { a: 'b' } });
    const rawExtension = [0x0a, ...varint(inner.length), ...inner];
    const watchEvent = new Uint8Array([
      0x0a,
      0x05,
      ...new TextEncoder().encode('ADDED'),
      0x12,
      ...varint(rawExtension.length),
      ...rawExtension,
    ]);
    expect(decodeMessageBytes('meta.WatchEvent', watchEvent).value).toEqual({
      type: 'ADDED',
      object: {
        kind: 'ConfigMap',
        apiVersion: 'v1',
        metadata: { name: 'c', creationTimestamp: null },
        data: { a: 'b' },
      },
    });
    const json = encodeMessageBytes('meta.WatchEvent', { type: 'DELETED', object: { kind: 'Pod' } });
    expect(decodeMessageBytes('meta.WatchEvent', json).value).toEqual({ type: 'DELETED', object: { kind: 'Pod' } });
  });
});

/** `k8s\x00` + runtime.Unknown{typeMeta{apiVersion, kind}, raw}. */
function envelope(apiVersion: string, kind: string, raw: Uint8Array): Uint8Array {
  const av = new TextEncoder().encode(apiVersion);
  const k = new TextEncoder().encode(kind);
  const typeMeta = [0x0a, av.length, ...av, 0x12, k.length, ...k];
  return new Uint8Array([
    0x6b,
    0x38,
    0x73,
    0x00,
    0x0a,
    typeMeta.length,
    ...typeMeta,
    0x12,
    ...varint(raw.length),
    ...raw,
  ]);
}

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
  return out;
}

describe('schema table', () => {
  it('refers only to known messages, with unique numbers and JSON names', () => {
    for (const name of Object.keys(MESSAGES)) {
      const spec = messageSpec(name);
      const numbers = new Set<number>();
      const names = new Set<string>();
      for (const f of spec.fields) {
        expect(numbers.has(f.num), `${name} field ${f.num}`).toBe(false);
        numbers.add(f.num);
        if (!f.inline) {
          expect(names.has(f.json), `${name}.${f.json}`).toBe(false);
          names.add(f.json);
        }
        if (!f.scalar) expect(hasMessage(f.type), `${name}.${f.json}: ${f.type}`).toBe(true);
        if (f.inline) expect(f.scalar || f.repeated || f.map || f.pointer).toBe(false);
      }
    }
  });

  it('maps every covered kind to a message, and the served resources are all covered', () => {
    for (const { apiVersion, kind } of coveredKinds()) {
      const type = messageTypeFor(apiVersion, kind);
      expect(type, `${apiVersion} ${kind}`).toBeDefined();
      expect(hasMessage(type as string)).toBe(true);
    }
    expect(messageTypeFor('v1', 'Pod')).toBe('core.Pod');
    expect(messageTypeFor('events.k8s.io/v1', 'Event')).toBe('events.Event');
    expect(messageTypeFor('apps/v1', 'DeleteOptions')).toBe('meta.DeleteOptions');
    expect(messageTypeFor('v1', 'List')).toBe('meta.List');
    expect(messageTypeFor('apps/v1beta1', 'Deployment')).toBeUndefined();
  });

  it('has upstream field numbers for a few well-known fields', () => {
    const num = (type: string, json: string) => messageSpec(type).fields.find((f) => f.json === json)?.num;
    expect(num('meta.ObjectMeta', 'managedFields')).toBe(17);
    expect(num('meta.OwnerReference', 'apiVersion')).toBe(5);
    expect(num('core.PodSpec', 'initContainers')).toBe(20);
    expect(num('core.Container', 'envFrom')).toBe(19);
    expect(num('core.ServiceSpec', 'clusterIP')).toBe(3);
    expect(num('apps.DeploymentSpec', 'progressDeadlineSeconds')).toBe(9);
    expect(num('batch.JobSpec', 'ttlSecondsAfterFinished')).toBe(8);
    expect(num('core.Secret', 'stringData')).toBe(4);
    expect(num('coordination.LeaseSpec', 'renewTime')).toBe(4);
    expect(num('meta.TypeMeta', 'apiVersion')).toBe(2);
    expect(num('runtime.TypeMeta', 'apiVersion')).toBe(1);
  });
});
