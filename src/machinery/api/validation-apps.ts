/**
 * apps/v1 validation (pkg/apis/apps/validation/validation.go and the registry strategies'
 * ValidateUpdate): Deployment, ReplicaSet, DaemonSet, StatefulSet.
 */
import { go, goDeploymentStrategy, goIntOrString, goLabelSelector, goStringMap } from './gofmt.ts';
import { labelSelectorAsSelector, matchesLabels, validateLabelSelector } from './labels.ts';
import { isValidPercent } from './names.ts';
import type { FieldError } from './types.ts';
import {
  asDict,
  asList,
  type Dict,
  dicts,
  forbidden,
  has,
  immutable,
  invalid,
  isDict,
  nonNegative,
  notSupported,
  required,
  semanticEqual,
  str,
  validateObjectMetaRest,
  validateObjectMetaUpdate,
} from './validation-common.ts';
import { validatePodTemplateSpec } from './validation-pod.ts';

function templateLabels(spec: Dict): unknown {
  return asDict(asDict(spec.template).metadata).labels;
}

/** `selector` does not match template `labels` (for a nil selector too: it selects nothing). */
function selectorMatchesTemplate(spec: Dict, path: string): FieldError[] {
  const sel = labelSelectorAsSelector(isDict(spec.selector) ? (spec.selector as never) : undefined);
  if (typeof sel === 'string')
    return [invalid(`${path}.selector`, goLabelSelector(spec.selector), 'invalid label selector')];
  const emptySelects = !sel.nothing && sel.requirements.length === 0;
  if (emptySelects) return [];
  const labels = templateLabels(spec);
  if (!matchesLabels(sel, isDict(labels) ? (labels as Record<string, string>) : {})) {
    return [
      invalid(
        `${path}.template.metadata.labels`,
        go(goStringMap(labels)),
        '`selector` does not match template `labels`',
      ),
    ];
  }
  return [];
}

function validateSelectorRequired(spec: Dict, path: string, kind: string): FieldError[] {
  if (!isDict(spec.selector)) return [required(`${path}.selector`)];
  const errs = validateLabelSelector(spec.selector, `${path}.selector`);
  if (Object.keys(asDict(spec.selector.matchLabels)).length + asList(spec.selector.matchExpressions).length === 0) {
    errs.push(invalid(`${path}.selector`, goLabelSelector(spec.selector), `empty selector is invalid for ${kind}`));
  }
  return errs;
}

/** `ValidatePodTemplateSpecForReplicaSet`. */
function validateTemplateForReplicaSet(
  spec: Dict,
  path: string,
  what: string,
  skipSelectorMatch = false,
): FieldError[] {
  const errs: FieldError[] = [];
  if (!skipSelectorMatch) errs.push(...selectorMatchesTemplate(spec, path));
  errs.push(...validatePodTemplateSpec(spec.template, `${path}.template`));
  const tspec = asDict(asDict(spec.template).spec);
  if (str(tspec.restartPolicy) !== 'Always')
    errs.push(notSupported(`${path}.template.spec.restartPolicy`, str(tspec.restartPolicy), ['Always']));
  if (has(tspec, 'activeDeadlineSeconds')) {
    errs.push(
      invalid(
        `${path}.template.spec.activeDeadlineSeconds`,
        tspec.activeDeadlineSeconds,
        `activeDeadlineSeconds in ${what} is not Supported`,
      ),
    );
  }
  return errs;
}

function percentValue(v: unknown): number | undefined {
  return typeof v === 'string' && /^[0-9]+%$/.test(v) ? Number(v.slice(0, -1)) : undefined;
}

function intOrPercentValue(v: unknown): number {
  if (typeof v === 'number') return v;
  return percentValue(v) ?? 0;
}

/** `ValidatePositiveIntOrPercent`. */
function validatePositiveIntOrPercent(v: unknown, path: string): FieldError[] {
  if (typeof v === 'string') return isValidPercent(v).map((m) => invalid(path, goIntOrString(v), m));
  if (typeof v === 'number') return nonNegative(v, path);
  return [];
}

function notMoreThan100Percent(v: unknown, path: string): FieldError[] {
  const p = percentValue(v);
  return p !== undefined && p > 100 ? [invalid(path, goIntOrString(v), 'must not be greater than 100%')] : [];
}

function validateRollingUpdate(ru: Dict, path: string): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, `${path}.maxUnavailable`));
  errs.push(...validatePositiveIntOrPercent(ru.maxSurge, `${path}.maxSurge`));
  if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
    errs.push(invalid(`${path}.maxUnavailable`, goIntOrString(ru.maxUnavailable), 'may not be 0 when `maxSurge` is 0'));
  }
  errs.push(...notMoreThan100Percent(ru.maxUnavailable, `${path}.maxUnavailable`));
  return errs;
}

// ---- Deployment --------------------------------------------------------------------------------

function validateDeploymentSpec(spec: Dict): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...nonNegative(spec.replicas, 'spec.replicas'));
  errs.push(...validateSelectorRequired(spec, 'spec', 'deployment'));
  errs.push(...validateTemplateForReplicaSet(spec, 'spec', 'ReplicaSet'));
  const strategy = asDict(spec.strategy);
  switch (str(strategy.type)) {
    case 'Recreate':
      if (isDict(strategy.rollingUpdate))
        errs.push(forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'"));
      break;
    case 'RollingUpdate':
      if (!isDict(strategy.rollingUpdate))
        errs.push(required('spec.strategy.rollingUpdate', 'this should be defaulted and never be nil'));
      else errs.push(...validateRollingUpdate(strategy.rollingUpdate, 'spec.strategy.rollingUpdate'));
      break;
    default:
      errs.push(notSupported('spec.strategy', goDeploymentStrategy(strategy), ['Recreate', 'RollingUpdate']));
  }
  errs.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  if (typeof spec.progressDeadlineSeconds === 'number') {
    errs.push(...nonNegative(spec.progressDeadlineSeconds, 'spec.progressDeadlineSeconds'));
    if (spec.progressDeadlineSeconds <= (typeof spec.minReadySeconds === 'number' ? spec.minReadySeconds : 0)) {
      errs.push(
        invalid('spec.progressDeadlineSeconds', spec.progressDeadlineSeconds, 'must be greater than minReadySeconds'),
      );
    }
  }
  return errs;
}

export function validateDeployment(d: Dict): FieldError[] {
  return [...validateObjectMetaRest(d.metadata, true), ...validateDeploymentSpec(asDict(d.spec))];
}

export function validateDeploymentUpdate(d: Dict, old: Dict): FieldError[] {
  const spec = asDict(d.spec);
  return [
    ...validateObjectMetaUpdate(d.metadata, old.metadata),
    ...validateDeploymentSpec(spec),
    ...immutable(spec.selector, asDict(old.spec).selector, 'spec.selector', goLabelSelector(spec.selector)),
  ];
}

// ---- ReplicaSet --------------------------------------------------------------------------------

function validateReplicaSetSpec(spec: Dict): FieldError[] {
  return [
    ...nonNegative(spec.replicas, 'spec.replicas'),
    ...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'),
    ...validateSelectorRequired(spec, 'spec', 'deployment'),
    ...validateTemplateForReplicaSet(spec, 'spec', 'ReplicaSet'),
  ];
}

export function validateReplicaSet(rs: Dict): FieldError[] {
  return [...validateObjectMetaRest(rs.metadata, true), ...validateReplicaSetSpec(asDict(rs.spec))];
}

export function validateReplicaSetUpdate(rs: Dict, old: Dict): FieldError[] {
  const spec = asDict(rs.spec);
  return [
    ...validateObjectMetaUpdate(rs.metadata, old.metadata),
    ...validateReplicaSetSpec(spec),
    ...immutable(spec.selector, asDict(old.spec).selector, 'spec.selector', goLabelSelector(spec.selector)),
  ];
}

// ---- DaemonSet ---------------------------------------------------------------------------------

function validateDaemonSetSpec(spec: Dict): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  errs.push(...selectorMatchesTemplate(spec, 'spec'));
  if (
    isDict(spec.selector) &&
    Object.keys(asDict(spec.selector.matchLabels)).length + asList(spec.selector.matchExpressions).length === 0
  ) {
    errs.push(invalid('spec.selector', goLabelSelector(spec.selector), 'empty selector is invalid for daemonset'));
  }
  errs.push(...validatePodTemplateSpec(spec.template, 'spec.template'));
  const tspec = asDict(asDict(spec.template).spec);
  if (str(tspec.restartPolicy) !== 'Always')
    errs.push(notSupported('spec.template.spec.restartPolicy', str(tspec.restartPolicy), ['Always']));
  if (has(tspec, 'activeDeadlineSeconds')) {
    errs.push(
      invalid(
        'spec.template.spec.activeDeadlineSeconds',
        tspec.activeDeadlineSeconds,
        'activeDeadlineSeconds in DaemonSet is not Supported',
      ),
    );
  }
  errs.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  const us = asDict(spec.updateStrategy);
  switch (str(us.type)) {
    case 'OnDelete':
      break;
    case 'RollingUpdate':
      if (!isDict(us.rollingUpdate)) errs.push(required('spec.updateStrategy.rollingUpdate'));
      else {
        const ru = us.rollingUpdate;
        const p = 'spec.updateStrategy.rollingUpdate';
        errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, `${p}.maxUnavailable`));
        errs.push(...validatePositiveIntOrPercent(ru.maxSurge, `${p}.maxSurge`));
        if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
          errs.push(
            invalid(`${p}.maxUnavailable`, goIntOrString(ru.maxUnavailable), 'may not be 0 when `maxSurge` is 0'),
          );
        }
        errs.push(...notMoreThan100Percent(ru.maxUnavailable, `${p}.maxUnavailable`));
        errs.push(...notMoreThan100Percent(ru.maxSurge, `${p}.maxSurge`));
      }
      break;
    default:
      errs.push(
        notSupported(
          'spec.updateStrategy',
          go(
            `apps.DaemonSetUpdateStrategy{Type:${JSON.stringify(str(us.type))}, RollingUpdate:(*apps.RollingUpdateDaemonSet)(nil)}`,
          ),
          ['RollingUpdate', 'OnDelete'],
        ),
      );
  }
  errs.push(...nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  return errs;
}

export function validateDaemonSet(ds: Dict): FieldError[] {
  return [...validateObjectMetaRest(ds.metadata, true), ...validateDaemonSetSpec(asDict(ds.spec))];
}

export function validateDaemonSetUpdate(ds: Dict, old: Dict): FieldError[] {
  const spec = asDict(ds.spec);
  return [
    ...validateObjectMetaUpdate(ds.metadata, old.metadata),
    ...validateDaemonSetSpec(spec),
    ...immutable(spec.selector, asDict(old.spec).selector, 'spec.selector', goLabelSelector(spec.selector)),
  ];
}

// ---- StatefulSet -------------------------------------------------------------------------------

function validateStatefulSetSpec(spec: Dict): FieldError[] {
  const errs: FieldError[] = [];
  const pmp = str(spec.podManagementPolicy);
  if (!pmp) errs.push(required('spec.podManagementPolicy'));
  else if (pmp !== 'OrderedReady' && pmp !== 'Parallel')
    errs.push(invalid('spec.podManagementPolicy', pmp, "must be 'OrderedReady' or 'Parallel'"));
  const us = asDict(spec.updateStrategy);
  switch (str(us.type)) {
    case '':
      errs.push(required('spec.updateStrategy'));
      break;
    case 'OnDelete':
      if (isDict(us.rollingUpdate)) {
        errs.push(
          invalid(
            'spec.updateStrategy.rollingUpdate',
            go('&apps.RollingUpdateStatefulSetStrategy{...}'),
            "only allowed for updateStrategy 'RollingUpdate'",
          ),
        );
      }
      break;
    case 'RollingUpdate':
      if (isDict(us.rollingUpdate)) {
        errs.push(...nonNegative(us.rollingUpdate.partition, 'spec.updateStrategy.rollingUpdate.partition'));
        if (has(us.rollingUpdate, 'maxUnavailable')) {
          const mu = us.rollingUpdate.maxUnavailable;
          errs.push(...validatePositiveIntOrPercent(mu, 'spec.updateStrategy.rollingUpdate.maxUnavailable'));
          if (intOrPercentValue(mu) === 0)
            errs.push(
              invalid('spec.updateStrategy.rollingUpdate.maxUnavailable', goIntOrString(mu), 'must be greater than 0'),
            );
          errs.push(...notMoreThan100Percent(mu, 'spec.updateStrategy.rollingUpdate.maxUnavailable'));
        }
      }
      break;
    default:
      errs.push(
        invalid(
          'spec.updateStrategy',
          go(
            `apps.StatefulSetUpdateStrategy{Type:${JSON.stringify(str(us.type))}, RollingUpdate:(*apps.RollingUpdateStatefulSetStrategy)(nil)}`,
          ),
          "must be 'RollingUpdate' or 'OnDelete'",
        ),
      );
  }
  const retention = asDict(spec.persistentVolumeClaimRetentionPolicy);
  for (const f of ['whenDeleted', 'whenScaled']) {
    const v = str(retention[f]);
    if (isDict(spec.persistentVolumeClaimRetentionPolicy) && v !== 'Retain' && v !== 'Delete') {
      errs.push(notSupported(`spec.persistentVolumeClaimRetentionPolicy.${f}`, v, ['Retain', 'Delete']));
    }
  }
  if (isDict(spec.ordinals)) errs.push(...nonNegative(spec.ordinals.start, 'spec.ordinals.start'));
  errs.push(...nonNegative(spec.replicas, 'spec.replicas'));
  errs.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...validateSelectorRequired(spec, 'spec', 'statefulset'));
  errs.push(...selectorMatchesTemplate(spec, 'spec'));
  // Mounts may name volumeClaimTemplates as well as volumes.
  const claims = dicts(spec.volumeClaimTemplates).map((c) => str(asDict(c.metadata).name));
  errs.push(...validatePodTemplateSpec(spec.template, 'spec.template', { extraVolumes: claims }));
  const tspec = asDict(asDict(spec.template).spec);
  if (str(tspec.restartPolicy) !== 'Always')
    errs.push(notSupported('spec.template.spec.restartPolicy', str(tspec.restartPolicy), ['Always']));
  if (has(tspec, 'activeDeadlineSeconds')) {
    errs.push(
      forbidden('spec.template.spec.activeDeadlineSeconds', 'activeDeadlineSeconds in StatefulSet is not Supported'),
    );
  }
  return errs;
}

export function validateStatefulSet(sts: Dict): FieldError[] {
  return [...validateObjectMetaRest(sts.metadata, true), ...validateStatefulSetSpec(asDict(sts.spec))];
}

const STS_MUTABLE = [
  'replicas',
  'ordinals',
  'template',
  'updateStrategy',
  'revisionHistoryLimit',
  'persistentVolumeClaimRetentionPolicy',
  'minReadySeconds',
];

export function validateStatefulSetUpdate(sts: Dict, old: Dict): FieldError[] {
  const errs = validateObjectMetaUpdate(sts.metadata, old.metadata);
  const spec = asDict(sts.spec);
  const oldSpec = asDict(old.spec);
  const strip = (s: Dict) => Object.fromEntries(Object.entries(s).filter(([k]) => !STS_MUTABLE.includes(k)));
  if (!semanticEqual(strip(spec), strip(oldSpec))) {
    errs.push(
      forbidden(
        'spec',
        "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      ),
    );
  }
  errs.push(...validateStatefulSetSpec(spec));
  return errs;
}
