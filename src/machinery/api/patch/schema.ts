/**
 * The type information the patch machinery needs about the served kinds, in one tree per kind:
 *
 *  - strategic merge patch metadata, as the Go struct tags give it (`patchStrategy:"merge"
 *    patchMergeKey:"name"`, `retainKeys`), read by strategicpatch.LookupPatchMetadataForStruct;
 *  - server-side apply metadata, as structured-merge-diff reads it from the OpenAPI extensions:
 *    list type (`atomic`, `set`, `map` with its keys and key defaults), atomic structs and maps
 *    (`+structType=atomic`, `+mapType=atomic`); a list with a merge strategy and no explicit list
 *    type is a keyed list on its merge key (kube-openapi schemaconv);
 *  - how the zero value of each kind serialises (non-pointer structs are `{}`, non-omitempty
 *    pointers and slices are null), which is the "live object" kube-apiserver diffs a create
 *    against when it records managedFields.
 *
 * Only fields that need something other than the defaults are listed. An unlisted field is
 * deduced from its value: objects are structs whose members are all named fields, lists are atomic,
 * anything else is a scalar. For a strategic merge patch that is what the Go tags give an untagged
 * field (maps merge, lists are replaced). Sources: staging/src/k8s.io/api/{core,apps,batch,
 * coordination,discovery,events}/v1/types.go and apimachinery/pkg/apis/meta/v1/types.go.
 */

/** A Go `patchStrategy` tag split on commas, with its `patchMergeKey`. */
export interface SmpTag {
  strategies: string[];
  mergeKey: string;
}

/** How a field appears in the serialised zero value of its kind: `'struct'` recurses into it. */
export type Zero = 'struct' | null | string | number | boolean;

export interface Field {
  t: TypeNode;
  smp?: SmpTag;
  zero?: Zero;
}

export interface ScalarNode {
  k: 'scalar';
}

/** A value whose type is read from itself (see the module comment). */
export interface DeducedNode {
  k: 'deduced';
}

/** A Go struct: named fields; unlisted members are deduced named fields. */
export interface StructNode {
  k: 'struct';
  fields: Record<string, Field>;
  atomic: boolean;
}

/** A Go map: its keys are not field names. */
export interface MapNode {
  k: 'map';
  elem: TypeNode;
  atomic: boolean;
}

export interface ListNode {
  k: 'list';
  elem: TypeNode;
  /** x-kubernetes-list-type. */
  rel: 'atomic' | 'set' | 'map';
  /** x-kubernetes-list-map-keys. */
  keys: string[];
  /** Defaults of key fields (ports' protocol is TCP). */
  keyDefaults: Record<string, unknown>;
  smp?: SmpTag;
}

export type TypeNode = ScalarNode | DeducedNode | StructNode | MapNode | ListNode;

export const SCALAR: ScalarNode = { k: 'scalar' };
export const DEDUCED: DeducedNode = { k: 'deduced' };
const S = SCALAR;
const D = DEDUCED;

function isField(x: TypeNode | Field): x is Field {
  return 't' in x;
}

function struct(fields: Record<string, TypeNode | Field>, atomic = false): StructNode {
  const out: Record<string, Field> = {};
  for (const [name, x] of Object.entries(fields)) {
    if (isField(x)) out[name] = x;
    else out[name] = x.k === 'list' && x.smp ? { t: x, smp: x.smp } : { t: x };
  }
  return { k: 'struct', fields: out, atomic };
}

/** A field with a zero value in the serialised empty object, or with a struct-level strategy. */
function f(t: TypeNode, opts: { zero?: Zero; smp?: 'retainKeys' | 'replace' }): Field {
  const out: Field = { t };
  if (opts.zero !== undefined) out.zero = opts.zero;
  if (opts.smp) out.smp = { strategies: [opts.smp], mergeKey: '' };
  else if (t.k === 'list' && t.smp) out.smp = t.smp;
  return out;
}

/** A non-pointer struct field: present as `{}` in the empty object. */
const z = (t: TypeNode): Field => f(t, { zero: 'struct' });

function mapOf(elem: TypeNode = S, atomic = false): MapNode {
  return { k: 'map', elem, atomic };
}

function atomicList(elem: TypeNode = D): ListNode {
  return { k: 'list', elem, rel: 'atomic', keys: [], keyDefaults: {} };
}

/** `patchStrategy:"merge"` on a list of scalars: a set for apply too. */
function setList(): ListNode {
  return { k: 'list', elem: S, rel: 'set', keys: [], keyDefaults: {}, smp: { strategies: ['merge'], mergeKey: '' } };
}

/** `+listType=set` without a patch strategy (replaced by a strategic merge patch). */
function plainSet(): ListNode {
  return { k: 'list', elem: S, rel: 'set', keys: [], keyDefaults: {} };
}

/** `patchStrategy:"merge" patchMergeKey:"<key>"`; for apply a map list on `keys` (default: the merge key). */
function mergeList(
  elem: TypeNode,
  mergeKey: string,
  opts: { keys?: string[]; defaults?: Record<string, unknown>; retainKeys?: boolean; ssaAtomic?: boolean } = {},
): ListNode {
  return {
    k: 'list',
    elem,
    rel: opts.ssaAtomic ? 'atomic' : 'map',
    keys: opts.ssaAtomic ? [] : (opts.keys ?? [mergeKey]),
    keyDefaults: opts.defaults ?? {},
    smp: { strategies: opts.retainKeys ? ['merge', 'retainKeys'] : ['merge'], mergeKey },
  };
}

/** `+listType=map` without a patch strategy. */
function keyedList(elem: TypeNode, keys: string[]): ListNode {
  return { k: 'list', elem, rel: 'map', keys, keyDefaults: {} };
}

// ---- meta/v1 --------------------------------------------------------------------------------

const LabelSelector = struct({ matchLabels: mapOf(S), matchExpressions: atomicList() }, true);

const OwnerReference = struct({ apiVersion: S, kind: S, name: S, uid: S, controller: S, blockOwnerDeletion: S }, true);

export const ObjectMeta = struct({
  creationTimestamp: f(S, { zero: null }),
  labels: mapOf(S),
  annotations: mapOf(S),
  ownerReferences: mergeList(OwnerReference, 'uid'),
  finalizers: setList(),
  managedFields: atomicList(),
});

// ---- core/v1 --------------------------------------------------------------------------------

const LocalObjectReference = struct({ name: S }, true);
const ObjectReference = struct(
  { kind: S, namespace: S, name: S, uid: S, apiVersion: S, resourceVersion: S, fieldPath: S },
  true,
);
const KeySelector = struct({ name: S, key: S, optional: S }, true);

const EnvVar = struct({
  name: S,
  value: S,
  valueFrom: struct({
    fieldRef: struct({ apiVersion: S, fieldPath: S }, true),
    resourceFieldRef: struct({ containerName: S, resource: S, divisor: S }, true),
    configMapKeyRef: KeySelector,
    secretKeyRef: KeySelector,
  }),
});

const Probe = struct({
  exec: struct({ command: atomicList(S) }),
  httpGet: struct({ httpHeaders: atomicList() }),
});

const Container = struct({
  command: atomicList(S),
  args: atomicList(S),
  ports: mergeList(struct({ containerPort: S, protocol: S }), 'containerPort', {
    keys: ['containerPort', 'protocol'],
    defaults: { protocol: 'TCP' },
  }),
  envFrom: atomicList(
    struct({
      prefix: S,
      configMapRef: struct({ name: S, optional: S }, true),
      secretRef: struct({ name: S, optional: S }, true),
    }),
  ),
  env: mergeList(EnvVar, 'name'),
  resources: struct({
    limits: mapOf(S),
    requests: mapOf(S),
    claims: keyedList(struct({ name: S, request: S }), ['name']),
  }),
  resizePolicy: atomicList(),
  volumeMounts: mergeList(struct({ mountPath: S }), 'mountPath'),
  volumeDevices: mergeList(struct({ devicePath: S }), 'devicePath'),
  livenessProbe: Probe,
  readinessProbe: Probe,
  startupProbe: Probe,
  securityContext: struct({ capabilities: struct({ add: atomicList(S), drop: atomicList(S) }) }),
});

const NodeSelector = struct({ nodeSelectorTerms: atomicList() }, true);

const PodSpec = struct({
  volumes: mergeList(struct({ name: S }), 'name', { retainKeys: true }),
  initContainers: mergeList(Container, 'name'),
  containers: f(mergeList(Container, 'name'), { zero: null }),
  ephemeralContainers: mergeList(Container, 'name'),
  nodeSelector: mapOf(S, true),
  imagePullSecrets: mergeList(LocalObjectReference, 'name'),
  affinity: struct({
    nodeAffinity: struct({
      requiredDuringSchedulingIgnoredDuringExecution: NodeSelector,
      preferredDuringSchedulingIgnoredDuringExecution: atomicList(),
    }),
  }),
  tolerations: atomicList(),
  hostAliases: mergeList(struct({ ip: S, hostnames: atomicList(S) }), 'ip'),
  readinessGates: atomicList(),
  topologySpreadConstraints: mergeList(
    struct({ labelSelector: LabelSelector, matchLabelKeys: atomicList(S) }),
    'topologyKey',
    { keys: ['topologyKey', 'whenUnsatisfiable'] },
  ),
  overhead: mapOf(S),
  schedulingGates: mergeList(struct({ name: S }), 'name'),
  resourceClaims: mergeList(struct({ name: S }), 'name', { retainKeys: true }),
});

const conditions = () => mergeList(D, 'type');

const PodStatus = struct({
  conditions: conditions(),
  podIPs: mergeList(struct({ ip: S }), 'ip'),
  hostIPs: mergeList(struct({ ip: S }), 'ip', { ssaAtomic: true }),
  containerStatuses: atomicList(),
  initContainerStatuses: atomicList(),
  ephemeralContainerStatuses: atomicList(),
  resourceClaimStatuses: mergeList(D, 'name'),
});

const PodTemplateSpec = struct({ metadata: z(ObjectMeta), spec: z(PodSpec) });

/** A top-level kind: TypeMeta, ObjectMeta and its own fields. */
function kind(fields: Record<string, TypeNode | Field>): StructNode {
  return struct({ apiVersion: S, kind: S, metadata: z(ObjectMeta), ...fields });
}

const Pod = kind({ spec: z(PodSpec), status: z(PodStatus) });

const Service = kind({
  spec: z(
    struct({
      ports: mergeList(struct({ port: S, protocol: S }), 'port', {
        keys: ['port', 'protocol'],
        defaults: { protocol: 'TCP' },
      }),
      selector: mapOf(S, true),
      clusterIPs: atomicList(S),
      externalIPs: atomicList(S),
      loadBalancerSourceRanges: atomicList(S),
      ipFamilies: atomicList(S),
    }),
  ),
  status: z(struct({ loadBalancer: z(struct({ ingress: atomicList() })), conditions: conditions() })),
});

const nodeInfoFields: Record<string, Field> = {};
for (const name of [
  'machineID',
  'systemUUID',
  'bootID',
  'kernelVersion',
  'osImage',
  'containerRuntimeVersion',
  'kubeletVersion',
  'kubeProxyVersion',
  'operatingSystem',
  'architecture',
]) {
  nodeInfoFields[name] = f(S, { zero: '' });
}

const Node = kind({
  spec: z(struct({ podCIDRs: setList(), taints: atomicList() })),
  status: z(
    struct({
      capacity: mapOf(S),
      allocatable: mapOf(S),
      conditions: conditions(),
      addresses: mergeList(D, 'type'),
      daemonEndpoints: z(struct({ kubeletEndpoint: z(struct({ Port: f(S, { zero: 0 }) })) })),
      nodeInfo: z(struct(nodeInfoFields)),
      images: atomicList(),
      volumesInUse: atomicList(),
      volumesAttached: atomicList(),
    }),
  ),
});

const Namespace = kind({
  spec: z(struct({ finalizers: atomicList(S) })),
  status: z(struct({ conditions: conditions() })),
});

const Endpoints = kind({ subsets: atomicList() });
const ConfigMap = kind({ data: mapOf(S), binaryData: mapOf(S) });
const Secret = kind({ data: mapOf(S), stringData: mapOf(S) });
const ServiceAccount = kind({ secrets: mergeList(ObjectReference, 'name'), imagePullSecrets: atomicList() });

const CoreEvent = kind({
  involvedObject: z(ObjectReference),
  related: ObjectReference,
  source: z(struct({})),
  firstTimestamp: f(S, { zero: null }),
  lastTimestamp: f(S, { zero: null }),
  eventTime: f(S, { zero: null }),
  reportingComponent: f(S, { zero: '' }),
  reportingInstance: f(S, { zero: '' }),
});

// ---- events.k8s.io, coordination.k8s.io, discovery.k8s.io ---------------------------------

const EventsEvent = kind({
  eventTime: f(S, { zero: null }),
  regarding: z(ObjectReference),
  related: ObjectReference,
  deprecatedSource: z(struct({})),
  deprecatedFirstTimestamp: f(S, { zero: null }),
  deprecatedLastTimestamp: f(S, { zero: null }),
});

const Lease = kind({ spec: z(struct({})) });

const EndpointSlice = kind({
  addressType: f(S, { zero: '' }),
  endpoints: f(atomicList(), { zero: null }),
  ports: atomicList(),
});

// ---- apps/v1 --------------------------------------------------------------------------------

const workloadStatus = () => z(struct({ conditions: conditions() }));
const selector = () => f(LabelSelector, { zero: null });

const Deployment = kind({
  spec: z(
    struct({
      selector: selector(),
      template: z(PodTemplateSpec),
      strategy: f(struct({ type: S, rollingUpdate: D }), { smp: 'retainKeys', zero: 'struct' }),
    }),
  ),
  status: workloadStatus(),
});

const ReplicaSet = kind({
  spec: z(struct({ selector: selector(), template: z(PodTemplateSpec) })),
  status: workloadStatus(),
});

const DaemonSet = kind({
  spec: z(struct({ selector: selector(), template: z(PodTemplateSpec), updateStrategy: z(struct({})) })),
  status: workloadStatus(),
});

const StatefulSet = kind({
  spec: z(
    struct({
      selector: selector(),
      template: z(PodTemplateSpec),
      updateStrategy: z(struct({})),
      volumeClaimTemplates: atomicList(),
    }),
  ),
  status: workloadStatus(),
});

// ---- batch/v1 -------------------------------------------------------------------------------

const JobSpec = struct({
  selector: LabelSelector,
  template: z(PodTemplateSpec),
  podFailurePolicy: struct({ rules: atomicList() }),
  successPolicy: struct({ rules: atomicList() }),
});

const Job = kind({
  spec: z(JobSpec),
  status: z(
    struct({
      conditions: mergeList(D, 'type', { ssaAtomic: true }),
      uncountedTerminatedPods: struct({ succeeded: plainSet(), failed: plainSet() }),
    }),
  ),
});

const CronJob = kind({
  spec: z(
    struct({
      schedule: f(S, { zero: '' }),
      jobTemplate: z(struct({ metadata: z(ObjectMeta), spec: z(JobSpec) })),
    }),
  ),
  status: z(struct({ active: atomicList(ObjectReference) })),
});

const Generic = kind({});

const KINDS: Record<string, StructNode> = {
  '/Pod': Pod,
  '/Service': Service,
  '/Node': Node,
  '/Namespace': Namespace,
  '/Endpoints': Endpoints,
  '/ConfigMap': ConfigMap,
  '/Secret': Secret,
  '/ServiceAccount': ServiceAccount,
  '/Event': CoreEvent,
  'events.k8s.io/Event': EventsEvent,
  'coordination.k8s.io/Lease': Lease,
  'discovery.k8s.io/EndpointSlice': EndpointSlice,
  'apps/Deployment': Deployment,
  'apps/ReplicaSet': ReplicaSet,
  'apps/DaemonSet': DaemonSet,
  'apps/StatefulSet': StatefulSet,
  'batch/Job': Job,
  'batch/CronJob': CronJob,
};

/** The type tree of a kind; unknown kinds get ObjectMeta and deduced everything else. */
export function schemaFor(group: string, kindName: string): StructNode {
  return KINDS[`${group}/${kindName}`] ?? Generic;
}

/** Builds a struct type for tests and for callers with their own types. */
export const schemaBuilders = {
  struct,
  f,
  z,
  mapOf,
  atomicList,
  setList,
  plainSet,
  mergeList,
  keyedList,
  SCALAR,
  DEDUCED,
};

/** The serialised zero value of a kind (what `runtime.DefaultUnstructuredConverter` gives for `New()`). */
export function zeroValue(node: StructNode): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, fld] of Object.entries(node.fields)) {
    if (fld.zero === undefined) continue;
    out[name] = fld.zero === 'struct' && fld.t.k === 'struct' ? zeroValue(fld.t) : fld.zero;
  }
  return out;
}

// ---- lookups --------------------------------------------------------------------------------

const EMPTY_STRUCT: StructNode = { k: 'struct', fields: {}, atomic: false };
const ATOMIC_DEDUCED_LIST: ListNode = { k: 'list', elem: D, rel: 'atomic', keys: [], keyDefaults: {} };

/** Resolves a deduced node from the value it describes. */
export function resolveNode(node: TypeNode, v: unknown): TypeNode {
  if (node.k !== 'deduced') return node;
  if (Array.isArray(v)) return ATOMIC_DEDUCED_LIST;
  if (v !== null && typeof v === 'object') return EMPTY_STRUCT;
  return S;
}

export interface ChildType {
  t: TypeNode;
  /** Whether the member is a named (struct) field rather than a map entry. */
  named: boolean;
  smp: SmpTag | undefined;
}

/** The type of member `key` of a struct or map node (deduced when unknown). */
export function childOf(node: TypeNode, key: string): ChildType {
  if (node.k === 'struct') {
    const fld = node.fields[key];
    return fld ? { t: fld.t, named: true, smp: fld.smp } : { t: D, named: true, smp: undefined };
  }
  if (node.k === 'map') return { t: node.elem, named: false, smp: undefined };
  return { t: D, named: node.k === 'deduced', smp: undefined };
}

/** childOf(node, key).t, without building the ChildType (the walks ask for it at every member). */
export function childType(node: TypeNode, key: string): TypeNode {
  if (node.k === 'struct') {
    const fld = node.fields[key];
    return fld ? fld.t : D;
  }
  if (node.k === 'map') return node.elem;
  return D;
}

/** The element type of a list node (deduced otherwise). */
export function elemOf(node: TypeNode): TypeNode {
  return node.k === 'list' ? node.elem : D;
}
