/**
 * Label and field selectors for list and watch (apimachinery labels/selector.go, fields/selector.go):
 * parsing with upstream's error texts, and the per-resource selectable fields.
 */
import type { KObject, ResourceInfo } from '../../src/machinery/api/types.ts';

export class SelectorError extends Error {}

type Req = { key: string; op: '=' | '!=' | 'in' | 'notin' | 'exists' | '!'; values: string[] };

export function parseLabelSelector(s: string): Req[] {
  const out: Req[] = [];
  const text = s.trim();
  if (!text) return out;
  // Split on commas not inside parentheses.
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  for (const raw of parts) {
    const p = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = /^([A-Za-z0-9_.\-/]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(p))) {
      out.push({
        key: m[1] as string,
        op: m[2] as 'in' | 'notin',
        values: (m[3] as string).split(',').map((v) => v.trim()),
      });
    } else if ((m = /^([A-Za-z0-9_.\-/]+)\s*(==|=|!=)\s*([A-Za-z0-9_.-]*)$/.exec(p))) {
      out.push({ key: m[1] as string, op: m[2] === '!=' ? '!=' : '=', values: [m[3] as string] });
    } else if ((m = /^!([A-Za-z0-9_.\-/]+)$/.exec(p))) {
      out.push({ key: m[1] as string, op: '!', values: [] });
    } else if ((m = /^([A-Za-z0-9_.\-/]+)$/.exec(p))) {
      out.push({ key: m[1] as string, op: 'exists', values: [] });
    } else {
      throw new SelectorError(`unable to parse requirement: found '${p}', expected: identifier`);
    }
  }
  return out;
}

export function matchLabels(reqs: Req[], labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return reqs.every((r) => {
    const v = l[r.key];
    switch (r.op) {
      case '=':
        return v === r.values[0];
      case '!=':
        return v !== r.values[0];
      case 'in':
        return v !== undefined && r.values.includes(v);
      case 'notin':
        return v === undefined || !r.values.includes(v);
      case 'exists':
        return v !== undefined;
      case '!':
        return v === undefined;
    }
    return false;
  });
}

/** The field values a resource can be selected by (each registry's GetAttrs / field label conversion). */
export function selectableFields(info: ResourceInfo, obj: KObject): Record<string, string> {
  const m = obj.metadata ?? {};
  const f: Record<string, string> = { 'metadata.name': m.name ?? '' };
  if (info.namespaced) f['metadata.namespace'] = m.namespace ?? '';
  const spec = (obj.spec ?? {}) as Record<string, unknown>;
  const status = (obj.status ?? {}) as Record<string, unknown>;
  switch (info.resource) {
    case 'pods':
      f['spec.nodeName'] = String(spec.nodeName ?? '');
      f['spec.restartPolicy'] = String(spec.restartPolicy ?? '');
      f['spec.schedulerName'] = String(spec.schedulerName ?? '');
      f['spec.serviceAccountName'] = String(spec.serviceAccountName ?? '');
      f['spec.hostNetwork'] = String(spec.hostNetwork ?? false);
      f['status.phase'] = String(status.phase ?? '');
      f['status.podIP'] = String(status.podIP ?? '');
      f['status.nominatedNodeName'] = String(status.nominatedNodeName ?? '');
      break;
    case 'nodes':
      f['spec.unschedulable'] = String(spec.unschedulable ?? false);
      break;
    case 'namespaces':
      f['status.phase'] = String(status.phase ?? '');
      break;
    case 'secrets':
      f.type = String(obj.type ?? '');
      break;
    case 'replicasets':
      f['status.replicas'] = String(status.replicas ?? 0);
      break;
    case 'jobs':
      f['status.successful'] = String(status.successful ?? 0);
      break;
    case 'events': {
      const io = (obj.involvedObject ?? {}) as Record<string, unknown>;
      for (const k of ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath']) {
        f[`involvedObject.${k}`] = String(io[k] ?? '');
      }
      f.reason = String(obj.reason ?? '');
      f.reportingComponent = String(obj.reportingComponent ?? '');
      f['source'] = String((obj.source as { component?: string } | undefined)?.component ?? '');
      f.type = String(obj.type ?? '');
      break;
    }
  }
  return f;
}

type FieldReq = { field: string; op: '=' | '!='; value: string };

export function parseFieldSelector(info: ResourceInfo, s: string, version: string): FieldReq[] {
  const out: FieldReq[] = [];
  if (!s.trim()) return out;
  const sample = selectableFields(info, { metadata: {} });
  for (const raw of s.split(',')) {
    const m = /^\s*([^=!]+?)\s*(==|=|!=)\s*(.*?)\s*$/.exec(raw);
    if (!m) throw new SelectorError(`invalid selector: '${s}'; can't understand '${raw}'`);
    const field = m[1] as string;
    if (!(field in sample)) throw new SelectorError(`field label not supported: ${field}`);
    out.push({ field, op: m[2] === '!=' ? '!=' : '=', value: m[3] as string });
  }
  void version;
  return out;
}

export function matchFields(info: ResourceInfo, reqs: FieldReq[], obj: KObject): boolean {
  if (reqs.length === 0) return true;
  const f = selectableFields(info, obj);
  return reqs.every((r) => (r.op === '=' ? f[r.field] === r.value : f[r.field] !== r.value));
}
