/**
 * Where a node's rules come from outside the cluster: kube-proxy announces every sync in the trace
 * (`iptables sync: …` notes from `kube-proxy@<node>`, data SyncNote) with the complete ruleset.
 */
import type { SyncNote } from '../../../workers/kube-proxy/kube-proxy.ts';
import type { TraceRecord } from '../bus/trace.ts';

/** The latest `iptables sync` note of kube-proxy on `node`, or undefined (no sync yet, or not iptables mode). */
export function lastIptablesSync(
  trace: { since(seq: number): TraceRecord[] } | readonly TraceRecord[],
  node: string,
): SyncNote | undefined {
  const records = 'since' in trace ? trace.since(-1) : trace;
  const from = `kube-proxy@${node}`;
  for (let i = records.length - 1; i >= 0; i--) {
    const r = records[i] as TraceRecord;
    if (r.kind === '@bus.note' && r.from === from && r.summary.startsWith('iptables sync'))
      return r.payload as SyncNote;
  }
  return undefined;
}

/** The complete ruleset of the node's last sync (what iptablesSave() takes), if the trace has it. */
export function lastIptablesRuleset(
  trace: { since(seq: number): TraceRecord[] } | readonly TraceRecord[],
  node: string,
): string | undefined {
  return lastIptablesSync(trace, node)?.ruleset;
}
