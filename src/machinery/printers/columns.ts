/**
 * Server-side printing: the columns and cells kube-apiserver returns for `as=Table`, per resource,
 * following `pkg/printers/internalversion/printers.go`. The server always generates the wide
 * (priority 1) columns; kubectl drops them unless `-o wide`. Cells keep upstream's Go types: a
 * column of type `integer` carries numbers, RESTARTS is a string (`3 (45s ago)`).
 */
import type { KObject } from '../api/types.ts';
import { humanDuration, translateTimestampSince } from './duration.ts';
import { formatLabelSelector, formatLabels, type LabelSelector, labelSelectorString } from './labels.ts';
import type { TableCell, TableColumnDefinition, TableRowCondition } from './table-types.ts';
import { parseTime } from './time.ts';

// biome-ignore lint/suspicious/noExplicitAny: objects are untyped JSON; the printers read them defensively.
type Any = any;

export interface PrintedRow {
  cells: TableCell[];
  conditions?: TableRowCondition[];
}

export interface ResourcePrinter {
  columns: TableColumnDefinition[];
  row(obj: KObject, now: number): PrintedRow;
}

const NAME_DOC =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';
const AGE_DOC =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';
const CONTAINERS_DOC = 'Names of each container in the template.';
const IMAGES_DOC = 'Images referenced by each container in the template.';

function col(name: string, type: string, description: string, priority = 0, format = ''): TableColumnDefinition {
  return { name, type, format, description, priority };
}
const nameCol = (priority = 0) => col('Name', 'string', NAME_DOC, priority, 'name');
const ageCol = () => col('Age', 'string', AGE_DOC);

function age(obj: KObject, now: number): string {
  return translateTimestampSince(obj.metadata?.creationTimestamp, now);
}

function name(obj: KObject): string {
  return obj.metadata?.name ?? '';
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function arr(v: unknown): Any[] {
  return Array.isArray(v) ? v : [];
}

function obj(v: unknown): Any {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : {};
}

/** `layoutContainerCells`: container names and images, comma-joined. */
function containerCells(containers: unknown): [string, string] {
  const cs = arr(containers);
  return [cs.map((c) => str(obj(c).name)).join(','), cs.map((c) => str(obj(c).image)).join(',')];
}

// ---------------------------------------------------------------------------------------------
// Pods

const podConditionsSucceeded: TableRowCondition[] = [
  { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
];
const podConditionsFailed: TableRowCondition[] = [
  { type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' },
];

function isRestartableInit(c: Any): boolean {
  return c !== undefined && obj(c).restartPolicy === 'Always';
}

/** printPod: READY, STATUS (with upstream's precedence of reasons) and RESTARTS. */
function printPod(pod: KObject, now: number): PrintedRow {
  const spec = obj(pod.spec);
  const status = obj(pod.status);
  let restarts = 0;
  let restartableInitRestarts = 0;
  let totalContainers = arr(spec.containers).length;
  let readyContainers = 0;
  let lastRestart: number | undefined;
  let lastRestartableInitRestart: number | undefined;
  const later = (a: number | undefined, ts: unknown): number | undefined => {
    const t = parseTime(ts);
    if (t === undefined) return a;
    return a === undefined || a < t ? t : a;
  };

  const phase = str(status.phase);
  let reason = phase;
  if (str(status.reason) !== '') reason = str(status.reason);
  for (const c of arr(status.conditions)) {
    if (c?.type === 'PodScheduled' && c?.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }
  let conditions: TableRowCondition[] | undefined;
  if (phase === 'Succeeded') conditions = podConditionsSucceeded;
  else if (phase === 'Failed') conditions = podConditionsFailed;

  const initContainers = new Map<string, Any>();
  const specInits = arr(spec.initContainers);
  for (const c of specInits) {
    initContainers.set(str(c?.name), c);
    if (isRestartableInit(c)) totalContainers++;
  }

  let initializing = false;
  const initStatuses = arr(status.initContainerStatuses);
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = obj(initStatuses[i]);
    const state = obj(cs.state);
    const lastTerminated = obj(cs.lastState).terminated;
    restarts += num(cs.restartCount);
    if (lastTerminated) lastRestart = later(lastRestart, lastTerminated.finishedAt);
    const restartable = isRestartableInit(initContainers.get(str(cs.name)));
    if (restartable) {
      restartableInitRestarts += num(cs.restartCount);
      if (lastTerminated) lastRestartableInitRestart = later(lastRestartableInitRestart, lastTerminated.finishedAt);
    }
    const terminated = state.terminated ? obj(state.terminated) : undefined;
    const waiting = state.waiting ? obj(state.waiting) : undefined;
    if (terminated && num(terminated.exitCode) === 0) continue;
    if (restartable && cs.started === true) {
      if (cs.ready === true) readyContainers++;
      continue;
    }
    if (terminated) {
      if (str(terminated.reason) === '') {
        reason =
          num(terminated.signal) !== 0
            ? `Init:Signal:${num(terminated.signal)}`
            : `Init:ExitCode:${num(terminated.exitCode)}`;
      } else reason = `Init:${str(terminated.reason)}`;
    } else if (waiting && str(waiting.reason) !== '' && waiting.reason !== 'PodInitializing') {
      reason = `Init:${str(waiting.reason)}`;
    } else {
      reason = `Init:${i}/${specInits.length}`;
    }
    initializing = true;
    break;
  }

  const initializedTrue = arr(status.conditions).some((c) => c?.type === 'Initialized' && c?.status === 'True');
  if (!initializing || initializedTrue) {
    restarts = restartableInitRestarts;
    lastRestart = lastRestartableInitRestart;
    let hasRunning = false;
    const statuses = arr(status.containerStatuses);
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = obj(statuses[i]);
      const state = obj(cs.state);
      const lastTerminated = obj(cs.lastState).terminated;
      restarts += num(cs.restartCount);
      if (lastTerminated) lastRestart = later(lastRestart, lastTerminated.finishedAt);
      const terminated = state.terminated ? obj(state.terminated) : undefined;
      const waiting = state.waiting ? obj(state.waiting) : undefined;
      if (waiting && str(waiting.reason) !== '') reason = str(waiting.reason);
      else if (terminated && str(terminated.reason) !== '') reason = str(terminated.reason);
      else if (terminated) {
        reason =
          num(terminated.signal) !== 0 ? `Signal:${num(terminated.signal)}` : `ExitCode:${num(terminated.exitCode)}`;
      } else if (cs.ready === true && state.running) {
        hasRunning = true;
        readyContainers++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      const podReady = arr(status.conditions).some((c) => c?.type === 'Ready' && c?.status === 'True');
      reason = podReady ? 'Running' : 'NotReady';
    }
  }

  const deleting = pod.metadata?.deletionTimestamp !== undefined && pod.metadata?.deletionTimestamp !== null;
  if (deleting && str(status.reason) === 'NodeLost') reason = 'Unknown';
  else if (deleting && phase !== 'Failed' && phase !== 'Succeeded') reason = 'Terminating';

  let restartsStr = String(restarts);
  if (restarts !== 0 && lastRestart !== undefined)
    restartsStr = `${restarts} (${humanDuration(now - lastRestart)} ago)`;

  let podIP = str(arr(status.podIPs)[0]?.ip);
  if (podIP === '') podIP = '<none>';
  const nodeName = str(spec.nodeName) || '<none>';
  const nominated = str(status.nominatedNodeName) || '<none>';
  let readinessGates = '<none>';
  const gates = arr(spec.readinessGates);
  if (gates.length > 0) {
    let trueConditions = 0;
    for (const g of gates) {
      const c = arr(status.conditions).find((x) => x?.type === g?.conditionType);
      if (c?.status === 'True') trueConditions++;
    }
    readinessGates = `${trueConditions}/${gates.length}`;
  }
  const row: PrintedRow = {
    cells: [
      name(pod),
      `${readyContainers}/${totalContainers}`,
      reason,
      restartsStr,
      age(pod, now),
      podIP,
      nodeName,
      nominated,
      readinessGates,
    ],
  };
  if (conditions) row.conditions = conditions;
  return row;
}

// ---------------------------------------------------------------------------------------------
// Services

function loadBalancerStatus(ingress: unknown): string {
  const set = new Set<string>();
  for (const i of arr(ingress)) {
    if (str(i?.ip) !== '') set.add(str(i.ip));
    else if (str(i?.hostname) !== '') set.add(str(i.hostname));
  }
  // The server prints wide, so the 16-character clipping never applies to server-side tables.
  return [...set].sort().join(',');
}

function serviceExternalIP(svc: Any): string {
  const spec = obj(svc.spec);
  const externalIPs = arr(spec.externalIPs).map(str);
  switch (spec.type) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerStatus(obj(obj(svc.status).loadBalancer).ingress);
      if (externalIPs.length > 0) {
        const results = lb.length > 0 ? lb.split(',') : [];
        return [...results, ...externalIPs].join(',');
      }
      return lb.length > 0 ? lb : '<pending>';
    }
    case 'ExternalName':
      return str(spec.externalName);
  }
  return '<unknown>';
}

function servicePorts(ports: unknown): string {
  return arr(ports)
    .map((p) => {
      const proto = str(p?.protocol);
      return num(p?.nodePort) > 0 ? `${num(p?.port)}:${num(p?.nodePort)}/${proto}` : `${num(p?.port)}/${proto}`;
    })
    .join(',');
}

// ---------------------------------------------------------------------------------------------
// Endpoints and EndpointSlices

function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function formatEndpoints(ep: Any): string {
  const subsets = arr(ep.subsets);
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const ss of subsets) {
    const addresses = arr(ss?.addresses);
    const ports = arr(ss?.ports);
    if (ports.length === 0) {
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(str(a?.ip));
      }
      continue;
    }
    for (const p of ports) {
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(joinHostPort(str(a?.ip), num(p?.port)));
      }
    }
  }
  const ret = list.join(',');
  return more ? `${ret} + ${count - max} more...` : ret;
}

function listWithMore(list: string[], more: boolean, count: number, max: number): string {
  const ret = list.join(',');
  if (more) return `${ret} + ${count - max} more...`;
  return ret === '' ? '<unset>' : ret;
}

function formatSlicePorts(ports: unknown): string {
  const list: string[] = [];
  let more = false;
  let count = 0;
  for (const p of arr(ports)) {
    if (list.length < 3) {
      let n = '*';
      if (typeof p?.port === 'number') n = String(p.port);
      else if (typeof p?.name === 'string') n = p.name;
      list.push(n);
    } else if (list.length === 3) more = true;
    count++;
  }
  return listWithMore(list, more, count, 3);
}

function formatSliceEndpoints(endpoints: unknown): string {
  const list: string[] = [];
  let more = false;
  let count = 0;
  for (const e of arr(endpoints)) {
    for (const a of arr(e?.addresses)) {
      if (list.length < 3) list.push(str(a));
      else if (list.length === 3) more = true;
      count++;
    }
  }
  return listWithMore(list, more, count, 3);
}

// ---------------------------------------------------------------------------------------------
// Nodes

function nodeRoles(node: KObject): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata?.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length);
      if (role.length > 0) roles.add(role);
    } else if (k === 'kubernetes.io/role' && v !== '') roles.add(v);
  }
  return [...roles].sort();
}

function nodeAddress(node: Any, type: string): string {
  const a = arr(obj(node.status).addresses).find((x) => x?.type === type);
  return a ? str(a.address) : '<none>';
}

function printNode(node: KObject, now: number): PrintedRow {
  const status: string[] = [];
  const ready = arr(obj(node.status).conditions).find((c) => c?.type === 'Ready');
  if (ready) status.push(ready.status === 'True' ? 'Ready' : 'NotReady');
  if (status.length === 0) status.push('Unknown');
  if (obj(node.spec).unschedulable === true) status.push('SchedulingDisabled');
  const roles = nodeRoles(node).join(',') || '<none>';
  const info = obj(obj(node.status).nodeInfo);
  return {
    cells: [
      name(node),
      status.join(','),
      roles,
      age(node, now),
      str(info.kubeletVersion),
      nodeAddress(node, 'InternalIP'),
      nodeAddress(node, 'ExternalIP'),
      str(info.osImage) || '<unknown>',
      str(info.kernelVersion) || '<unknown>',
      str(info.containerRuntimeVersion) || '<unknown>',
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Events (core/v1 and events.k8s.io/v1 print alike: the server prints the internal type)

function normalizeEvent(ev: Any): Any {
  if (ev.apiVersion !== 'events.k8s.io/v1') return ev;
  return {
    metadata: ev.metadata,
    involvedObject: ev.regarding ?? {},
    reason: ev.reason,
    message: ev.note,
    source: ev.deprecatedSource ?? {},
    firstTimestamp: ev.deprecatedFirstTimestamp,
    lastTimestamp: ev.deprecatedLastTimestamp,
    count: ev.deprecatedCount,
    type: ev.type,
    eventTime: ev.eventTime,
    series: ev.series,
    reportingComponent: ev.reportingController,
    reportingInstance: ev.reportingInstance,
  };
}

function printEvent(raw: KObject, now: number): PrintedRow {
  const ev = normalizeEvent(raw);
  let firstTimestamp = translateTimestampSince(ev.firstTimestamp, now);
  if (parseTime(ev.firstTimestamp) === undefined) firstTimestamp = translateTimestampSince(ev.eventTime, now);
  let lastTimestamp = translateTimestampSince(ev.lastTimestamp, now);
  if (parseTime(ev.lastTimestamp) === undefined) lastTimestamp = firstTimestamp;
  let count = num(ev.count);
  if (ev.series) {
    lastTimestamp = translateTimestampSince(ev.series.lastObservedTime, now);
    count = num(ev.series.count);
  } else if (count === 0) count = 1;
  const involved = obj(ev.involvedObject);
  const kind = str(involved.kind).toLowerCase();
  const target = str(involved.name) !== '' ? `${kind}/${str(involved.name)}` : kind;
  const source = obj(ev.source);
  const component = str(source.component) || str(ev.reportingComponent);
  const host = str(source.host) || str(ev.reportingInstance);
  return {
    cells: [
      lastTimestamp,
      str(ev.type),
      str(ev.reason),
      target,
      str(involved.fieldPath),
      host === '' ? component : `${component}, ${host}`,
      str(ev.message).trim(),
      firstTimestamp,
      count,
      name(raw),
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Workloads

function hasCondition(conditions: unknown, type: string): boolean {
  const c = arr(conditions).find((x) => x?.type === type);
  return c !== undefined && c.status === 'True';
}

function printJob(job: KObject, now: number): PrintedRow {
  const spec = obj(job.spec);
  const status = obj(job.status);
  let completions: string;
  if (typeof spec.completions === 'number') completions = `${num(status.succeeded)}/${spec.completions}`;
  else {
    const parallelism = num(spec.parallelism);
    completions = parallelism > 1 ? `${num(status.succeeded)}/1 of ${parallelism}` : `${num(status.succeeded)}/1`;
  }
  const start = parseTime(status.startTime);
  const end = parseTime(status.completionTime);
  let duration = '';
  if (start !== undefined) duration = humanDuration((end ?? now) - start);
  let st: string;
  if (hasCondition(status.conditions, 'Complete')) st = 'Complete';
  else if (hasCondition(status.conditions, 'Failed')) st = 'Failed';
  else if (job.metadata?.deletionTimestamp) st = 'Terminating';
  else if (hasCondition(status.conditions, 'Suspended')) st = 'Suspended';
  else if (hasCondition(status.conditions, 'FailureTarget')) st = 'FailureTarget';
  else st = 'Running';
  const [names, images] = containerCells(obj(obj(spec.template).spec).containers);
  return {
    cells: [
      name(job),
      st,
      completions,
      duration,
      age(job, now),
      names,
      images,
      formatLabelSelector(spec.selector as LabelSelector),
    ],
  };
}

function printCronJob(cj: KObject, now: number): PrintedRow {
  const spec = obj(cj.spec);
  const status = obj(cj.status);
  const last = status.lastScheduleTime ? translateTimestampSince(status.lastScheduleTime, now) : '<none>';
  const tz = typeof spec.timeZone === 'string' ? spec.timeZone : '<none>';
  const suspend = typeof spec.suspend === 'boolean' ? (spec.suspend ? 'True' : 'False') : '<unset>';
  const jobSpec = obj(obj(spec.jobTemplate).spec);
  const [names, images] = containerCells(obj(obj(jobSpec.template).spec).containers);
  return {
    cells: [
      name(cj),
      str(spec.schedule),
      tz,
      suspend,
      arr(status.active).length,
      last,
      age(cj, now),
      names,
      images,
      formatLabelSelector(jobSpec.selector as LabelSelector),
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// The table of printers

const P: Record<string, ResourcePrinter> = {};

P['/pods'] = {
  columns: [
    nameCol(),
    col('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
    col('Status', 'string', 'The aggregate status of the containers in this pod.'),
    col(
      'Restarts',
      'string',
      'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
    ),
    ageCol(),
    col(
      'IP',
      'string',
      'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.',
      1,
    ),
    col(
      'Node',
      'string',
      'NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName. Once this field is set, the kubelet for this node becomes responsible for the lifecycle of this pod. This field should not be used to express a desire for the pod to be scheduled on a specific node. https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodename',
      1,
    ),
    col(
      'Nominated Node',
      'string',
      'nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods. This field does not guarantee that the pod will be scheduled on this node. Scheduler may decide to place the pod elsewhere if other nodes become available sooner. Scheduler may also decide to give the resources on this node to a higher priority pod that is created after preemption. As a result, this field may be different than PodSpec.nodeName when the pod is scheduled.',
      1,
    ),
    col(
      'Readiness Gates',
      'string',
      'If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to "True" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates',
      1,
    ),
  ],
  row: printPod,
};

P['/nodes'] = {
  columns: [
    nameCol(),
    col('Status', 'string', 'The status of the node'),
    col('Roles', 'string', 'The roles of the node'),
    ageCol(),
    col('Version', 'string', 'Kubelet Version reported by the node.'),
    col('Internal-IP', 'string', 'List of addresses reachable to the node.', 1),
    col('External-IP', 'string', 'List of addresses reachable to the node.', 1),
    col(
      'OS-Image',
      'string',
      'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).',
      1,
    ),
    col(
      'Kernel-Version',
      'string',
      "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).",
      1,
    ),
    col(
      'Container-Runtime',
      'string',
      'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).',
      1,
    ),
  ],
  row: printNode,
};

P['/services'] = {
  columns: [
    nameCol(),
    col('Type', 'string', 'type determines how the Service is exposed. Defaults to ClusterIP.'),
    col('Cluster-IP', 'string', 'clusterIP is the IP address of the service and is usually assigned randomly.'),
    col(
      'External-IP',
      'string',
      'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.',
    ),
    col('Port(s)', 'string', 'The list of ports that are exposed by this service.'),
    ageCol(),
    col('Selector', 'string', 'Route service traffic to pods with label keys and values matching this selector.', 1),
  ],
  row(svc, now) {
    const spec = obj(svc.spec);
    const ips = arr(spec.clusterIPs);
    const ports = servicePorts(spec.ports);
    return {
      cells: [
        name(svc),
        str(spec.type),
        ips.length > 0 ? str(ips[0]) : '<none>',
        serviceExternalIP(svc),
        ports === '' ? '<none>' : ports,
        age(svc, now),
        formatLabels(spec.selector),
      ],
    };
  },
};

P['/endpoints'] = {
  columns: [nameCol(), col('Endpoints', 'string', 'The set of all endpoints is the union of all subsets.'), ageCol()],
  row: (ep, now) => ({ cells: [name(ep), formatEndpoints(ep), age(ep, now)] }),
};

P['discovery.k8s.io/endpointslices'] = {
  columns: [
    nameCol(),
    col('AddressType', 'string', 'addressType specifies the type of address carried by this EndpointSlice.'),
    col('Ports', 'string', 'ports specifies the list of network ports exposed by each endpoint in this slice.'),
    col('Endpoints', 'string', 'endpoints is a list of unique endpoints in this slice.'),
    ageCol(),
  ],
  row: (es, now) => ({
    cells: [
      name(es),
      str((es as Any).addressType),
      formatSlicePorts((es as Any).ports),
      formatSliceEndpoints((es as Any).endpoints),
      age(es, now),
    ],
  }),
};

const EVENT_COLUMNS = [
  col('Last Seen', 'string', 'The time at which the most recent occurrence of this event was recorded.'),
  col('Type', 'string', 'Type of this event (Normal, Warning), new types could be added in the future'),
  col(
    'Reason',
    'string',
    "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
  ),
  col('Object', 'string', 'The object that this event is about.'),
  col(
    'Subobject',
    'string',
    'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2].',
    1,
  ),
  col('Source', 'string', 'The component reporting this event. Should be a short machine understandable string.', 1),
  col('Message', 'string', 'A human-readable description of the status of this operation.'),
  col(
    'First Seen',
    'string',
    'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)',
    1,
  ),
  col('Count', 'string', 'The number of times this event has occurred.', 1),
  nameCol(1),
];
P['/events'] = { columns: EVENT_COLUMNS, row: printEvent };
P['events.k8s.io/events'] = { columns: EVENT_COLUMNS, row: printEvent };

P['/namespaces'] = {
  columns: [nameCol(), col('Status', 'string', 'The status of the namespace'), ageCol()],
  row: (ns, now) => ({ cells: [name(ns), str(obj(ns.status).phase), age(ns, now)] }),
};

P['/secrets'] = {
  columns: [
    nameCol(),
    col('Type', 'string', 'Used to facilitate programmatic handling of secret data.'),
    col('Data', 'string', 'Data contains the secret data.'),
    ageCol(),
  ],
  row: (s, now) => ({ cells: [name(s), str((s as Any).type), Object.keys(obj((s as Any).data)).length, age(s, now)] }),
};

P['/configmaps'] = {
  columns: [nameCol(), col('Data', 'string', 'Data contains the configuration data.'), ageCol()],
  row: (cm, now) => ({
    cells: [
      name(cm),
      Object.keys(obj((cm as Any).data)).length + Object.keys(obj((cm as Any).binaryData)).length,
      age(cm, now),
    ],
  }),
};

P['/serviceaccounts'] = {
  columns: [
    nameCol(),
    col(
      'Secrets',
      'string',
      'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.',
    ),
    ageCol(),
  ],
  row: (sa, now) => ({ cells: [name(sa), arr((sa as Any).secrets).length, age(sa, now)] }),
};

P['coordination.k8s.io/leases'] = {
  columns: [
    nameCol(),
    col('Holder', 'string', 'holderIdentity contains the identity of the holder of a current lease.'),
    ageCol(),
  ],
  row: (l, now) => ({ cells: [name(l), str(obj(l.spec).holderIdentity), age(l, now)] }),
};

P['apps/deployments'] = {
  columns: [
    nameCol(),
    col('Ready', 'string', 'Number of the pod with ready state'),
    col(
      'Up-to-date',
      'string',
      'Total number of non-terminated pods targeted by this deployment that have the desired template spec.',
    ),
    col(
      'Available',
      'string',
      'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.',
    ),
    ageCol(),
    col('Containers', 'string', CONTAINERS_DOC, 1),
    col('Images', 'string', IMAGES_DOC, 1),
    col(
      'Selector',
      'string',
      'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.',
      1,
    ),
  ],
  row(d, now) {
    const spec = obj(d.spec);
    const status = obj(d.status);
    const [names, images] = containerCells(obj(obj(spec.template).spec).containers);
    return {
      cells: [
        name(d),
        `${num(status.readyReplicas)}/${num(spec.replicas)}`,
        num(status.updatedReplicas),
        num(status.availableReplicas),
        age(d, now),
        names,
        images,
        labelSelectorString(spec.selector as LabelSelector),
      ],
    };
  },
};

P['apps/replicasets'] = {
  columns: [
    nameCol(),
    col('Desired', 'integer', 'Replicas is the number of desired replicas.'),
    col('Current', 'integer', 'Replicas is the most recently observed number of replicas.'),
    col('Ready', 'integer', 'The number of ready replicas for this replica set.'),
    ageCol(),
    col('Containers', 'string', CONTAINERS_DOC, 1),
    col('Images', 'string', IMAGES_DOC, 1),
    col('Selector', 'string', 'Selector is a label query over pods that should match the replica count.', 1),
  ],
  row(rs, now) {
    const spec = obj(rs.spec);
    const status = obj(rs.status);
    const [names, images] = containerCells(obj(obj(spec.template).spec).containers);
    return {
      cells: [
        name(rs),
        num(spec.replicas),
        num(status.replicas),
        num(status.readyReplicas),
        age(rs, now),
        names,
        images,
        formatLabelSelector(spec.selector as LabelSelector),
      ],
    };
  },
};

P['apps/daemonsets'] = {
  columns: [
    nameCol(),
    col(
      'Desired',
      'integer',
      'The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod).',
    ),
    col(
      'Current',
      'integer',
      'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.',
    ),
    col(
      'Ready',
      'integer',
      'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.',
    ),
    col('Up-to-date', 'integer', 'The total number of nodes that are running updated daemon pod'),
    col(
      'Available',
      'integer',
      'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)',
    ),
    col(
      'Node Selector',
      'string',
      "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/",
    ),
    ageCol(),
    col('Containers', 'string', CONTAINERS_DOC, 1),
    col('Images', 'string', IMAGES_DOC, 1),
    col('Selector', 'string', 'A label query over pods that are managed by the daemon set.', 1),
  ],
  row(ds, now) {
    const spec = obj(ds.spec);
    const status = obj(ds.status);
    const podSpec = obj(obj(spec.template).spec);
    const [names, images] = containerCells(podSpec.containers);
    return {
      cells: [
        name(ds),
        num(status.desiredNumberScheduled),
        num(status.currentNumberScheduled),
        num(status.numberReady),
        num(status.updatedNumberScheduled),
        num(status.numberAvailable),
        formatLabels(podSpec.nodeSelector),
        age(ds, now),
        names,
        images,
        formatLabelSelector(spec.selector as LabelSelector),
      ],
    };
  },
};

P['apps/statefulsets'] = {
  columns: [
    nameCol(),
    col('Ready', 'string', 'Number of the pod with ready state'),
    ageCol(),
    col('Containers', 'string', CONTAINERS_DOC, 1),
    col('Images', 'string', IMAGES_DOC, 1),
  ],
  row(sts, now) {
    const spec = obj(sts.spec);
    const [names, images] = containerCells(obj(obj(spec.template).spec).containers);
    return {
      cells: [name(sts), `${num(obj(sts.status).readyReplicas)}/${num(spec.replicas)}`, age(sts, now), names, images],
    };
  },
};

P['batch/jobs'] = {
  columns: [
    nameCol(),
    col('Status', 'string', 'Status of the job.'),
    col('Completions', 'string', 'The number of pods which reached phase Succeeded.'),
    col('Duration', 'string', 'Time required to complete the job.'),
    ageCol(),
    col('Containers', 'string', CONTAINERS_DOC, 1),
    col('Images', 'string', IMAGES_DOC, 1),
    col('Selector', 'string', 'A label query over pods that should match the pod count.', 1),
  ],
  row: printJob,
};

P['batch/cronjobs'] = {
  columns: [
    nameCol(),
    col('Schedule', 'string', 'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.'),
    col(
      'Timezone',
      'string',
      'The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones.',
    ),
    col(
      'Suspend',
      'boolean',
      'This flag tells the controller to suspend subsequent executions, it does not apply to already started executions. Defaults to false.',
    ),
    col('Active', 'integer', 'A list of pointers to currently running jobs.'),
    col('Last Schedule', 'string', 'Information when was the last time the job was successfully scheduled.'),
    ageCol(),
    col('Containers', 'string', CONTAINERS_DOC, 1),
    col('Images', 'string', IMAGES_DOC, 1),
    col('Selector', 'string', 'A label query over pods that should match the pod count.', 1),
  ],
  row: printCronJob,
};

/** The default printer for resources without their own: NAME and AGE (`printObjectMeta`). */
export const DEFAULT_PRINTER: ResourcePrinter = {
  columns: [nameCol(), ageCol()],
  row: (o, now) => ({ cells: [name(o), age(o, now)] }),
};

/** The printer for a group and plural resource name (`''` for the core group). */
export function printerFor(group: string, resource: string): ResourcePrinter {
  return P[`${group}/${resource}`] ?? DEFAULT_PRINTER;
}

/** What `kubectl get pods` prints for one pod in READY, STATUS and RESTARTS (the canvas shows it too). */
export function podStatusColumns(pod: KObject, now: number): { ready: string; status: string; restarts: string } {
  const cells = printPod(pod, now).cells;
  return { ready: String(cells[1]), status: String(cells[2]), restarts: String(cells[3]) };
}
