/**
 * Services end to end on the simulated clock: the EndpointSlice and Endpoints controllers follow
 * the pods, and every node's kube-proxy follows the slices. Assertions read a readable projection
 * of the trace: each kube-proxy's latest `iptables sync` note (its ruleset), reduced to the
 * endpoints a service's KUBE-SVC chain balances over.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { KObject } from '../src/machinery/api/types.ts';
import { BUS } from '../src/machinery/bus/protocol.ts';
import { computeSubsets, repackSubsets } from '../workers/kube-controller-manager/controllers/endpoints.ts';
import {
  getEndpointPorts,
  type PodLike,
  podToEndpoint,
  type ServiceLike,
} from '../workers/kube-controller-manager/controllers/endpointslice.ts';
import type { SyncNote } from '../workers/kube-proxy/kube-proxy.ts';
import { type TestCluster, testCluster } from './harness.ts';

let c: TestCluster | undefined;
afterEach(async () => {
  await c?.shutdown();
  c = undefined;
});

const NODES = ['kind-control-plane', 'kind-worker', 'kind-worker2'];
const merge = { headers: { 'content-type': 'application/merge-patch+json' } };

type Slice = KObject & {
  endpoints?: { addresses: string[]; conditions: { ready?: boolean; serving?: boolean; terminating?: boolean } }[];
  ports?: { name: string; port: number }[];
};

/** The latest sync note of a node's kube-proxy. */
function lastSync(cl: TestCluster, node: string): SyncNote | undefined {
  const notes = cl.relay.trace
    .since(-1)
    .filter((r) => r.kind === BUS.note && r.from === `kube-proxy@${node}` && r.summary.startsWith('iptables sync'));
  return notes[notes.length - 1]?.payload as SyncNote | undefined;
}

/** The endpoints a service port's KUBE-SVC chain balances over on a node (`ip:port`, in rule order). */
function ruleEndpoints(cl: TestCluster, node: string, portName: string): string[] {
  const rules = lastSync(cl, node)?.ruleset ?? '';
  return [
    ...rules.matchAll(new RegExp(`^-A KUBE-SVC-\\w+ -m comment --comment "${portName} -> ([\\d.:]+)"`, 'gm')),
  ].map((m) => m[1] as string);
}

async function slices(cl: TestCluster, svc: string): Promise<Slice[]> {
  const l = (
    await cl.api('GET', '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices', undefined, {
      query: { labelSelector: `kubernetes.io/service-name=${svc}` },
    })
  ).body as { items: Slice[] };
  return l.items;
}

async function sliceEndpoints(cl: TestCluster, svc: string) {
  return (await slices(cl, svc)).flatMap((s) =>
    (s.endpoints ?? []).map((e) => ({ ip: e.addresses[0], ...e.conditions })),
  );
}

/** Advances the clock until `pred` holds (checked every 250 ms); returns the simulated time it took. */
async function until(
  cl: TestCluster,
  pred: () => Promise<boolean> | boolean,
  maxMs: number,
  what: string,
): Promise<number> {
  const start = cl.relay.now;
  while (!(await pred())) {
    if (cl.relay.now - start > maxMs) throw new Error(`not within ${maxMs} ms: ${what}`);
    await cl.relay.advance(250);
  }
  return cl.relay.now - start;
}

function deployment(name: string, replicas: number, container: Record<string, unknown>) {
  return {
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', ...container }] } },
    },
  };
}

function service(name: string, targetPort: string | number, extra: Record<string, unknown> = {}) {
  return {
    metadata: { name },
    spec: { selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort }], ...extra },
  };
}

describe('Services: EndpointSlices and kube-proxy rules follow the pods', () => {
  it('scaling a Deployment updates its EndpointSlice and every node’s rules within the sync period', async () => {
    c = await testCluster({ workers: 2 });
    const cl = c;
    await cl.relay.advance(15_000);
    await cl.api(
      'POST',
      '/apis/apps/v1/namespaces/default/deployments',
      deployment('web', 2, { image: 'nginx:1.27', ports: [{ name: 'web', containerPort: 80 }] }),
    );
    await cl.api('POST', '/api/v1/namespaces/default/services', service('web', 'web', { type: 'NodePort' }));

    const readyIPs = async () =>
      (await sliceEndpoints(cl, 'web'))
        .filter((e) => e.ready)
        .map((e) => `${e.ip}:80`)
        .sort();
    const allNodesHave = async (n: number) => {
      const want = await readyIPs();
      return (
        want.length === n &&
        NODES.every(
          (node) => JSON.stringify([...ruleEndpoints(cl, node, 'default/web:http')].sort()) === JSON.stringify(want),
        )
      );
    };
    await until(cl, () => allNodesHave(2), 60_000, 'two endpoints in every node’s rules');

    // The slice: generateName, labels, owner, the named port resolved, conditions, trigger time.
    const [s] = await slices(cl, 'web');
    expect(s?.metadata?.annotations?.['endpoints.kubernetes.io/last-change-trigger-time']).toMatch(
      /^2025-01-01T00:\d\d:\d\dZ$/,
    );
    expect(s?.metadata?.name).toMatch(/^web-[a-z0-9]{5}$/);
    expect(s?.metadata?.labels).toMatchObject({
      'kubernetes.io/service-name': 'web',
      'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
    });
    expect(s?.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Service', name: 'web', controller: true });
    expect(s?.ports).toEqual([{ name: 'http', protocol: 'TCP', port: 80 }]);

    // Scale to 4: once the slice lists four ready endpoints, every node follows within a sync period.
    await cl.api('PATCH', '/apis/apps/v1/namespaces/default/deployments/web', { spec: { replicas: 4 } }, merge);
    await until(cl, async () => (await readyIPs()).length === 4, 60_000, 'four ready endpoints in the slice');
    const lag = await until(cl, () => allNodesHave(4), 30_000, 'four endpoints in every node’s rules');
    // Within the sync period (30 s); in fact within minSyncPeriod (1 s) plus watch latency.
    expect(lag).toBeLessThan(30_000);
    expect(lag).toBeLessThanOrEqual(2_000);
    const rules = lastSync(cl, 'kind-worker')?.ruleset ?? '';
    expect(
      rules
        .match(/-m comment --comment "default\/web:http -> [\d.:]+" -m statistic --mode random --probability (\S+)/g)
        ?.map((l) => l.split(' ').pop()),
    ).toEqual(['0.2500000000', '0.3333333333', '0.5000000000']);
    expect(rules).toMatch(
      /-A KUBE-NODEPORTS -m comment --comment default\/web:http -m tcp -p tcp --dport 3\d{4} -j KUBE-EXT-/,
    );

    // The legacy Endpoints object agrees.
    const ep = (await cl.api('GET', '/api/v1/namespaces/default/endpoints/web')).body as {
      metadata: { labels: Record<string, string>; annotations: Record<string, string> };
      subsets: { addresses: { ip: string }[]; ports: { name: string; port: number }[] }[];
    };
    expect(ep.subsets[0]?.addresses.map((a) => `${a.ip}:80`).sort()).toEqual(await readyIPs());
    expect(ep.subsets[0]?.ports).toEqual([{ name: 'http', port: 80, protocol: 'TCP' }]);
    expect(ep.metadata.labels['endpoints.kubernetes.io/managed-by']).toBe('endpoint-controller');

    // Scale to 1: the rules shrink to one endpoint everywhere.
    await cl.api('PATCH', '/apis/apps/v1/namespaces/default/deployments/web', { spec: { replicas: 1 } }, merge);
    await until(cl, () => allNodesHave(1), 60_000, 'one endpoint in every node’s rules');
    expect(ruleEndpoints(cl, 'kind-worker2', 'default/web:http')).toHaveLength(1);

    // Each sync is announced with its size and diff.
    const note = lastSync(cl, 'kind-worker');
    expect(note?.rules).toBeGreaterThan(10);
    expect(note?.ruleset).toContain('-A KUBE-SERVICES -m comment --comment "default/web:http cluster IP"');
  });

  it('a pod that stops being ready leaves the rules, and comes back when ready again', async () => {
    c = await testCluster({ workers: 2 });
    const cl = c;
    await cl.relay.advance(15_000);
    // flaky serves on 8080 and starts failing its liveness probe after 30 s; the kubelet restarts
    // it, and while the container is down the pod's Ready condition is False.
    await cl.api(
      'POST',
      '/apis/apps/v1/namespaces/default/deployments',
      deployment('flaky', 1, {
        image: 'wheelhouse/flaky:1.0',
        ports: [{ name: 'http', containerPort: 8080 }],
        readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 1 },
        livenessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 2, failureThreshold: 1 },
      }),
    );
    await cl.api('POST', '/api/v1/namespaces/default/services', service('flaky', 'http'));
    const inRules = () => NODES.every((n) => ruleEndpoints(cl, n, 'default/flaky:http').length === 1);
    const notInRules = () => NODES.every((n) => ruleEndpoints(cl, n, 'default/flaky:http').length === 0);
    await until(cl, inRules, 60_000, 'the ready pod in every node’s rules');
    // Watch the slice and the Endpoints object while waiting: the restart window is short.
    const seen: { slice?: unknown; endpoints?: unknown; rules?: string } = {};
    await until(
      cl,
      async () => {
        const eps = await sliceEndpoints(cl, 'flaky');
        if (eps.length === 1 && eps[0]?.ready === false && !seen.slice) {
          seen.slice = eps[0];
          seen.endpoints = (
            (await cl.api('GET', '/api/v1/namespaces/default/endpoints/flaky')).body as { subsets: unknown[] }
          ).subsets;
        }
        if (notInRules()) seen.rules = lastSync(cl, 'kind-worker')?.ruleset;
        return seen.slice !== undefined && seen.rules !== undefined;
      },
      60_000,
      'the unready pod out of the slice’s ready endpoints and out of every node’s rules',
    );
    expect(seen.slice).toMatchObject({ ready: false, serving: false, terminating: false });
    expect(seen.endpoints).toEqual([
      expect.objectContaining({ notReadyAddresses: [expect.objectContaining({ nodeName: expect.any(String) })] }),
    ]);
    expect((seen.endpoints as { addresses?: unknown }[])[0]?.addresses).toBeUndefined();
    // With no usable endpoint the service rejects.
    expect(seen.rules).toContain('"default/flaky:http has no endpoints"');
    await until(cl, inRules, 60_000, 'the pod back in every node’s rules once ready');
  });

  it('a terminating endpoint is used only while no ready endpoint exists (serving, terminating fallback)', async () => {
    c = await testCluster({ workers: 2 });
    const cl = c;
    await cl.relay.advance(15_000);
    // sleep ignores SIGTERM, so the pod stays terminating for its whole grace period.
    const pod = (name: string) => ({
      metadata: { name, labels: { app: 'term' } },
      spec: {
        terminationGracePeriodSeconds: 30,
        containers: [
          {
            name: 'c',
            image: 'busybox:1.37',
            command: ['sleep', '3600'],
            ports: [{ name: 'http', containerPort: 8080 }],
          },
        ],
      },
    });
    await cl.api('POST', '/api/v1/namespaces/default/services', service('term', 'http'));
    await cl.api('POST', '/api/v1/namespaces/default/pods', pod('old'));
    const ruleSets = () => NODES.map((n) => ruleEndpoints(cl, n, 'default/term:http'));
    await until(cl, () => ruleSets().every((r) => r.length === 1), 60_000, 'the pod in every node’s rules');
    const oldIP = ruleSets()[0]?.[0] as string;

    await cl.api('DELETE', '/api/v1/namespaces/default/pods/old');
    await until(
      cl,
      async () => (await sliceEndpoints(cl, 'term')).some((e) => e.terminating),
      10_000,
      'the endpoint marked terminating',
    );
    expect((await sliceEndpoints(cl, 'term'))[0]).toMatchObject({ ready: false, serving: true, terminating: true });
    // Nothing else is ready, so kube-proxy keeps sending to the serving, terminating endpoint.
    await cl.relay.advance(2_000);
    for (const r of ruleSets()) expect(r).toEqual([oldIP]);
    // The legacy Endpoints drops a terminating pod at once.
    const ep = (await cl.api('GET', '/api/v1/namespaces/default/endpoints/term')).body as { subsets?: unknown[] };
    expect(ep.subsets ?? []).toEqual([]);

    // A ready replacement takes over: the terminating endpoint leaves the rules.
    await cl.api('POST', '/api/v1/namespaces/default/pods', pod('new'));
    await until(
      cl,
      () => ruleSets().every((r) => r.length === 1 && r[0] !== oldIP),
      30_000,
      'only the ready replacement in every node’s rules',
    );
    const both = await sliceEndpoints(cl, 'term');
    expect(both.find((e) => `${e.ip}:8080` === oldIP)).toMatchObject({
      ready: false,
      serving: true,
      terminating: true,
    });
    // After the grace period the old pod is gone from the slice too.
    await until(cl, async () => (await sliceEndpoints(cl, 'term')).length === 1, 60_000, 'the old endpoint removed');
  });
});

describe('endpoint controllers: endpoints from pods', () => {
  const svc: ServiceLike = {
    metadata: { namespace: 'ns', name: 'web' },
    spec: {
      clusterIP: '10.96.0.50',
      selector: { app: 'web' },
      ports: [
        { name: 'http', protocol: 'TCP', port: 80, targetPort: 'web' },
        { name: 'metrics', protocol: 'TCP', port: 9090, targetPort: 9090 },
      ],
    },
  };
  const pod = (
    name: string,
    ip: string,
    ready: boolean,
    opts: { terminating?: boolean; webPort?: number } = {},
  ): PodLike => ({
    metadata: {
      namespace: 'ns',
      name,
      uid: `uid-${name}`,
      labels: { app: 'web' },
      ...(opts.terminating ? { deletionTimestamp: '2025-01-01T00:01:00Z' } : {}),
    },
    spec: {
      nodeName: 'kind-worker',
      containers: [
        { name: 'c', ports: opts.webPort === 0 ? [] : [{ name: 'web', containerPort: opts.webPort ?? 8080 }] },
      ],
    },
    status: {
      phase: 'Running',
      podIP: ip,
      podIPs: [{ ip }],
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
    },
  });

  it('podToEndpoint: ready, serving and terminating as upstream computes them', () => {
    const node = { metadata: { name: 'kind-worker', labels: { 'topology.kubernetes.io/zone': 'z1' } } };
    expect(podToEndpoint(pod('a', '10.244.1.5', true), node, svc, 'IPv4')).toEqual({
      addresses: ['10.244.1.5'],
      conditions: { ready: true, serving: true, terminating: false },
      targetRef: { kind: 'Pod', namespace: 'ns', name: 'a', uid: 'uid-a' },
      nodeName: 'kind-worker',
      zone: 'z1',
    });
    expect(podToEndpoint(pod('b', '10.244.1.6', false), node, svc, 'IPv4').conditions).toEqual({
      ready: false,
      serving: false,
      terminating: false,
    });
    expect(podToEndpoint(pod('c', '10.244.1.7', true, { terminating: true }), node, svc, 'IPv4').conditions).toEqual({
      ready: false,
      serving: true,
      terminating: true,
    });
    const pna = { ...svc, spec: { ...svc.spec, publishNotReadyAddresses: true } };
    expect(podToEndpoint(pod('d', '10.244.1.8', false, { terminating: true }), node, pna, 'IPv4').conditions).toEqual({
      ready: true,
      serving: false,
      terminating: true,
    });
  });

  it('getEndpointPorts resolves named target ports per pod and leaves out what a pod does not name', () => {
    expect(getEndpointPorts(svc, pod('a', '10.244.1.5', true))).toEqual([
      { name: 'http', protocol: 'TCP', port: 8080 },
      { name: 'metrics', protocol: 'TCP', port: 9090 },
    ]);
    expect(getEndpointPorts(svc, pod('b', '10.244.1.6', true, { webPort: 0 }))).toEqual([
      { name: 'metrics', protocol: 'TCP', port: 9090 },
    ]);
  });

  it('Endpoints subsets: ready and not-ready addresses, terminating pods left out, repacked by port set', () => {
    const subsets = computeSubsets(svc, [
      pod('a', '10.244.1.5', true),
      pod('b', '10.244.2.6', false),
      pod('c', '10.244.1.7', true, { terminating: true }),
      pod('d', '10.244.1.4', true, { webPort: 8081 }),
    ]);
    const ips = (l?: { ip: string }[]) => (l ?? []).map((a) => a.ip);
    // metrics:9090 is offered by a, b and d alike; http resolves to 8080 (a, b) or 8081 (d).
    // Subsets are ordered by first address, then ports (upstream orders them by a hash).
    expect(
      subsets.map((s) => ({ ready: ips(s.addresses), notReady: ips(s.notReadyAddresses), ports: s.ports })),
    ).toEqual([
      { ready: ['10.244.1.4'], notReady: [], ports: [{ name: 'http', port: 8081, protocol: 'TCP' }] },
      {
        ready: ['10.244.1.4', '10.244.1.5'],
        notReady: ['10.244.2.6'],
        ports: [{ name: 'metrics', port: 9090, protocol: 'TCP' }],
      },
      { ready: ['10.244.1.5'], notReady: ['10.244.2.6'], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] },
    ]);
    expect(repackSubsets([])).toEqual([]);
  });

  it('a Service without pods gets one placeholder EndpointSlice', async () => {
    c = await testCluster({ workers: 1 });
    await c.relay.advance(10_000);
    await c.api('POST', '/api/v1/namespaces/default/services', service('lonely', 8080));
    await c.relay.advance(3_000);
    const l = await slices(c, 'lonely');
    expect(l).toHaveLength(1);
    expect(l[0]).toMatchObject({ addressType: 'IPv4', endpoints: null, ports: null });
    expect(l[0]?.metadata?.name).toMatch(/^lonely-[a-z0-9]{5}$/);
    expect(lastSync(c, 'kind-worker')?.ruleset).toContain('"default/lonely:http has no endpoints"');
  });
});
