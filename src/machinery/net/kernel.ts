/**
 * A node's kernel network state: its netfilter tables and the recent module's lists.
 *
 * On a real node this is the one thing kube-proxy and the node's pods share without talking:
 * kube-proxy writes the tables with iptables-restore (a syscall, not a network message) and every
 * packet from a pod on the node meets them. Here it is the same: the node's kube-proxy is wired
 * as the source of the tables (workers/registry.ts) and the node's container runtime, where the
 * pods' network namespaces are, reads them when a pod sends a packet. Both always run in the same
 * worker (topology.ts keeps a node's agents together), and they find the same kernel by the
 * machine name both their specs carry (`<node>#<n>`, unique per node per cluster, so two clusters
 * in one thread never share a kernel). When kube-proxy stops, the rules it wrote stay in the
 * kernel, as they do on a node.
 */
import type { Netfilter } from './netfilter.ts';
import { parseNetfilter } from './netfilter.ts';
import type { RecentTable } from './walk.ts';

export class NodeKernel {
  /** What writes the tables: the node's kube-proxy (its latest full ruleset). */
  private source: (() => string | undefined) | undefined;
  private text: string | undefined;
  private parsed: Netfilter | undefined;
  readonly recent: RecentTable = { lists: new Map() };

  constructor(readonly node: string) {}

  setSource(source: () => string | undefined): void {
    this.source = source;
  }

  /** The tables now in the kernel, parsed; undefined before kube-proxy wrote any. */
  netfilter(): Netfilter | undefined {
    const now = this.source?.();
    if (now !== undefined && now !== this.text) {
      this.text = now;
      this.parsed = parseNetfilter(now);
    }
    return this.parsed;
  }

  /** The restore input the tables came from. */
  rulesText(): string | undefined {
    this.netfilter();
    return this.text;
  }
}

const kernels = new Map<string, NodeKernel>();

/** The kernel of the machine a spec's config names (`config.machine`), if it names one. */
export function kernelOf(config: unknown): NodeKernel | undefined {
  const machine = (config as { machine?: unknown } | undefined)?.machine;
  if (typeof machine !== 'string' || !machine) return undefined;
  let k = kernels.get(machine);
  if (!k) kernels.set(machine, (k = new NodeKernel(machine.slice(0, machine.lastIndexOf('#')))));
  return k;
}
