/**
 * Defaulting as the generated `SetObjectDefaults_<Kind>` functions do it: each kind's own
 * `SetDefaults_<Kind>` (pkg/apis/{core,apps,batch,discovery}/v1/defaults.go) and the defaults of
 * every nested type (PodSpec, Container, Probe, Volume, ResourceList, ...), including the pod
 * templates of workloads. Also the values Go's JSON encoder always prints for these types, so the
 * stored object reads back as on a real cluster: `resources: {}` on containers (a non-pointer
 * struct) and `creationTimestamp: null` in template metadata (a zero metav1.Time).
 *
 * Not here, because upstream does them elsewhere: ClusterIP/ipFamilies allocation (the service
 * REST storage), the ServiceAccount and DefaultTolerationSeconds admission plugins, and strategy
 * PrepareForCreate work (pod status, Job selector generation: see strategy.ts).
 */
import { canonicalQuantity } from './quantity.ts';
import type { KObject, ResourceInfo } from './types.ts';
import { VOLUME_SOURCES } from './validation-pod.ts';

type Dict = Record<string, unknown>;

const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);
const dict = (parent: Dict, key: string): Dict => {
  const v = parent[key];
  if (isDict(v)) return v;
  const d: Dict = {};
  parent[key] = d;
  return d;
};
const list = (v: unknown): Dict[] => (Array.isArray(v) ? (v.filter(isDict) as Dict[]) : []);
const unset = (v: unknown) => v === undefined || v === null || v === '';

/** `SetDefaults_ResourceList`: quantities rounded up to milli scale, in canonical form. */
function defaultResourceList(v: unknown): void {
  if (!isDict(v)) return;
  for (const [k, q] of Object.entries(v)) {
    if (typeof q !== 'string' && typeof q !== 'number') continue;
    try {
      v[k] = canonicalQuantity(q);
    } catch {
      // Left as is: decoding rejects malformed quantities before defaulting.
    }
  }
}

/** The image tag, as parsers.ParseImageName sees it (`latest` when there is neither tag nor digest). */
export function imageTag(image: string): string {
  const at = image.indexOf('@');
  const nameAndTag = at >= 0 ? image.slice(0, at) : image;
  const slash = nameAndTag.lastIndexOf('/');
  const colon = nameAndTag.lastIndexOf(':');
  if (colon > slash) return nameAndTag.slice(colon + 1);
  return at >= 0 ? '' : 'latest';
}

function defaultHandler(h: unknown): void {
  if (!isDict(h)) return;
  if (isDict(h.httpGet)) {
    if (unset(h.httpGet.path)) h.httpGet.path = '/';
    if (unset(h.httpGet.scheme)) h.httpGet.scheme = 'HTTP';
  }
  if (isDict(h.grpc) && h.grpc.service === undefined) h.grpc.service = '';
}

/** `SetDefaults_Probe` and its handler. */
function defaultProbe(p: unknown): void {
  if (!isDict(p)) return;
  defaultHandler(p);
  if (!p.timeoutSeconds) p.timeoutSeconds = 1;
  if (!p.periodSeconds) p.periodSeconds = 10;
  if (!p.successThreshold) p.successThreshold = 1;
  if (!p.failureThreshold) p.failureThreshold = 3;
}

function defaultFieldRef(r: unknown): void {
  if (isDict(r) && unset(r.apiVersion)) r.apiVersion = 'v1';
}

/** `SetDefaults_Container` and everything nested in a container. */
function defaultContainer(c: Dict): void {
  if (unset(c.imagePullPolicy))
    c.imagePullPolicy = imageTag(String(c.image ?? '')) === 'latest' ? 'Always' : 'IfNotPresent';
  if (unset(c.terminationMessagePath)) c.terminationMessagePath = '/dev/termination-log';
  if (unset(c.terminationMessagePolicy)) c.terminationMessagePolicy = 'File';
  for (const p of list(c.ports)) if (unset(p.protocol)) p.protocol = 'TCP';
  for (const e of list(c.env)) if (isDict(e.valueFrom)) defaultFieldRef(e.valueFrom.fieldRef);
  const res = dict(c, 'resources');
  defaultResourceList(res.limits);
  defaultResourceList(res.requests);
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  if (isDict(c.lifecycle)) {
    defaultHandler(c.lifecycle.postStart);
    defaultHandler(c.lifecycle.preStop);
  }
}

function defaultItemsFieldRefs(items: unknown): void {
  for (const it of list(items)) defaultFieldRef(it.fieldRef);
}

/** `SetDefaults_Volume` and the defaults of each volume source. */
function defaultVolume(v: Dict): void {
  if (!VOLUME_SOURCES.some((s) => v[s] !== undefined && v[s] !== null)) v.emptyDir = {};
  if (isDict(v.hostPath) && v.hostPath.type === undefined) v.hostPath.type = '';
  if (isDict(v.secret) && v.secret.defaultMode === undefined) v.secret.defaultMode = 420;
  if (isDict(v.configMap) && v.configMap.defaultMode === undefined) v.configMap.defaultMode = 420;
  if (isDict(v.downwardAPI)) {
    if (v.downwardAPI.defaultMode === undefined) v.downwardAPI.defaultMode = 420;
    defaultItemsFieldRefs(v.downwardAPI.items);
  }
  if (isDict(v.projected)) {
    if (v.projected.defaultMode === undefined) v.projected.defaultMode = 420;
    for (const s of list(v.projected.sources)) {
      if (isDict(s.serviceAccountToken) && s.serviceAccountToken.expirationSeconds === undefined)
        s.serviceAccountToken.expirationSeconds = 3600;
      if (isDict(s.downwardAPI)) defaultItemsFieldRefs(s.downwardAPI.items);
    }
  }
  if (isDict(v.emptyDir)) defaultResourceListValue(v.emptyDir, 'sizeLimit');
  if (isDict(v.ephemeral) && isDict(v.ephemeral.volumeClaimTemplate)) {
    const tmpl = v.ephemeral.volumeClaimTemplate;
    defaultPVCSpec(dict(tmpl, 'spec'));
  }
  if (isDict(v.image) && unset(v.image.pullPolicy)) {
    v.image.pullPolicy = imageTag(String(v.image.reference ?? '')) === 'latest' ? 'Always' : 'IfNotPresent';
  }
}

function defaultResourceListValue(parent: Dict, key: string): void {
  const wrapper: Dict = { [key]: parent[key] };
  if (parent[key] === undefined) return;
  defaultResourceList(wrapper);
  parent[key] = wrapper[key];
}

function defaultPVCSpec(spec: Dict): void {
  if (spec.volumeMode === undefined) spec.volumeMode = 'Filesystem';
  if (isDict(spec.resources)) {
    defaultResourceList(spec.resources.limits);
    defaultResourceList(spec.resources.requests);
  }
}

/** A PersistentVolumeClaim (StatefulSet volumeClaimTemplates): spec and status defaults. */
function defaultPVC(pvc: Dict): void {
  defaultPVCSpec(dict(pvc, 'spec'));
  const status = dict(pvc, 'status');
  if (unset(status.phase)) status.phase = 'Pending';
}

/** `SetDefaults_PodSpec` plus the defaults of everything in a PodSpec. */
function defaultPodSpec(spec: Dict): void {
  if (unset(spec.dnsPolicy)) spec.dnsPolicy = 'ClusterFirst';
  if (unset(spec.restartPolicy)) spec.restartPolicy = 'Always';
  if (!isDict(spec.securityContext)) spec.securityContext = {};
  if (spec.terminationGracePeriodSeconds === undefined || spec.terminationGracePeriodSeconds === null)
    spec.terminationGracePeriodSeconds = 30;
  if (unset(spec.schedulerName)) spec.schedulerName = 'default-scheduler';
  for (const v of list(spec.volumes)) defaultVolume(v);
  for (const c of list(spec.initContainers)) defaultContainer(c);
  for (const c of list(spec.containers)) defaultContainer(c);
  for (const c of list(spec.ephemeralContainers)) defaultContainer(c);
  defaultResourceList(spec.overhead);
  if (isDict(spec.resources)) {
    defaultResourceList(spec.resources.limits);
    defaultResourceList(spec.resources.requests);
  }
}

/** `SetDefaults_Pod`: only for Pods, not for pod templates. */
function defaultPod(pod: KObject): void {
  const spec = dict(pod as Dict, 'spec');
  defaultPodSpec(spec);
  for (const key of ['containers', 'initContainers']) {
    for (const c of list(spec[key])) {
      const res = dict(c, 'resources');
      if (isDict(res.limits)) {
        const req = dict(res, 'requests');
        for (const [k, q] of Object.entries(res.limits)) if (!(k in req)) req[k] = q;
      }
    }
  }
  if (spec.enableServiceLinks === undefined || spec.enableServiceLinks === null) spec.enableServiceLinks = true;
  if (spec.hostNetwork === true) {
    for (const key of ['containers', 'initContainers']) {
      for (const c of list(spec[key])) for (const p of list(c.ports)) if (!p.hostPort) p.hostPort = p.containerPort;
    }
  }
}

/** A pod template: PodSpec defaults and a zero creationTimestamp, as Go serializes it. */
function defaultPodTemplate(t: unknown): void {
  if (!isDict(t)) return;
  const meta = dict(t, 'metadata');
  if (meta.creationTimestamp === undefined) meta.creationTimestamp = null;
  defaultPodSpec(dict(t, 'spec'));
}

function defaultService(svc: KObject): void {
  const spec = dict(svc as Dict, 'spec');
  if (unset(spec.sessionAffinity)) spec.sessionAffinity = 'None';
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP') {
    const cfg = isDict(spec.sessionAffinityConfig) ? spec.sessionAffinityConfig : undefined;
    const cip = cfg && isDict(cfg.clientIP) ? cfg.clientIP : undefined;
    if (!cip || cip.timeoutSeconds === undefined || cip.timeoutSeconds === null)
      spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 10800 } };
  }
  if (unset(spec.type)) spec.type = 'ClusterIP';
  for (const p of list(spec.ports)) {
    if (unset(p.protocol)) p.protocol = 'TCP';
    if (p.targetPort === undefined || p.targetPort === null || p.targetPort === 0 || p.targetPort === '')
      p.targetPort = p.port;
  }
  const type = spec.type;
  const externallyAccessible =
    type === 'LoadBalancer' ||
    type === 'NodePort' ||
    (type === 'ClusterIP' && Array.isArray(spec.externalIPs) && spec.externalIPs.length > 0);
  if (externallyAccessible && unset(spec.externalTrafficPolicy)) spec.externalTrafficPolicy = 'Cluster';
  if (
    (spec.internalTrafficPolicy === undefined || spec.internalTrafficPolicy === null) &&
    (type === 'NodePort' || type === 'LoadBalancer' || type === 'ClusterIP')
  ) {
    spec.internalTrafficPolicy = 'Cluster';
  }
  if (type === 'LoadBalancer') {
    if (spec.allocateLoadBalancerNodePorts === undefined || spec.allocateLoadBalancerNodePorts === null)
      spec.allocateLoadBalancerNodePorts = true;
    const lb = isDict(svc.status) && isDict(svc.status.loadBalancer) ? svc.status.loadBalancer : undefined;
    for (const ing of list(lb?.ingress)) if (!unset(ing.ip) && ing.ipMode === undefined) ing.ipMode = 'VIP';
  }
}

function defaultDeployment(d: KObject): void {
  const spec = dict(d as Dict, 'spec');
  if (spec.replicas === undefined || spec.replicas === null) spec.replicas = 1;
  const strategy = dict(spec, 'strategy');
  if (unset(strategy.type)) strategy.type = 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const ru = dict(strategy, 'rollingUpdate');
    if (ru.maxUnavailable === undefined || ru.maxUnavailable === null) ru.maxUnavailable = '25%';
    if (ru.maxSurge === undefined || ru.maxSurge === null) ru.maxSurge = '25%';
  }
  if (spec.revisionHistoryLimit === undefined || spec.revisionHistoryLimit === null) spec.revisionHistoryLimit = 10;
  if (spec.progressDeadlineSeconds === undefined || spec.progressDeadlineSeconds === null)
    spec.progressDeadlineSeconds = 600;
  defaultPodTemplate(dict(spec, 'template'));
}

function defaultReplicaSet(rs: KObject): void {
  const spec = dict(rs as Dict, 'spec');
  if (spec.replicas === undefined || spec.replicas === null) spec.replicas = 1;
  defaultPodTemplate(dict(spec, 'template'));
}

function defaultDaemonSet(ds: KObject): void {
  const spec = dict(ds as Dict, 'spec');
  const us = dict(spec, 'updateStrategy');
  if (unset(us.type)) us.type = 'RollingUpdate';
  if (us.type === 'RollingUpdate') {
    const ru = dict(us, 'rollingUpdate');
    if (ru.maxUnavailable === undefined || ru.maxUnavailable === null) ru.maxUnavailable = 1;
    if (ru.maxSurge === undefined || ru.maxSurge === null) ru.maxSurge = 0;
  }
  if (spec.revisionHistoryLimit === undefined || spec.revisionHistoryLimit === null) spec.revisionHistoryLimit = 10;
  defaultPodTemplate(dict(spec, 'template'));
}

function defaultStatefulSet(sts: KObject): void {
  const spec = dict(sts as Dict, 'spec');
  if (unset(spec.podManagementPolicy)) spec.podManagementPolicy = 'OrderedReady';
  const us = dict(spec, 'updateStrategy');
  if (unset(us.type)) {
    us.type = 'RollingUpdate';
    if (!isDict(us.rollingUpdate)) us.rollingUpdate = {};
  }
  if (
    us.type === 'RollingUpdate' &&
    isDict(us.rollingUpdate) &&
    (us.rollingUpdate.partition === undefined || us.rollingUpdate.partition === null)
  ) {
    us.rollingUpdate.partition = 0;
  }
  const retention = dict(spec, 'persistentVolumeClaimRetentionPolicy');
  if (unset(retention.whenDeleted)) retention.whenDeleted = 'Retain';
  if (unset(retention.whenScaled)) retention.whenScaled = 'Retain';
  if (spec.replicas === undefined || spec.replicas === null) spec.replicas = 1;
  if (spec.revisionHistoryLimit === undefined || spec.revisionHistoryLimit === null) spec.revisionHistoryLimit = 10;
  defaultPodTemplate(dict(spec, 'template'));
  for (const pvc of list(spec.volumeClaimTemplates)) {
    const meta = dict(pvc, 'metadata');
    if (meta.creationTimestamp === undefined) meta.creationTimestamp = null;
    defaultPVC(pvc);
  }
}

/** `SetDefaults_Job` on a Job object. */
function defaultJob(job: KObject): void {
  const spec = dict(job as Dict, 'spec');
  const has = (k: string) => spec[k] !== undefined && spec[k] !== null;
  if (!has('completions') && !has('parallelism')) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  if (!has('parallelism')) spec.parallelism = 1;
  if (!has('backoffLimit')) spec.backoffLimit = has('backoffLimitPerIndex') ? 2147483647 : 6;
  const template = dict(spec, 'template');
  const tmeta = isDict(template.metadata) ? template.metadata : undefined;
  const labels = tmeta && isDict(tmeta.labels) ? tmeta.labels : undefined;
  const meta = (job.metadata ??= {});
  if (labels && (!meta.labels || Object.keys(meta.labels).length === 0))
    meta.labels = { ...(labels as Record<string, string>) };
  if (!has('completionMode')) spec.completionMode = 'NonIndexed';
  if (!has('suspend')) spec.suspend = false;
  if (isDict(spec.podFailurePolicy)) {
    for (const rule of list(spec.podFailurePolicy.rules))
      for (const pat of list(rule.onPodConditions)) if (unset(pat.status)) pat.status = 'True';
  }
  if (!has('podReplacementPolicy'))
    spec.podReplacementPolicy = isDict(spec.podFailurePolicy) ? 'Failed' : 'TerminatingOrFailed';
  defaultPodTemplate(template);
}

function defaultCronJob(cj: KObject): void {
  const spec = dict(cj as Dict, 'spec');
  if (unset(spec.concurrencyPolicy)) spec.concurrencyPolicy = 'Allow';
  if (spec.suspend === undefined || spec.suspend === null) spec.suspend = false;
  if (spec.successfulJobsHistoryLimit === undefined || spec.successfulJobsHistoryLimit === null)
    spec.successfulJobsHistoryLimit = 3;
  if (spec.failedJobsHistoryLimit === undefined || spec.failedJobsHistoryLimit === null)
    spec.failedJobsHistoryLimit = 1;
  const jt = dict(spec, 'jobTemplate');
  const jmeta = dict(jt, 'metadata');
  if (jmeta.creationTimestamp === undefined) jmeta.creationTimestamp = null;
  const jspec = dict(jt, 'spec');
  defaultPodTemplate(dict(jspec, 'template'));
}

function defaultNamespace(ns: KObject): void {
  const meta = (ns.metadata ??= {});
  if (meta.name) meta.labels = { ...(meta.labels ?? {}), 'kubernetes.io/metadata.name': meta.name };
  const spec = dict(ns as Dict, 'spec');
  // PrepareForCreate requires the "kubernetes" finalizer; later updates may remove it.
  if (spec.finalizers === undefined || spec.finalizers === null) spec.finalizers = ['kubernetes'];
  const status = dict(ns as Dict, 'status');
  if (unset(status.phase)) status.phase = 'Active';
}

function defaultNode(node: KObject): void {
  const status = isDict(node.status) ? node.status : undefined;
  if (!status) return;
  defaultResourceList(status.capacity);
  defaultResourceList(status.allocatable);
  if ((status.allocatable === undefined || status.allocatable === null) && isDict(status.capacity))
    status.allocatable = { ...status.capacity };
}

function defaultEndpoints(ep: KObject): void {
  for (const ss of list(ep.subsets)) for (const p of list(ss.ports)) if (unset(p.protocol)) p.protocol = 'TCP';
}

function defaultEndpointSlice(es: KObject): void {
  for (const p of list(es.ports)) {
    if (p.name === undefined || p.name === null) p.name = '';
    if (p.protocol === undefined || p.protocol === null) p.protocol = 'TCP';
  }
}

/** Sets upstream's defaults on a new or updated object (SetObjectDefaults_<Kind>), in place. */
export function setObjectDefaults(info: ResourceInfo, obj: KObject): void {
  switch (`${info.group}/${info.resource}`) {
    case '/pods':
      defaultPod(obj);
      return;
    case '/services':
      defaultService(obj);
      return;
    case '/namespaces':
      defaultNamespace(obj);
      return;
    case '/nodes':
      defaultNode(obj);
      return;
    case '/endpoints':
      defaultEndpoints(obj);
      return;
    case '/secrets':
      if (unset(obj.type)) obj.type = 'Opaque';
      return;
    case 'discovery.k8s.io/endpointslices':
      defaultEndpointSlice(obj);
      return;
    case 'apps/deployments':
      defaultDeployment(obj);
      return;
    case 'apps/replicasets':
      defaultReplicaSet(obj);
      return;
    case 'apps/daemonsets':
      defaultDaemonSet(obj);
      return;
    case 'apps/statefulsets':
      defaultStatefulSet(obj);
      return;
    case 'batch/jobs':
      defaultJob(obj);
      return;
    case 'batch/cronjobs':
      defaultCronJob(obj);
      return;
    default:
      return;
  }
}
