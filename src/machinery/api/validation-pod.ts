/**
 * Pod and PodSpec validation (pkg/apis/core/validation/validation.go: ValidatePodSpec and its
 * helpers, ValidatePodTemplateSpec, ValidatePodUpdate), with upstream's field paths and texts.
 *
 * Covered: volumes (names, exactly one source, the common sources' required fields, modes),
 * containers and init containers (names, images, ports, env, envFrom, volume mounts, probes,
 * lifecycle handlers, resources, pull and termination-message policies, security context ids),
 * restart and DNS policies, node selector, affinity, tolerations, topology spread constraints,
 * DNS config, host aliases, scheduling gates, readiness gates, host network ports, and pod updates.
 * Not covered: Windows/host-process rules, seccomp/AppArmor annotation consistency, DRA claims,
 * ephemeral container updates, resize rules.
 */
import { go, goStringSlice } from './gofmt.ts';
import { validateLabelSelector, validateLabels } from './labels.ts';
import {
  INVALID_IP_MSG,
  inclusiveRangeError,
  isConfigMapKey,
  isDNS1123Subdomain,
  isHTTPHeaderName,
  isQualifiedName,
  isRelaxedEnvVarName,
  isValidIP,
  isValidLabelValue,
  isValidPortName,
  isValidPortNum,
  nameIsDNSSubdomain,
} from './names.ts';
import { compareQuantity, parseQuantity } from './quantity.ts';
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
  IS_NEGATIVE_ERROR_MSG,
  IS_NOT_POSITIVE_ERROR_MSG,
  invalid,
  isDict,
  nonNegative,
  notFound,
  notSupported,
  qualifiedName,
  required,
  semanticEqual,
  str,
  validateAnnotations,
  validateObjectMetaRest,
  validateObjectMetaUpdate,
} from './validation-common.ts';

const MAX_INT32 = 2147483647;
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const FILE_MODE_ERROR = 'must be a number between 0 and 0777 (octal), both inclusive';

// ---- volumes -----------------------------------------------------------------------------------

/** The volume sources a Volume may name, in upstream's order (one per volume). */
export const VOLUME_SOURCES = [
  'hostPath',
  'emptyDir',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'secret',
  'nfs',
  'iscsi',
  'glusterfs',
  'persistentVolumeClaim',
  'rbd',
  'quobyte',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'downwardAPI',
  'fc',
  'azureFile',
  'configMap',
  'vsphereVolume',
  'azureDisk',
  'photonPersistentDisk',
  'projected',
  'portworxVolume',
  'scaleIO',
  'storageos',
  'csi',
  'ephemeral',
  'image',
];

function validateFileMode(mode: unknown, path: string): FieldError[] {
  return typeof mode === 'number' && (mode < 0 || mode > 0o777) ? [invalid(path, mode, FILE_MODE_ERROR)] : [];
}

/** `validateLocalDescendingPath`: relative, no `..` element. */
function validateLocalDescendingPath(p: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (p.startsWith('/')) errs.push(invalid(path, p, 'must be a relative path'));
  if (p.split(/[\\/]/).includes('..')) errs.push(invalid(path, p, "must not contain '..'"));
  return errs;
}

function validateLocalNonReservedPath(p: string, path: string): FieldError[] {
  const errs = validateLocalDescendingPath(p, path);
  if (p.startsWith('..')) errs.push(invalid(path, p, "must not start with '..'"));
  return errs;
}

function validateKeyToPaths(items: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  dicts(items).forEach((kp, i) => {
    const ip = `${path}[${i}]`;
    if (!str(kp.key)) errs.push(required(`${ip}.key`));
    if (!str(kp.path)) errs.push(required(`${ip}.path`));
    errs.push(...validateLocalNonReservedPath(str(kp.path), `${ip}.path`));
    errs.push(...validateFileMode(kp.mode, `${ip}.mode`));
  });
  return errs;
}

function validateDownwardAPIItems(items: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  dicts(items).forEach((f, i) => {
    const ip = `${path}[${i}]`;
    if (!str(f.path)) errs.push(required(`${ip}.path`));
    errs.push(...validateLocalNonReservedPath(str(f.path), `${ip}.path`));
    errs.push(...validateFileMode(f.mode, `${ip}.mode`));
    const hasField = isDict(f.fieldRef);
    const hasRes = isDict(f.resourceFieldRef);
    if (hasField && hasRes)
      errs.push(invalid(ip, 'resource', 'fieldRef and resourceFieldRef can not be specified simultaneously'));
    else if (!hasField && !hasRes) errs.push(required(ip, 'one of fieldRef and resourceFieldRef is required'));
    if (hasField) errs.push(...validateObjectFieldSelector(f.fieldRef, VOLUME_FIELD_PATHS, `${ip}.fieldRef`));
  });
  return errs;
}

function validateVolumeSource(v: Dict, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const present = VOLUME_SOURCES.filter((s) => v[s] !== undefined && v[s] !== null);
  if (present.length === 0) return [required(path, 'must specify a volume type')];
  present.slice(1).forEach((s) => {
    errs.push(forbidden(`${path}.${s}`, 'may not specify more than 1 volume type'));
  });
  const src = present[0] as string;
  const s = asDict(v[src]);
  const p = `${path}.${src}`;
  switch (src) {
    case 'hostPath':
      if (!str(s.path)) errs.push(required(`${p}.path`));
      else if (str(s.path).split('/').includes('..'))
        errs.push(invalid(`${p}.path`, str(s.path), "must not contain '..'"));
      if (
        has(s, 'type') &&
        !['', 'DirectoryOrCreate', 'Directory', 'FileOrCreate', 'File', 'Socket', 'CharDevice', 'BlockDevice'].includes(
          str(s.type),
        )
      ) {
        errs.push(
          notSupported(`${p}.type`, str(s.type), [
            '',
            'BlockDevice',
            'CharDevice',
            'Directory',
            'DirectoryOrCreate',
            'File',
            'FileOrCreate',
            'Socket',
          ]),
        );
      }
      break;
    case 'emptyDir':
      if (has(s, 'sizeLimit')) {
        try {
          if (compareQuantity(parseQuantity(str(s.sizeLimit)), parseQuantity('0')) < 0)
            errs.push(invalid(`${p}.sizeLimit`, str(s.sizeLimit), IS_NEGATIVE_ERROR_MSG));
        } catch {
          // decoding reports malformed quantities
        }
      }
      break;
    case 'secret':
      if (!str(s.secretName)) errs.push(required(`${p}.secretName`));
      errs.push(...validateFileMode(s.defaultMode, `${p}.defaultMode`));
      errs.push(...validateKeyToPaths(s.items, `${p}.items`));
      break;
    case 'configMap':
      if (!str(s.name)) errs.push(required(`${p}.name`));
      else for (const m of nameIsDNSSubdomain(str(s.name))) errs.push(invalid(`${p}.name`, str(s.name), m));
      errs.push(...validateFileMode(s.defaultMode, `${p}.defaultMode`));
      errs.push(...validateKeyToPaths(s.items, `${p}.items`));
      break;
    case 'persistentVolumeClaim':
      if (!str(s.claimName)) errs.push(required(`${p}.claimName`));
      break;
    case 'nfs':
      if (!str(s.server)) errs.push(required(`${p}.server`));
      if (!str(s.path)) errs.push(required(`${p}.path`));
      else if (!str(s.path).startsWith('/')) errs.push(invalid(`${p}.path`, str(s.path), 'must be an absolute path'));
      break;
    case 'downwardAPI':
      errs.push(...validateFileMode(s.defaultMode, `${p}.defaultMode`));
      errs.push(...validateDownwardAPIItems(s.items, `${p}.items`));
      break;
    case 'projected': {
      errs.push(...validateFileMode(s.defaultMode, `${p}.defaultMode`));
      dicts(s.sources).forEach((source, i) => {
        const sp = `${p}.sources[${i}]`;
        const kinds = ['secret', 'configMap', 'downwardAPI', 'serviceAccountToken', 'clusterTrustBundle'].filter((k) =>
          isDict(source[k]),
        );
        if (kinds.length === 0)
          errs.push(
            required(
              sp,
              'must specify exactly 1 of: secret, configMap, downwardAPI, serviceAccountToken, clusterTrustBundle',
            ),
          );
        if (kinds.length > 1) errs.push(forbidden(sp, 'may not specify more than 1 volume type per source'));
        if (isDict(source.secret)) {
          if (!str(source.secret.name)) errs.push(required(`${sp}.secret.name`));
          errs.push(...validateKeyToPaths(source.secret.items, `${sp}.secret.items`));
        }
        if (isDict(source.configMap)) {
          if (!str(source.configMap.name)) errs.push(required(`${sp}.configMap.name`));
          errs.push(...validateKeyToPaths(source.configMap.items, `${sp}.configMap.items`));
        }
        if (isDict(source.downwardAPI))
          errs.push(...validateDownwardAPIItems(source.downwardAPI.items, `${sp}.downwardAPI.items`));
        if (isDict(source.serviceAccountToken)) {
          const t = source.serviceAccountToken;
          if (typeof t.expirationSeconds === 'number') {
            if (t.expirationSeconds < 600)
              errs.push(
                invalid(
                  `${sp}.serviceAccountToken.expirationSeconds`,
                  t.expirationSeconds,
                  'may not specify a duration less than 10 minutes',
                ),
              );
            if (t.expirationSeconds > 2 ** 32)
              errs.push(
                invalid(
                  `${sp}.serviceAccountToken.expirationSeconds`,
                  t.expirationSeconds,
                  'may not specify a duration larger than 2^32 seconds',
                ),
              );
          }
          if (!str(t.path)) errs.push(required(`${sp}.serviceAccountToken.path`));
        }
      });
      break;
    }
    case 'csi':
      if (!str(s.driver)) errs.push(required(`${p}.driver`));
      break;
    case 'image':
      if (!str(s.reference)) errs.push(required(`${p}.reference`));
      break;
  }
  return errs;
}

/** `ValidateVolumes`: returns the names of the usable volumes and the errors. */
function validateVolumes(volumes: unknown, path: string): { names: Set<string>; errs: FieldError[] } {
  const names = new Set<string>();
  const errs: FieldError[] = [];
  dicts(volumes).forEach((v, i) => {
    const ip = `${path}[${i}]`;
    const name = str(v.name);
    const el = validateVolumeSource(v, ip);
    if (!name) el.push(required(`${ip}.name`));
    else el.push(...dns1123Label(name, `${ip}.name`));
    if (names.has(name)) el.push(duplicate(`${ip}.name`, name));
    if (el.length === 0) names.add(name);
    else errs.push(...el);
  });
  return { names, errs };
}

// ---- containers --------------------------------------------------------------------------------

const ENV_FIELD_PATHS = [
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.serviceAccountName',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
];
const VOLUME_FIELD_PATHS = [
  'metadata.annotations',
  'metadata.labels',
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
];

function validateObjectFieldSelector(ref: unknown, valid: string[], path: string): FieldError[] {
  const r = asDict(ref);
  const errs: FieldError[] = [];
  const apiVersion = str(r.apiVersion);
  const fieldPath = str(r.fieldPath);
  if (!apiVersion) return [required(`${path}.apiVersion`)];
  if (!fieldPath) return [required(`${path}.fieldPath`)];
  if (apiVersion !== 'v1')
    errs.push(invalid(`${path}.apiVersion`, apiVersion, 'unsupported version: v1 is the only supported version'));
  const sub = /^([^[]+)\['([^']*)'\]$/.exec(fieldPath);
  if (sub) {
    const key = sub[2] as string;
    if (sub[1] === 'metadata.annotations')
      errs.push(...isQualifiedName(key.toLowerCase()).map((m) => invalid(path, key.toLowerCase(), m)));
    else if (sub[1] === 'metadata.labels') errs.push(...isQualifiedName(key).map((m) => invalid(path, key, m)));
    else errs.push(invalid(path, sub[1], 'does not support subscript'));
    return errs;
  }
  if (!valid.includes(fieldPath)) errs.push(notSupported(`${path}.fieldPath`, fieldPath, valid));
  return errs;
}

function validateEnv(env: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  dicts(env).forEach((e, i) => {
    const ip = `${path}[${i}]`;
    const name = str(e.name);
    if (!name) errs.push(required(`${ip}.name`));
    for (const m of isRelaxedEnvVarName(name)) errs.push(invalid(`${ip}.name`, name, m));
    if (!isDict(e.valueFrom)) return;
    const vf = e.valueFrom;
    const vp = `${ip}.valueFrom`;
    let n = 0;
    if (isDict(vf.fieldRef)) {
      n++;
      errs.push(...validateObjectFieldSelector(vf.fieldRef, ENV_FIELD_PATHS, `${vp}.fieldRef`));
    }
    if (isDict(vf.resourceFieldRef)) {
      n++;
      const r = vf.resourceFieldRef;
      if (!str(r.resource)) errs.push(required(`${vp}.resourceFieldRef.resource`));
      else if (
        ![
          'limits.cpu',
          'limits.memory',
          'limits.ephemeral-storage',
          'requests.cpu',
          'requests.memory',
          'requests.ephemeral-storage',
        ].includes(str(r.resource)) &&
        !/^(limits|requests)\.hugepages-/.test(str(r.resource))
      ) {
        errs.push(
          notSupported(`${vp}.resourceFieldRef.resource`, str(r.resource), [
            'limits.cpu',
            'limits.ephemeral-storage',
            'limits.memory',
            'requests.cpu',
            'requests.ephemeral-storage',
            'requests.memory',
          ]),
        );
      }
    }
    for (const kind of ['configMapKeyRef', 'secretKeyRef'] as const) {
      if (!isDict(vf[kind])) continue;
      n++;
      const s = vf[kind] as Dict;
      for (const m of nameIsDNSSubdomain(str(s.name))) errs.push(invalid(`${vp}.${kind}.name`, str(s.name), m));
      if (!str(s.key)) errs.push(required(`${vp}.${kind}.key`));
      else for (const m of isConfigMapKey(str(s.key))) errs.push(invalid(`${vp}.${kind}.key`, str(s.key), m));
    }
    if (n === 0)
      errs.push(
        invalid(vp, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'),
      );
    else if (str(e.value) !== '') errs.push(invalid(vp, '', 'may not be specified when `value` is not empty'));
    else if (n > 1) errs.push(invalid(vp, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}

function validateEnvFrom(envFrom: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  dicts(envFrom).forEach((ef, i) => {
    const ip = `${path}[${i}]`;
    if (str(ef.prefix))
      for (const m of isRelaxedEnvVarName(str(ef.prefix))) errs.push(invalid(`${ip}.prefix`, str(ef.prefix), m));
    let n = 0;
    for (const kind of ['configMapRef', 'secretRef'] as const) {
      if (!isDict(ef[kind])) continue;
      n++;
      const name = str((ef[kind] as Dict).name);
      for (const m of nameIsDNSSubdomain(name)) errs.push(invalid(`${ip}.${kind}.name`, name, m));
    }
    if (n === 0) errs.push(invalid(ip, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (n > 1) errs.push(invalid(ip, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}

function validateContainerPorts(ports: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  dicts(ports).forEach((p, i) => {
    const ip = `${path}[${i}]`;
    const name = str(p.name);
    if (name) {
      const msgs = isValidPortName(name);
      if (msgs.length) for (const m of msgs) errs.push(invalid(`${ip}.name`, name, m));
      else if (names.has(name)) errs.push(duplicate(`${ip}.name`, name));
      else names.add(name);
    }
    const cp = p.containerPort;
    if (cp === undefined || cp === null || cp === 0) errs.push(required(`${ip}.containerPort`));
    else for (const m of isValidPortNum(Number(cp))) errs.push(invalid(`${ip}.containerPort`, cp, m));
    if (p.hostPort !== undefined && p.hostPort !== null && p.hostPort !== 0)
      for (const m of isValidPortNum(Number(p.hostPort))) errs.push(invalid(`${ip}.hostPort`, p.hostPort, m));
    const proto = str(p.protocol);
    if (!proto) errs.push(required(`${ip}.protocol`));
    else if (!PROTOCOLS.includes(proto)) errs.push(notSupported(`${ip}.protocol`, proto, PROTOCOLS));
  });
  return errs;
}

/** `ValidatePortNumOrName` for an IntOrString port. */
export function validatePortNumOrName(port: unknown, path: string): FieldError[] {
  if (typeof port === 'number') return isValidPortNum(port).map((m) => invalid(path, port, m));
  if (typeof port === 'string') return isValidPortName(port).map((m) => invalid(path, port, m));
  return isValidPortNum(0).map((m) => invalid(path, 0, m));
}

function validateHandler(h: Dict, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  const once = (key: string, check: () => FieldError[]) => {
    if (!isDict(h[key])) return;
    if (n > 0) errs.push(forbidden(`${path}.${key}`, 'may not specify more than 1 handler type'));
    else {
      n++;
      errs.push(...check());
    }
  };
  once('exec', () => (asList(asDict(h.exec).command).length === 0 ? [required(`${path}.exec.command`)] : []));
  once('httpGet', () => {
    const g = asDict(h.httpGet);
    const e: FieldError[] = [];
    if (!str(g.path)) e.push(required(`${path}.httpGet.path`));
    e.push(...validatePortNumOrName(g.port, `${path}.httpGet.port`));
    if (!['HTTP', 'HTTPS'].includes(str(g.scheme)))
      e.push(notSupported(`${path}.httpGet.scheme`, str(g.scheme), ['HTTP', 'HTTPS']));
    for (const hd of dicts(g.httpHeaders))
      for (const m of isHTTPHeaderName(str(hd.name))) e.push(invalid(`${path}.httpGet.httpHeaders`, str(hd.name), m));
    return e;
  });
  once('tcpSocket', () => validatePortNumOrName(asDict(h.tcpSocket).port, `${path}.tcpSocket.port`));
  once('grpc', () =>
    isValidPortNum(Number(asDict(h.grpc).port ?? 0)).map((m) =>
      invalid(`${path}.grpc.port`, asDict(h.grpc).port ?? 0, m),
    ),
  );
  once('sleep', () => {
    const s = asDict(h.sleep).seconds;
    return typeof s === 'number' && s < 0 ? [invalid(`${path}.sleep.seconds`, s, IS_NEGATIVE_ERROR_MSG)] : [];
  });
  if (n === 0) errs.push(required(path, 'must specify a handler type'));
  return errs;
}

function validateProbe(probe: unknown, path: string, kind: 'liveness' | 'readiness' | 'startup'): FieldError[] {
  if (!isDict(probe)) return [];
  const errs = validateHandler(probe, path);
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    errs.push(...nonNegative(probe[f], `${path}.${f}`));
  }
  if (typeof probe.terminationGracePeriodSeconds === 'number' && probe.terminationGracePeriodSeconds <= 0) {
    errs.push(
      invalid(`${path}.terminationGracePeriodSeconds`, probe.terminationGracePeriodSeconds, 'must be greater than 0'),
    );
  }
  if (kind !== 'readiness' && typeof probe.successThreshold === 'number' && probe.successThreshold !== 1) {
    errs.push(invalid(`${path}.successThreshold`, probe.successThreshold, 'must be 1'));
  }
  if (kind === 'readiness' && has(probe, 'terminationGracePeriodSeconds')) {
    errs.push(
      invalid(
        `${path}.terminationGracePeriodSeconds`,
        probe.terminationGracePeriodSeconds,
        'must not be set for readinessProbes',
      ),
    );
  }
  return errs;
}

const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);

function validateResources(res: unknown, path: string): FieldError[] {
  const r = asDict(res);
  const errs: FieldError[] = [];
  const parse = (q: unknown) => {
    try {
      return parseQuantity(String(q).trim());
    } catch {
      return undefined;
    }
  };
  const checkName = (name: string, p: string) => {
    const msgs = isQualifiedName(name);
    if (msgs.length) return msgs.map((m) => invalid(p, name, m));
    if (!name.includes('/') && !STANDARD_CONTAINER_RESOURCES.has(name) && !name.startsWith('hugepages-')) {
      return [invalid(p, name, 'must be a standard resource for containers')];
    }
    return [];
  };
  const limits = asDict(r.limits);
  const requests = asDict(r.requests);
  for (const [name, q] of Object.entries(limits)) {
    const p = `${path}.limits[${name}]`;
    errs.push(...checkName(name, p));
    const v = parse(q);
    if (v && v.unscaled < 0n) errs.push(invalid(p, String(q), IS_NEGATIVE_ERROR_MSG));
  }
  for (const [name, q] of Object.entries(requests)) {
    const p = `${path}.requests[${name}]`;
    errs.push(...checkName(name, p));
    const v = parse(q);
    if (v && v.unscaled < 0n) errs.push(invalid(p, String(q), IS_NEGATIVE_ERROR_MSG));
    if (name in limits) {
      const lim = parse(limits[name]);
      if (v && lim && compareQuantity(v, lim) > 0) {
        errs.push(
          invalid(
            `${path}.requests`,
            String(q),
            `must be less than or equal to ${name} limit of ${String(limits[name])}`,
          ),
        );
      }
    }
  }
  return errs;
}

function validatePullPolicy(policy: string, path: string): FieldError[] {
  if (['Always', 'IfNotPresent', 'Never'].includes(policy)) return [];
  if (!policy) return [required(path)];
  return [notSupported(path, policy, ['Always', 'IfNotPresent', 'Never'])];
}

function validateSecurityContext(sc: unknown, path: string): FieldError[] {
  if (!isDict(sc)) return [];
  const errs: FieldError[] = [];
  for (const f of ['runAsUser', 'runAsGroup']) {
    const v = sc[f];
    if (typeof v === 'number' && (v < 0 || v > MAX_INT32))
      errs.push(invalid(`${path}.${f}`, v, inclusiveRangeError(0, MAX_INT32)));
  }
  if (sc.privileged === true && sc.allowPrivilegeEscalation === false) {
    errs.push(
      invalid(
        `${path}.allowPrivilegeEscalation`,
        false,
        'cannot set `allowPrivilegeEscalation` to false and `privileged` to true',
      ),
    );
  }
  if (sc.runAsNonRoot === true && sc.runAsUser === 0) {
    errs.push(invalid(`${path}.runAsNonRoot`, true, 'runAsNonRoot is true but runAsUser is 0 (root)'));
  }
  return errs;
}

function validateVolumeMounts(mounts: unknown, volumes: Set<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  dicts(mounts).forEach((m, i) => {
    const ip = `${path}[${i}]`;
    const name = str(m.name);
    const mountPath = str(m.mountPath);
    if (!name) errs.push(required(`${ip}.name`));
    if (!volumes.has(name)) errs.push(notFound(`${ip}.name`, name));
    if (!mountPath) errs.push(required(`${ip}.mountPath`));
    if (seen.has(mountPath)) errs.push(invalid(`${ip}.mountPath`, mountPath, 'must be unique'));
    seen.add(mountPath);
    if (str(m.subPath)) errs.push(...validateLocalDescendingPath(str(m.subPath), `${path}.subPath`));
    if (str(m.subPathExpr)) {
      if (str(m.subPath))
        errs.push(invalid(`${ip}.subPathExpr`, str(m.subPathExpr), 'subPathExpr and subPath are mutually exclusive'));
      errs.push(...validateLocalDescendingPath(str(m.subPathExpr), `${path}.subPathExpr`));
    }
    if (has(m, 'mountPropagation') && !['Bidirectional', 'HostToContainer', 'None'].includes(str(m.mountPropagation))) {
      errs.push(
        notSupported(`${path}.mountPropagation`, str(m.mountPropagation), ['Bidirectional', 'HostToContainer', 'None']),
      );
    }
  });
  return errs;
}

/** `validateContainerCommon`: what every kind of container must satisfy. */
function validateContainerCommon(c: Dict, volumes: Set<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(c.name);
  if (!name) errs.push(required(`${path}.name`));
  else errs.push(...dns1123Label(name, `${path}.name`));
  if (!str(c.image)) errs.push(required(`${path}.image`));
  const tmp = str(c.terminationMessagePolicy);
  if (!tmp) errs.push(required(`${path}.terminationMessagePolicy`));
  else if (tmp !== 'File' && tmp !== 'FallbackToLogsOnError')
    errs.push(notSupported(`${path}.terminationMessagePolicy`, tmp, ['File', 'FallbackToLogsOnError']));
  errs.push(...validateContainerPorts(c.ports, `${path}.ports`));
  errs.push(...validateEnv(c.env, `${path}.env`));
  errs.push(...validateEnvFrom(c.envFrom, `${path}.envFrom`));
  errs.push(...validateVolumeMounts(c.volumeMounts, volumes, `${path}.volumeMounts`));
  errs.push(...validatePullPolicy(str(c.imagePullPolicy), `${path}.imagePullPolicy`));
  errs.push(...validateResources(c.resources, `${path}.resources`));
  errs.push(...validateSecurityContext(c.securityContext, `${path}.securityContext`));
  return errs;
}

function validateLifecycle(lc: unknown, path: string): FieldError[] {
  if (!isDict(lc)) return [];
  const errs: FieldError[] = [];
  if (isDict(lc.postStart)) errs.push(...validateHandler(lc.postStart, `${path}.postStart`));
  if (isDict(lc.preStop)) errs.push(...validateHandler(lc.preStop, `${path}.preStop`));
  return errs;
}

function checkHostPortConflicts(containers: Dict[], path: string, seen: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  containers.forEach((c, ci) => {
    dicts(c.ports).forEach((p, pi) => {
      const hp = Number(p.hostPort ?? 0);
      if (!hp) return;
      const key = `${str(p.protocol)}/${str(p.hostIP)}/${hp}`;
      if (seen.has(key)) errs.push(duplicate(`${path}[${ci}].ports[${pi}].hostPort`, key));
      else seen.add(key);
    });
  });
  return errs;
}

function validateContainers(containers: unknown, volumes: Set<string>, path: string): FieldError[] {
  const list = dicts(containers);
  if (list.length === 0) return [required(path)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  list.forEach((c, i) => {
    const ip = `${path}[${i}]`;
    errs.push(...validateContainerCommon(c, volumes, ip));
    const name = str(c.name);
    if (names.has(name)) errs.push(duplicate(`${ip}.name`, name));
    else names.add(name);
    errs.push(...validateLifecycle(c.lifecycle, `${ip}.lifecycle`));
    errs.push(...validateProbe(c.livenessProbe, `${ip}.livenessProbe`, 'liveness'));
    errs.push(...validateProbe(c.readinessProbe, `${ip}.readinessProbe`, 'readiness'));
    errs.push(...validateProbe(c.startupProbe, `${ip}.startupProbe`, 'startup'));
    if (has(c, 'restartPolicy')) errs.push(forbidden(`${ip}.restartPolicy`, 'may not be set for non-init containers'));
  });
  errs.push(...checkHostPortConflicts(list, path, new Set()));
  return errs;
}

function validateInitContainers(inits: unknown, containers: unknown, volumes: Set<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set(dicts(containers).map((c) => str(c.name)));
  const list = dicts(inits);
  list.forEach((c, i) => {
    const ip = `${path}[${i}]`;
    errs.push(...validateContainerCommon(c, volumes, ip));
    const name = str(c.name);
    if (names.has(name)) errs.push(duplicate(`${ip}.name`, name));
    else names.add(name);
    const sidecar = c.restartPolicy === 'Always';
    if (has(c, 'restartPolicy') && !sidecar)
      errs.push(notSupported(`${ip}.restartPolicy`, str(c.restartPolicy), ['Always']));
    if (sidecar) {
      errs.push(...validateLifecycle(c.lifecycle, `${ip}.lifecycle`));
      errs.push(...validateProbe(c.livenessProbe, `${ip}.livenessProbe`, 'liveness'));
      errs.push(...validateProbe(c.readinessProbe, `${ip}.readinessProbe`, 'readiness'));
      errs.push(...validateProbe(c.startupProbe, `${ip}.startupProbe`, 'startup'));
    } else {
      for (const f of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe']) {
        if (has(c, f))
          errs.push(forbidden(`${ip}.${f}`, 'may not be set for init containers without restartPolicy=Always'));
      }
    }
  });
  errs.push(...checkHostPortConflicts(list, path, new Set()));
  return errs;
}

// ---- scheduling --------------------------------------------------------------------------------

function validateNodeSelectorRequirement(r: Dict, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const values = asList(r.values);
  switch (str(r.operator)) {
    case 'In':
    case 'NotIn':
      if (values.length === 0)
        errs.push(required(`${path}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0)
        errs.push(forbidden(`${path}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    case 'Gt':
    case 'Lt':
      if (values.length !== 1)
        errs.push(required(`${path}.values`, "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      break;
    default:
      errs.push(invalid(`${path}.operator`, str(r.operator), 'not a valid selector operator'));
  }
  errs.push(...qualifiedName(str(r.key), `${path}.key`));
  return errs;
}

function validateNodeSelectorTerm(t: Dict, path: string): FieldError[] {
  const errs: FieldError[] = [];
  dicts(t.matchExpressions).forEach((r, i) => {
    errs.push(...validateNodeSelectorRequirement(r, `${path}.matchExpressions[${i}]`));
  });
  dicts(t.matchFields).forEach((r, i) => {
    const p = `${path}.matchFields[${i}]`;
    if (str(r.key) !== 'metadata.name') errs.push(invalid(`${p}.key`, str(r.key), 'not a valid field selector key'));
    if (str(r.operator) !== 'In' && str(r.operator) !== 'NotIn')
      errs.push(invalid(`${p}.operator`, str(r.operator), 'not a valid selector operator'));
    if (asList(r.values).length !== 1)
      errs.push(
        required(`${p}.values`, "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"),
      );
  });
  return errs;
}

function validateWeight(w: unknown, path: string): FieldError[] {
  return typeof w !== 'number' || w <= 0 || w > 100 ? [invalid(path, w ?? 0, 'must be in the range 1-100')] : [];
}

function validatePodAffinityTerm(t: Dict, path: string): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateLabelSelector(t.labelSelector, `${path}.labelSelector`));
  errs.push(...validateLabelSelector(t.namespaceSelector, `${path}.namespaceSelector`));
  for (const ns of asList(t.namespaces).map(str)) errs.push(...dns1123Label(ns, `${path}.namespace`));
  const tk = str(t.topologyKey);
  if (!tk) errs.push(required(`${path}.topologyKey`, 'can not be empty'));
  else errs.push(...qualifiedName(tk, `${path}.topologyKey`));
  return errs;
}

function validatePodAffinities(a: unknown, path: string): FieldError[] {
  if (!isDict(a)) return [];
  const errs: FieldError[] = [];
  dicts(a.requiredDuringSchedulingIgnoredDuringExecution).forEach((t, i) => {
    errs.push(...validatePodAffinityTerm(t, `${path}.requiredDuringSchedulingIgnoredDuringExecution[${i}]`));
  });
  dicts(a.preferredDuringSchedulingIgnoredDuringExecution).forEach((t, i) => {
    const p = `${path}.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
    errs.push(...validateWeight(t.weight, `${p}.weight`));
    errs.push(...validatePodAffinityTerm(asDict(t.podAffinityTerm), `${p}.podAffinityTerm`));
  });
  return errs;
}

function validateAffinity(aff: unknown, path: string): FieldError[] {
  if (!isDict(aff)) return [];
  const errs: FieldError[] = [];
  if (isDict(aff.nodeAffinity)) {
    const na = aff.nodeAffinity;
    const np = `${path}.nodeAffinity`;
    if (isDict(na.requiredDuringSchedulingIgnoredDuringExecution)) {
      const sel = na.requiredDuringSchedulingIgnoredDuringExecution;
      const sp = `${np}.requiredDuringSchedulingIgnoredDuringExecution`;
      const terms = dicts(sel.nodeSelectorTerms);
      if (terms.length === 0)
        errs.push(required(`${sp}.nodeSelectorTerms`, 'must have at least one node selector term'));
      terms.forEach((t, i) => {
        errs.push(...validateNodeSelectorTerm(t, `${sp}.nodeSelectorTerms[${i}]`));
      });
    }
    dicts(na.preferredDuringSchedulingIgnoredDuringExecution).forEach((t, i) => {
      const p = `${np}.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
      errs.push(...validateWeight(t.weight, `${p}.weight`));
      errs.push(...validateNodeSelectorTerm(asDict(t.preference), `${p}.preference`));
    });
  }
  errs.push(...validatePodAffinities(aff.podAffinity, `${path}.podAffinity`));
  errs.push(...validatePodAffinities(aff.podAntiAffinity, `${path}.podAntiAffinity`));
  return errs;
}

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** `ValidateTolerations`. */
export function validateTolerations(tols: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  dicts(tols).forEach((t, i) => {
    const ip = `${path}[${i}]`;
    const key = str(t.key);
    const op = str(t.operator);
    if (key) errs.push(...qualifiedName(key, `${ip}.key`));
    if (!key && op !== 'Exists')
      errs.push(
        invalid(
          `${ip}.operator`,
          op,
          'operator must be Exists when `key` is empty, which means "match all values and all keys"',
        ),
      );
    if (has(t, 'tolerationSeconds') && str(t.effect) !== 'NoExecute') {
      errs.push(invalid(`${ip}.effect`, str(t.effect), "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    if (op === 'Equal' || op === '') {
      const msgs = isValidLabelValue(str(t.value));
      if (msgs.length) errs.push(invalid(`${ip}.operator`, str(t.value), msgs.join(';')));
    } else if (op === 'Exists') {
      if (str(t.value))
        errs.push(
          invalid(
            `${ip}.operator`,
            go(
              `core.Toleration{Key:${JSON.stringify(key)}, Operator:"Exists", Value:${JSON.stringify(str(t.value))}, Effect:${JSON.stringify(str(t.effect))}, TolerationSeconds:(*int64)(nil)}`,
            ),
            "value must be empty when `operator` is 'Exists'",
          ),
        );
    } else {
      errs.push(notSupported(`${ip}.operator`, op, ['Equal', 'Exists']));
    }
    if (str(t.effect) && !TAINT_EFFECTS.includes(str(t.effect)))
      errs.push(notSupported(`${ip}.effect`, str(t.effect), TAINT_EFFECTS));
  });
  return errs;
}

function validateTopologySpreadConstraints(constraints: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const list = dicts(constraints);
  list.forEach((c, i) => {
    const ip = `${path}[${i}]`;
    const skew = c.maxSkew;
    if (typeof skew !== 'number' || skew <= 0)
      errs.push(invalid(`${ip}.maxSkew`, skew ?? 0, IS_NOT_POSITIVE_ERROR_MSG));
    if (!str(c.topologyKey)) errs.push(required(`${ip}.topologyKey`, 'can not be empty'));
    const wu = str(c.whenUnsatisfiable);
    if (!['DoNotSchedule', 'ScheduleAnyway'].includes(wu))
      errs.push(notSupported(`${ip}.whenUnsatisfiable`, wu, ['DoNotSchedule', 'ScheduleAnyway']));
    const dupe = list
      .slice(i + 1)
      .some((o) => str(o.topologyKey) === str(c.topologyKey) && str(o.whenUnsatisfiable) === wu);
    if (dupe) errs.push(duplicate(`${ip}.{topologyKey, whenUnsatisfiable}`, `{${str(c.topologyKey)}, ${wu}}`));
    if (has(c, 'minDomains')) {
      const md = c.minDomains as number;
      if (md <= 0) errs.push(invalid(`${ip}.minDomains`, md, IS_NOT_POSITIVE_ERROR_MSG));
      if (wu !== 'DoNotSchedule')
        errs.push(
          invalid(`${ip}.minDomains`, md, `can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${wu}`),
        );
    }
    for (const f of ['nodeAffinityPolicy', 'nodeTaintsPolicy']) {
      if (has(c, f) && !['Honor', 'Ignore'].includes(str(c[f])))
        errs.push(notSupported(`${ip}.${f}`, str(c[f]), ['Honor', 'Ignore']));
    }
    errs.push(...validateLabelSelector(c.labelSelector, `${ip}.labelSelector`));
  });
  return errs;
}

function validateDNS(spec: Dict, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const policy = str(spec.dnsPolicy);
  const cfgPath = `${path}.dnsConfig`;
  if (policy === 'None' && !isDict(spec.dnsConfig))
    errs.push(required(cfgPath, 'must provide `dnsConfig` when `dnsPolicy` is None'));
  if (!isDict(spec.dnsConfig)) return errs;
  const cfg = spec.dnsConfig;
  const ns = asList(cfg.nameservers).map(str);
  if (policy === 'None' && ns.length === 0)
    errs.push(required(`${cfgPath}.nameservers`, 'must provide at least one DNS nameserver when `dnsPolicy` is None'));
  if (ns.length > 3)
    errs.push(invalid(`${cfgPath}.nameservers`, go(goStringSlice(ns)), 'must not have more than 3 nameservers'));
  ns.forEach((n, i) => {
    if (!isValidIP(n)) errs.push(invalid(`${cfgPath}.nameservers[${i}]`, n, INVALID_IP_MSG));
  });
  const searches = asList(cfg.searches).map(str);
  if (searches.length > 32)
    errs.push(invalid(`${cfgPath}.searches`, go(goStringSlice(searches)), 'must not have more than 32 search paths'));
  searches.forEach((s, i) => {
    const domain = s === '.' ? '' : s.replace(/\.$/, '');
    if (domain) for (const m of isDNS1123Subdomain(domain)) errs.push(invalid(`${cfgPath}.searches[${i}]`, s, m));
  });
  dicts(cfg.options).forEach((o, i) => {
    if (!str(o.name)) errs.push(required(`${cfgPath}.options[${i}]`, 'Option.Name must not be empty'));
  });
  return errs;
}

// ---- PodSpec -----------------------------------------------------------------------------------

export interface PodSpecOptions {
  /** Volume names that also count as mountable (StatefulSet volumeClaimTemplates). */
  extraVolumes?: string[];
}

/** `ValidatePodSpec`. */
export function validatePodSpec(specIn: unknown, path: string, opts: PodSpecOptions = {}): FieldError[] {
  const spec = asDict(specIn);
  const errs: FieldError[] = [];
  const { names: volumes, errs: vErrs } = validateVolumes(spec.volumes, `${path}.volumes`);
  for (const v of opts.extraVolumes ?? []) volumes.add(v);
  errs.push(...vErrs);
  errs.push(...validateContainers(spec.containers, volumes, `${path}.containers`));
  errs.push(...validateInitContainers(spec.initContainers, spec.containers, volumes, `${path}.initContainers`));
  if (spec.hostNetwork === true) {
    for (const key of ['containers', 'initContainers']) {
      dicts(spec[key]).forEach((c, ci) => {
        dicts(c.ports).forEach((p, pi) => {
          if (p.hostPort !== undefined && p.hostPort !== p.containerPort) {
            errs.push(
              invalid(
                `${path}.${key}[${ci}].ports[${pi}].hostPort`,
                p.hostPort,
                'must match `containerPort` when `hostNetwork` is true',
              ),
            );
          }
        });
      });
    }
  }
  const rp = str(spec.restartPolicy);
  if (!rp) errs.push(required(`${path}.restartPolicy`));
  else if (!['Always', 'OnFailure', 'Never'].includes(rp))
    errs.push(notSupported(`${path}.restartPolicy`, rp, ['Always', 'OnFailure', 'Never']));
  const dp = str(spec.dnsPolicy);
  if (!dp) errs.push(required(`${path}.dnsPolicy`));
  else if (!['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'].includes(dp)) {
    errs.push(notSupported(`${path}.dnsPolicy`, dp, ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None']));
  }
  errs.push(...validateLabels(spec.nodeSelector, `${path}.nodeSelector`));
  if (isDict(spec.securityContext)) {
    const sc = spec.securityContext;
    const scp = `${path}.securityContext`;
    for (const f of ['runAsUser', 'runAsGroup', 'fsGroup']) {
      const v = sc[f];
      if (typeof v === 'number' && (v < 0 || v > MAX_INT32))
        errs.push(invalid(`${scp}.${f}`, v, inclusiveRangeError(0, MAX_INT32)));
    }
    asList(sc.supplementalGroups).forEach((g, i) => {
      if (typeof g === 'number' && (g < 0 || g > MAX_INT32))
        errs.push(invalid(`${scp}.supplementalGroups[${i}]`, g, inclusiveRangeError(0, MAX_INT32)));
    });
  }
  errs.push(...validateAffinity(spec.affinity, `${path}.affinity`));
  errs.push(...validateDNS(spec, path));
  dicts(spec.readinessGates).forEach((g, i) => {
    errs.push(...qualifiedName(str(g.conditionType), `${path}.readinessGates[${i}].conditionType`));
  });
  errs.push(...validateTopologySpreadConstraints(spec.topologySpreadConstraints, `${path}.topologySpreadConstraints`));
  const sa = str(spec.serviceAccountName);
  if (sa) for (const m of nameIsDNSSubdomain(sa)) errs.push(invalid(`${path}.serviceAccountName`, sa, m));
  const node = str(spec.nodeName);
  if (node) for (const m of nameIsDNSSubdomain(node)) errs.push(invalid(`${path}.nodeName`, node, m));
  if (
    typeof spec.activeDeadlineSeconds === 'number' &&
    (spec.activeDeadlineSeconds < 1 || spec.activeDeadlineSeconds > MAX_INT32)
  ) {
    errs.push(invalid(`${path}.activeDeadlineSeconds`, spec.activeDeadlineSeconds, inclusiveRangeError(1, MAX_INT32)));
  }
  if (str(spec.hostname)) errs.push(...dns1123Label(str(spec.hostname), `${path}.hostname`));
  if (str(spec.subdomain)) errs.push(...dns1123Label(str(spec.subdomain), `${path}.subdomain`));
  errs.push(...validateTolerations(spec.tolerations, `${path}.tolerations`));
  dicts(spec.hostAliases).forEach((a, i) => {
    const ip = `${path}.hostAliases[${i}]`;
    if (!isValidIP(str(a.ip))) errs.push(invalid(`${ip}.ip`, str(a.ip), INVALID_IP_MSG));
    asList(a.hostnames).forEach((h, j) => {
      errs.push(...dns1123Subdomain(str(h), `${ip}.hostnames[${j}]`));
    });
  });
  const pcn = str(spec.priorityClassName);
  if (pcn) for (const m of nameIsDNSSubdomain(pcn)) errs.push(invalid(`${path}.priorityClassName`, pcn, m));
  if (has(spec, 'runtimeClassName'))
    for (const m of nameIsDNSSubdomain(str(spec.runtimeClassName)))
      errs.push(invalid(`${path}.runtimeClassName`, str(spec.runtimeClassName), m));
  if (has(spec, 'preemptionPolicy') && !['Never', 'PreemptLowerPriority'].includes(str(spec.preemptionPolicy))) {
    errs.push(notSupported(`${path}.preemptionPolicy`, str(spec.preemptionPolicy), ['Never', 'PreemptLowerPriority']));
  }
  const gates = new Set<string>();
  dicts(spec.schedulingGates).forEach((g, i) => {
    const gp = `${path}.schedulingGates[${i}].name`;
    const name = str(g.name);
    errs.push(...qualifiedName(name, gp));
    if (gates.has(name)) errs.push(duplicate(gp, name));
    gates.add(name);
  });
  return errs;
}

/** `ValidatePodTemplateSpec` at `path` (`spec.template`). */
export function validatePodTemplateSpec(template: unknown, path: string, opts: PodSpecOptions = {}): FieldError[] {
  const t = asDict(template);
  const meta = asDict(t.metadata);
  const errs: FieldError[] = [];
  errs.push(...validateLabels(meta.labels, `${path}.labels`));
  errs.push(...validateAnnotations(meta.annotations, `${path}.annotations`));
  errs.push(...validatePodSpec(t.spec, `${path}.spec`, opts));
  if (asList(asDict(t.spec).ephemeralContainers).length > 0) {
    errs.push(forbidden(`${path}.spec.ephemeralContainers`, 'ephemeral containers not allowed in pod template'));
  }
  return errs;
}

/** `ValidatePodCreate`. */
export function validatePodCreate(pod: Dict): FieldError[] {
  const errs = validateObjectMetaRest(pod.metadata, true);
  const spec = asDict(pod.spec);
  errs.push(...validatePodSpec(spec, 'spec'));
  if (asList(spec.ephemeralContainers).length > 0)
    errs.push(forbidden('spec.ephemeralContainers', 'cannot be set on create'));
  if (str(spec.nodeName) && asList(spec.schedulingGates).length > 0) {
    errs.push(forbidden('spec.nodeName', 'cannot be set until all schedulingGates have been cleared'));
  }
  return errs;
}

// ---- updates -----------------------------------------------------------------------------------

const UPDATABLE_POD_SPEC_FIELDS = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

/** Go field names of the internal PodSpec, for the diff in the "pod updates may not change" error. */
function goFieldName(k: string): string {
  const special: Record<string, string> = {
    dnsPolicy: 'DNSPolicy',
    dnsConfig: 'DNSConfig',
    hostPID: 'HostPID',
    hostIPC: 'HostIPC',
    os: 'OS',
    imagePullSecrets: 'ImagePullSecrets',
    nodeSelector: 'NodeSelector',
  };
  return special[k] ?? `${k.charAt(0).toUpperCase()}${k.slice(1)}`;
}

function goValue(v: unknown): string {
  if (v === undefined || v === null) return 'nil';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `{${v.map(goValue).join(', ')}}`;
  const d = asDict(v);
  return `{${Object.entries(d)
    .map(([k, x]) => `${goFieldName(k)}: ${goValue(x)}`)
    .join(', ')}}`;
}

/** A short diff of two pod specs in the spirit of go-cmp's report (which upstream prints). */
function specDiff(old: Dict, next: Dict): string {
  const keys = [...new Set([...Object.keys(old), ...Object.keys(next)])].sort();
  const lines = ['  core.PodSpec{'];
  let same = 0;
  const flush = () => {
    if (same) lines.push(`  \t... // ${same} identical field${same === 1 ? '' : 's'}`);
    same = 0;
  };
  for (const k of keys) {
    if (semanticEqual(old[k], next[k])) {
      same++;
      continue;
    }
    flush();
    if (old[k] !== undefined) lines.push(`- \t${goFieldName(k)}: ${goValue(old[k])},`);
    if (next[k] !== undefined) lines.push(`+ \t${goFieldName(k)}: ${goValue(next[k])},`);
  }
  flush();
  lines.push('  }');
  return `${lines.join('\n')}\n`;
}

function validateOnlyAddedTolerations(next: unknown, old: unknown, path: string): FieldError[] {
  const nt = dicts(next);
  for (const o of dicts(old)) {
    const found = nt.some((n) => semanticEqual({ ...o, tolerationSeconds: n.tolerationSeconds }, n));
    if (!found) return [forbidden(path, 'existing toleration can not be modified except its tolerationSeconds')];
  }
  return validateTolerations(next, path);
}

/** `ValidatePodUpdate`: only images, activeDeadlineSeconds, tolerations (additions) and gates may change. */
export function validatePodUpdate(pod: Dict, old: Dict): FieldError[] {
  const errs = validateObjectMetaUpdate(pod.metadata, old.metadata);
  const spec = asDict(pod.spec);
  const oldSpec = asDict(old.spec);
  errs.push(...validateObjectMetaRest(pod.metadata, true));
  errs.push(...validatePodSpec(spec, 'spec'));
  for (const key of ['containers', 'initContainers']) {
    const nc = dicts(spec[key]);
    const oc = dicts(oldSpec[key]);
    if (nc.length !== oc.length) {
      errs.push(forbidden(`spec.${key}`, 'pod updates may not add or remove containers'));
      return errs;
    }
    nc.forEach((c, i) => {
      const image = str(c.image);
      if (!image) errs.push(required(`spec.${key}[${i}].image`));
      if (image.trim() !== image)
        errs.push(invalid(`spec.${key}[${i}].image`, image, 'must not have leading or trailing whitespace'));
    });
  }
  const ads = spec.activeDeadlineSeconds;
  if (typeof ads === 'number') {
    if (ads < 0 || ads > MAX_INT32) {
      errs.push(invalid('spec.activeDeadlineSeconds', ads, inclusiveRangeError(0, MAX_INT32)));
      return errs;
    }
    if (typeof oldSpec.activeDeadlineSeconds === 'number' && oldSpec.activeDeadlineSeconds < ads) {
      errs.push(invalid('spec.activeDeadlineSeconds', ads, 'must be less than or equal to previous value'));
      return errs;
    }
  } else if (typeof oldSpec.activeDeadlineSeconds === 'number') {
    errs.push(
      invalid('spec.activeDeadlineSeconds', go('null'), 'must not update from a positive integer to nil value'),
    );
  }
  errs.push(...validateOnlyAddedTolerations(spec.tolerations, oldSpec.tolerations, 'spec.tolerations'));
  const oldGates = dicts(oldSpec.schedulingGates).map((g) => str(g.name));
  for (const g of dicts(spec.schedulingGates).map((x) => str(x.name))) {
    if (!oldGates.includes(g)) {
      errs.push(forbidden('spec.schedulingGates', `only deletion is allowed, but found new scheduling gate '${g}'`));
      break;
    }
  }
  if (semanticEqual(spec, oldSpec)) return errs;
  // Munge the fields that may change, then compare what is left.
  const munged: Dict = structuredClone(spec);
  for (const key of ['containers', 'initContainers']) {
    const oc = dicts(oldSpec[key]);
    munged[key] = dicts(munged[key]).map((c, i) => ({ ...c, image: oc[i]?.image }));
  }
  munged.activeDeadlineSeconds = oldSpec.activeDeadlineSeconds;
  munged.schedulingGates = oldSpec.schedulingGates;
  munged.tolerations = oldSpec.tolerations;
  if (
    typeof oldSpec.terminationGracePeriodSeconds === 'number' &&
    oldSpec.terminationGracePeriodSeconds < 0 &&
    munged.terminationGracePeriodSeconds === 1
  ) {
    munged.terminationGracePeriodSeconds = oldSpec.terminationGracePeriodSeconds;
  }
  if (oldGates.length > 0 && isDict(munged.nodeSelector) && isDict(oldSpec.nodeSelector)) {
    const onlyAdded = Object.entries(oldSpec.nodeSelector).every(([k, v]) => (munged.nodeSelector as Dict)[k] === v);
    if (onlyAdded) munged.nodeSelector = oldSpec.nodeSelector;
  }
  if (!semanticEqual(munged, oldSpec)) {
    errs.push(
      forbidden(
        'spec',
        `pod updates may not change fields other than ${UPDATABLE_POD_SPEC_FIELDS.join(',')}\n${specDiff(oldSpec, munged)}`,
      ),
    );
  }
  return errs;
}
