/**
 * kubectl cordon, uncordon and drain against a whole cluster on the simulated clock: the node's
 * spec.unschedulable, kubectl's lines, the DaemonSet refusal, and pods evicted and recreated on
 * the other node.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { KObject } from '../src/machinery/api/types.ts';
import { kubectlIO } from '../src/machinery/cluster/kubectl-io.ts';
import { runKubectl } from '../src/machinery/kubectl/kubectl.ts';
import type { KubectlIO, KubectlResult } from '../src/machinery/kubectl/types.ts';
import { type TestCluster, testCluster } from './harness.ts';

let c: TestCluster | undefined;
afterEach(async () => {
  await c?.shutdown();
  c = undefined;
});

/** Runs kubectl while the clock moves, as the console does. */
async function kubectl(cl: TestCluster, io: KubectlIO, line: string, maxMs = 120_000): Promise<KubectlResult> {
  let done: KubectlResult | undefined;
  const p = runKubectl(line.split(' '), io).then((r) => {
    done = r;
    return r;
  });
  const start = cl.relay.now;
  while (done === undefined) {
    if (cl.relay.now - start > maxMs) throw new Error(`kubectl ${line}: not done within ${maxMs} ms`);
    await cl.relay.advance(250);
  }
  return p;
}

async function podsOn(cl: TestCluster, node: string): Promise<KObject[]> {
  const r = await cl.api('GET', '/api/v1/pods', undefined, { query: { fieldSelector: `spec.nodeName=${node}` } });
  return (r.body as { items: KObject[] }).items;
}

const unschedulable = async (cl: TestCluster, node: string) =>
  ((await cl.api('GET', `/api/v1/nodes/${node}`)).body as { spec?: { unschedulable?: boolean } }).spec?.unschedulable;

describe('kubectl cordon / uncordon / drain', () => {
  it('cordons and uncordons, saying so when there is nothing to do', async () => {
    c = await testCluster({ workers: 1 });
    const io = kubectlIO(c.relay);
    await c.relay.advance(3000);
    expect((await kubectl(c, io, 'cordon kind-worker')).stdout).toBe('node/kind-worker cordoned\n');
    expect(await unschedulable(c, 'kind-worker')).toBe(true);
    expect((await kubectl(c, io, 'cordon kind-worker')).stdout).toBe('node/kind-worker already cordoned\n');
    expect((await kubectl(c, io, 'uncordon kind-worker --dry-run=client')).stdout).toBe(
      'node/kind-worker uncordoned (dry run)\n',
    );
    expect(await unschedulable(c, 'kind-worker')).toBe(true);
    expect((await kubectl(c, io, 'uncordon kind-worker')).stdout).toBe('node/kind-worker uncordoned\n');
    expect(await unschedulable(c, 'kind-worker')).toBeUndefined();
    expect((await kubectl(c, io, 'uncordon kind-worker')).stdout).toBe('node/kind-worker already uncordoned\n');
    const missing = await kubectl(c, io, 'cordon nope');
    expect(missing.stderr).toBe('Error from server (NotFound): nodes "nope" not found\n');
    expect(missing.exitCode).toBe(1);
    const usage = await kubectl(c, io, 'drain');
    expect(usage.stderr).toBe("error: USAGE: drain NODE [flags]\nSee 'kubectl drain -h' for help and examples\n");
  });

  it('refuses DaemonSet pods without --ignore-daemonsets, then evicts the rest', async () => {
    c = await testCluster({ workers: 2 });
    const io = kubectlIO(c.relay);
    await c.relay.advance(3000);
    await kubectl(c, io, 'create deployment web --image=nginx --replicas=4');
    await c.relay.advance(20_000);
    const before = (await podsOn(c, 'kind-worker')).filter((p) => p.metadata?.name?.startsWith('web-'));
    expect(before.length).toBeGreaterThan(0);
    // kind runs kindnet and kube-proxy as DaemonSets: a pod of each on every node.
    const daemons = (await podsOn(c, 'kind-worker'))
      .filter((p) => p.metadata?.ownerReferences?.some((r) => r.kind === 'DaemonSet'))
      .map((p) => `kube-system/${p.metadata?.name}`);
    expect(daemons.some((d) => d.startsWith('kube-system/kube-proxy-'))).toBe(true);

    const refused = await kubectl(c, io, 'drain kind-worker');
    expect(refused.exitCode).toBe(1);
    expect(refused.stdout).toBe('node/kind-worker cordoned\n');
    const reason = `cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): ${daemons.join(', ')}`;
    expect(refused.stderr).toContain(
      `error: unable to drain node "kind-worker" due to error: ${reason}, continuing command...\n`,
    );
    expect(refused.stderr).toContain('There are pending nodes to be drained:\n kind-worker\n');
    expect(refused.stderr.endsWith(`${reason}\n`)).toBe(true);

    const drained = await kubectl(c, io, 'drain kind-worker --ignore-daemonsets');
    expect(drained.exitCode).toBe(0);
    expect(drained.stderr).toBe(`Warning: ignoring DaemonSet-managed Pods: ${daemons.join(', ')}\n`);
    const out = drained.stdout.split('\n').filter((l) => l !== '');
    expect(out[0]).toBe('node/kind-worker already cordoned');
    expect(out.at(-1)).toBe('node/kind-worker drained');
    for (const p of before) {
      expect(out).toContain(`evicting pod default/${p.metadata?.name}`);
      expect(out).toContain(`pod/${p.metadata?.name} evicted`);
    }
    // The ReplicaSet replaced them on the other node; only the DaemonSet pod stays.
    const left = (await podsOn(c, 'kind-worker')).map((p) => p.metadata?.name);
    expect(left.filter((n) => n?.startsWith('web-'))).toEqual([]);
    await c.relay.advance(15_000);
    expect((await podsOn(c, 'kind-worker2')).filter((p) => p.metadata?.name?.startsWith('web-'))).toHaveLength(4);
  }, 60_000);

  it('refuses a bare pod without --force', async () => {
    c = await testCluster({ workers: 1 });
    const io = kubectlIO(c.relay);
    await c.relay.advance(3000);
    await kubectl(c, io, 'run solo --image=nginx');
    await c.relay.advance(10_000);
    const r = await kubectl(c, io, 'drain kind-worker --ignore-daemonsets --dry-run=client');
    expect(r.stdout).toBe('node/kind-worker cordoned (dry run)\n');
    expect(r.stderr).toContain(
      'cannot delete cannot delete Pods that declare no controller (use --force to override): default/solo\n',
    );
    const forced = await kubectl(c, io, 'drain kind-worker --ignore-daemonsets --force --dry-run=client');
    const lines = forced.stdout.split('\n');
    expect(lines[0]).toBe('node/kind-worker cordoned (dry run)');
    expect(lines).toContain('evicting pod default/solo (dry run)');
    expect(lines.at(-2)).toBe('node/kind-worker drained (dry run)');
    expect(forced.stderr).toContain('deleting Pods that declare no controller: default/solo');
    // Nothing changed: a client dry run sends no writes.
    expect(await unschedulable(c, 'kind-worker')).toBeUndefined();
  }, 60_000);
});
