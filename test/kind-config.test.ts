import { afterEach, describe, expect, it } from 'vitest';
import { KindConfigError, parseKindConfig } from '../src/machinery/cluster/kind-config.ts';
import { type TestCluster, testCluster } from './harness.ts';

let c: TestCluster | undefined;
afterEach(async () => {
  await c?.shutdown();
  c = undefined;
});

const CONFIG = `kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
name: lab
nodes:
- role: control-plane
- role: worker
  labels:
    tier: frontend
- role: worker
  labels:
    tier: backend
  capacity: { cpu: "2", memory: 4Gi }
`;

describe('kind config', () => {
  it('gives the nodes kind names, roles, labels and capacity', async () => {
    const config = parseKindConfig(CONFIG);
    expect(config).toMatchObject({ name: 'lab', workers: 2, proxyMode: 'iptables' });
    c = await testCluster(config);
    await c.relay.advance(15_000);
    const nodes = (await c.api('GET', '/api/v1/nodes')).body as {
      items: {
        metadata: { name: string; labels: Record<string, string> };
        status: { capacity: Record<string, string> };
      }[];
    };
    expect(nodes.items.map((n) => n.metadata.name)).toEqual(['lab-control-plane', 'lab-worker', 'lab-worker2']);
    expect(nodes.items[1]?.metadata.labels.tier).toBe('frontend');
    expect(nodes.items[2]?.metadata.labels.tier).toBe('backend');
    expect(nodes.items[2]?.status.capacity).toMatchObject({ cpu: '2', memory: '4Gi' });
  });

  it('explains what is wrong, with the line', () => {
    expect(() =>
      parseKindConfig('kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: [\n', 'my.yaml'),
    ).toThrow(/^my\.yaml:\d+:\d+: /);
    expect(() => parseKindConfig('kind: Pod\napiVersion: v1\n')).toThrow(KindConfigError);
    expect(() => parseKindConfig('kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: boss\n')).toThrow(
      'nodes[0].role must be control-plane or worker, got "boss"',
    );
  });
});
