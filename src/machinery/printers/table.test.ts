import { describe, expect, it } from 'vitest';
import { lookup } from '../api/resources.ts';
import type { KObject, ResourceInfo } from '../api/types.ts';
import { toTable } from './table.ts';
import { formatTime } from './time.ts';

const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);
const ago = (s: number) => formatTime(NOW - s * 1000);

function info(group: string, resource: string): ResourceInfo {
  const r = lookup(group, resource);
  if (!r) throw new Error(`no ${group}/${resource}`);
  return r;
}

function cells(group: string, resource: string, obj: Record<string, unknown>): unknown[] {
  const t = toTable(info(group, resource), [obj as KObject], { now: NOW, resourceVersion: '1' });
  return t.rows[0]?.cells ?? [];
}

function header(group: string, resource: string): string[] {
  return toTable(info(group, resource), [], { now: NOW, resourceVersion: '1' }).columnDefinitions.map(
    (c) => `${c.name}${c.priority ? '*' : ''}`,
  );
}

function pod(
  status: Record<string, unknown>,
  spec: Record<string, unknown> = {},
  metadata: Record<string, unknown> = {},
) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default', creationTimestamp: ago(300), ...metadata },
    spec: { nodeName: 'kind-worker', containers: [{ name: 'app', image: 'nginx' }], ...spec },
    status,
  };
}

const running = (extra: Record<string, unknown> = {}) => ({
  name: 'app',
  ready: true,
  restartCount: 0,
  state: { running: { startedAt: ago(200) } },
  ...extra,
});

describe('Table envelope', () => {
  it('is a meta.k8s.io/v1 Table with PartialObjectMetadata rows', () => {
    const t = toTable(info('', 'pods'), [pod({ phase: 'Running' }) as KObject], { now: NOW, resourceVersion: '42' });
    expect(t.kind).toBe('Table');
    expect(t.apiVersion).toBe('meta.k8s.io/v1');
    expect(t.metadata).toEqual({ resourceVersion: '42' });
    expect(t.columnDefinitions[0]).toMatchObject({ name: 'Name', type: 'string', format: 'name', priority: 0 });
    const o = t.rows[0]?.object as { kind: string; apiVersion: string; metadata: { name: string; namespace: string } };
    expect(o.kind).toBe('PartialObjectMetadata');
    expect(o.apiVersion).toBe('meta.k8s.io/v1');
    expect(o.metadata.name).toBe('p');
    expect(o.metadata.namespace).toBe('default');
  });

  it('includeObject=None leaves the object out (null), Object embeds it whole', () => {
    const p = pod({ phase: 'Running' }) as KObject;
    expect(
      toTable(info('', 'pods'), [p], { now: NOW, resourceVersion: '1', includeObject: 'None' }).rows[0]?.object,
    ).toBeNull();
    const full = toTable(info('', 'pods'), [p], { now: NOW, resourceVersion: '1', includeObject: 'Object' });
    expect((full.rows[0]?.object as KObject | undefined)?.kind).toBe('Pod');
  });
});

describe('pod columns', () => {
  it('has upstream columns and priorities', () => {
    expect(header('', 'pods')).toEqual([
      'Name',
      'Ready',
      'Status',
      'Restarts',
      'Age',
      'IP*',
      'Node*',
      'Nominated Node*',
      'Readiness Gates*',
    ]);
  });

  it('running, with restarts and the age of the last one', () => {
    const c = cells(
      '',
      'pods',
      pod({
        phase: 'Running',
        podIP: '10.244.1.5',
        podIPs: [{ ip: '10.244.1.5' }],
        containerStatuses: [
          running({ restartCount: 3, lastState: { terminated: { exitCode: 1, finishedAt: ago(45) } } }),
        ],
      }),
    );
    expect(c).toEqual(['p', '1/1', 'Running', '3 (45s ago)', '5m', '10.244.1.5', 'kind-worker', '<none>', '<none>']);
  });

  it('CrashLoopBackOff', () => {
    const c = cells(
      '',
      'pods',
      pod({
        phase: 'Running',
        containerStatuses: [
          {
            name: 'app',
            ready: false,
            restartCount: 5,
            lastState: { terminated: { exitCode: 1, finishedAt: ago(90) } },
            state: { waiting: { reason: 'CrashLoopBackOff' } },
          },
        ],
      }),
    );
    expect(c.slice(1, 4)).toEqual(['0/1', 'CrashLoopBackOff', '5 (90s ago)']);
  });

  it('Completed', () => {
    const c = cells(
      '',
      'pods',
      pod({
        phase: 'Succeeded',
        containerStatuses: [
          { name: 'app', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
        ],
      }),
    );
    expect(c.slice(1, 4)).toEqual(['0/1', 'Completed', '0']);
  });

  it('ExitCode and Signal when a terminated container has no reason', () => {
    const exit = cells(
      '',
      'pods',
      pod({
        phase: 'Failed',
        containerStatuses: [{ name: 'app', restartCount: 0, state: { terminated: { exitCode: 2 } } }],
      }),
    );
    expect(exit[2]).toBe('ExitCode:2');
    const sig = cells(
      '',
      'pods',
      pod({
        phase: 'Failed',
        containerStatuses: [{ name: 'app', restartCount: 0, state: { terminated: { exitCode: 137, signal: 9 } } }],
      }),
    );
    expect(sig[2]).toBe('Signal:9');
  });

  it('Init:x/y while init containers run, Init:<reason> when one fails', () => {
    const spec = {
      initContainers: [
        { name: 'a', image: 'busybox' },
        { name: 'b', image: 'busybox' },
      ],
    };
    const first = cells(
      '',
      'pods',
      pod(
        {
          phase: 'Pending',
          initContainerStatuses: [
            { name: 'a', ready: true, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
            { name: 'b', ready: false, restartCount: 0, state: { running: {} } },
          ],
          containerStatuses: [
            { name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } },
          ],
        },
        spec,
      ),
    );
    expect(first.slice(1, 4)).toEqual(['0/1', 'Init:1/2', '0']);
    const failing = cells(
      '',
      'pods',
      pod(
        {
          phase: 'Pending',
          initContainerStatuses: [
            { name: 'a', ready: false, restartCount: 2, state: { waiting: { reason: 'CrashLoopBackOff' } } },
            { name: 'b', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } },
          ],
        },
        spec,
      ),
    );
    expect(failing.slice(2, 4)).toEqual(['Init:CrashLoopBackOff', '2']);
    const error = cells(
      '',
      'pods',
      pod(
        {
          phase: 'Pending',
          initContainerStatuses: [
            { name: 'a', restartCount: 0, state: { terminated: { exitCode: 1, reason: 'Error' } } },
          ],
        },
        spec,
      ),
    );
    expect(error[2]).toBe('Init:Error');
  });

  it('Terminating while it has a deletionTimestamp, Unknown on a lost node', () => {
    const p = pod(
      { phase: 'Running', containerStatuses: [running()] },
      {},
      { deletionTimestamp: ago(-30), deletionGracePeriodSeconds: 30 },
    );
    expect(cells('', 'pods', p)[2]).toBe('Terminating');
    const lost = pod(
      { phase: 'Running', reason: 'NodeLost', containerStatuses: [running()] },
      {},
      { deletionTimestamp: ago(10) },
    );
    expect(cells('', 'pods', lost)[2]).toBe('Unknown');
  });

  it('status.reason (Evicted) and SchedulingGated', () => {
    expect(cells('', 'pods', pod({ phase: 'Failed', reason: 'Evicted', message: 'low on memory' }))[2]).toBe('Evicted');
    const gated = pod(
      { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] },
      { nodeName: undefined },
    );
    expect(cells('', 'pods', gated).slice(2, 7)).toEqual(['SchedulingGated', '0', '5m', '<none>', '<none>']);
  });

  it('Completed with a container still running is Running if the pod is Ready, else NotReady', () => {
    const spec = { containers: [{ name: 'a' }, { name: 'b' }] };
    const statuses = [
      { name: 'a', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
      { name: 'b', ready: true, restartCount: 0, state: { running: {} } },
    ];
    expect(cells('', 'pods', pod({ phase: 'Running', containerStatuses: statuses }, spec))[2]).toBe('NotReady');
    const ready = pod(
      { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: statuses },
      spec,
    );
    expect(cells('', 'pods', ready).slice(1, 3)).toEqual(['1/2', 'Running']);
  });

  it('sidecar (restartable init) containers count in READY', () => {
    const p = pod(
      {
        phase: 'Running',
        conditions: [{ type: 'Initialized', status: 'True' }],
        initContainerStatuses: [{ name: 'proxy', ready: true, started: true, restartCount: 1, state: { running: {} } }],
        containerStatuses: [running()],
      },
      { initContainers: [{ name: 'proxy', image: 'envoy', restartPolicy: 'Always' }] },
    );
    expect(cells('', 'pods', p).slice(1, 4)).toEqual(['2/2', 'Running', '1']);
  });

  it('readiness gates and nominated node (wide)', () => {
    const p = pod(
      {
        phase: 'Pending',
        nominatedNodeName: 'kind-worker2',
        conditions: [{ type: 'www.example.com/feature-1', status: 'True' }],
      },
      {
        nodeName: undefined,
        readinessGates: [
          { conditionType: 'www.example.com/feature-1' },
          { conditionType: 'www.example.com/feature-2' },
        ],
      },
    );
    expect(cells('', 'pods', p).slice(5)).toEqual(['<none>', '<none>', 'kind-worker2', '1/2']);
  });
});

describe('node columns', () => {
  const node = (spec: Record<string, unknown>, conditions: unknown[], labels: Record<string, string> = {}) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'n1', creationTimestamp: ago(3 * 86400), labels },
    spec,
    status: {
      conditions,
      addresses: [
        { type: 'InternalIP', address: '172.18.0.2' },
        { type: 'ExternalIP', address: '1.2.3.4' },
      ],
      nodeInfo: {
        kubeletVersion: 'v1.33.1',
        osImage: 'Debian',
        kernelVersion: '6.8',
        containerRuntimeVersion: 'containerd://2.1.1',
      },
    },
  });
  it('roles from node-role labels, STATUS with SchedulingDisabled', () => {
    const c = cells(
      '',
      'nodes',
      node({ unschedulable: true }, [{ type: 'Ready', status: 'True' }], {
        'node-role.kubernetes.io/control-plane': '',
        'kubernetes.io/role': 'master',
      }),
    );
    expect(c).toEqual([
      'n1',
      'Ready,SchedulingDisabled',
      'control-plane,master',
      '3d',
      'v1.33.1',
      '172.18.0.2',
      '1.2.3.4',
      'Debian',
      '6.8',
      'containerd://2.1.1',
    ]);
  });
  it('NotReady, Unknown and <none> roles', () => {
    expect(cells('', 'nodes', node({}, [{ type: 'Ready', status: 'False' }])).slice(1, 3)).toEqual([
      'NotReady',
      '<none>',
    ]);
    expect(cells('', 'nodes', node({}, [{ type: 'Ready', status: 'Unknown' }]))[1]).toBe('NotReady');
    expect(cells('', 'nodes', node({}, []))[1]).toBe('Unknown');
  });
});

describe('service columns', () => {
  const svc = (spec: Record<string, unknown>, status: Record<string, unknown> = {}) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 's', namespace: 'default', creationTimestamp: ago(60) },
    spec,
    status,
  });
  it('ClusterIP (from clusterIPs), NodePort, LoadBalancer pending and ready, ExternalName', () => {
    expect(
      cells(
        '',
        'services',
        svc({
          type: 'ClusterIP',
          clusterIP: '10.96.0.10',
          clusterIPs: ['10.96.0.10'],
          ports: [
            { port: 53, protocol: 'UDP' },
            { port: 53, protocol: 'TCP' },
          ],
        }),
      ),
    ).toEqual(['s', 'ClusterIP', '10.96.0.10', '<none>', '53/UDP,53/TCP', '60s', '<none>']);
    expect(
      cells(
        '',
        'services',
        svc({
          type: 'NodePort',
          clusterIP: '10.96.1.1',
          selector: { app: 'web' },
          ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }],
        }),
      ).slice(3),
    ).toEqual(['<none>', '80:30080/TCP', '60s', 'app=web']);
    expect(
      cells(
        '',
        'services',
        svc({ type: 'LoadBalancer', clusterIP: '10.96.1.2', ports: [{ port: 443, nodePort: 31443, protocol: 'TCP' }] }),
      )[3],
    ).toBe('<pending>');
    expect(
      cells(
        '',
        'services',
        svc(
          { type: 'LoadBalancer', clusterIP: '10.96.1.2', ports: [{ port: 443, protocol: 'TCP' }] },
          { loadBalancer: { ingress: [{ ip: '172.18.255.200' }] } },
        ),
      )[3],
    ).toBe('172.18.255.200');
    expect(cells('', 'services', svc({ type: 'ExternalName', externalName: 'example.com' })).slice(1, 5)).toEqual([
      'ExternalName',
      '<none>',
      'example.com',
      '<none>',
    ]);
    expect(
      cells(
        '',
        'services',
        svc({
          type: 'ClusterIP',
          clusterIP: '10.96.0.1',
          externalIPs: ['1.1.1.1', '2.2.2.2'],
          ports: [{ port: 80, protocol: 'TCP' }],
        }),
      )[3],
    ).toBe('1.1.1.1,2.2.2.2');
  });
});

describe('workload columns', () => {
  it('deployments', () => {
    const c = cells('apps', 'deployments', {
      metadata: { name: 'web', namespace: 'default', creationTimestamp: ago(600) },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' } },
        template: {
          spec: {
            containers: [
              { name: 'nginx', image: 'nginx:1.27' },
              { name: 'side', image: 'busybox' },
            ],
          },
        },
      },
      status: { replicas: 3, readyReplicas: 2, updatedReplicas: 1, availableReplicas: 2 },
    });
    expect(c).toEqual(['web', '2/3', 1, 2, '10m', 'nginx,side', 'nginx:1.27,busybox', 'app=web']);
  });

  it('jobs: status, completions and duration', () => {
    const job = (spec: Record<string, unknown>, status: Record<string, unknown>) =>
      cells('batch', 'jobs', {
        metadata: { name: 'j', namespace: 'default', creationTimestamp: ago(600) },
        spec: { template: { spec: { containers: [{ name: 'c', image: 'i' }] } }, ...spec },
        status,
      });
    expect(
      job(
        { completions: 1 },
        {
          succeeded: 1,
          startTime: ago(600),
          completionTime: ago(570),
          conditions: [{ type: 'Complete', status: 'True' }],
        },
      ).slice(1, 4),
    ).toEqual(['Complete', '1/1', '30s']);
    expect(job({ completions: 3 }, { active: 1, succeeded: 1, startTime: ago(200) }).slice(1, 4)).toEqual([
      'Running',
      '1/3',
      '3m20s',
    ]);
    expect(
      job(
        { completions: 1 },
        { failed: 1, startTime: ago(100), conditions: [{ type: 'Failed', status: 'True' }] },
      ).slice(1, 3),
    ).toEqual(['Failed', '0/1']);
    expect(
      job({ completions: 1, suspend: true }, { conditions: [{ type: 'Suspended', status: 'True' }] }).slice(1, 4),
    ).toEqual(['Suspended', '0/1', '']);
    expect(job({ parallelism: 2 }, { succeeded: 0, startTime: ago(5) })[2]).toBe('0/1 of 2');
  });

  it('cronjobs', () => {
    const c = cells('batch', 'cronjobs', {
      metadata: { name: 'hello', namespace: 'default', creationTimestamp: ago(86400) },
      spec: {
        schedule: '*/5 * * * *',
        timeZone: 'Etc/UTC',
        suspend: true,
        jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox' }] } } } },
      },
      status: { lastScheduleTime: ago(130), active: [{ name: 'a' }, { name: 'b' }] },
    });
    expect(c.slice(0, 7)).toEqual(['hello', '*/5 * * * *', 'Etc/UTC', 'True', 2, '2m10s', '24h']);
    const never = cells('batch', 'cronjobs', {
      metadata: { name: 'x', namespace: 'default', creationTimestamp: ago(60) },
      spec: { schedule: '@daily', jobTemplate: { spec: { template: { spec: { containers: [] } } } } },
    });
    // printBoolPtr: an unset suspend is <unset>
    expect(never.slice(2, 6)).toEqual(['<none>', '<unset>', 0, '<none>']);
  });
});

describe('other resources', () => {
  it('endpoints list the first three addresses and how many more', () => {
    const c = cells('', 'endpoints', {
      metadata: { name: 'web', namespace: 'default', creationTimestamp: ago(60) },
      subsets: [
        {
          addresses: [
            { ip: '10.0.0.1' },
            { ip: '10.0.0.2' },
            { ip: '10.0.0.3' },
            { ip: '10.0.0.4' },
            { ip: '10.0.0.5' },
          ],
          ports: [{ port: 8080 }],
        },
      ],
    });
    expect(c).toEqual(['web', '10.0.0.1:8080,10.0.0.2:8080,10.0.0.3:8080 + 2 more...', '60s']);
    expect(
      cells('', 'endpoints', { metadata: { name: 'e', namespace: 'default', creationTimestamp: ago(60) } })[1],
    ).toBe('<none>');
  });

  it('events: LAST SEEN, TYPE, REASON, OBJECT, MESSAGE (and wide columns)', () => {
    expect(header('', 'events')).toEqual([
      'Last Seen',
      'Type',
      'Reason',
      'Object',
      'Subobject*',
      'Source*',
      'Message',
      'First Seen*',
      'Count*',
      'Name*',
    ]);
    const c = cells('', 'events', {
      metadata: { name: 'crash.1', namespace: 'default', creationTimestamp: ago(7000) },
      involvedObject: { kind: 'Pod', name: 'crash', namespace: 'default', fieldPath: 'spec.containers{app}' },
      reason: 'BackOff',
      message: 'Back-off restarting failed container',
      source: { component: 'kubelet', host: 'kind-worker' },
      firstTimestamp: ago(7000),
      lastTimestamp: ago(30),
      count: 31,
      type: 'Warning',
    });
    expect(c).toEqual([
      '30s',
      'Warning',
      'BackOff',
      'pod/crash',
      'spec.containers{app}',
      'kubelet, kind-worker',
      'Back-off restarting failed container',
      '116m',
      31,
      'crash.1',
    ]);
  });

  it('namespaces, configmaps, secrets, service accounts, leases', () => {
    expect(
      cells('', 'namespaces', { metadata: { name: 'dev', creationTimestamp: ago(60) }, status: { phase: 'Active' } }),
    ).toEqual(['dev', 'Active', '60s']);
    expect(
      cells('', 'configmaps', {
        metadata: { name: 'c', namespace: 'default', creationTimestamp: ago(60) },
        data: { a: '1', b: '2' },
        binaryData: { c: 'AA==' },
      }),
    ).toEqual(['c', 3, '60s']);
    expect(
      cells('', 'secrets', {
        metadata: { name: 's', namespace: 'default', creationTimestamp: ago(60) },
        type: 'kubernetes.io/tls',
        data: { 'tls.crt': '', 'tls.key': '' },
      }),
    ).toEqual(['s', 'kubernetes.io/tls', 2, '60s']);
    expect(
      cells('', 'serviceaccounts', { metadata: { name: 'default', namespace: 'default', creationTimestamp: ago(60) } }),
    ).toEqual(['default', 0, '60s']);
    expect(
      cells('coordination.k8s.io', 'leases', {
        metadata: { name: 'l', namespace: 'kube-node-lease', creationTimestamp: ago(60) },
        spec: { holderIdentity: 'node-1' },
      }),
    ).toEqual(['l', 'node-1', '60s']);
  });
});
