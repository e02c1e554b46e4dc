/**
 * The describers of `kubectl describe`, per kind, with the extra requests each makes (events,
 * pods of a controller, endpoint slices of a service, a node's pods and lease) and upstream's
 * layout. Kinds without a describer use the generic one (every field, camel case split into words).
 */
import type { KObject } from '../api/types.ts';
import { humanDuration } from '../printers/duration.ts';
import { StatusError } from '../printers/errors.ts';
import { formatLabelSelector, formatLabels, labelSelectorString } from '../printers/labels.ts';
import { parseTime } from '../printers/time.ts';
import type { Ctx } from './context.ts';
import {
  type Any,
  arr,
  describeEvents,
  fmtTime,
  goV,
  intOrString,
  LEVEL_0,
  LEVEL_1,
  LEVEL_2,
  LEVEL_3,
  num,
  obj,
  type PrefixWriter,
  printAnnotationsMultiline,
  printLabelsMultiline,
  printLabelsMultilineWithIndent,
  printTaintsMultiline,
  printTolerationsMultilineWithIndent,
  q,
  qAdd,
  qMax,
  qString,
  qValue,
  since,
  str,
  tabbedString,
} from './describe-util.ts';
import { type ApiResource, resourcePath } from './discovery.ts';

const PROTO_ACCEPT = 'application/vnd.kubernetes.protobuf,application/json';

interface DescribeCtx {
  ctx: Ctx;
  now: number;
  showEvents: boolean;
  chunkSize: number;
}

/** client-go's Events().Search: the events whose involvedObject matches. */
async function searchEvents(
  d: DescribeCtx,
  o: KObject,
  kind: string | undefined,
  uid?: string,
): Promise<KObject[] | undefined> {
  if (!d.showEvents) return undefined;
  const md = o.metadata ?? {};
  const parts = [`involvedObject.name=${md.name ?? ''}`, `involvedObject.namespace=${md.namespace ?? ''}`];
  if (kind) parts.push(`involvedObject.kind=${kind}`);
  parts.push(`involvedObject.uid=${uid ?? md.uid ?? ''}`);
  const ns = md.namespace ?? '';
  const path = ns ? `/api/v1/namespaces/${ns}/events` : '/api/v1/events';
  try {
    const list = await d.ctx.getJSON<{ items?: KObject[] }>(
      path,
      { fieldSelector: parts.join(','), limit: String(d.chunkSize) },
      PROTO_ACCEPT,
    );
    return list.items ?? [];
  } catch {
    return [];
  }
}

async function listItems(d: DescribeCtx, path: string, query: Record<string, string>): Promise<KObject[]> {
  const list = await d.ctx.getJSON<{ items?: KObject[] }>(path, query, PROTO_ACCEPT);
  return list.items ?? [];
}

function controllerOf(o: KObject): Any {
  return arr(o.metadata?.ownerReferences).find((r) => r?.controller === true);
}

function printController(o: KObject): string {
  const c = controllerOf(o);
  return c ? `${str(c.kind)}/${str(c.name)}` : '';
}

// ---------------------------------------------------------------------------------------------
// Containers, volumes and pod templates

/** `80/TCP, 443/TCP` (kubectl 1.32 does not show port names). */
function containerPorts(ports: Any[], host: boolean): string {
  return ports.map((p) => `${num(host ? p.hostPort : p.containerPort)}/${str(p.protocol)}`).join(', ');
}

function describeStatus(stateName: string, state: Any, w: PrefixWriter): void {
  const s = obj(state);
  if (s.running) {
    w.write(LEVEL_2, `${stateName}:\tRunning\n`);
    w.write(LEVEL_3, `Started:\t${fmtTime(s.running.startedAt)}\n`);
  } else if (s.waiting) {
    w.write(LEVEL_2, `${stateName}:\tWaiting\n`);
    if (str(s.waiting.reason)) w.write(LEVEL_3, `Reason:\t${str(s.waiting.reason)}\n`);
  } else if (s.terminated) {
    const t = s.terminated;
    w.write(LEVEL_2, `${stateName}:\tTerminated\n`);
    if (str(t.reason)) w.write(LEVEL_3, `Reason:\t${str(t.reason)}\n`);
    if (str(t.message)) w.write(LEVEL_3, `Message:\t${str(t.message)}\n`);
    w.write(LEVEL_3, `Exit Code:\t${num(t.exitCode)}\n`);
    if (num(t.signal) > 0) w.write(LEVEL_3, `Signal:\t${num(t.signal)}\n`);
    w.write(LEVEL_3, `Started:\t${fmtTime(t.startedAt)}\n`);
    w.write(LEVEL_3, `Finished:\t${fmtTime(t.finishedAt)}\n`);
  } else w.write(LEVEL_2, `${stateName}:\tWaiting\n`);
}

function sortedKeys(o: unknown): string[] {
  return Object.keys(obj(o)).sort();
}

function describeResources(res: Any, w: PrefixWriter, level: number): void {
  if (!res) return;
  const limits = sortedKeys(res.limits);
  if (limits.length > 0) w.write(level, 'Limits:\n');
  for (const k of limits) w.write(level + 1, `${k}:\t${qString(q(res.limits[k]))}\n`);
  const requests = sortedKeys(res.requests);
  if (requests.length > 0) w.write(level, 'Requests:\n');
  for (const k of requests) w.write(level + 1, `${k}:\t${qString(q(res.requests[k]))}\n`);
}

function describeProbe(p: Any): string {
  const attrs = `delay=${num(p.initialDelaySeconds)}s timeout=${num(p.timeoutSeconds)}s period=${num(p.periodSeconds)}s #success=${num(p.successThreshold)} #failure=${num(p.failureThreshold)}`;
  if (p.exec) return `exec ${goV(arr(p.exec.command))} ${attrs}`;
  if (p.httpGet) {
    const h = p.httpGet;
    const port = intOrString(h.port);
    const host = str(h.host);
    const hostPort = port ? (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`) : host;
    return `http-get ${str(h.scheme).toLowerCase()}://${hostPort}${str(h.path)} ${attrs}`;
  }
  if (p.tcpSocket) return `tcp-socket ${str(p.tcpSocket.host)}:${intOrString(p.tcpSocket.port)} ${attrs}`;
  if (p.grpc) return `grpc <pod>:${num(p.grpc.port)} ${str(p.grpc.service)} ${attrs}`;
  return `unknown ${attrs}`;
}

/** fieldpath.ExtractFieldPathAsString for the fields a downward API env var can name. */
function podField(pod: KObject | undefined, path: string): string {
  if (!pod) return '';
  const p = pod as Any;
  const m = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(path);
  if (m) return str(obj(p.metadata?.[m[1] as string])[m[2] as string]);
  switch (path) {
    case 'metadata.name':
      return str(p.metadata?.name);
    case 'metadata.namespace':
      return str(p.metadata?.namespace);
    case 'metadata.uid':
      return str(p.metadata?.uid);
    case 'spec.nodeName':
      return str(p.spec?.nodeName);
    case 'spec.serviceAccountName':
      return str(p.spec?.serviceAccountName);
    case 'status.hostIP':
      return str(p.status?.hostIP);
    case 'status.podIP':
      return str(p.status?.podIP);
    case 'status.podIPs':
      return arr(p.status?.podIPs)
        .map((x) => str(x?.ip))
        .join(',');
    case 'metadata.labels':
      return Object.entries(obj(p.metadata?.labels))
        .map(([k, v]) => `${k}="${v}"`)
        .sort()
        .join('\n');
  }
  return '';
}

function resourceFieldValue(ref: Any, container: Any): string {
  const res = str(ref.resource);
  const [kind, name] = res.split('.') as [string, string];
  const v = obj(obj(container.resources)[kind === 'limits' ? 'limits' : 'requests'])[name];
  if (v === undefined) return '0';
  const quantity = q(v);
  const divisor = ref.divisor ? q(ref.divisor) : q('1');
  if (name === 'cpu') {
    const milli = qValue(quantity, -3);
    const dm = qValue(divisor, -3) || 1n;
    return String((milli + dm - 1n) / dm);
  }
  const value = qValue(quantity, 0);
  const dv = qValue(divisor, 0) || 1n;
  return String((value + dv - 1n) / dv);
}

function describeContainers(
  label: string,
  containers: Any[],
  statuses: Any[] | undefined,
  pod: KObject | undefined,
  w: PrefixWriter,
  space: string,
): void {
  const byName = new Map<string, Any>();
  for (const s of statuses ?? []) byName.set(str(s?.name), s);
  w.write(LEVEL_0, `${space}${label}:${containers.length === 0 ? ' <none>' : ''}\n`);
  for (const c of containers) {
    const status = byName.get(str(c.name));
    const ok = status !== undefined;
    w.write(LEVEL_1, `${space ? ' ' : ''}${str(c.name)}:\n`);
    if (ok) w.write(LEVEL_2, `Container ID:\t${str(status.containerID)}\n`);
    w.write(LEVEL_2, `Image:\t${str(c.image)}\n`);
    if (ok) w.write(LEVEL_2, `Image ID:\t${str(status.imageID)}\n`);
    const ports = containerPorts(arr(c.ports), false);
    if (ports.includes(',')) w.write(LEVEL_2, `Ports:\t${ports}\n`);
    else w.write(LEVEL_2, `Port:\t${ports || '<none>'}\n`);
    const hostPorts = containerPorts(arr(c.ports), true);
    if (hostPorts.includes(',')) w.write(LEVEL_2, `Host Ports:\t${hostPorts}\n`);
    else w.write(LEVEL_2, `Host Port:\t${hostPorts || '<none>'}\n`);
    const seccomp = obj(c.securityContext).seccompProfile;
    if (seccomp) {
      w.write(LEVEL_2, `SeccompProfile:\t${str(seccomp.type)}\n`);
      if (seccomp.type === 'Localhost') w.write(LEVEL_3, `LocalhostProfile:\t${str(seccomp.localhostProfile)}\n`);
    }
    if (arr(c.command).length > 0) {
      w.write(LEVEL_2, 'Command:\n');
      for (const x of arr(c.command)) for (const s of str(x).split('\n')) w.write(LEVEL_3, `${s}\n`);
    }
    if (arr(c.args).length > 0) {
      w.write(LEVEL_2, 'Args:\n');
      for (const x of arr(c.args)) for (const s of str(x).split('\n')) w.write(LEVEL_3, `${s}\n`);
    }
    if (ok) {
      describeStatus('State', status.state, w);
      if (obj(status.lastState).terminated) describeStatus('Last State', status.lastState, w);
      w.write(LEVEL_2, `Ready:\t${status.ready === true ? 'True' : 'False'}\n`);
      w.write(LEVEL_2, `Restart Count:\t${num(status.restartCount)}\n`);
    }
    describeResources(c.resources ?? {}, w, LEVEL_2);
    if (c.livenessProbe) w.write(LEVEL_2, `Liveness:\t${describeProbe(c.livenessProbe)}\n`);
    if (c.readinessProbe) w.write(LEVEL_2, `Readiness:\t${describeProbe(c.readinessProbe)}\n`);
    if (c.startupProbe) w.write(LEVEL_2, `Startup:\t${describeProbe(c.startupProbe)}\n`);
    const envFrom = arr(c.envFrom);
    if (envFrom.length > 0) {
      w.write(LEVEL_2, 'Environment Variables from:\n');
      for (const e of envFrom) {
        let from = '';
        let name = '';
        let optional = false;
        if (e.configMapRef) {
          from = 'ConfigMap';
          name = str(e.configMapRef.name);
          optional = e.configMapRef.optional === true;
        } else if (e.secretRef) {
          from = 'Secret';
          name = str(e.secretRef.name);
          optional = e.secretRef.optional === true;
        }
        if (!str(e.prefix)) w.write(LEVEL_3, `${name}\t${from}\tOptional: ${optional}\n`);
        else w.write(LEVEL_3, `${name}\t${from} with prefix '${str(e.prefix)}'\tOptional: ${optional}\n`);
      }
    }
    const env = arr(c.env);
    w.write(LEVEL_2, `Environment:${env.length === 0 ? '\t<none>' : ''}\n`);
    for (const e of env) {
      if (!e.valueFrom) {
        str(e.value)
          .split('\n')
          .forEach((s, i) => {
            if (i === 0) w.write(LEVEL_3, `${str(e.name)}:\t${s}\n`);
            else w.write(LEVEL_3, `\t${s}\n`);
          });
        continue;
      }
      const vf = e.valueFrom;
      if (vf.fieldRef) {
        const value = pod ? podField(pod, str(vf.fieldRef.fieldPath)) : '';
        w.write(LEVEL_3, `${str(e.name)}:\t${value} (${str(vf.fieldRef.apiVersion)}:${str(vf.fieldRef.fieldPath)})\n`);
      } else if (vf.resourceFieldRef) {
        let value = resourceFieldValue(vf.resourceFieldRef, c);
        const resource = str(vf.resourceFieldRef.resource);
        if (value === '0' && (resource === 'limits.cpu' || resource === 'limits.memory')) value = 'node allocatable';
        w.write(LEVEL_3, `${str(e.name)}:\t${value} (${resource})\n`);
      } else if (vf.secretKeyRef) {
        w.write(
          LEVEL_3,
          `${str(e.name)}:\t<set to the key '${str(vf.secretKeyRef.key)}' in secret '${str(vf.secretKeyRef.name)}'>\tOptional: ${vf.secretKeyRef.optional === true}\n`,
        );
      } else if (vf.configMapKeyRef) {
        w.write(
          LEVEL_3,
          `${str(e.name)}:\t<set to the key '${str(vf.configMapKeyRef.key)}' of config map '${str(vf.configMapKeyRef.name)}'>\tOptional: ${vf.configMapKeyRef.optional === true}\n`,
        );
      }
    }
    const mounts = [...arr(c.volumeMounts)].sort((a, b) =>
      str(a.mountPath) < str(b.mountPath) ? -1 : str(a.mountPath) > str(b.mountPath) ? 1 : 0,
    );
    w.write(LEVEL_2, `Mounts:${mounts.length === 0 ? '\t<none>' : ''}\n`);
    for (const m of mounts) {
      const flags = [m.readOnly === true ? 'ro' : 'rw'];
      if (str(m.subPath)) flags.push(`path=${JSON.stringify(str(m.subPath))}`);
      w.write(LEVEL_3, `${str(m.mountPath)} from ${str(m.name)} (${flags.join(',')})\n`);
    }
    const devices = arr(c.volumeDevices);
    if (devices.length > 0) {
      w.write(LEVEL_2, 'Devices:\n');
      for (const d of [...devices].sort((a, b) => (str(a.devicePath) < str(b.devicePath) ? -1 : 1))) {
        w.write(LEVEL_3, `${str(d.devicePath)} from ${str(d.name)}\n`);
      }
    }
  }
}

function describeVolumes(volumes: Any[], w: PrefixWriter, space: string): void {
  if (volumes.length === 0) {
    w.write(LEVEL_0, `${space}Volumes:\t<none>\n`);
    return;
  }
  w.write(LEVEL_0, `${space}Volumes:\n`);
  for (const v of volumes) {
    w.write(LEVEL_1, `${space ? ' ' : ''}${str(v.name)}:\n`);
    if (v.hostPath) {
      w.write(
        LEVEL_2,
        `Type:\tHostPath (bare host directory volume)\n    Path:\t${str(v.hostPath.path)}\n    HostPathType:\t${v.hostPath.type === undefined ? '<none>' : str(v.hostPath.type)}\n`,
      );
    } else if (v.emptyDir) {
      const size =
        v.emptyDir.sizeLimit && qValue(q(v.emptyDir.sizeLimit), 0) > 0n ? qString(q(v.emptyDir.sizeLimit)) : '<unset>';
      w.write(
        LEVEL_2,
        `Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t${str(v.emptyDir.medium)}\n    SizeLimit:\t${size}\n`,
      );
    } else if (v.secret) {
      w.write(
        LEVEL_2,
        `Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t${str(v.secret.secretName)}\n    Optional:\t${v.secret.optional === true}\n`,
      );
    } else if (v.configMap) {
      w.write(
        LEVEL_2,
        `Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t${str(v.configMap.name)}\n    Optional:\t${v.configMap.optional === true}\n`,
      );
    } else if (v.persistentVolumeClaim) {
      w.write(
        LEVEL_2,
        `Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n    ClaimName:\t${str(v.persistentVolumeClaim.claimName)}\n    ReadOnly:\t${v.persistentVolumeClaim.readOnly === true}\n`,
      );
    } else if (v.projected) {
      w.write(LEVEL_2, 'Type:\tProjected (a volume that contains injected data from multiple sources)\n');
      for (const s of arr(v.projected.sources)) {
        if (s.secret)
          w.write(LEVEL_2, `SecretName:\t${str(s.secret.name)}\n    SecretOptionalName:\t${goV(s.secret.optional)}\n`);
        else if (s.downwardAPI) w.write(LEVEL_2, 'DownwardAPI:\ttrue\n');
        else if (s.configMap)
          w.write(
            LEVEL_2,
            `ConfigMapName:\t${str(s.configMap.name)}\n    ConfigMapOptional:\t${goV(s.configMap.optional)}\n`,
          );
        else if (s.serviceAccountToken)
          w.write(LEVEL_2, `TokenExpirationSeconds:\t${num(s.serviceAccountToken.expirationSeconds)}\n`);
      }
    } else if (v.downwardAPI) {
      w.write(LEVEL_2, 'Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n');
      for (const item of arr(v.downwardAPI.items)) {
        if (item.fieldRef) w.write(LEVEL_3, `${str(item.fieldRef.fieldPath)} -> ${str(item.path)}\n`);
        if (item.resourceFieldRef) w.write(LEVEL_3, `${str(item.resourceFieldRef.resource)} -> ${str(item.path)}\n`);
      }
    } else if (v.nfs) {
      w.write(
        LEVEL_2,
        `Type:\tNFS (an NFS mount that lasts the lifetime of a pod)\n    Server:\t${str(v.nfs.server)}\n    Path:\t${str(v.nfs.path)}\n    ReadOnly:\t${v.nfs.readOnly === true}\n`,
      );
    } else w.write(LEVEL_1, '<unknown>\n');
  }
}

export function describePodTemplate(template: Any, w: PrefixWriter): void {
  w.write(LEVEL_0, 'Pod Template:\n');
  if (!template) {
    w.write(LEVEL_1, '<unset>');
    return;
  }
  const spec = obj(template.spec);
  printLabelsMultiline(w, '  Labels', obj(template.metadata).labels);
  if (Object.keys(obj(obj(template.metadata).annotations)).length > 0)
    printAnnotationsMultiline(w, '  Annotations', obj(template.metadata).annotations);
  if (str(spec.serviceAccountName)) w.write(LEVEL_1, `Service Account:\t${str(spec.serviceAccountName)}\n`);
  if (arr(spec.initContainers).length > 0)
    describeContainers('Init Containers', arr(spec.initContainers), undefined, undefined, w, '  ');
  describeContainers('Containers', arr(spec.containers), undefined, undefined, w, '  ');
  describeVolumes(arr(spec.volumes), w, '  ');
  if (str(spec.priorityClassName)) w.write(LEVEL_1, `Priority Class Name:\t${str(spec.priorityClassName)}\n`);
  printLabelsMultiline(w, '  Node-Selectors', spec.nodeSelector);
  printTolerationsMultilineWithIndent(w, '', '  Tolerations', '\t', arr(spec.tolerations));
}

/** qos.GetPodQOS (status first, then computed from requests and limits). */
function podQOS(pod: Any): string {
  if (str(pod.status?.qosClass)) return str(pod.status.qosClass);
  const containers = [...arr(pod.spec?.initContainers), ...arr(pod.spec?.containers)];
  const supported = (k: string) => k === 'cpu' || k === 'memory';
  let anyReq = false;
  let guaranteed = true;
  for (const c of containers) {
    const req = obj(obj(c.resources).requests);
    const lim = obj(obj(c.resources).limits);
    const reqKeys = Object.keys(req).filter((k) => supported(k) && qValue(q(req[k]), -3) !== 0n);
    const limKeys = Object.keys(lim).filter((k) => supported(k) && qValue(q(lim[k]), -3) !== 0n);
    if (reqKeys.length > 0 || limKeys.length > 0) anyReq = true;
    if (!limKeys.includes('cpu') || !limKeys.includes('memory')) guaranteed = false;
    for (const k of reqKeys)
      if (lim[k] === undefined || qValue(q(lim[k]), -3) !== qValue(q(req[k]), -3)) guaranteed = false;
  }
  if (!anyReq) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

// ---------------------------------------------------------------------------------------------
// Describers by kind

type Describer = (d: DescribeCtx, o: KObject) => Promise<string>;

const describePod: Describer = async (d, pod) => {
  const p = pod as Any;
  const mirror = obj(p.metadata?.annotations)['kubernetes.io/config.mirror'];
  const events = await searchEvents(d, pod, undefined, mirror ? str(mirror) : undefined);
  const spec = obj(p.spec);
  const status = obj(p.status);
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${str(p.metadata?.name)}\n`);
    w.write(LEVEL_0, `Namespace:\t${str(p.metadata?.namespace)}\n`);
    if (typeof spec.priority === 'number') w.write(LEVEL_0, `Priority:\t${spec.priority}\n`);
    if (str(spec.priorityClassName)) w.write(LEVEL_0, `Priority Class Name:\t${str(spec.priorityClassName)}\n`);
    if (str(spec.runtimeClassName)) w.write(LEVEL_0, `Runtime Class Name:\t${str(spec.runtimeClassName)}\n`);
    if (str(spec.serviceAccountName)) w.write(LEVEL_0, `Service Account:\t${str(spec.serviceAccountName)}\n`);
    if (!str(spec.nodeName)) w.write(LEVEL_0, 'Node:\t<none>\n');
    else w.write(LEVEL_0, `Node:\t${str(spec.nodeName)}/${str(status.hostIP)}\n`);
    if (status.startTime) w.write(LEVEL_0, `Start Time:\t${fmtTime(status.startTime)}\n`);
    printLabelsMultiline(w, 'Labels', p.metadata?.labels);
    printAnnotationsMultiline(w, 'Annotations', p.metadata?.annotations);
    if (p.metadata?.deletionTimestamp && status.phase !== 'Failed' && status.phase !== 'Succeeded') {
      w.write(LEVEL_0, `Status:\tTerminating (lasts ${since(p.metadata.deletionTimestamp, d.now)})\n`);
      w.write(LEVEL_0, `Termination Grace Period:\t${num(p.metadata.deletionGracePeriodSeconds)}s\n`);
    } else w.write(LEVEL_0, `Status:\t${str(status.phase)}\n`);
    if (str(status.reason)) w.write(LEVEL_0, `Reason:\t${str(status.reason)}\n`);
    if (str(status.message)) w.write(LEVEL_0, `Message:\t${str(status.message)}\n`);
    const seccomp = obj(spec.securityContext).seccompProfile;
    if (seccomp) {
      w.write(LEVEL_0, `SeccompProfile:\t${str(seccomp.type)}\n`);
      if (seccomp.type === 'Localhost') w.write(LEVEL_0, `LocalhostProfile:\t${str(seccomp.localhostProfile)}\n`);
    }
    w.write(LEVEL_0, `IP:\t${str(status.podIP)}\n`);
    const ips = arr(status.podIPs);
    if (ips.length === 0) w.write(LEVEL_0, 'IPs:\t<none>\n');
    else {
      w.write(LEVEL_0, 'IPs:\n');
      for (const ip of ips) w.write(LEVEL_1, `IP:\t${str(ip?.ip)}\n`);
    }
    const controlledBy = printController(pod);
    if (controlledBy) w.write(LEVEL_0, `Controlled By:\t${controlledBy}\n`);
    if (str(status.nominatedNodeName)) w.write(LEVEL_0, `NominatedNodeName:\t${str(status.nominatedNodeName)}\n`);
    if (spec.resources) {
      w.write(LEVEL_0, 'Resources:\n');
      describeResources(spec.resources, w, LEVEL_1);
    }
    if (arr(spec.initContainers).length > 0)
      describeContainers('Init Containers', arr(spec.initContainers), arr(status.initContainerStatuses), pod, w, '');
    describeContainers('Containers', arr(spec.containers), arr(status.containerStatuses), pod, w, '');
    if (arr(spec.ephemeralContainers).length > 0) {
      describeContainers(
        'Ephemeral Containers',
        arr(spec.ephemeralContainers),
        arr(status.ephemeralContainerStatuses),
        pod,
        w,
        '',
      );
    }
    if (arr(spec.readinessGates).length > 0) {
      w.write(LEVEL_0, 'Readiness Gates:\n  Type\tStatus\n');
      for (const g of arr(spec.readinessGates)) {
        const c = arr(status.conditions).find((x) => x?.type === g?.conditionType);
        w.write(LEVEL_1, `${str(g?.conditionType)} \t${c ? str(c.status) : '<none>'} \n`);
      }
    }
    if (arr(status.conditions).length > 0) {
      w.write(LEVEL_0, 'Conditions:\n  Type\tStatus\n');
      for (const c of arr(status.conditions)) w.write(LEVEL_1, `${str(c?.type)} \t${str(c?.status)} \n`);
    }
    describeVolumes(arr(spec.volumes), w, '');
    w.write(LEVEL_0, `QoS Class:\t${podQOS(p)}\n`);
    printLabelsMultiline(w, 'Node-Selectors', spec.nodeSelector);
    printTolerationsMultilineWithIndent(w, '', 'Tolerations', '\t', arr(spec.tolerations));
    const tscs = [...arr(spec.topologySpreadConstraints)].sort((a, b) =>
      str(a.topologyKey) < str(b.topologyKey) ? -1 : 1,
    );
    if (tscs.length > 0) {
      w.write(LEVEL_0, 'Topology Spread Constraints:\t');
      tscs.forEach((t, i) => {
        if (i !== 0) w.write(LEVEL_0, '\t');
        let s = `${str(t.topologyKey)}:${str(t.whenUnsatisfiable)} when max skew ${num(t.maxSkew)} is exceeded`;
        if (t.labelSelector) s += ` for selector ${formatLabelSelector(t.labelSelector)}`;
        w.write(LEVEL_0, `${s}\n`);
      });
    }
    describeEvents(events, w, d.now);
  });
};

/** Pods of a controller by phase (getPodStatusForController). */
async function podStatusForController(
  d: DescribeCtx,
  ns: string,
  selector: string,
  uid: string | undefined,
): Promise<[number, number, number, number]> {
  const query: Record<string, string> = { labelSelector: selector, limit: String(d.chunkSize) };
  if (!selector) delete query.labelSelector;
  const pods = await listItems(d, `/api/v1/namespaces/${ns}/pods`, query);
  let running = 0;
  let waiting = 0;
  let succeeded = 0;
  let failed = 0;
  for (const p of pods) {
    const c = controllerOf(p);
    if (!c || c.uid !== uid) continue;
    const phase = (p as Any).status?.phase;
    if (phase === 'Running') running++;
    else if (phase === 'Pending') waiting++;
    else if (phase === 'Succeeded') succeeded++;
    else if (phase === 'Failed') failed++;
  }
  return [running, waiting, succeeded, failed];
}

function templateWithoutHash(t: Any): string {
  const copy = JSON.parse(JSON.stringify(t ?? {}));
  if (copy.metadata?.labels) delete copy.metadata.labels['pod-template-hash'];
  return JSON.stringify(sortDeep(copy));
}

function sortDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as object).sort()) out[k] = sortDeep((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

const describeDeployment: Describer = async (d, dep) => {
  const o = dep as Any;
  const events = await searchEvents(d, dep, 'Deployment');
  const ns = str(o.metadata?.namespace);
  const selector = labelSelectorString(o.spec?.selector);
  let oldRSs: Any[] = [];
  let newRSs: Any[] = [];
  try {
    const rss = await listItems(d, `/apis/apps/v1/namespaces/${ns}/replicasets`, {
      labelSelector: selector,
      limit: String(d.chunkSize),
    });
    const owned = rss.filter((rs) => controllerOf(rs)?.uid === o.metadata?.uid);
    const want = templateWithoutHash(o.spec?.template);
    // FindNewReplicaSet sorts the list in place (oldest first, then by name), so the old ones come out in that order too.
    const created = (x: Any) => parseTime(x.metadata?.creationTimestamp) ?? 0;
    const name = (x: Any) => str(x.metadata?.name);
    const sorted = [...owned].sort(
      (a, b) => created(a) - created(b) || (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0),
    );
    const newRS = sorted.find((rs) => templateWithoutHash((rs as Any).spec?.template) === want);
    if (newRS) newRSs = [newRS];
    oldRSs = sorted.filter((rs) => rs !== newRS);
  } catch {
    // upstream ignores errors listing replica sets
  }
  const rsList = (list: Any[]) =>
    list.length === 0
      ? '<none>'
      : list
          .map(
            (rs) =>
              `${str(rs.metadata?.name)} (${num(rs.status?.replicas)}/${num(rs.spec?.replicas)} replicas created)`,
          )
          .join(', ');
  return tabbedString((w) => {
    const spec = obj(o.spec);
    const status = obj(o.status);
    w.write(LEVEL_0, `Name:\t${str(o.metadata?.name)}\n`);
    w.write(LEVEL_0, `Namespace:\t${ns}\n`);
    w.write(LEVEL_0, `CreationTimestamp:\t${fmtTime(o.metadata?.creationTimestamp)}\n`);
    printLabelsMultiline(w, 'Labels', o.metadata?.labels);
    printAnnotationsMultiline(w, 'Annotations', o.metadata?.annotations);
    w.write(LEVEL_0, `Selector:\t${selector}\n`);
    w.write(
      LEVEL_0,
      `Replicas:\t${num(spec.replicas)} desired | ${num(status.updatedReplicas)} updated | ${num(status.replicas)} total | ${num(status.availableReplicas)} available | ${num(status.unavailableReplicas)} unavailable\n`,
    );
    w.write(LEVEL_0, `StrategyType:\t${str(obj(spec.strategy).type)}\n`);
    w.write(LEVEL_0, `MinReadySeconds:\t${num(spec.minReadySeconds)}\n`);
    const ru = obj(spec.strategy).rollingUpdate;
    if (ru)
      w.write(
        LEVEL_0,
        `RollingUpdateStrategy:\t${intOrString(ru.maxUnavailable)} max unavailable, ${intOrString(ru.maxSurge)} max surge\n`,
      );
    describePodTemplate(spec.template, w);
    if (arr(status.conditions).length > 0) {
      w.write(LEVEL_0, 'Conditions:\n  Type\tStatus\tReason\n');
      w.write(LEVEL_1, '----\t------\t------\n');
      for (const c of arr(status.conditions)) w.write(LEVEL_1, `${str(c.type)} \t${str(c.status)}\t${str(c.reason)}\n`);
    }
    if (oldRSs.length > 0 || newRSs.length > 0) {
      w.write(LEVEL_0, `OldReplicaSets:\t${rsList(oldRSs)}\n`);
      w.write(LEVEL_0, `NewReplicaSet:\t${rsList(newRSs)}\n`);
    }
    describeEvents(events, w, d.now);
  });
};

const describeReplicaSet: Describer = async (d, rs) => {
  const o = rs as Any;
  const ns = str(o.metadata?.namespace);
  let counts: [number, number, number, number] | undefined;
  let podErr: string | undefined;
  try {
    counts = await podStatusForController(d, ns, labelSelectorString(o.spec?.selector), o.metadata?.uid);
  } catch (e) {
    podErr = (e as Error).message;
  }
  const events = await searchEvents(d, rs, 'ReplicaSet');
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${str(o.metadata?.name)}\n`);
    w.write(LEVEL_0, `Namespace:\t${ns}\n`);
    w.write(LEVEL_0, `Selector:\t${formatLabelSelector(o.spec?.selector)}\n`);
    printLabelsMultiline(w, 'Labels', o.metadata?.labels);
    printAnnotationsMultiline(w, 'Annotations', o.metadata?.annotations);
    const controlledBy = printController(rs);
    if (controlledBy) w.write(LEVEL_0, `Controlled By:\t${controlledBy}\n`);
    w.write(LEVEL_0, `Replicas:\t${num(o.status?.replicas)} current / ${num(o.spec?.replicas)} desired\n`);
    w.write(LEVEL_0, 'Pods Status:\t');
    if (podErr !== undefined) w.write(LEVEL_0, `error in fetching pods: ${podErr}\n`);
    else {
      const [r, wt, s, f] = counts as [number, number, number, number];
      w.write(LEVEL_0, `${r} Running / ${wt} Waiting / ${s} Succeeded / ${f} Failed\n`);
    }
    describePodTemplate(o.spec?.template, w);
    if (arr(o.status?.conditions).length > 0) {
      w.write(LEVEL_0, 'Conditions:\n  Type\tStatus\tReason\n');
      w.write(LEVEL_1, '----\t------\t------\n');
      for (const c of arr(o.status?.conditions))
        w.write(LEVEL_1, `${str(c.type)} \t${str(c.status)}\t${str(c.reason)}\n`);
    }
    describeEvents(events, w, d.now);
  });
};

function workloadPodsStatus(counts: [number, number, number, number]): string {
  const [r, wt, s, f] = counts;
  return `${r} Running / ${wt} Waiting / ${s} Succeeded / ${f} Failed`;
}

const describeDaemonSet: Describer = async (d, ds) => {
  const o = ds as Any;
  const ns = str(o.metadata?.namespace);
  const selector = labelSelectorString(o.spec?.selector);
  const counts = await podStatusForController(d, ns, selector, o.metadata?.uid);
  const events = await searchEvents(d, ds, 'DaemonSet');
  return tabbedString((w) => {
    const st = obj(o.status);
    w.write(LEVEL_0, `Name:\t${str(o.metadata?.name)}\n`);
    w.write(LEVEL_0, `Namespace:\t${ns}\n`);
    w.write(LEVEL_0, `Selector:\t${selector}\n`);
    w.write(LEVEL_0, `Node-Selector:\t${formatLabels(obj(obj(o.spec?.template).spec).nodeSelector)}\n`);
    printLabelsMultiline(w, 'Labels', o.metadata?.labels);
    printAnnotationsMultiline(w, 'Annotations', o.metadata?.annotations);
    w.write(LEVEL_0, `Desired Number of Nodes Scheduled: ${num(st.desiredNumberScheduled)}\n`);
    w.write(LEVEL_0, `Current Number of Nodes Scheduled: ${num(st.currentNumberScheduled)}\n`);
    w.write(LEVEL_0, `Number of Nodes Scheduled with Up-to-date Pods: ${num(st.updatedNumberScheduled)}\n`);
    w.write(LEVEL_0, `Number of Nodes Scheduled with Available Pods: ${num(st.numberAvailable)}\n`);
    w.write(LEVEL_0, `Number of Nodes Misscheduled: ${num(st.numberMisscheduled)}\n`);
    w.write(LEVEL_0, `Pods Status:\t${workloadPodsStatus(counts)}\n`);
    describePodTemplate(o.spec?.template, w);
    describeEvents(events, w, d.now);
  });
};

const describeStatefulSet: Describer = async (d, sts) => {
  const o = sts as Any;
  const ns = str(o.metadata?.namespace);
  const selector = labelSelectorString(o.spec?.selector);
  const counts = await podStatusForController(d, ns, selector, o.metadata?.uid);
  const events = await searchEvents(d, sts, 'StatefulSet');
  return tabbedString((w) => {
    const spec = obj(o.spec);
    w.write(LEVEL_0, `Name:\t${str(o.metadata?.name)}\n`);
    w.write(LEVEL_0, `Namespace:\t${ns}\n`);
    w.write(LEVEL_0, `CreationTimestamp:\t${fmtTime(o.metadata?.creationTimestamp)}\n`);
    w.write(LEVEL_0, `Selector:\t${selector}\n`);
    printLabelsMultiline(w, 'Labels', o.metadata?.labels);
    printAnnotationsMultiline(w, 'Annotations', o.metadata?.annotations);
    w.write(LEVEL_0, `Replicas:\t${num(spec.replicas)} desired | ${num(o.status?.replicas)} total\n`);
    w.write(LEVEL_0, `Update Strategy:\t${str(obj(spec.updateStrategy).type)}\n`);
    const ru = obj(spec.updateStrategy).rollingUpdate;
    if (ru && ru.partition !== undefined) {
      w.write(LEVEL_1, `Partition:\t${num(ru.partition)}\n`);
      if (ru.maxUnavailable !== undefined) w.write(LEVEL_1, `MaxUnavailable:\t${intOrString(ru.maxUnavailable)}\n`);
    }
    w.write(LEVEL_0, `Pods Status:\t${workloadPodsStatus(counts)}\n`);
    describePodTemplate(spec.template, w);
    const vcts = arr(spec.volumeClaimTemplates);
    if (vcts.length === 0) w.write(LEVEL_0, 'Volume Claims:\t<none>\n');
    else {
      w.write(LEVEL_0, 'Volume Claims:\n');
      for (const pvc of vcts) {
        w.write(LEVEL_1, `Name:\t${str(pvc.metadata?.name)}\n`);
        w.write(LEVEL_1, `StorageClass:\t${str(pvc.spec?.storageClassName)}\n`);
        printLabelsMultilineWithIndent(w, '  ', 'Labels', '\t', pvc.metadata?.labels);
        printLabelsMultilineWithIndent(w, '  ', 'Annotations', '\t', pvc.metadata?.annotations);
        const cap = obj(obj(pvc.spec?.resources).requests).storage;
        w.write(LEVEL_1, `Capacity:\t${cap !== undefined ? qString(q(cap)) : '<default>'}\n`);
        w.write(LEVEL_1, `Access Modes:\t${goV(arr(pvc.spec?.accessModes))}\n`);
      }
    }
    describeEvents(events, w, d.now);
  });
};

const describeJob: Describer = async (d, job) => {
  const o = job as Any;
  const events = await searchEvents(d, job, 'Job');
  return tabbedString((w) => {
    const spec = obj(o.spec);
    const st = obj(o.status);
    w.write(LEVEL_0, `Name:\t${str(o.metadata?.name)}\n`);
    w.write(LEVEL_0, `Namespace:\t${str(o.metadata?.namespace)}\n`);
    w.write(LEVEL_0, `Selector:\t${labelSelectorString(spec.selector)}\n`);
    printLabelsMultiline(w, 'Labels', o.metadata?.labels);
    printAnnotationsMultiline(w, 'Annotations', o.metadata?.annotations);
    const controlledBy = printController(job);
    if (controlledBy) w.write(LEVEL_0, `Controlled By:\t${controlledBy}\n`);
    if (typeof spec.parallelism === 'number') w.write(LEVEL_0, `Parallelism:\t${spec.parallelism}\n`);
    if (typeof spec.completions === 'number') w.write(LEVEL_0, `Completions:\t${spec.completions}\n`);
    else w.write(LEVEL_0, 'Completions:\t<unset>\n');
    if (str(spec.completionMode)) w.write(LEVEL_0, `Completion Mode:\t${str(spec.completionMode)}\n`);
    if (typeof spec.suspend === 'boolean') w.write(LEVEL_0, `Suspend:\t${spec.suspend}\n`);
    if (typeof spec.backoffLimit === 'number') w.write(LEVEL_0, `Backoff Limit:\t${spec.backoffLimit}\n`);
    if (typeof spec.ttlSecondsAfterFinished === 'number')
      w.write(LEVEL_0, `TTL Seconds After Finished:\t${spec.ttlSecondsAfterFinished}\n`);
    if (st.startTime) w.write(LEVEL_0, `Start Time:\t${fmtTime(st.startTime)}\n`);
    if (st.completionTime) w.write(LEVEL_0, `Completed At:\t${fmtTime(st.completionTime)}\n`);
    if (st.startTime && st.completionTime)
      w.write(LEVEL_0, `Duration:\t${durationBetween(st.startTime, st.completionTime)}\n`);
    if (typeof spec.activeDeadlineSeconds === 'number')
      w.write(LEVEL_0, `Active Deadline Seconds:\t${spec.activeDeadlineSeconds}s\n`);
    if (typeof st.ready !== 'number')
      w.write(
        LEVEL_0,
        `Pods Statuses:\t${num(st.active)} Active / ${num(st.succeeded)} Succeeded / ${num(st.failed)} Failed\n`,
      );
    else
      w.write(
        LEVEL_0,
        `Pods Statuses:\t${num(st.active)} Active (${st.ready} Ready) / ${num(st.succeeded)} Succeeded / ${num(st.failed)} Failed\n`,
      );
    if (spec.completionMode === 'Indexed')
      w.write(LEVEL_0, `Completed Indexes:\t${str(st.completedIndexes) || '<none>'}\n`);
    describePodTemplate(spec.template, w);
    describeEvents(events, w, d.now);
  });
};

function durationBetween(a: unknown, b: unknown): string {
  return humanDuration((parseTime(b) ?? 0) - (parseTime(a) ?? 0));
}

const describeCronJob: Describer = async (d, cj) => {
  const o = cj as Any;
  const events = await searchEvents(d, cj, 'CronJob');
  return tabbedString((w) => {
    const spec = obj(o.spec);
    w.write(LEVEL_0, `Name:\t${str(o.metadata?.name)}\n`);
    w.write(LEVEL_0, `Namespace:\t${str(o.metadata?.namespace)}\n`);
    printLabelsMultiline(w, 'Labels', o.metadata?.labels);
    printAnnotationsMultiline(w, 'Annotations', o.metadata?.annotations);
    w.write(LEVEL_0, `Schedule:\t${str(spec.schedule)}\n`);
    w.write(LEVEL_0, `Concurrency Policy:\t${str(spec.concurrencyPolicy)}\n`);
    w.write(
      LEVEL_0,
      `Suspend:\t${typeof spec.suspend === 'boolean' ? (spec.suspend ? 'True' : 'False') : '<unset>'}\n`,
    );
    w.write(LEVEL_0, `Time Zone:\t${typeof spec.timeZone === 'string' ? spec.timeZone : '<unset>'}\n`);
    w.write(
      LEVEL_0,
      `Successful Job History Limit:\t${typeof spec.successfulJobsHistoryLimit === 'number' ? spec.successfulJobsHistoryLimit : '<unset>'}\n`,
    );
    w.write(
      LEVEL_0,
      `Failed Job History Limit:\t${typeof spec.failedJobsHistoryLimit === 'number' ? spec.failedJobsHistoryLimit : '<unset>'}\n`,
    );
    w.write(
      LEVEL_0,
      `Starting Deadline Seconds:\t${typeof spec.startingDeadlineSeconds === 'number' ? `${spec.startingDeadlineSeconds}s` : '<unset>'}\n`,
    );
    const jt = obj(obj(spec.jobTemplate).spec);
    if (jt.selector) w.write(LEVEL_0, `Selector:\t${labelSelectorString(jt.selector)}\n`);
    else w.write(LEVEL_0, 'Selector:\t<unset>\n');
    w.write(LEVEL_0, `Parallelism:\t${typeof jt.parallelism === 'number' ? jt.parallelism : '<unset>'}\n`);
    w.write(LEVEL_0, `Completions:\t${typeof jt.completions === 'number' ? jt.completions : '<unset>'}\n`);
    if (typeof jt.activeDeadlineSeconds === 'number')
      w.write(LEVEL_0, `Active Deadline Seconds:\t${jt.activeDeadlineSeconds}s\n`);
    describePodTemplate(jt.template, w);
    const last = o.status?.lastScheduleTime;
    w.write(LEVEL_0, `Last Schedule Time:\t${last ? fmtTime(last) : '<unset>'}\n`);
    const active = arr(o.status?.active);
    w.write(LEVEL_0, 'Active Jobs:\t');
    if (active.length === 0) w.writeLine('<none>');
    else {
      w.write(LEVEL_0, active.map((j) => str(j.name)).join(', '));
      w.writeLine('');
    }
    describeEvents(events, w, d.now);
  });
};

/** formatEndpointSlices for one service port. */
function formatEndpointSlices(slices: Any[], portName: string): string {
  if (slices.length === 0) return '<none>';
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const s of slices) {
    const ports = arr(s.ports);
    if (ports.length === 0) {
      for (const e of arr(s.endpoints)) {
        if (list.length === max) more = true;
        if (e?.conditions?.ready === false) continue;
        if (!more) list.push(str(arr(e.addresses)[0]));
        count++;
      }
    } else {
      for (const p of ports) {
        if (str(p?.name) !== portName) continue;
        for (const e of arr(s.endpoints)) {
          if (list.length === max) more = true;
          if (e?.conditions?.ready === false) continue;
          if (!more) {
            const addr = str(arr(e.addresses)[0]);
            list.push(addr.includes(':') ? `[${addr}]:${num(p.port)}` : `${addr}:${num(p.port)}`);
          }
          count++;
        }
      }
    }
  }
  const ret = list.join(',');
  return more ? `${ret} + ${count - max} more...` : ret;
}

const describeService: Describer = async (d, svc) => {
  const o = svc as Any;
  const ns = str(o.metadata?.namespace);
  let slices: Any[] = [];
  try {
    slices = await listItems(d, `/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices`, {
      labelSelector: `kubernetes.io/service-name=${str(o.metadata?.name)}`,
    });
  } catch {
    slices = [];
  }
  const events = await searchEvents(d, svc, 'Service');
  return tabbedString((w) => {
    const spec = obj(o.spec);
    w.write(LEVEL_0, `Name:\t${str(o.metadata?.name)}\n`);
    w.write(LEVEL_0, `Namespace:\t${ns}\n`);
    printLabelsMultiline(w, 'Labels', o.metadata?.labels);
    printAnnotationsMultiline(w, 'Annotations', o.metadata?.annotations);
    w.write(LEVEL_0, `Selector:\t${formatLabels(spec.selector)}\n`);
    w.write(LEVEL_0, `Type:\t${str(spec.type)}\n`);
    if (str(spec.ipFamilyPolicy)) w.write(LEVEL_0, `IP Family Policy:\t${str(spec.ipFamilyPolicy)}\n`);
    const fams = arr(spec.ipFamilies).map(str);
    w.write(LEVEL_0, `IP Families:\t${fams.length > 0 ? fams.join(',') : '<none>'}\n`);
    w.write(LEVEL_0, `IP:\t${str(spec.clusterIP)}\n`);
    const ips = arr(spec.clusterIPs).map(str);
    w.write(LEVEL_0, `IPs:\t${ips.length > 0 ? ips.join(',') : '<none>'}\n`);
    if (arr(spec.externalIPs).length > 0)
      w.write(LEVEL_0, `External IPs:\t${arr(spec.externalIPs).map(str).join(',')}\n`);
    if (str(spec.loadBalancerIP)) w.write(LEVEL_0, `Desired LoadBalancer IP:\t${str(spec.loadBalancerIP)}\n`);
    if (str(spec.externalName)) w.write(LEVEL_0, `External Name:\t${str(spec.externalName)}\n`);
    const ingress = arr(obj(obj(o.status).loadBalancer).ingress);
    if (ingress.length > 0) {
      const list = ingress
        .map((i) => (str(i.ip) ? (i.ipMode ? `${str(i.ip)} (${str(i.ipMode)})` : str(i.ip)) : str(i.hostname)))
        .join(', ');
      w.write(LEVEL_0, `LoadBalancer Ingress:\t${list}\n`);
    }
    for (const sp of arr(spec.ports)) {
      const name = str(sp.name) || '<unset>';
      w.write(LEVEL_0, `Port:\t${name}\t${num(sp.port)}/${str(sp.protocol)}\n`);
      w.write(LEVEL_0, `TargetPort:\t${intOrString(sp.targetPort)}/${str(sp.protocol)}\n`);
      if (sp.appProtocol !== undefined) w.write(LEVEL_0, `AppProtocol:\t${str(sp.appProtocol)}\n`);
      if (num(sp.nodePort) !== 0) w.write(LEVEL_0, `NodePort:\t${name}\t${num(sp.nodePort)}/${str(sp.protocol)}\n`);
      w.write(LEVEL_0, `Endpoints:\t${formatEndpointSlices(slices, str(sp.name))}\n`);
    }
    w.write(LEVEL_0, `Session Affinity:\t${str(spec.sessionAffinity)}\n`);
    if (str(spec.externalTrafficPolicy))
      w.write(LEVEL_0, `External Traffic Policy:\t${str(spec.externalTrafficPolicy)}\n`);
    if (str(spec.internalTrafficPolicy))
      w.write(LEVEL_0, `Internal Traffic Policy:\t${str(spec.internalTrafficPolicy)}\n`);
    if (num(spec.healthCheckNodePort) !== 0)
      w.write(LEVEL_0, `HealthCheck NodePort:\t${num(spec.healthCheckNodePort)}\n`);
    if (arr(spec.loadBalancerSourceRanges).length > 0)
      w.write(LEVEL_0, `LoadBalancer Source Ranges:\t${arr(spec.loadBalancerSourceRanges).map(str).join(',')}\n`);
    if (str(spec.trafficDistribution)) w.write(LEVEL_0, `Traffic Distribution:\t${str(spec.trafficDistribution)}\n`);
    describeEvents(events, w, d.now);
  });
};

const describeEndpoints: Describer = async (d, ep) => {
  const o = ep as Any;
  const events = await searchEvents(d, ep, 'Endpoints');
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${str(o.metadata?.name)}\n`);
    w.write(LEVEL_0, `Namespace:\t${str(o.metadata?.namespace)}\n`);
    printLabelsMultiline(w, 'Labels', o.metadata?.labels);
    printAnnotationsMultiline(w, 'Annotations', o.metadata?.annotations);
    w.write(LEVEL_0, 'Subsets:\n');
    for (const s of arr(o.subsets)) {
      w.write(
        LEVEL_1,
        `Addresses:\t${
          arr(s.addresses)
            .map((a) => str(a.ip))
            .join(',') || '<none>'
        }\n`,
      );
      w.write(
        LEVEL_1,
        `NotReadyAddresses:\t${
          arr(s.notReadyAddresses)
            .map((a) => str(a.ip))
            .join(',') || '<none>'
        }\n`,
      );
      if (arr(s.ports).length > 0) {
        w.write(LEVEL_1, 'Ports:\n');
        w.write(LEVEL_2, 'Name\tPort\tProtocol\n');
        w.write(LEVEL_2, '----\t----\t--------\n');
        for (const p of arr(s.ports))
          w.write(LEVEL_2, `${str(p.name) || '<unset>'}\t${num(p.port)}\t${str(p.protocol)}\n`);
      }
      w.write(LEVEL_0, '\n');
    }
    describeEvents(events, w, d.now);
  });
};

const describeEndpointSlice: Describer = async (d, es) => {
  const o = es as Any;
  const events = await searchEvents(d, es, 'EndpointSlice');
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${str(o.metadata?.name)}\n`);
    w.write(LEVEL_0, `Namespace:\t${str(o.metadata?.namespace)}\n`);
    printLabelsMultiline(w, 'Labels', o.metadata?.labels);
    printAnnotationsMultiline(w, 'Annotations', o.metadata?.annotations);
    w.write(LEVEL_0, `AddressType:\t${str(o.addressType)}\n`);
    if (arr(o.ports).length === 0) w.write(LEVEL_0, 'Ports: <unset>\n');
    else {
      w.write(LEVEL_0, 'Ports:\n');
      w.write(LEVEL_1, 'Name\tPort\tProtocol\n');
      w.write(LEVEL_1, '----\t----\t--------\n');
      for (const p of arr(o.ports))
        w.write(
          LEVEL_1,
          `${str(p.name) || '<unset>'}\t${typeof p.port === 'number' ? p.port : '<unset>'}\t${str(p.protocol)}\n`,
        );
    }
    if (arr(o.endpoints).length === 0) w.write(LEVEL_0, 'Endpoints: <none>\n');
    else {
      w.write(LEVEL_0, 'Endpoints:\n');
      for (const e of arr(o.endpoints)) {
        w.write(LEVEL_1, `- Addresses:\t${arr(e.addresses).map(str).join(', ') || '<none>'}\n`);
        w.write(LEVEL_2, 'Conditions:\n');
        const ready = obj(e.conditions).ready;
        w.write(LEVEL_3, `Ready:\t${typeof ready === 'boolean' ? String(ready) : '<unset>'}\n`);
        w.write(LEVEL_2, `Hostname:\t${typeof e.hostname === 'string' ? e.hostname : '<unset>'}\n`);
        if (e.targetRef) w.write(LEVEL_2, `TargetRef:\t${str(e.targetRef.kind)}/${str(e.targetRef.name)}\n`);
        w.write(LEVEL_2, `NodeName:\t${typeof e.nodeName === 'string' ? e.nodeName : '<unset>'}\n`);
        w.write(LEVEL_2, `Zone:\t${typeof e.zone === 'string' ? e.zone : '<unset>'}\n`);
      }
    }
    describeEvents(events, w, d.now);
  });
};

/** PodRequests / PodLimits: containers summed, init containers as a maximum. */
function podResources(pod: Any, which: 'requests' | 'limits'): Map<string, ReturnType<typeof q>> {
  const out = new Map<string, ReturnType<typeof q>>();
  for (const c of arr(pod.spec?.containers)) {
    for (const [k, v] of Object.entries(obj(obj(c.resources)[which]))) out.set(k, qAdd(out.get(k) ?? q(''), q(v)));
  }
  for (const c of arr(pod.spec?.initContainers)) {
    for (const [k, v] of Object.entries(obj(obj(c.resources)[which]))) out.set(k, qMax(out.get(k) ?? q(''), q(v)));
  }
  for (const [k, v] of Object.entries(obj(pod.spec?.overhead))) out.set(k, qAdd(out.get(k) ?? q(''), q(v)));
  return out;
}

/** Go's int64(x) of a float percentage, with NaN (0/0) as amd64 converts it. */
function pct(part: bigint, whole: bigint): string {
  if (whole === 0n) return part === 0n ? '-9223372036854775808' : '-9223372036854775808';
  return String(Math.trunc((Number(part) / Number(whole)) * 100));
}

const describeNode: Describer = async (d, node) => {
  const o = node as Any;
  const name = str(o.metadata?.name);
  const pods = await listItems(d, '/api/v1/pods', {
    fieldSelector: `spec.nodeName=${name},status.phase!=Succeeded,status.phase!=Failed`,
    limit: String(d.chunkSize),
  });
  let events: KObject[] | undefined;
  if (d.showEvents) {
    events = [...((await searchEvents(d, node, 'Node')) ?? []), ...((await searchEvents(d, node, 'Node', name)) ?? [])];
  }
  let lease: Any;
  let leaseErr = '';
  try {
    lease = await d.ctx.getJSON(
      `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${name}`,
      {},
      PROTO_ACCEPT,
    );
  } catch (e) {
    leaseErr = e instanceof StatusError ? (e.status.message ?? '') : (e as Error).message;
  }
  return tabbedString((w) => {
    const spec = obj(o.spec);
    const st = obj(o.status);
    w.write(LEVEL_0, `Name:\t${name}\n`);
    const roles: string[] = [];
    for (const [k, v] of Object.entries(obj(o.metadata?.labels))) {
      if (k.startsWith('node-role.kubernetes.io/') && k.length > 'node-role.kubernetes.io/'.length)
        roles.push(k.slice('node-role.kubernetes.io/'.length));
      else if (k === 'kubernetes.io/role' && v !== '') roles.push(String(v));
    }
    w.write(LEVEL_0, `Roles:\t${roles.length > 0 ? [...new Set(roles)].sort().join(',') : '<none>'}\n`);
    printLabelsMultiline(w, 'Labels', o.metadata?.labels);
    printAnnotationsMultiline(w, 'Annotations', o.metadata?.annotations);
    w.write(LEVEL_0, `CreationTimestamp:\t${fmtTime(o.metadata?.creationTimestamp)}\n`);
    printTaintsMultiline(w, 'Taints', arr(spec.taints));
    w.write(LEVEL_0, `Unschedulable:\t${spec.unschedulable === true}\n`);
    if (lease) {
      w.write(LEVEL_0, 'Lease:\n');
      const ls = obj(lease.spec);
      w.write(LEVEL_1, `HolderIdentity:\t${typeof ls.holderIdentity === 'string' ? ls.holderIdentity : '<unset>'}\n`);
      w.write(LEVEL_1, `AcquireTime:\t${ls.acquireTime ? fmtTime(ls.acquireTime) : '<unset>'}\n`);
      w.write(LEVEL_1, `RenewTime:\t${ls.renewTime ? fmtTime(ls.renewTime) : '<unset>'}\n`);
    } else w.write(LEVEL_0, `Lease:\tFailed to get lease: ${leaseErr}\n`);
    if (arr(st.conditions).length > 0) {
      w.write(LEVEL_0, 'Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n');
      w.write(LEVEL_1, '----\t------\t-----------------\t------------------\t------\t-------\n');
      for (const c of arr(st.conditions)) {
        w.write(
          LEVEL_1,
          `${str(c.type)} \t${str(c.status)} \t${fmtTime(c.lastHeartbeatTime)} \t${fmtTime(c.lastTransitionTime)} \t${str(c.reason)} \t${str(c.message)}\n`,
        );
      }
    }
    w.write(LEVEL_0, 'Addresses:\n');
    for (const a of arr(st.addresses)) w.write(LEVEL_1, `${str(a.type)}:\t${str(a.address)}\n`);
    const printResourceList = (list: Any) => {
      for (const k of Object.keys(list).sort()) w.write(LEVEL_0, `  ${k}:\t${qString(q(list[k]))}\n`);
    };
    if (Object.keys(obj(st.capacity)).length > 0) {
      w.write(LEVEL_0, 'Capacity:\n');
      printResourceList(st.capacity);
    }
    if (Object.keys(obj(st.allocatable)).length > 0) {
      w.write(LEVEL_0, 'Allocatable:\n');
      printResourceList(st.allocatable);
    }
    const info = obj(st.nodeInfo);
    w.write(LEVEL_0, 'System Info:\n');
    w.write(LEVEL_0, `  Machine ID:\t${str(info.machineID)}\n`);
    w.write(LEVEL_0, `  System UUID:\t${str(info.systemUUID)}\n`);
    w.write(LEVEL_0, `  Boot ID:\t${str(info.bootID)}\n`);
    w.write(LEVEL_0, `  Kernel Version:\t${str(info.kernelVersion)}\n`);
    w.write(LEVEL_0, `  OS Image:\t${str(info.osImage)}\n`);
    w.write(LEVEL_0, `  Operating System:\t${str(info.operatingSystem)}\n`);
    w.write(LEVEL_0, `  Architecture:\t${str(info.architecture)}\n`);
    w.write(LEVEL_0, `  Container Runtime Version:\t${str(info.containerRuntimeVersion)}\n`);
    w.write(LEVEL_0, `  Kubelet Version:\t${str(info.kubeletVersion)}\n`);
    w.write(LEVEL_0, `  Kube-Proxy Version:\t${str(info.kubeProxyVersion)}\n`);
    if (str(spec.podCIDR)) w.write(LEVEL_0, `PodCIDR:\t${str(spec.podCIDR)}\n`);
    if (arr(spec.podCIDRs).length > 0) w.write(LEVEL_0, `PodCIDRs:\t${arr(spec.podCIDRs).map(str).join(',')}\n`);
    if (str(spec.providerID)) w.write(LEVEL_0, `ProviderID:\t${str(spec.providerID)}\n`);
    // Non-terminated pods and allocated resources.
    const allocatable = Object.keys(obj(st.allocatable)).length > 0 ? obj(st.allocatable) : obj(st.capacity);
    const cpuAlloc = qValue(q(allocatable.cpu), -3);
    const memAlloc = qValue(q(allocatable.memory), 0);
    w.write(LEVEL_0, `Non-terminated Pods:\t(${pods.length} in total)\n`);
    w.write(LEVEL_1, 'Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n');
    w.write(LEVEL_1, '---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n');
    const totalReq = new Map<string, ReturnType<typeof q>>();
    const totalLim = new Map<string, ReturnType<typeof q>>();
    for (const p of pods as Any[]) {
      const req = podResources(p, 'requests');
      const lim = podResources(p, 'limits');
      for (const [k, v] of req) totalReq.set(k, qAdd(totalReq.get(k) ?? q(''), v));
      for (const [k, v] of lim) totalLim.set(k, qAdd(totalLim.get(k) ?? q(''), v));
      const cr = req.get('cpu') ?? q('');
      const cl = lim.get('cpu') ?? q('');
      const mr = req.get('memory') ?? q('');
      const ml = lim.get('memory') ?? q('');
      w.write(
        LEVEL_1,
        `${str(p.metadata?.namespace)}\t${str(p.metadata?.name)}\t\t${qString(cr)} (${pct(qValue(cr, -3), cpuAlloc)}%)\t${qString(cl)} (${pct(qValue(cl, -3), cpuAlloc)}%)\t${qString(mr)} (${pct(qValue(mr, 0), memAlloc)}%)\t${qString(ml)} (${pct(qValue(ml, 0), memAlloc)}%)\t${since(p.metadata?.creationTimestamp, d.now)}\n`,
      );
    }
    w.write(LEVEL_0, 'Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n');
    w.write(LEVEL_1, 'Resource\tRequests\tLimits\n');
    w.write(LEVEL_1, '--------\t--------\t------\n');
    const row = (res: string, scale: number, alloc: bigint) => {
      const r = totalReq.get(res) ?? q('');
      const l = totalLim.get(res) ?? q('');
      const fr = alloc === 0n ? '0' : pct(qValue(r, scale), alloc);
      const fl = alloc === 0n ? '0' : pct(qValue(l, scale), alloc);
      w.write(LEVEL_1, `${res}\t${qString(r)} (${fr}%)\t${qString(l)} (${fl}%)\n`);
    };
    row('cpu', -3, cpuAlloc);
    row('memory', 0, memAlloc);
    row('ephemeral-storage', 0, qValue(q(allocatable['ephemeral-storage']), 0));
    const standard = new Set(['cpu', 'memory', 'ephemeral-storage', 'storage', 'pods']);
    const huge = Object.keys(allocatable)
      .filter((k) => k.startsWith('hugepages-'))
      .sort();
    for (const h of huge) {
      const a = qValue(q(allocatable[h]), 0);
      const r = totalReq.get(h) ?? q('');
      const l = totalLim.get(h) ?? q('');
      w.write(
        LEVEL_1,
        `${h}\t${qString(r)} (${a === 0n ? '0' : pct(qValue(r, 0), a)}%)\t${qString(l)} (${a === 0n ? '0' : pct(qValue(l, 0), a)}%)\n`,
      );
    }
    for (const ext of Object.keys(allocatable)
      .filter(
        (k) =>
          !standard.has(k) && !k.startsWith('hugepages-') && !k.startsWith('requests.') && !k.startsWith('limits.'),
      )
      .sort()) {
      w.write(LEVEL_1, `${ext}\t${qString(totalReq.get(ext) ?? q(''))}\t${qString(totalLim.get(ext) ?? q(''))}\n`);
    }
    describeEvents(events, w, d.now);
  });
};

const describeNamespace: Describer = async (d, ns) => {
  const o = ns as Any;
  const name = str(o.metadata?.name);
  const optionalList = async (res: string): Promise<KObject[] | undefined> => {
    try {
      return await listItems(d, `/api/v1/namespaces/${name}/${res}`, { limit: String(d.chunkSize) });
    } catch (e) {
      if (e instanceof StatusError && e.status.code === 404) return undefined;
      throw e;
    }
  };
  const quotas = await optionalList('resourcequotas');
  const limits = await optionalList('limitranges');
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${name}\n`);
    printLabelsMultiline(w, 'Labels', o.metadata?.labels);
    printAnnotationsMultiline(w, 'Annotations', o.metadata?.annotations);
    w.write(LEVEL_0, `Status:\t${str(o.status?.phase)}\n`);
    const conds = arr(o.status?.conditions);
    if (conds.length > 0) {
      w.write(LEVEL_0, 'Conditions:\n');
      w.write(LEVEL_1, 'Type\tStatus\tLastTransitionTime\tReason\tMessage\n');
      w.write(LEVEL_1, '----\t------\t------------------\t------\t-------\n');
      for (const c of conds)
        w.write(
          LEVEL_1,
          `${str(c.type)}\t${str(c.status)}\t${fmtTime(c.lastTransitionTime)}\t${str(c.reason)}\t${str(c.message)}\n`,
        );
    }
    if (quotas) {
      w.write(LEVEL_0, '\n');
      if (quotas.length === 0) w.write(LEVEL_0, 'No resource quota.\n');
    }
    if (limits) {
      w.write(LEVEL_0, '\n');
      if (limits.length === 0) w.write(LEVEL_0, 'No LimitRange resource.\n');
    }
  });
};

const describeConfigMap: Describer = async (d, cm) => {
  const o = cm as Any;
  const events = await searchEvents(d, cm, 'ConfigMap');
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${str(o.metadata?.name)}\n`);
    w.write(LEVEL_0, `Namespace:\t${str(o.metadata?.namespace)}\n`);
    printLabelsMultiline(w, 'Labels', o.metadata?.labels);
    printAnnotationsMultiline(w, 'Annotations', o.metadata?.annotations);
    w.write(LEVEL_0, '\nData\n====\n');
    for (const k of Object.keys(obj(o.data)).sort()) {
      w.write(LEVEL_0, `${k}:\n----\n`);
      w.write(LEVEL_0, `${str(o.data[k])}\n`);
      w.write(LEVEL_0, '\n');
    }
    w.write(LEVEL_0, '\nBinaryData\n====\n');
    for (const k of Object.keys(obj(o.binaryData)).sort())
      w.write(LEVEL_0, `${k}: ${base64Length(str(o.binaryData[k]))} bytes\n`);
    w.write(LEVEL_0, '\n');
    describeEvents(events, w, d.now);
  });
};

function base64Length(b64: string): number {
  const clean = b64.replace(/=+$/, '');
  return Math.floor((clean.length * 3) / 4);
}

const describeSecret: Describer = async (_d, s) => {
  const o = s as Any;
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${str(o.metadata?.name)}\n`);
    w.write(LEVEL_0, `Namespace:\t${str(o.metadata?.namespace)}\n`);
    printLabelsMultiline(w, 'Labels', o.metadata?.labels);
    printAnnotationsMultiline(w, 'Annotations', o.metadata?.annotations);
    w.write(LEVEL_0, `\nType:\t${str(o.type)}\n`);
    w.write(LEVEL_0, '\nData\n====\n');
    for (const k of Object.keys(obj(o.data)).sort()) {
      if (k === 'token' && o.type === 'kubernetes.io/service-account-token')
        w.write(LEVEL_0, `${k}:\t${decodeBase64(str(o.data[k]))}\n`);
      else w.write(LEVEL_0, `${k}:\t${base64Length(str(o.data[k]))} bytes\n`);
    }
  });
};

function decodeBase64(b64: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let bits = 0;
  let value = 0;
  const bytes: number[] = [];
  for (const c of b64.replace(/=+$/, '')) {
    const i = alphabet.indexOf(c);
    if (i < 0) continue;
    value = (value << 6) | i;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((value >> bits) & 0xff);
    }
  }
  return utf8Decode(bytes);
}

function utf8Decode(bytes: number[]): string {
  let out = '';
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i] as number;
    const n = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    let cp = n === 1 ? b : b & (0xff >> (n + 1));
    for (let k = 1; k < n; k++) cp = (cp << 6) | ((bytes[i + k] ?? 0) & 0x3f);
    out += String.fromCodePoint(cp);
    i += n;
  }
  return out;
}

const describeServiceAccount: Describer = async (d, sa) => {
  const o = sa as Any;
  const events = await searchEvents(d, sa, 'ServiceAccount');
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${str(o.metadata?.name)}\n`);
    w.write(LEVEL_0, `Namespace:\t${str(o.metadata?.namespace)}\n`);
    printLabelsMultiline(w, 'Labels', o.metadata?.labels);
    printAnnotationsMultiline(w, 'Annotations', o.metadata?.annotations);
    const pull = arr(o.imagePullSecrets).map((s) => str(s.name));
    if (pull.length === 0) w.write(LEVEL_0, 'Image pull secrets:\t<none>\n');
    else {
      let prefix = 'Image pull secrets:';
      for (const n of pull) {
        w.write(LEVEL_0, `${prefix}\t${n}\n`);
        prefix = '                   ';
      }
    }
    const mountable = arr(o.secrets).map((s) => str(s.name));
    if (mountable.length > 0) {
      let prefix = 'Mountable secrets: ';
      for (const n of mountable) {
        w.write(LEVEL_0, `${prefix}\t${n}\n`);
        prefix = '                   ';
      }
    }
    w.write(LEVEL_0, 'Tokens:             \t<none>\n');
    describeEvents(events, w, d.now);
  });
};

/** smartLabelFor: `nodeName` → `Node Name`, `podIP` → `Pod IP`. */
function smartLabelFor(field: string): string {
  if ([...field].some((c) => !/\p{L}/u.test(c) && c !== '-')) return field;
  const parts = camelSplit(field);
  const acronyms = ['API', 'URL', 'UID', 'OSB', 'GUID'];
  return parts
    .filter((p) => p !== '_')
    .map((p) => (acronyms.includes(p.toUpperCase()) ? p.toUpperCase() : p.charAt(0).toUpperCase() + p.slice(1)))
    .join(' ');
}

/** fatih/camelcase.Split: runs of lower, upper (keeping the last upper for the next word), digits, other. */
function camelSplit(s: string): string[] {
  const cls = (c: string) => (/\p{Ll}/u.test(c) ? 1 : /\p{Lu}/u.test(c) ? 2 : /\p{Nd}/u.test(c) ? 3 : 4);
  const runs: string[][] = [];
  let last = 0;
  for (const c of s) {
    const k = cls(c);
    if (k === last && runs.length > 0) (runs[runs.length - 1] as string[]).push(c);
    else runs.push([c]);
    last = k;
  }
  for (let i = 0; i < runs.length - 1; i++) {
    const a = runs[i] as string[];
    const b = runs[i + 1] as string[];
    if (cls(a[0] as string) === 2 && cls(b[0] as string) === 1) {
      b.unshift(a.pop() as string);
    }
  }
  return runs.filter((r) => r.length > 0).map((r) => r.join(''));
}

function printUnstructured(w: PrefixWriter, level: number, content: Any, skipPrefix: string, skip: string[]): void {
  for (const field of Object.keys(content).sort()) {
    const value = content[field];
    const skipExpr = `${skipPrefix}.${field}`;
    if (skip.includes(skipExpr)) continue;
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      w.write(level, `${smartLabelFor(field)}:\n`);
      printUnstructured(w, level + 1, value, skipExpr, skip);
    } else if (Array.isArray(value)) {
      w.write(level, `${smartLabelFor(field)}:\n`);
      for (const child of value) {
        if (child && typeof child === 'object' && !Array.isArray(child))
          printUnstructured(w, level + 1, child, skipExpr, skip);
        else w.write(level + 1, `${goV(child)}\n`);
      }
    } else w.write(level, `${smartLabelFor(field)}:\t${goV(value)}\n`);
  }
}

const describeGeneric: Describer = async (d, o) => {
  const events = await searchEvents(d, o, o.kind);
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${o.metadata?.name ?? ''}\n`);
    w.write(LEVEL_0, `Namespace:\t${o.metadata?.namespace ?? ''}\n`);
    printLabelsMultiline(w, 'Labels', o.metadata?.labels);
    printAnnotationsMultiline(w, 'Annotations', o.metadata?.annotations);
    printUnstructured(w, LEVEL_0, o, '', [
      '.metadata.managedFields',
      '.metadata.name',
      '.metadata.namespace',
      '.metadata.labels',
      '.metadata.annotations',
    ]);
    describeEvents(events, w, d.now);
  });
};

const DESCRIBERS: Record<string, Describer> = {
  '/Pod': describePod,
  '/Service': describeService,
  '/Node': describeNode,
  '/Namespace': describeNamespace,
  '/ConfigMap': describeConfigMap,
  '/Secret': describeSecret,
  '/ServiceAccount': describeServiceAccount,
  '/Endpoints': describeEndpoints,
  'discovery.k8s.io/EndpointSlice': describeEndpointSlice,
  'apps/Deployment': describeDeployment,
  'apps/ReplicaSet': describeReplicaSet,
  'apps/DaemonSet': describeDaemonSet,
  'apps/StatefulSet': describeStatefulSet,
  'batch/Job': describeJob,
  'batch/CronJob': describeCronJob,
};

/** Describes one object: the describer fetches it again (as upstream's typed client does) and its related objects. */
export async function describeObject(
  ctx: Ctx,
  mapping: ApiResource,
  namespace: string,
  name: string,
  settings: { showEvents: boolean; chunkSize: number },
): Promise<string> {
  const describer = DESCRIBERS[`${mapping.group}/${mapping.kind}`];
  const o = await ctx.getJSON<KObject>(
    resourcePath(mapping, namespace || undefined, name),
    {},
    describer ? PROTO_ACCEPT : 'application/json',
  );
  const d: DescribeCtx = { ctx, now: ctx.now(), showEvents: settings.showEvents, chunkSize: settings.chunkSize };
  if (!o.kind) o.kind = mapping.kind;
  if (!o.apiVersion) o.apiVersion = mapping.group ? `${mapping.group}/${mapping.version}` : mapping.version;
  return (describer ?? describeGeneric)(d, o);
}
