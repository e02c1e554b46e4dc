/**
 * Go struct field order for the built-in types kubectl re-encodes from typed structs (the pod
 * template `rollout undo` patches back, generated objects): fields in declaration order, unknown
 * ones after them, and the non-omitempty zero values Go writes (`creationTimestamp: null`,
 * `resources: {}`).
 */

// biome-ignore lint/suspicious/noExplicitAny: JSON values.
type Any = any;

/** field, element-or-struct type, and the value written when absent (for non-omitempty fields). */
type Field = [string, string?, unknown?];

const NONE = undefined;

const TYPES: Record<string, Field[]> = {
  ObjectMeta: [
    ['name'],
    ['generateName'],
    ['namespace'],
    ['selfLink'],
    ['uid'],
    ['resourceVersion'],
    ['generation'],
    ['creationTimestamp', NONE, null],
    ['deletionTimestamp'],
    ['deletionGracePeriodSeconds'],
    ['labels'],
    ['annotations'],
    ['ownerReferences'],
    ['finalizers'],
    ['managedFields'],
  ],
  PodTemplateSpec: [
    ['metadata', 'ObjectMeta', {}],
    ['spec', 'PodSpec', {}],
  ],
  PodSpec: [
    ['volumes', 'Volume[]'],
    ['initContainers', 'Container[]'],
    ['containers', 'Container[]', null],
    ['ephemeralContainers'],
    ['restartPolicy'],
    ['terminationGracePeriodSeconds'],
    ['activeDeadlineSeconds'],
    ['dnsPolicy'],
    ['nodeSelector'],
    ['serviceAccountName'],
    ['serviceAccount'],
    ['automountServiceAccountToken'],
    ['nodeName'],
    ['hostNetwork'],
    ['hostPID'],
    ['hostIPC'],
    ['shareProcessNamespace'],
    ['securityContext'],
    ['imagePullSecrets'],
    ['hostname'],
    ['subdomain'],
    ['affinity'],
    ['schedulerName'],
    ['tolerations', 'Toleration[]'],
    ['hostAliases'],
    ['priorityClassName'],
    ['priority'],
    ['dnsConfig'],
    ['readinessGates'],
    ['runtimeClassName'],
    ['enableServiceLinks'],
    ['preemptionPolicy'],
    ['overhead'],
    ['topologySpreadConstraints'],
    ['setHostnameAsFQDN'],
    ['os'],
    ['hostUsers'],
    ['schedulingGates'],
    ['resourceClaims'],
    ['resources'],
  ],
  Container: [
    ['name'],
    ['image'],
    ['command'],
    ['args'],
    ['workingDir'],
    ['ports', 'ContainerPort[]'],
    ['envFrom'],
    ['env', 'EnvVar[]'],
    ['resources', 'ResourceRequirements', {}],
    ['resizePolicy'],
    ['restartPolicy'],
    ['volumeMounts', 'VolumeMount[]'],
    ['volumeDevices'],
    ['livenessProbe', 'Probe'],
    ['readinessProbe', 'Probe'],
    ['startupProbe', 'Probe'],
    ['lifecycle'],
    ['terminationMessagePath'],
    ['terminationMessagePolicy'],
    ['imagePullPolicy'],
    ['securityContext'],
    ['stdin'],
    ['stdinOnce'],
    ['tty'],
  ],
  ContainerPort: [['name'], ['hostPort'], ['containerPort'], ['protocol'], ['hostIP']],
  EnvVar: [['name'], ['value'], ['valueFrom']],
  ResourceRequirements: [['limits'], ['requests'], ['claims']],
  VolumeMount: [
    ['name'],
    ['readOnly'],
    ['recursiveReadOnly'],
    ['mountPath'],
    ['subPath'],
    ['mountPropagation'],
    ['subPathExpr'],
  ],
  Probe: [
    ['exec'],
    ['httpGet', 'HTTPGetAction'],
    ['tcpSocket'],
    ['grpc'],
    ['initialDelaySeconds'],
    ['timeoutSeconds'],
    ['periodSeconds'],
    ['successThreshold'],
    ['failureThreshold'],
    ['terminationGracePeriodSeconds'],
  ],
  HTTPGetAction: [['path'], ['port'], ['host'], ['scheme'], ['httpHeaders']],
  Toleration: [['key'], ['operator'], ['value'], ['effect'], ['tolerationSeconds']],
  Volume: [['name']],
  Scale: [
    ['kind'],
    ['apiVersion'],
    ['metadata', 'ObjectMeta', {}],
    ['spec', 'ScaleSpec', {}],
    ['status', 'ScaleStatus', { replicas: 0 }],
  ],
  ScaleSpec: [['replicas']],
  ScaleStatus: [['replicas', NONE, 0], ['selector']],
};

/** Re-encodes a value as the Go struct `type` would marshal it. */
export function typed(value: unknown, type: string): unknown {
  if (type.endsWith('[]')) {
    if (!Array.isArray(value)) return value;
    const el = type.slice(0, -2);
    return value.map((v) => typed(v, el));
  }
  const fields = TYPES[type];
  if (!fields || value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const v = value as Record<string, Any>;
  const out: Record<string, unknown> = {};
  for (const [name, sub, zero] of fields) {
    if (Object.hasOwn(v, name)) out[name] = sub ? typed(v[name], sub) : v[name];
    else if (zero !== undefined) out[name] = zero;
  }
  for (const k of Object.keys(v)) if (!Object.hasOwn(out, k)) out[k] = v[k];
  return out;
}
