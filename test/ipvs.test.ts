/**
 * kube-proxy in IPVS mode, end to end. On the simulated clock, a whole in-process cluster booted
 * with `proxyMode: 'ipvs'` (kind's `networking.kubeProxyMode: ipvs`): scaling a Deployment
 * behind a NodePort Service changes every node's real servers within the sync period. The
 * assertions read a projection of the trace: each kube-proxy's latest `ipvs sync` state, printed
 * as `ipvsadm -Ln` would. Then the headless runner started as a user would
 * (`npm run serve -- --proxy-mode ipvs`) answers /debug/nodes/<node>/{ipvsadm,ipset,kube-ipvs0}.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { KObject } from '../src/machinery/api/types.ts';
import { BUS } from '../src/machinery/bus/protocol.ts';
import { ipvsadmList } from '../workers/kube-proxy/ipvsadm.ts';
import type { IpvsSyncNote } from '../workers/kube-proxy/kube-proxy.ts';
import { latestIpvsState, nodeToolOutput } from '../workers/kube-proxy/node-views.ts';
import { type TestCluster, testCluster } from './harness.ts';
import { startRunner } from './headless.ts';

let c: TestCluster | undefined;
afterEach(async () => {
  await c?.shutdown();
  c = undefined;
});

const NODES = ['kind-control-plane', 'kind-worker', 'kind-worker2'];
const merge = { headers: { 'content-type': 'application/merge-patch+json' } };

function notes(cl: TestCluster, node: string): IpvsSyncNote[] {
  return cl.relay.trace
    .since(-1)
    .filter((r) => r.kind === BUS.note && r.from === `kube-proxy@${node}` && r.summary.startsWith('ipvs sync'))
    .map((r) => r.payload as IpvsSyncNote);
}

/** The real servers of a virtual server on a node (`ip:port`, sorted), from its latest IPVS state. */
function realServers(cl: TestCluster, node: string, address: string, port: number): string[] {
  const vs = latestIpvsState(cl.relay.trace.since(-1), node).state?.virtualServers.find(
    (v) => v.address === address && v.port === port,
  );
  return (vs?.realServers ?? []).map((r) => `${r.address}:${r.port}`).sort();
}

async function until(cl: TestCluster, pred: () => Promise<boolean> | boolean, maxMs: number, what: string) {
  const start = cl.relay.now;
  while (!(await pred())) {
    if (cl.relay.now - start > maxMs) throw new Error(`not within ${maxMs} ms: ${what}`);
    await cl.relay.advance(250);
  }
  return cl.relay.now - start;
}

async function readyEndpoints(cl: TestCluster, svc: string, port: number): Promise<string[]> {
  const l = (
    await cl.api('GET', '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices', undefined, {
      query: { labelSelector: `kubernetes.io/service-name=${svc}` },
    })
  ).body as { items: (KObject & { endpoints?: { addresses: string[]; conditions: { ready?: boolean } }[] })[] };
  return l.items
    .flatMap((s) => s.endpoints ?? [])
    .filter((e) => e.conditions.ready)
    .map((e) => `${e.addresses[0]}:${port}`)
    .sort();
}

describe('kube-proxy in IPVS mode', () => {
  it('scaling a Deployment updates every node’s real servers within the sync period', async () => {
    c = await testCluster({ workers: 2, proxyMode: 'ipvs' });
    const cl = c;
    await cl.relay.advance(15_000);
    // Before any workload: the kubernetes and kube-dns Services.
    const boot = ipvsadmList(latestIpvsState(cl.relay.trace.since(-1), 'kind-worker').state?.virtualServers ?? []);
    expect(boot).toContain(
      'TCP  10.96.0.1:443 rr\n  -> 172.18.0.2:6443              Masq    1      0          0         \n',
    );
    expect(boot).toContain('UDP  10.96.0.10:53 rr\n');
    expect(
      cl.relay.trace
        .since(-1)
        .some((r) => r.from === 'kube-proxy@kind-worker' && r.summary === 'kube-proxy: Using ipvs Proxier'),
    ).toBe(true);

    await cl.api('POST', '/apis/apps/v1/namespaces/default/deployments', {
      metadata: { name: 'web' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'c', image: 'nginx:1.27', ports: [{ name: 'web', containerPort: 80 }] }] },
        },
      },
    });
    const created = await cl.api('POST', '/api/v1/namespaces/default/services', {
      metadata: { name: 'web' },
      spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'web' }] },
    });
    const svc = created.body as { spec: { clusterIP: string; ports: { nodePort: number }[] } };
    const clusterIP = svc.spec.clusterIP;
    const nodePort = svc.spec.ports[0]?.nodePort ?? 0;
    const nodeIPs: Record<string, string> = {
      'kind-control-plane': '172.18.0.2',
      'kind-worker': '172.18.0.3',
      'kind-worker2': '172.18.0.4',
    };
    const everyNodeHas = async (n: number) => {
      const want = await readyEndpoints(cl, 'web', 80);
      return (
        want.length === n &&
        NODES.every(
          (node) =>
            JSON.stringify(realServers(cl, node, clusterIP, 80)) === JSON.stringify(want) &&
            JSON.stringify(realServers(cl, node, nodeIPs[node] as string, nodePort)) === JSON.stringify(want),
        )
      );
    };
    await until(cl, () => everyNodeHas(2), 60_000, 'two real servers on every node');

    await cl.api('PATCH', '/apis/apps/v1/namespaces/default/deployments/web', { spec: { replicas: 4 } }, merge);
    await until(cl, async () => (await readyEndpoints(cl, 'web', 80)).length === 4, 60_000, 'four ready endpoints');
    const lag = await until(cl, () => everyNodeHas(4), 30_000, 'four real servers on every node');
    // Within the sync period (30 s); with minSyncPeriod 0, as soon as the slice arrives.
    expect(lag).toBeLessThan(30_000);
    expect(lag).toBeLessThanOrEqual(1_000);

    // The sync that added them says so, and carries the state and the diff.
    const last = notes(cl, 'kind-worker')
      .filter((n) => n.state)
      .pop();
    expect(last?.diff.realServersAdded.some((x) => x.startsWith(`${clusterIP}:80/TCP -> `))).toBe(true);
    const sets = Object.fromEntries((last?.state?.ipsets ?? []).map((s) => [s.name, s.entries]));
    expect(sets['KUBE-CLUSTER-IP']).toContain(`${clusterIP},tcp:80`);
    expect(sets['KUBE-NODE-PORT-TCP']).toEqual([String(nodePort)]);
    expect(last?.state?.dummy.addresses).toContain(clusterIP);
    expect(nodeToolOutput(cl.relay.trace.since(-1), 'kind-worker', 'ipvsadm').text).toContain(
      `TCP  172.18.0.3:${nodePort} rr\n`,
    );

    await cl.api('PATCH', '/apis/apps/v1/namespaces/default/deployments/web', { spec: { replicas: 1 } }, merge);
    await until(cl, () => everyNodeHas(1), 60_000, 'one real server on every node');

    // IPVS mode resyncs every syncPeriod (30 s); a resync that changes nothing says so.
    const before = notes(cl, 'kind-worker2').length;
    await cl.relay.advance(31_000);
    const after = notes(cl, 'kind-worker2');
    expect(after.length).toBeGreaterThan(before);
    expect(after[after.length - 1]?.unchanged).toBe(true);
  });

  it('in iptables mode the IPVS tools answer as on a node without IPVS', async () => {
    c = await testCluster({ workers: 1 });
    await c.relay.advance(10_000);
    const records = c.relay.trace.since(-1);
    expect(nodeToolOutput(records, 'kind-worker', 'ipvsadm')).toEqual({
      status: 200,
      exitCode: 0,
      text: 'IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n',
    });
    expect(nodeToolOutput(records, 'kind-worker', 'ipset')).toEqual({ status: 200, exitCode: 0, text: '' });
    expect(nodeToolOutput(records, 'kind-worker', 'kube-ipvs0')).toMatchObject({
      status: 404,
      text: 'Device "kube-ipvs0" does not exist.\n',
    });
    expect(nodeToolOutput(records, 'no-such-node', 'ipvsadm').status).toBe(404);
  });

  it('the headless runner with --proxy-mode ipvs serves ipvsadm, ipset and kube-ipvs0', async () => {
    const runner = await startRunner(['--nodes', '1', '--proxy-mode', 'ipvs', '--speed', 'max']);
    try {
      const get = async (p: string) => {
        const r = await fetch(`${runner.api}${p}`);
        return { status: r.status, text: await r.text() };
      };
      let ipvsadm = { status: 0, text: '' };
      for (let i = 0; i < 200 && !ipvsadm.text.includes('TCP  10.96.0.1:443 rr'); i++) {
        ipvsadm = await get('/debug/nodes/kind-worker/ipvsadm');
        if (!ipvsadm.text.includes('TCP  10.96.0.1:443 rr')) await new Promise((r) => setTimeout(r, 100));
      }
      expect(ipvsadm.status).toBe(200);
      expect(ipvsadm.text).toMatch(
        /^IP Virtual Server version 1\.2\.1 \(size=4096\)\nProt LocalAddress:Port Scheduler Flags\n/,
      );
      expect(ipvsadm.text).toContain('TCP  10.96.0.1:443 rr\n  -> 172.18.0.2:6443 ');
      expect((await get('/debug/nodes/kind-worker/ipvsadm?stats')).text).toContain(
        'Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n',
      );
      const ipset = await get('/debug/nodes/kind-worker/ipset');
      expect(ipset.text).toContain('Name: KUBE-CLUSTER-IP\nType: hash:ip,port\n');
      expect(ipset.text).toContain('10.96.0.1,tcp:443\n');
      const dev = await get('/debug/nodes/kind-worker/kube-ipvs0');
      expect(dev.text).toContain('kube-ipvs0: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN group default \n');
      expect(dev.text).toContain('    inet 10.96.0.1/32 scope global kube-ipvs0\n');
      expect((await get('/debug/nodes/nope/ipvsadm')).status).toBe(404);
    } finally {
      await runner.stop();
    }
  });
});
