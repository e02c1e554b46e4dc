/**
 * Validation of core/v1 kinds other than Pod (Service, Namespace, ConfigMap, Secret,
 * ServiceAccount, Endpoints, Node, Event) and of Lease, EndpointSlice and events.k8s.io Event,
 * after pkg/apis/{core,coordination,discovery,events}/validation.
 */
import { go, goServicePortKey, goStringSlice } from './gofmt.ts';
import { validateLabels } from './labels.ts';
import {
  byteLength,
  INVALID_IP_MSG,
  isConfigMapKey,
  isIPv4,
  isIPv6,
  isValidIP,
  isValidLabelValue,
  isValidPortNum,
  nameIsDNSSubdomain,
} from './names.ts';
import type { FieldError } from './types.ts';
import {
  asDict,
  asList,
  type Dict,
  dicts,
  dns1123Label,
  dns1123Subdomain,
  duplicate,
  forbidden,
  has,
  immutable,
  invalid,
  isDict,
  nonNegative,
  notSupported,
  qualifiedName,
  required,
  str,
  tooLong,
  validateObjectMetaRest,
  validateObjectMetaUpdate,
} from './validation-common.ts';
import { validatePortNumOrName, validateTolerations } from './validation-pod.ts';

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const MAX_SECRET_SIZE = 1024 * 1024;

// ---- Service -----------------------------------------------------------------------------------

/** clusterIP/clusterIPs as the service REST storage normalizes them before validation. */
function normalizedClusterIPs(spec: Dict, oldSpec?: Dict): { clusterIP: string; clusterIPs: string[] } {
  let clusterIP = str(spec.clusterIP);
  let clusterIPs = asList(spec.clusterIPs).map(str);
  if (oldSpec && spec.type !== 'ExternalName' && oldSpec.type !== 'ExternalName') {
    // patchAllocatedValues: an update that leaves them out keeps the allocated ones.
    if (!clusterIP) clusterIP = str(oldSpec.clusterIP);
    if (clusterIPs.length === 0 && clusterIP === str(oldSpec.clusterIP))
      clusterIPs = asList(oldSpec.clusterIPs).map(str);
  }
  if (clusterIP && clusterIPs.length === 0) clusterIPs = [clusterIP];
  if (
    oldSpec &&
    clusterIP !== str(oldSpec.clusterIP) &&
    clusterIP &&
    sameList(clusterIPs, asList(oldSpec.clusterIPs).map(str))
  )
    clusterIPs = [clusterIP];
  return { clusterIP, clusterIPs };
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function isHeadless(ips: string[]): boolean {
  return ips.length === 1 && ips[0] === 'None';
}

function externallyAccessible(spec: Dict): boolean {
  const t = str(spec.type);
  return t === 'LoadBalancer' || t === 'NodePort' || (t === 'ClusterIP' && asList(spec.externalIPs).length > 0);
}

/** `ValidateService`. */
export function validateService(svc: Dict, oldSpec?: Dict): FieldError[] {
  const errs = validateObjectMetaRest(svc.metadata, true);
  const spec = asDict(svc.spec);
  const type = str(spec.type);
  const { clusterIP, clusterIPs } = normalizedClusterIPs(spec, oldSpec);
  const headless = isHeadless(clusterIPs);
  const ports = dicts(spec.ports);
  if (ports.length === 0 && !headless && type !== 'ExternalName') errs.push(required('spec.ports'));
  switch (type) {
    case 'LoadBalancer':
      if (headless)
        errs.push(invalid('spec.clusterIPs[0]', clusterIPs[0], "may not be set to 'None' for LoadBalancer services"));
      ports.forEach((p, i) => {
        if (p.port === 10250)
          errs.push(
            invalid(`spec.ports[${i}]`, p.port, 'may not expose port 10250 externally since it is used by kubelet'),
          );
      });
      break;
    case 'NodePort':
      if (headless)
        errs.push(invalid('spec.clusterIPs[0]', clusterIPs[0], "may not be set to 'None' for NodePort services"));
      break;
    case 'ExternalName': {
      if (asList(spec.clusterIPs).length > 0 || (str(spec.clusterIP) && str(spec.clusterIP) !== '')) {
        errs.push(forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
      }
      if (asList(spec.ipFamilies).length > 0)
        errs.push(forbidden('spec.ipFamilies', 'may not be set for ExternalName services'));
      if (has(spec, 'ipFamilyPolicy'))
        errs.push(forbidden('spec.ipFamilyPolicy', 'may not be set for ExternalName services'));
      const cname = str(spec.externalName).replace(/\.$/, '');
      if (cname) errs.push(...dns1123Subdomain(cname, 'spec.externalName'));
      else errs.push(required('spec.externalName'));
      break;
    }
  }
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const ip = `spec.ports[${i}]`;
    const name = str(p.name);
    if (ports.length > 1 && !name) errs.push(required(`${ip}.name`));
    else if (name) {
      errs.push(...dns1123Label(name, `${ip}.name`));
      if (names.has(name)) errs.push(duplicate(`${ip}.name`, name));
      else names.add(name);
    }
    for (const m of isValidPortNum(Number(p.port ?? 0))) errs.push(invalid(`${ip}.port`, p.port ?? 0, m));
    const proto = str(p.protocol);
    if (!proto) errs.push(required(`${ip}.protocol`));
    else if (!PROTOCOLS.includes(proto)) errs.push(notSupported(`${ip}.protocol`, proto, PROTOCOLS));
    errs.push(...validatePortNumOrName(p.targetPort, `${ip}.targetPort`));
    if (has(p, 'appProtocol')) errs.push(...qualifiedName(str(p.appProtocol), `${ip}.appProtocol`));
  });
  if (isDict(spec.selector)) errs.push(...validateLabels(spec.selector, 'spec.selector'));
  const affinity = str(spec.sessionAffinity);
  if (!affinity) errs.push(required('spec.sessionAffinity'));
  else if (affinity !== 'ClientIP' && affinity !== 'None')
    errs.push(notSupported('spec.sessionAffinity', affinity, ['ClientIP', 'None']));
  if (affinity === 'ClientIP') {
    const cfg = asDict(spec.sessionAffinityConfig);
    const t = asDict(cfg.clientIP).timeoutSeconds;
    if (!isDict(cfg.clientIP) || t === undefined)
      errs.push(required('spec.sessionAffinityConfig.clientIP.timeoutSeconds'));
    else if (typeof t === 'number' && (t <= 0 || t > 86400)) {
      errs.push(
        invalid('spec.sessionAffinityConfig.clientIP.timeoutSeconds', t, 'must be greater than 0 and less than 86400'),
      );
    }
  } else if (affinity === 'None' && isDict(spec.sessionAffinityConfig)) {
    errs.push(forbidden('spec.sessionAffinityConfig', 'must not be set when session affinity is None'));
  }
  if (type !== 'ExternalName') {
    // ValidateServiceClusterIPsRelatedFields
    if (clusterIP && clusterIPs[0] !== clusterIP)
      errs.push(invalid('spec.clusterIPs', go(goStringSlice(clusterIPs)), 'first value must match `clusterIP`'));
    const fams = asList(spec.ipFamilies).map(str);
    const seen = new Set<string>();
    fams.forEach((f, i) => {
      if (f !== 'IPv4' && f !== 'IPv6') errs.push(notSupported(`spec.ipFamilies[${i}]`, f, ['IPv4', 'IPv6']));
      if (seen.has(f)) errs.push(duplicate(`spec.ipFamilies[${i}]`, f));
      seen.add(f);
    });
    if (
      has(spec, 'ipFamilyPolicy') &&
      !['PreferDualStack', 'RequireDualStack', 'SingleStack'].includes(str(spec.ipFamilyPolicy))
    ) {
      errs.push(
        notSupported('spec.ipFamilyPolicy', str(spec.ipFamilyPolicy), [
          'PreferDualStack',
          'RequireDualStack',
          'SingleStack',
        ]),
      );
    }
    clusterIPs.forEach((ip, i) => {
      if (i === 0 && ip === 'None') {
        if (clusterIPs.length > 1)
          errs.push(
            invalid('spec.clusterIPs', go(goStringSlice(clusterIPs)), "'None' must be the first and only value"),
          );
        return;
      }
      if (!isValidIP(ip)) errs.push(invalid(`spec.clusterIPs[${i}]`, ip, INVALID_IP_MSG));
    });
    if (clusterIPs.length > 2)
      errs.push(invalid('spec.clusterIPs', go(goStringSlice(clusterIPs)), 'may only hold up to 2 values'));
    if (
      clusterIPs.length === 2 &&
      clusterIPs.every(isValidIP) &&
      isIPv4(clusterIPs[0] as string) === isIPv4(clusterIPs[1] as string)
    ) {
      errs.push(invalid('spec.clusterIPs[1]', go(goStringSlice(clusterIPs)), 'must be a different IP family'));
    }
  }
  asList(spec.externalIPs).forEach((ip, i) => {
    if (!isValidIP(str(ip))) errs.push(invalid(`spec.externalIPs[${i}]`, str(ip), INVALID_IP_MSG));
  });
  if (!type) errs.push(required('spec.type'));
  else if (!['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'].includes(type)) {
    errs.push(notSupported('spec.type', type, ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort']));
  }
  if (type === 'ClusterIP') {
    ports.forEach((p, i) => {
      if (p.nodePort) errs.push(forbidden(`spec.ports[${i}].nodePort`, "may not be used when `type` is 'ClusterIP'"));
    });
  }
  const nodePorts = new Set<string>();
  ports.forEach((p, i) => {
    if (!p.nodePort) return;
    const key = `${str(p.protocol)}/${String(p.nodePort)}`;
    if (nodePorts.has(key)) errs.push(duplicate(`spec.ports[${i}].nodePort`, p.nodePort));
    nodePorts.add(key);
  });
  const portKeys = new Set<string>();
  ports.forEach((p, i) => {
    const key = `${str(p.protocol)}/${String(p.port)}`;
    if (portKeys.has(key)) errs.push(duplicate(`spec.ports[${i}]`, goServicePortKey(p.protocol, p.port)));
    portKeys.add(key);
  });
  // Traffic policies.
  const etp = str(spec.externalTrafficPolicy);
  if (!externallyAccessible(spec)) {
    if (etp)
      errs.push(invalid('spec.externalTrafficPolicy', etp, 'may only be set for externally-accessible services'));
  } else if (!etp) errs.push(required('spec.externalTrafficPolicy'));
  else if (etp !== 'Cluster' && etp !== 'Local')
    errs.push(notSupported('spec.externalTrafficPolicy', etp, ['Cluster', 'Local']));
  if (!(type === 'LoadBalancer' && etp === 'Local') && spec.healthCheckNodePort) {
    errs.push(
      invalid(
        'spec.healthCheckNodePort',
        spec.healthCheckNodePort,
        "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
      ),
    );
  }
  if (has(spec, 'internalTrafficPolicy')) {
    const itp = str(spec.internalTrafficPolicy);
    if (itp !== 'Cluster' && itp !== 'Local')
      errs.push(notSupported('spec.internalTrafficPolicy', itp, ['Cluster', 'Local']));
  } else if (type === 'ClusterIP' || type === 'NodePort' || type === 'LoadBalancer') {
    errs.push(required('spec.internalTrafficPolicy'));
  }
  if (has(spec, 'trafficDistribution') && str(spec.trafficDistribution) !== 'PreferClose') {
    errs.push(notSupported('spec.trafficDistribution', str(spec.trafficDistribution), ['PreferClose']));
  }
  return errs;
}

/** `ValidateServiceUpdate`: clusterIPs may only gain a secondary, and the create rules. */
export function validateServiceUpdate(svc: Dict, old: Dict): FieldError[] {
  const errs = validateObjectMetaUpdate(svc.metadata, old.metadata);
  const spec = asDict(svc.spec);
  const oldSpec = asDict(old.spec);
  if (spec.type !== 'ExternalName' && oldSpec.type !== 'ExternalName') {
    const next = normalizedClusterIPs(spec, oldSpec).clusterIPs;
    const prev = asList(oldSpec.clusterIPs).map(str).length
      ? asList(oldSpec.clusterIPs).map(str)
      : str(oldSpec.clusterIP)
        ? [str(oldSpec.clusterIP)]
        : [];
    const bothHeadless = next[0] === 'None' && prev[0] === 'None';
    if (!bothHeadless) {
      const shown = go(goStringSlice(next));
      if (next.length === prev.length) {
        prev.forEach((ip, i) => {
          if (ip !== next[i]) errs.push(invalid(`spec.clusterIPs[${i}]`, shown, 'may not change once set'));
        });
      } else if (prev.length > next.length) {
        if (next.length === 0) errs.push(invalid('spec.clusterIPs[0]', shown, 'primary clusterIP can not be unset'));
        if (prev.length > 0 && next.length > 0 && next[0] !== prev[0])
          errs.push(invalid('spec.clusterIPs[0]', shown, 'may not change once set'));
        if (next.length === 1 && str(spec.ipFamilyPolicy) !== 'SingleStack') {
          errs.push(
            invalid(
              'spec.clusterIPs[0]',
              shown,
              "`ipFamilyPolicy` must be set to 'SingleStack' when releasing the secondary clusterIP",
            ),
          );
        }
      } else if (prev.length > 0 && next[0] !== prev[0]) {
        errs.push(invalid('spec.clusterIPs[0]', shown, 'may not change once set'));
      }
    }
  }
  return [...errs, ...validateService(svc, oldSpec)];
}

// ---- Namespace ---------------------------------------------------------------------------------

function validateNamespaceFinalizers(spec: Dict): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of asList(spec.finalizers).map(str)) {
    const msgs = qualifiedName(f, 'spec.finalizers');
    errs.push(...msgs);
    if (!msgs.length && !f.includes('/') && f !== 'kubernetes') {
      errs.push(invalid('spec.finalizers', f, 'name is neither a standard finalizer name nor is it fully qualified'));
    }
  }
  return errs;
}

export function validateNamespace(ns: Dict): FieldError[] {
  return [...validateObjectMetaRest(ns.metadata, false), ...validateNamespaceFinalizers(asDict(ns.spec))];
}

export function validateNamespaceUpdate(ns: Dict, old: Dict): FieldError[] {
  return [...validateObjectMetaUpdate(ns.metadata, old.metadata), ...validateNamespaceFinalizers(asDict(ns.spec))];
}

// ---- ConfigMap and Secret ----------------------------------------------------------------------

function validateDataKeys(
  data: unknown,
  path: string,
  other?: unknown,
  otherName?: string,
): { errs: FieldError[]; size: number } {
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(asDict(data))) {
    for (const m of isConfigMapKey(k)) errs.push(invalid(`${path}[${k}]`, k, m));
    if (other && otherName && k in asDict(other))
      errs.push(invalid(`${path}[${k}]`, k, `duplicate of key present in ${otherName}`));
    size += byteLength(str(v));
  }
  return { errs, size };
}

export function validateConfigMap(cm: Dict): FieldError[] {
  const errs = validateObjectMetaRest(cm.metadata, true);
  const d = validateDataKeys(cm.data, 'data', cm.binaryData, 'binaryData');
  const b = validateDataKeys(cm.binaryData, 'binaryData');
  errs.push(...d.errs, ...b.errs);
  // binaryData values are base64 in JSON: count the decoded bytes.
  const binSize = Object.values(asDict(cm.binaryData)).reduce<number>(
    (n, v) => n + Math.floor((str(v).replace(/=+$/, '').length * 3) / 4),
    0,
  );
  if (d.size + binSize > MAX_SECRET_SIZE) errs.push(tooLong('', MAX_SECRET_SIZE));
  return errs;
}

function immutableData(next: Dict, old: Dict, dataKeys: string[]): FieldError[] {
  const errs: FieldError[] = [];
  if (old.immutable === true) {
    if (next.immutable !== true) errs.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
    for (const k of dataKeys) {
      if (JSON.stringify(asDict(next[k])) !== JSON.stringify(asDict(old[k])))
        errs.push(forbidden(k, 'field is immutable when `immutable` is set'));
    }
  }
  return errs;
}

export function validateConfigMapUpdate(cm: Dict, old: Dict): FieldError[] {
  return [
    ...validateObjectMetaUpdate(cm.metadata, old.metadata),
    ...immutableData(cm, old, ['data', 'binaryData']),
    ...validateConfigMap(cm),
  ];
}

export function validateSecret(secret: Dict): FieldError[] {
  const errs = validateObjectMetaRest(secret.metadata, true);
  const data = asDict(secret.data);
  const { errs: keyErrs } = validateDataKeys(data, 'data');
  errs.push(...keyErrs);
  const size = Object.values(data).reduce<number>(
    (n, v) => n + Math.floor((str(v).replace(/=+$/, '').length * 3) / 4),
    0,
  );
  if (size > MAX_SECRET_SIZE) errs.push(tooLong('data', MAX_SECRET_SIZE));
  const need = (key: string) => {
    if (!(key in data)) errs.push(required(`data[${key}]`));
  };
  switch (str(secret.type)) {
    case 'kubernetes.io/service-account-token':
      if (!str(asDict(asDict(secret.metadata).annotations)['kubernetes.io/service-account.name'])) {
        errs.push(required('metadata.annotations[kubernetes.io/service-account.name]'));
      }
      break;
    case 'kubernetes.io/dockercfg':
      need('.dockercfg');
      break;
    case 'kubernetes.io/dockerconfigjson':
      need('.dockerconfigjson');
      break;
    case 'kubernetes.io/basic-auth':
      if (!('username' in data) && !('password' in data))
        errs.push(required('data[username]'), required('data[password]'));
      break;
    case 'kubernetes.io/ssh-auth':
      need('ssh-privatekey');
      break;
    case 'kubernetes.io/tls':
      need('tls.crt');
      need('tls.key');
      break;
    case '':
      errs.push(required('type'));
      break;
  }
  return errs;
}

export function validateSecretUpdate(secret: Dict, old: Dict): FieldError[] {
  return [
    ...validateObjectMetaUpdate(secret.metadata, old.metadata),
    ...immutable(str(secret.type), str(old.type), 'type'),
    ...immutableData(secret, old, ['data']),
    ...validateSecret(secret),
  ];
}

// ---- Endpoints, Node, Event --------------------------------------------------------------------

export function validateEndpoints(ep: Dict): FieldError[] {
  const errs = validateObjectMetaRest(ep.metadata, true);
  dicts(ep.subsets).forEach((ss, i) => {
    const sp = `subsets[${i}]`;
    for (const key of ['addresses', 'notReadyAddresses']) {
      dicts(ss[key]).forEach((a, j) => {
        const ap = `${sp}.${key}[${j}]`;
        if (!isValidIP(str(a.ip))) errs.push(invalid(`${ap}.ip`, str(a.ip), INVALID_IP_MSG));
        if (str(a.hostname)) errs.push(...dns1123Label(str(a.hostname), `${ap}.hostname`));
        if (str(a.nodeName))
          for (const m of nameIsDNSSubdomain(str(a.nodeName))) errs.push(invalid(`${ap}.nodeName`, str(a.nodeName), m));
      });
    }
    const names = new Set<string>();
    const ports = dicts(ss.ports);
    ports.forEach((p, j) => {
      const pp = `${sp}.ports[${j}]`;
      const name = str(p.name);
      if (ports.length > 1 && !name) errs.push(required(`${pp}.name`));
      if (name) {
        errs.push(...dns1123Label(name, `${pp}.name`));
        if (names.has(name)) errs.push(duplicate(`${pp}.name`, name));
        names.add(name);
      }
      for (const m of isValidPortNum(Number(p.port ?? 0))) errs.push(invalid(`${pp}.port`, p.port ?? 0, m));
      const proto = str(p.protocol);
      if (!proto) errs.push(required(`${pp}.protocol`));
      else if (!PROTOCOLS.includes(proto)) errs.push(notSupported(`${pp}.protocol`, proto, PROTOCOLS));
    });
  });
  return errs;
}

function validateTaints(taints: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  dicts(taints).forEach((t, i) => {
    const ip = `${path}[${i}]`;
    const key = str(t.key);
    const value = str(t.value);
    const effect = str(t.effect);
    errs.push(...qualifiedName(key, `${ip}.key`));
    const vm = isValidLabelValue(value);
    if (vm.length) errs.push(invalid(`${ip}.value`, value, vm.join(';')));
    if (!effect) errs.push(required(`${ip}.effect`));
    else if (!['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(effect))
      errs.push(notSupported(`${ip}.effect`, effect, ['NoSchedule', 'PreferNoSchedule', 'NoExecute']));
    const id = `${effect}\u0000${key}`;
    if (seen.has(id)) {
      errs.push({
        type: 'FieldValueDuplicate',
        field: ip,
        badValue: go(
          `core.Taint{Key:${JSON.stringify(key)}, Value:${JSON.stringify(value)}, Effect:${JSON.stringify(effect)}, TimeAdded:(*v1.Time)(nil)}`,
        ),
        detail: 'taints must be unique by key and effect pair',
      });
      return;
    }
    seen.add(id);
  });
  return errs;
}

function isCIDR(s: string): boolean {
  const i = s.indexOf('/');
  if (i < 0) return false;
  const ip = s.slice(0, i);
  const bits = s.slice(i + 1);
  if (!/^[0-9]+$/.test(bits)) return false;
  return (isIPv4(ip) && Number(bits) <= 32) || (isIPv6(ip) && Number(bits) <= 128);
}

export function validateNode(node: Dict): FieldError[] {
  const errs = validateObjectMetaRest(node.metadata, false);
  const spec = asDict(node.spec);
  const cidrs = asList(spec.podCIDRs).map(str);
  cidrs.forEach((c, i) => {
    if (!isCIDR(c))
      errs.push(invalid(`spec.podCIDRs[${i}]`, c, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'));
  });
  if (cidrs.length > 2)
    errs.push(
      invalid('spec.podCIDRs', go(goStringSlice(cidrs)), 'may specify no more than one CIDR for each IP family'),
    );
  errs.push(...validateTaints(spec.taints, 'spec.taints'));
  return errs;
}

export function validateNodeUpdate(node: Dict, old: Dict): FieldError[] {
  const errs = validateObjectMetaUpdate(node.metadata, old.metadata);
  errs.push(...validateNode(node).filter((e) => !e.field.startsWith('metadata.')));
  const spec = asDict(node.spec);
  const oldSpec = asDict(old.spec);
  const oldCIDRs = asList(oldSpec.podCIDRs).map(str);
  if (oldCIDRs.length > 0 && JSON.stringify(asList(spec.podCIDRs).map(str)) !== JSON.stringify(oldCIDRs)) {
    errs.push(forbidden('spec.podCIDRs', 'node updates may not change podCIDR except from "" to valid'));
  }
  if (str(oldSpec.providerID) && str(spec.providerID) !== str(oldSpec.providerID)) {
    errs.push(forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'));
  }
  return errs;
}

/** Legacy (core/v1) events: the involved object's namespace must match the event's. */
export function validateCoreEvent(ev: Dict): FieldError[] {
  const errs = validateObjectMetaRest(ev.metadata, true);
  const io = asDict(ev.involvedObject);
  const ns = str(asDict(ev.metadata).namespace);
  if (str(io.namespace) && str(io.namespace) !== ns)
    errs.push(invalid('involvedObject.namespace', str(io.namespace), 'does not match event.namespace'));
  if (has(ev, 'type') && !['Normal', 'Warning'].includes(str(ev.type)) && has(ev, 'eventTime')) {
    errs.push(notSupported('type', str(ev.type), ['Normal', 'Warning']));
  }
  return errs;
}

/** events.k8s.io/v1 events: what the new events API requires. */
export function validateEventsV1Event(ev: Dict): FieldError[] {
  const errs = validateObjectMetaRest(ev.metadata, true);
  if (!has(ev, 'eventTime')) errs.push(required('eventTime'));
  const type = str(ev.type);
  if (type !== 'Normal' && type !== 'Warning') errs.push(notSupported('type', type, ['Normal', 'Warning']));
  if (!str(ev.reportingController)) errs.push(required('reportingController'));
  else errs.push(...qualifiedName(str(ev.reportingController), 'reportingController'));
  if (!str(ev.reportingInstance)) errs.push(required('reportingInstance'));
  if (!str(ev.action)) errs.push(required('action'));
  if (!str(ev.reason)) errs.push(required('reason'));
  if (byteLength(str(ev.note)) > 1024) errs.push(tooLong('note', 1024));
  return errs;
}

// ---- Lease, EndpointSlice ----------------------------------------------------------------------

export function validateLease(lease: Dict): FieldError[] {
  const errs = validateObjectMetaRest(lease.metadata, true);
  const spec = asDict(lease.spec);
  if (typeof spec.leaseDurationSeconds === 'number' && spec.leaseDurationSeconds <= 0) {
    errs.push(invalid('spec.leaseDurationSeconds', spec.leaseDurationSeconds, 'must be greater than 0'));
  }
  errs.push(...nonNegative(spec.leaseTransitions, 'spec.leaseTransitions'));
  return errs;
}

export function validateEndpointSlice(es: Dict, old?: Dict): FieldError[] {
  const errs = validateObjectMetaRest(es.metadata, true);
  const at = str(es.addressType);
  if (!at) errs.push(required('addressType'));
  else if (!['IPv4', 'IPv6', 'FQDN'].includes(at)) errs.push(notSupported('addressType', at, ['FQDN', 'IPv4', 'IPv6']));
  if (old && str(old.addressType) && at !== str(old.addressType))
    errs.push(...immutable(at, str(old.addressType), 'addressType'));
  const endpoints = dicts(es.endpoints);
  if (endpoints.length > 1000)
    errs.push({
      type: 'FieldValueTooMany',
      field: 'endpoints',
      badValue: endpoints.length,
      detail: 'must have at most 1000 items',
    });
  endpoints.forEach((ep, i) => {
    const p = `endpoints[${i}]`;
    const addrs = asList(ep.addresses).map(str);
    if (addrs.length === 0) errs.push(required(`${p}.addresses`, 'must contain at least 1 address'));
    else if (addrs.length > 100)
      errs.push({
        type: 'FieldValueTooMany',
        field: `${p}.addresses`,
        badValue: addrs.length,
        detail: 'must have at most 100 items',
      });
    addrs.forEach((a, j) => {
      const ap = `${p}.addresses[${j}]`;
      if (at === 'IPv4' && !isIPv4(a)) errs.push(invalid(ap, a, 'must be a valid IPv4 address'));
      if (at === 'IPv6' && !isIPv6(a)) errs.push(invalid(ap, a, 'must be a valid IPv6 address'));
      if (at === 'FQDN') errs.push(...dns1123Subdomain(a, ap));
    });
    if (str(ep.nodeName))
      for (const m of nameIsDNSSubdomain(str(ep.nodeName))) errs.push(invalid(`${p}.nodeName`, str(ep.nodeName), m));
    if (str(ep.hostname)) errs.push(...dns1123Label(str(ep.hostname), `${p}.hostname`));
  });
  const ports = dicts(es.ports);
  if (ports.length > 100)
    errs.push({
      type: 'FieldValueTooMany',
      field: 'ports',
      badValue: ports.length,
      detail: 'must have at most 100 items',
    });
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const p = `ports[${i}]`;
    const name = str(port.name);
    if (name) errs.push(...dns1123Label(name, `${p}.name`));
    if (names.has(name)) errs.push(duplicate(`${p}.name`, name));
    names.add(name);
    if (has(port, 'protocol') && !PROTOCOLS.includes(str(port.protocol)))
      errs.push(notSupported(`${p}.protocol`, str(port.protocol), PROTOCOLS));
    if (typeof port.port === 'number')
      for (const m of isValidPortNum(port.port)) errs.push(invalid(`${p}.port`, port.port, m));
  });
  return errs;
}

export function validateServiceAccount(sa: Dict): FieldError[] {
  return validateObjectMetaRest(sa.metadata, true);
}

export { validateTolerations };
