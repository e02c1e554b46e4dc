/**
 * Replay: the inputs a running cluster recorded (console commands, faults, single steps), put
 * back at the same rounds on a fresh cluster booted with the same seed, give the same trace. The
 * page's timeline and its reload both rest on this.
 */
import { describe, expect, it } from 'vitest';
import { inProcessLink } from '../src/machinery/bus/links.ts';
import type { Relay } from '../src/machinery/bus/relay.ts';
import { bootCluster } from '../src/machinery/cluster/cluster.ts';
import { kubectlIO } from '../src/machinery/cluster/kubectl-io.ts';
import { runKubectl } from '../src/machinery/kubectl/kubectl.ts';
import { EtcdReplica } from '../src/machinery/view/replica.ts';
import { registry } from '../workers/registry.ts';

function lines(relay: Relay): string[] {
  return relay.trace.since(-1).map((r) => `${r.seq} ${r.at} ${r.from} ${r.to} ${r.kind} ${r.summary}`);
}

async function boot(replaying = false) {
  return bootCluster({ seed: 7, workers: 1 }, () => inProcessLink(registry), registry, {}, { replaying });
}

describe('replay', () => {
  it('puts recorded inputs back at their rounds and gets the same trace and the same etcd', async () => {
    const a = await boot();
    const io = kubectlIO(a.relay);
    await a.relay.advance(3000);
    // A command sent while the cluster runs, as the console does: it lands between two rounds.
    const created = runKubectl(['create', 'deployment', 'web', '--image=nginx', '--replicas=2'], io);
    await a.relay.advance(50);
    expect((await created).stdout).toBe('deployment.apps/web created\n');
    await a.relay.advance(4000);
    await a.relay.stopComponent('kubelet@kind-worker');
    await a.relay.advance(2000);
    await a.relay.step();
    await a.relay.step();
    await a.relay.startComponent('kubelet@kind-worker');
    const scaled = runKubectl(['scale', 'deployment', 'web', '--replicas=3'], io);
    await a.relay.advance(6000);
    expect((await scaled).stdout).toBe('deployment.apps/web scaled\n');
    const until = a.relay.now;
    const replicaA = new EtcdReplica(a.relay);
    const inputs = [...a.relay.inputs];
    expect(inputs.some((i) => i.control?.op === 'stop')).toBe(true);
    expect(inputs.filter((i) => i.control?.op === 'step')).toHaveLength(2);

    // A fresh cluster without its own add-on installation: kubeadm's requests are inputs too.
    const b = await boot(true);
    await b.relay.replay(inputs, until);
    expect(b.relay.now).toBe(until);
    expect(lines(b.relay)).toEqual(lines(a.relay));
    expect(b.relay.trace.digest).toBe(a.relay.trace.digest);
    const replicaB = new EtcdReplica(b.relay);
    expect(replicaB.revision).toBe(replicaA.revision);
    expect(replicaB.range('/registry/pods/default/').map((kv) => kv.key)).toEqual(
      replicaA.range('/registry/pods/default/').map((kv) => kv.key),
    );
    expect(replicaB.range('/registry/pods/default/')).toHaveLength(3);

    // Replaying to an earlier time stops there: the state is what it was then.
    const c = await boot(true);
    const half = inputs.find((i) => i.kind.startsWith('api.') && i.from === 'kubectl')?.at ?? 0;
    await c.relay.replay(inputs, half - 1);
    expect(c.relay.now).toBe(half - 1);
    const atHalf = new EtcdReplica(c.relay);
    expect(atHalf.range('/registry/deployments/default/')).toHaveLength(0);
    expect(atHalf.range('/registry/deployments/kube-system/')).toHaveLength(1);
    await Promise.all([a.shutdown(), b.shutdown(), c.shutdown()]);
  }, 120_000);
});
