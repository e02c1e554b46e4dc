/**
 * kind's cluster configuration (`kind: Cluster`, `apiVersion: kind.x-k8s.io/v1alpha4`), as
 * `kind create cluster --config` reads it: a name, nodes with roles and labels, and networking.
 * One addition of ours: a node may say `capacity: {cpu, memory, pods}` (what its kubelet reports).
 */
import { isMap, LineCounter, parseDocument } from 'yaml';
import type { ClusterConfig } from './topology.ts';

export class KindConfigError extends Error {}

interface KindNode {
  role?: string;
  labels?: Record<string, string>;
  capacity?: { cpu?: string; memory?: string; pods?: string };
  [k: string]: unknown;
}

export function parseKindConfig(text: string, source = 'kind config'): ClusterConfig {
  const lc = new LineCounter();
  const doc = parseDocument(text, { version: '1.1', lineCounter: lc });
  const err = doc.errors[0];
  if (err) {
    const p = err.linePos?.[0];
    throw new KindConfigError(`${source}:${p?.line ?? 1}:${p?.col ?? 1}: ${err.message.split('\n')[0]}`);
  }
  if (!isMap(doc.contents)) throw new KindConfigError(`${source}: expected a kind Cluster object`);
  const o = doc.toJS() as {
    kind?: string;
    apiVersion?: string;
    name?: string;
    nodes?: KindNode[];
    networking?: { kubeProxyMode?: string };
  };
  if (o.kind !== 'Cluster')
    throw new KindConfigError(`${source}: kind must be "Cluster", got ${JSON.stringify(o.kind)}`);
  if (o.apiVersion !== 'kind.x-k8s.io/v1alpha4') {
    throw new KindConfigError(
      `${source}: unknown apiVersion ${JSON.stringify(o.apiVersion)} (kind reads kind.x-k8s.io/v1alpha4)`,
    );
  }
  const nodes = o.nodes ?? [{ role: 'control-plane' }];
  const cps = nodes.filter((n) => (n.role ?? 'control-plane') === 'control-plane');
  const workers = nodes.filter((n) => n.role === 'worker');
  for (const [i, n] of nodes.entries()) {
    if (n.role !== undefined && n.role !== 'control-plane' && n.role !== 'worker') {
      throw new KindConfigError(
        `${source}: nodes[${i}].role must be control-plane or worker, got ${JSON.stringify(n.role)}`,
      );
    }
  }
  if (cps.length !== 1) {
    throw new KindConfigError(
      `${source}: exactly one control-plane node is supported (this simulation runs a single control plane), got ${cps.length}`,
    );
  }
  const mode = o.networking?.kubeProxyMode ?? 'iptables';
  if (mode !== 'iptables' && mode !== 'ipvs')
    throw new KindConfigError(
      `${source}: networking.kubeProxyMode ${JSON.stringify(mode)} is not supported (iptables, ipvs)`,
    );
  const extras = [cps[0] as KindNode, ...workers].map((n) => {
    const e: NonNullable<ClusterConfig['nodeExtras']>[number] = {};
    if (n.labels) e.labels = Object.fromEntries(Object.entries(n.labels).map(([k, v]) => [k, String(v)]));
    if (n.capacity) e.capacity = Object.fromEntries(Object.entries(n.capacity).map(([k, v]) => [k, String(v)]));
    return e;
  });
  const config: ClusterConfig = { workers: workers.length, proxyMode: mode, nodeExtras: extras };
  if (o.name) config.name = o.name;
  return config;
}
