/**
 * Field selectors (`?fieldSelector=`, `kubectl --field-selector`): parsing with escapes as
 * apimachinery's fields/selector.go does it, the per-kind label conversion functions that reject
 * unsupported fields (pkg/apis/<group>/v1/conversion.go, runtime.DefaultMetaV1FieldSelectorConversion),
 * and the field values each registry's GetAttrs exposes (pkg/registry/<group>/<kind>/strategy.go).
 */
import { SelectorError } from './labels.ts';
import type { KObject, ResourceInfo } from './types.ts';

export interface FieldRequirement {
  field: string;
  operator: '=' | '!=';
  value: string;
}

export interface FieldSelector {
  requirements: FieldRequirement[];
}

/** `fields.UnescapeValue`: `\\`, `\,` and `\=` are escapes; bare `,` and `=` are errors. */
function unescapeValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c === '\\' || c === ',' || c === '=') out += c;
      else throw new SelectorError(`invalid field selector: invalid escape sequence: \\${c}`);
      inSlash = false;
      continue;
    }
    if (c === '\\') inSlash = true;
    else if (c === ',' || c === '=')
      throw new SelectorError(`invalid field selector: unescaped character in value: ${c}`);
    else out += c;
  }
  if (inSlash) throw new SelectorError('invalid field selector: invalid escape sequence: \\');
  return out;
}

function splitTerms(s: string): string[] {
  if (s.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(s.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(s.slice(start));
  return terms;
}

const TERM_OPERATORS = ['!=', '==', '='] as const;

function splitTerm(term: string): { lhs: string; op: string; rhs: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    const rest = term.slice(i);
    for (const op of TERM_OPERATORS) {
      if (rest.startsWith(op)) return { lhs: term.slice(0, i), op, rhs: term.slice(i + op.length) };
    }
  }
  return undefined;
}

/** `fields.ParseSelector` (syntax only): throws SelectorError with upstream's text. */
export function parseFieldSelectorSyntax(selector: string): FieldSelector {
  const parts = splitTerms(selector).sort();
  const reqs: FieldRequirement[] = [];
  for (const part of parts) {
    if (part === '') continue;
    const t = splitTerm(part);
    if (!t) throw new SelectorError(`invalid selector: '${selector}'; can't understand '${part}'`);
    reqs.push({ field: t.lhs, operator: t.op === '!=' ? '!=' : '=', value: unescapeValue(t.rhs) });
  }
  return { requirements: reqs };
}

/** The labels each kind accepts beyond none: `field label not supported` kinds, by resource. */
const SUPPORTED: Record<string, string[]> = {
  '/pods': [
    'metadata.name',
    'metadata.namespace',
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'spec.hostNetwork',
    'status.phase',
    'status.podIP',
    'status.podIPs',
    'status.nominatedNodeName',
  ],
  '/nodes': ['metadata.name', 'spec.unschedulable'],
  '/namespaces': ['status.phase', 'metadata.name'],
  '/secrets': ['type', 'metadata.namespace', 'metadata.name'],
  '/services': ['metadata.namespace', 'metadata.name', 'spec.clusterIP', 'spec.type'],
  '/events': [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
    'metadata.namespace',
    'metadata.name',
  ],
  'apps/replicasets': ['metadata.name', 'metadata.namespace', 'status.replicas'],
  'batch/jobs': ['metadata.name', 'metadata.namespace', 'status.successful'],
};

/** events.k8s.io/v1 names map onto the core Event's selectable fields. */
const EVENTS_V1_MAPPING: Record<string, string> = {
  reason: 'reason',
  'regarding.kind': 'involvedObject.kind',
  'regarding.namespace': 'involvedObject.namespace',
  'regarding.name': 'involvedObject.name',
  'regarding.uid': 'involvedObject.uid',
  'regarding.apiVersion': 'involvedObject.apiVersion',
  'regarding.resourceVersion': 'involvedObject.resourceVersion',
  'regarding.fieldPath': 'involvedObject.fieldPath',
  reportingController: 'reportingComponent',
  type: 'type',
  'metadata.namespace': 'metadata.namespace',
  'metadata.name': 'metadata.name',
};

/**
 * The kind's field label conversion: the internal label for a requested one, or a SelectorError
 * (`field label not supported: x`, or for kinds with only metadata fields
 * `"x" is not a known field selector: only "metadata.name", "metadata.namespace"`).
 */
export function convertFieldLabel(info: ResourceInfo, label: string): string {
  if (info.group === 'events.k8s.io') {
    const m = EVENTS_V1_MAPPING[label];
    if (!m) throw new SelectorError(`field label not supported: ${label}`);
    return m;
  }
  if (info.resource === 'pods' && label === 'spec.host') return 'spec.nodeName';
  const list = SUPPORTED[`${info.group}/${info.resource}`];
  if (list) {
    if (!list.includes(label)) throw new SelectorError(`field label not supported: ${label}`);
    return label;
  }
  if (label === 'metadata.name' || label === 'metadata.namespace') return label;
  throw new SelectorError(`"${label}" is not a known field selector: only "metadata.name", "metadata.namespace"`);
}

/** Parses `?fieldSelector=` for a resource, converting and checking each label as upstream does. */
export function parseFieldSelector(info: ResourceInfo, selector: string): FieldSelector {
  const sel = parseFieldSelectorSyntax(selector);
  return { requirements: sel.requirements.map((r) => ({ ...r, field: convertFieldLabel(info, r.field) })) };
}

type Dict = Record<string, unknown>;
const dict = (v: unknown): Dict => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Dict) : {});
const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

/** The field set a registry exposes for matching (GetAttrs → ToSelectableFields). */
export function selectableFields(info: ResourceInfo, obj: KObject): Record<string, string> {
  const m = obj.metadata ?? {};
  const f: Record<string, string> = { 'metadata.name': str(m.name) };
  if (info.namespaced) f['metadata.namespace'] = str(m.namespace);
  const spec = dict(obj.spec);
  const status = dict(obj.status);
  switch (info.resource) {
    case 'pods': {
      f['spec.nodeName'] = str(spec.nodeName);
      f['spec.restartPolicy'] = str(spec.restartPolicy);
      f['spec.schedulerName'] = str(spec.schedulerName);
      f['spec.serviceAccountName'] = str(spec.serviceAccountName);
      f['spec.hostNetwork'] = spec.hostNetwork === true ? 'true' : 'false';
      f['status.phase'] = str(status.phase);
      const ips = Array.isArray(status.podIPs) ? (status.podIPs as Dict[]) : [];
      f['status.podIP'] = ips.length ? str(dict(ips[0]).ip) : str(status.podIP);
      f['status.podIPs'] = ips.length ? str(dict(ips[0]).ip) : str(status.podIP);
      f['status.nominatedNodeName'] = str(status.nominatedNodeName);
      break;
    }
    case 'nodes':
      f['spec.unschedulable'] = spec.unschedulable === true ? 'true' : 'false';
      break;
    case 'namespaces':
      f['status.phase'] = str(status.phase);
      break;
    case 'secrets':
      f.type = str(obj.type);
      break;
    case 'services':
      f['spec.clusterIP'] = str(spec.clusterIP);
      f['spec.type'] = str(spec.type);
      break;
    case 'replicasets':
      f['status.replicas'] = str(status.replicas ?? 0);
      break;
    case 'jobs':
      f['status.successful'] = str(status.succeeded ?? 0);
      break;
    case 'events': {
      // Stored events may be in either shape (core/v1 or events.k8s.io/v1).
      const io = dict(obj.involvedObject ?? obj.regarding);
      for (const k of ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath']) {
        f[`involvedObject.${k}`] = str(io[k]);
      }
      f.reason = str(obj.reason);
      const reporting = str(obj.reportingComponent ?? obj.reportingController);
      f.reportingComponent = reporting;
      const source = str(dict(obj.source ?? obj.deprecatedSource).component);
      f.source = source || reporting;
      f.type = str(obj.type);
      break;
    }
  }
  return f;
}

/** Does the object pass the field selector? Fields the kind does not expose read as "". */
export function matchesFields(info: ResourceInfo, sel: FieldSelector, obj: KObject): boolean {
  if (sel.requirements.length === 0) return true;
  const f = selectableFields(info, obj);
  return sel.requirements.every((r) => ((f[r.field] ?? '') === r.value) === (r.operator === '='));
}

/** `Selector.String()` of a field selector. */
export function fieldSelectorString(sel: FieldSelector): string {
  const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/,/g, '\\,').replace(/=/g, '\\=');
  return sel.requirements.map((r) => `${r.field}${r.operator}${esc(r.value)}`).join(',');
}
