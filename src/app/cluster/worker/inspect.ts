/**
 * The inspector's reads, answered in the relay worker from the etcd replica (objects, keys and
 * their revisions) and the trace (scheduling decisions, kube-proxy syncs, recent messages). None
 * of them sends a message: looking at the cluster must not change what it does.
 */

import { bytesToUtf8 } from '../../../../workers/etcd/json.ts';
import { iptablesSave } from '../../../../workers/kube-proxy/iptables.ts';
import { lastIptablesSync, latestIpvsState, nodeToolOutput } from '../../../../workers/kube-proxy/node-views.ts';
import { latestSchedulingDecision } from '../../../../workers/kube-scheduler/decisions.ts';
import type { KObject } from '../../../machinery/api/types.ts';
import { TIMER_KIND } from '../../../machinery/bus/protocol.ts';
import type { Relay } from '../../../machinery/bus/relay.ts';
import type { TraceRecord } from '../../../machinery/bus/trace.ts';
import { type PacketRequest, PacketRequestError, packetWalk } from '../../../machinery/net/trace-walk.ts';
import { omitManagedFields } from '../../../machinery/printers/output.ts';
import { parseTime } from '../../../machinery/printers/time.ts';
import { toYAML } from '../../../machinery/printers/yaml.ts';
import type { EtcdReplica } from '../../../machinery/view/replica.ts';
import type { EtcdKeyRow, EventRow, Inspection, InspectTarget, RulesView, TraceRow } from '../protocol.ts';

/** Keys the etcd browser lists at once. */
const KEYS_MAX = 400;
/** Messages a component's "what it just did" shows. */
const RECENT = 14;

type Obj = Record<string, unknown>;
const o = (v: unknown): Obj => (v && typeof v === 'object' ? (v as Obj) : {});

function yamlOf(obj: KObject): string {
  const apiVersion = obj.apiVersion;
  const kind = obj.kind;
  // kubectl prints kind and apiVersion first; etcd holds them, and managedFields are hidden by default.
  return toYAML({ apiVersion, kind, ...omitManagedFields(obj) });
}

export function eventsOf(replica: EtcdReplica, epoch: number, filter?: (involved: Obj) => boolean): EventRow[] {
  const rows: EventRow[] = [];
  for (const e of replica.objects('/registry/events/')) {
    const involved = o(e.involvedObject);
    if (filter && !filter(involved)) continue;
    const ts =
      parseTime((e as Obj).lastTimestamp) ??
      parseTime((e as Obj).eventTime) ??
      parseTime(e.metadata?.creationTimestamp) ??
      epoch;
    const src = o((e as Obj).source);
    rows.push({
      at: ts - epoch,
      type: String((e as Obj).type ?? ''),
      reason: String((e as Obj).reason ?? ''),
      object: `${String(involved.kind ?? '').toLowerCase()}/${String(involved.name ?? '')}`,
      message: String((e as Obj).message ?? ''),
      count: Number((e as Obj).count ?? 1),
      source: String(src.component ?? (e as Obj).reportingComponent ?? ''),
    });
  }
  return rows.sort((a, b) => a.at - b.at);
}

function row(r: TraceRecord): TraceRow {
  return { n: 0, seq: r.seq, sent: r.sent, at: r.at, from: r.from, to: r.to, kind: r.kind, summary: r.summary };
}

/** The node's last kube-proxy sync, with the rules it added and removed. */
export function rulesOf(trace: readonly TraceRecord[], node: string, epoch: number): RulesView | undefined {
  const last = lastIptablesSync(trace, node);
  if (!last?.ruleset) return undefined;
  const from = `kube-proxy@${node}`;
  let syncs = 0;
  for (const r of trace)
    if (r.kind === '@bus.note' && r.from === from && r.summary.startsWith('iptables sync')) syncs++;
  const line = (c: { rule: string }) => c.rule.trimEnd();
  return {
    text: iptablesSave(last.ruleset, { date: epoch + last.at }),
    at: last.at,
    fullSync: last.fullSync,
    added: last.diff.added.map(line),
    removed: last.diff.removed.map(line),
    syncs,
  };
}

function keyRow(kv: {
  key: string;
  create_revision: number;
  mod_revision: number;
  version: number;
  value: string;
}): EtcdKeyRow {
  return {
    key: bytesToUtf8(kv.key),
    createRevision: kv.create_revision,
    modRevision: kv.mod_revision,
    version: kv.version,
    size: kv.value.length,
  };
}

export function inspect(relay: Relay, replica: EtcdReplica, epoch: number, target: InspectTarget): Inspection {
  switch (target.type) {
    case 'pod': {
      const kv = replica.get(`/registry/pods/${target.namespace}/${target.name}`);
      const obj = kv && replica.decode(kv);
      const trace = relay.trace.since(-1);
      const decision = latestSchedulingDecision(trace, target.namespace, target.name);
      const out: Inspection = {
        events: eventsOf(
          replica,
          epoch,
          (i) => i.kind === 'Pod' && i.name === target.name && i.namespace === target.namespace,
        ),
      };
      if (obj) out.yaml = yamlOf(obj);
      else out.missing = true;
      if (decision) out.decision = decision;
      return out;
    }
    case 'node': {
      const kv = replica.get(`/registry/minions/${target.name}`);
      const obj = kv && replica.decode(kv);
      const out: Inspection = { events: eventsOf(replica, epoch, (i) => i.kind === 'Node' && i.name === target.name) };
      if (obj) out.yaml = yamlOf(obj);
      else out.missing = true;
      const trace = relay.trace.since(-1);
      const rules = rulesOf(trace, target.name, epoch);
      if (rules) out.rules = rules;
      if (latestIpvsState(trace, target.name).state) out.ipvs = nodeToolOutput(trace, target.name, 'ipvsadm').text;
      return out;
    }
    case 'component': {
      const trace = relay.trace.since(-1);
      const recent: TraceRow[] = [];
      for (let i = trace.length - 1; i >= 0 && recent.length < RECENT; i--) {
        const r = trace[i] as TraceRecord;
        if ((r.from === target.address || r.to === target.address) && r.kind !== TIMER_KIND) recent.push(row(r));
      }
      const out: Inspection = { recent };
      const at = target.address.indexOf('@');
      if (target.address.startsWith('kube-proxy@')) {
        const node = target.address.slice(at + 1);
        const rules = rulesOf(trace, node, epoch);
        if (rules) out.rules = rules;
        if (latestIpvsState(trace, node).state) out.ipvs = nodeToolOutput(trace, node, 'ipvsadm').text;
      }
      return out;
    }
    case 'etcd': {
      const kvs = replica.range(target.prefix, true);
      const out: Inspection = {
        etcd: {
          revision: replica.revision,
          keys: kvs.slice(0, KEYS_MAX).map(keyRow),
          truncated: kvs.length > KEYS_MAX,
        },
      };
      if (target.key !== undefined && out.etcd) {
        const kv = replica.get(target.key);
        if (kv) {
          const obj = replica.decode(kv);
          out.etcd.value = obj ? JSON.stringify(obj, null, 2) : bytesToUtf8(kv.value);
          // Earlier revisions of the key still in etcd's history (not compacted away).
          const history: EtcdKeyRow[] = [];
          let rev = kv.mod_revision - 1;
          while (rev > 0 && history.length < 10) {
            let prev: ReturnType<EtcdReplica['get']>;
            try {
              prev = replica.get(target.key, rev);
            } catch {
              break;
            }
            if (!prev) break;
            history.push(keyRow(prev));
            rev = prev.mod_revision - 1;
          }
          out.etcd.history = history;
        } else out.missing = true;
      }
      return out;
    }
    case 'events':
      return { events: eventsOf(replica, epoch) };
    case 'walk': {
      const objs = {
        pods: replica.objects('/registry/pods/'),
        services: replica.objects('/registry/services/specs/'),
        endpointSlices: replica.objects('/registry/endpointslices/'),
        nodes: replica.objects('/registry/minions/'),
      };
      const req: PacketRequest = { source: target.source, destination: target.destination, protocol: target.protocol };
      if (target.port !== undefined) req.port = target.port;
      try {
        return { walk: packetWalk(relay.trace.since(-1), req, objs) };
      } catch (e) {
        if (e instanceof PacketRequestError) return { walkError: e.message };
        throw e;
      }
    }
  }
}
