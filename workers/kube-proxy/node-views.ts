/**
 * A node's IPVS tools, answered from the trace: kube-proxy announces every sync as a note, and the
 * latest note with a `state` holds what IPVS mode put in the kernel. Used by the headless runner's
 * /debug/nodes/<node>/{ipvsadm,ipset,kube-ipvs0} and available to the UI.
 *
 * On a node whose kube-proxy runs in iptables mode: `ipvsadm -Ln` prints the version and title
 * only (the answer of a node where the ip_vs module loads but holds no virtual server; on kind
 * nodes ipvsadm loads it on demand), `ipset list` prints nothing (iptables mode creates no sets)
 * and `ip addr show kube-ipvs0` fails with iproute2's "does not exist".
 */
import { ipsetListText } from './ipset.ts';
import type { IpvsState } from './ipvs.ts';
import { ipAddrShow, ipvsadmList, NO_KUBE_IPVS0 } from './ipvsadm.ts';
import type { IpvsSyncNote, SyncNote } from './kube-proxy.ts';

/** The fields of a trace record this reads. */
export interface NoteLike {
  kind: string;
  from: string;
  summary: string;
  payload?: unknown;
}

export type NodeTool = 'ipvsadm' | 'ipvsadm-stats' | 'ipset' | 'kube-ipvs0';

export interface ToolAnswer {
  /** 200, or 404 when there is no such node (no kube-proxy sync from it in the trace). */
  status: number;
  /** What the tool prints (stdout, or stderr for a failing command). */
  text: string;
  /** The tool's exit code on the node. */
  exitCode: number;
}

/** The latest IPVS state kube-proxy on `node` announced, and whether it runs in iptables mode instead. */
export function latestIpvsState(
  records: readonly NoteLike[],
  node: string,
): { state?: IpvsState; iptablesMode: boolean; seen: boolean } {
  const from = `kube-proxy@${node}`;
  for (let i = records.length - 1; i >= 0; i--) {
    const r = records[i] as NoteLike;
    if (r.kind !== '@bus.note' || r.from !== from) continue;
    if (r.summary.startsWith('ipvs sync')) {
      const s = (r.payload as IpvsSyncNote | undefined)?.state;
      if (s) return { state: s, iptablesMode: false, seen: true };
    } else if (r.summary.startsWith('iptables sync')) return { iptablesMode: true, seen: true };
  }
  return { iptablesMode: false, seen: false };
}

/** What `tool` prints on `node`, from the trace. */
export function nodeToolOutput(records: readonly NoteLike[], node: string, tool: NodeTool): ToolAnswer {
  const { state, iptablesMode, seen } = latestIpvsState(records, node);
  if (!seen) {
    return {
      status: 404,
      text: `no kube-proxy sync from node "${node}" in the trace (is it a node, and has its kube-proxy synced?)\n`,
      exitCode: 1,
    };
  }
  const vs = state?.virtualServers ?? [];
  switch (tool) {
    case 'ipvsadm':
      return { status: 200, text: ipvsadmList(vs), exitCode: 0 };
    case 'ipvsadm-stats':
      return { status: 200, text: ipvsadmList(vs, { stats: true }), exitCode: 0 };
    case 'ipset':
      return { status: 200, text: state ? ipsetListText(state.ipsets, node) : '', exitCode: 0 };
    case 'kube-ipvs0':
      if (!state || iptablesMode) return { status: 404, text: NO_KUBE_IPVS0, exitCode: 1 };
      return { status: 200, text: ipAddrShow(state.dummy), exitCode: 0 };
  }
}

// ---- iptables mode: the notes every sync writes (the one place that reads them) ----------------

/** The latest `iptables sync` note of kube-proxy on `node`, or undefined (no sync yet, or not iptables mode). */
export function lastIptablesSync(
  trace: { since(seq: number): readonly NoteLike[] } | readonly NoteLike[],
  node: string,
): SyncNote | undefined {
  const records = 'since' in trace ? trace.since(-1) : trace;
  const from = `kube-proxy@${node}`;
  for (let i = records.length - 1; i >= 0; i--) {
    const r = records[i] as NoteLike;
    if (r.kind === '@bus.note' && r.from === from && r.summary.startsWith('iptables sync'))
      return r.payload as SyncNote;
  }
  return undefined;
}

/** The complete ruleset of the node's last sync (what iptablesSave() takes), if the trace has it. */
export function lastIptablesRuleset(
  trace: { since(seq: number): readonly NoteLike[] } | readonly NoteLike[],
  node: string,
): string | undefined {
  return lastIptablesSync(trace, node)?.ruleset;
}
