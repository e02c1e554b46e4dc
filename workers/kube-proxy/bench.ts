/**
 * Inputs for kube-proxy benchmarks: a synthetic cluster of N ClusterIP services with E ready
 * endpoints each, the full sync that turns it into a restore input, and incremental syncs that
 * change a few services. Pure functions; the benchmark harness times them.
 */
import { Proxier, type ProxierConfig, type SyncResult } from './proxier.ts';
import type { EndpointSlice, Service } from './types.ts';

export interface SyntheticCluster {
  services: Service[];
  endpointSlices: EndpointSlice[];
  node: { name: string; ip: string };
}

/** Service i: `bench/svc-<i>`, ClusterIP 10.96.x.y, port 80 → 8080; endpoints 10.<244+>.x.y spread over 3 nodes. */
export function syntheticCluster(services: number, endpointsPerService = 10): SyntheticCluster {
  const svcs: Service[] = [];
  const slices: EndpointSlice[] = [];
  let ep = 0;
  for (let i = 0; i < services; i++) {
    const name = `svc-${i}`;
    const ip = 10 * 65536 + (96 << 8) * 0 + i + 256;
    svcs.push({
      metadata: { namespace: 'bench', name, uid: `uid-${i}` },
      spec: {
        type: 'ClusterIP',
        clusterIP: `10.96.${(ip >> 8) & 255}.${ip & 255}`,
        selector: { app: name },
        ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080 }],
      },
    });
    const endpoints: NonNullable<EndpointSlice['endpoints']> = [];
    for (let k = 0; k < endpointsPerService; k++, ep++) {
      endpoints.push({
        addresses: [`10.${244 + (ep >> 16)}.${(ep >> 8) & 255}.${ep & 255}`],
        conditions: { ready: true, serving: true, terminating: false },
        nodeName: `node-${ep % 3}`,
      });
    }
    slices.push({
      metadata: {
        namespace: 'bench',
        name: `${name}-abcde`,
        labels: { 'kubernetes.io/service-name': name },
      },
      addressType: 'IPv4',
      ports: [{ name: 'http', protocol: 'TCP', port: 8080 }],
      endpoints,
    });
  }
  return { services: svcs, endpointSlices: slices, node: { name: 'node-0', ip: '172.18.0.2' } };
}

/**
 * A proxier loaded with the synthetic cluster and its first (full) sync: `result.restoreInput` is
 * the complete iptables-restore input for `services` × `endpointsPerService`.
 */
export function benchFullSync(
  services: number,
  endpointsPerService = 10,
  config: Partial<ProxierConfig> = {},
): { proxier: Proxier; cluster: SyntheticCluster; result: SyncResult } {
  const cluster = syntheticCluster(services, endpointsPerService);
  const proxier = new Proxier({ nodeName: cluster.node.name, nodeIP: cluster.node.ip, ...config });
  for (const s of cluster.services) proxier.onServiceUpdate(s);
  for (const s of cluster.endpointSlices) proxier.onEndpointSliceUpdate(s);
  return { proxier, cluster, result: proxier.syncProxyRules() };
}

/**
 * An incremental sync after `changes` services each gained one endpoint (round `round` picks
 * which): the cost the proxier pays per change, with the partial restore input upstream writes.
 */
export function benchIncrementalSync(proxier: Proxier, cluster: SyntheticCluster, changes = 1, round = 0): SyncResult {
  const n = cluster.endpointSlices.length;
  for (let c = 0; c < changes; c++) {
    const idx = (round * changes + c) % n;
    const slice = cluster.endpointSlices[idx] as EndpointSlice;
    const eps = [...(slice.endpoints ?? [])];
    eps.push({
      addresses: [`10.250.${(round + c) & 255}.${idx & 255}`],
      conditions: { ready: true },
      nodeName: 'node-1',
    });
    const next = { ...slice, endpoints: eps };
    cluster.endpointSlices[idx] = next;
    proxier.onEndpointSliceUpdate(next);
  }
  return proxier.syncProxyRules();
}
