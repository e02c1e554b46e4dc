/**
 * Defaulting and validation of API objects, with upstream's field paths and error texts
 * (pkg/apis/<group>/v1/defaults.go, pkg/apis/<group>/validation/validation.go,
 * apimachinery/pkg/util/validation). Entry points used by kube-apiserver's pipeline:
 *
 *   decodeError      → 400 `<Kind> in version "v1" cannot be handled as a <Kind>: <error>`
 *   unknownFields    → fieldValidation=Strict/Warn
 *   applyDefaults    → SetObjectDefaults_<Kind>
 *   validateName     → metadata.name (and generateName) rules of the kind
 *   validateCreate   → ValidateXxx (everything but metadata.name)
 *   validateUpdate   → ValidateXxxUpdate (immutable fields, then the create rules)
 *
 * The detailed rules live in validation-*.ts; the schema in schema*.ts; defaults in defaults.ts.
 */
import { setObjectDefaults } from './defaults.ts';
import { validateObjectName } from './names.ts';
import { findDecodeError, findUnknownFields } from './schema.ts';
import { dropTypeDependentFields, patchAllocatedValues } from './strategy.ts';
import type { FieldError, KObject, ResourceInfo } from './types.ts';
import {
  validateDaemonSet,
  validateDaemonSetUpdate,
  validateDeployment,
  validateDeploymentUpdate,
  validateReplicaSet,
  validateReplicaSetUpdate,
  validateStatefulSet,
  validateStatefulSetUpdate,
} from './validation-apps.ts';
import { validateCronJob, validateCronJobUpdate, validateJob, validateJobUpdate } from './validation-batch.ts';
import { type Dict, validateObjectMetaRest, validateObjectMetaUpdate } from './validation-common.ts';
import {
  validateConfigMap,
  validateConfigMapUpdate,
  validateCoreEvent,
  validateEndpointSlice,
  validateEndpoints,
  validateEventsV1Event,
  validateLease,
  validateNamespace,
  validateNamespaceUpdate,
  validateNode,
  validateNodeUpdate,
  validateSecret,
  validateSecretUpdate,
  validateService,
  validateServiceAccount,
  validateServiceUpdate,
} from './validation-core.ts';
import { validatePodCreate, validatePodUpdate } from './validation-pod.ts';

export { DNS1123_LABEL_MSG, DNS1123_SUBDOMAIN_MSG } from './validation-messages.ts';

/** Upstream's object-name rule per resource: `metadata.name` errors (empty name: Required). */
export function validateName(info: ResourceInfo, name: string): FieldError[] {
  return validateObjectName(info, name);
}

/** Sets upstream's defaults on a new or updated object (SetObjectDefaults_*), in place. */
export function applyDefaults(info: ResourceInfo, obj: KObject): void {
  setObjectDefaults(info, obj);
}

const key = (info: ResourceInfo) => `${info.group}/${info.resource}`;

/** Validation on create (ValidateXxx). `metadata.name` is checked by the caller via validateName. */
export function validateCreate(info: ResourceInfo, obj: KObject): FieldError[] {
  const o = obj as Dict;
  switch (key(info)) {
    case '/pods':
      return validatePodCreate(o);
    case '/services':
      return validateService(o);
    case '/namespaces':
      return validateNamespace(o);
    case '/nodes':
      return validateNode(o);
    case '/endpoints':
      return validateEndpoints(o);
    case '/configmaps':
      return validateConfigMap(o);
    case '/secrets':
      return validateSecret(o);
    case '/serviceaccounts':
      return validateServiceAccount(o);
    case '/events':
      return validateCoreEvent(o);
    case 'events.k8s.io/events':
      return validateEventsV1Event(o);
    case 'coordination.k8s.io/leases':
      return validateLease(o);
    case 'discovery.k8s.io/endpointslices':
      return validateEndpointSlice(o);
    case 'apps/deployments':
      return validateDeployment(o);
    case 'apps/replicasets':
      return validateReplicaSet(o);
    case 'apps/daemonsets':
      return validateDaemonSet(o);
    case 'apps/statefulsets':
      return validateStatefulSet(o);
    case 'batch/jobs':
      return validateJob(o);
    case 'batch/cronjobs':
      return validateCronJob(o);
    default:
      return validateObjectMetaRest(o.metadata, info.namespaced);
  }
}

/**
 * Validation on update (ValidateXxxUpdate): metadata immutability, the kind's immutable fields
 * (selectors, pod specs, clusterIPs, Secret type, ...), then the create rules on the new object.
 */
export function validateUpdate(info: ResourceInfo, obj: KObject, old: KObject): FieldError[] {
  const o = obj as Dict;
  const prev = old as Dict;
  const createRules = (errs: FieldError[]) => errs.filter((e) => e.field !== 'metadata.name');
  switch (key(info)) {
    case '/pods':
      return validatePodUpdate(o, prev);
    case '/services': {
      // Validate as the REST storage would see it after patchAllocatedValues/dropTypeDependentFields.
      const next = structuredClone(obj);
      patchAllocatedValues(next, old);
      dropTypeDependentFields(next, old);
      return validateServiceUpdate(next as Dict, prev);
    }
    case '/namespaces':
      return validateNamespaceUpdate(o, prev);
    case '/nodes':
      return validateNodeUpdate(o, prev);
    case '/configmaps':
      return validateConfigMapUpdate(o, prev);
    case '/secrets':
      return validateSecretUpdate(o, prev);
    case 'discovery.k8s.io/endpointslices':
      return [...validateObjectMetaUpdate(o.metadata, prev.metadata), ...validateEndpointSlice(o, prev)];
    case 'apps/deployments':
      return validateDeploymentUpdate(o, prev);
    case 'apps/replicasets':
      return validateReplicaSetUpdate(o, prev);
    case 'apps/daemonsets':
      return validateDaemonSetUpdate(o, prev);
    case 'apps/statefulsets':
      return validateStatefulSetUpdate(o, prev);
    case 'batch/jobs':
      return validateJobUpdate(o, prev);
    case 'batch/cronjobs':
      return validateCronJobUpdate(o, prev);
    default:
      return [
        ...validateObjectMetaUpdate(o.metadata, prev.metadata),
        ...createRules(validateCreate(info, obj)).filter((e) => !e.field.startsWith('metadata.')),
      ];
  }
}

/** Field paths of `obj` that the schema of `info` does not know (for fieldValidation=Strict/Warn). */
export function unknownFields(info: ResourceInfo, obj: KObject): string[] {
  return findUnknownFields(info, obj);
}

/**
 * The error Go's JSON decoder reports for a value of the wrong type (`json: cannot unmarshal
 * string into Go struct field DeploymentSpec.spec.replicas of type int32`), a malformed quantity
 * or bad base64 in Secret data; undefined if the object decodes. Upstream answers 400 BadRequest
 * with `<Kind> in version "<version>" cannot be handled as a <Kind>: <this>`.
 */
export function decodeError(info: ResourceInfo, obj: KObject): string | undefined {
  return findDecodeError(info, obj);
}
