/**
 * batch/v1 validation (pkg/apis/batch/validation/validation.go): Job and CronJob, including the
 * cron schedule parser's error texts (robfig/cron v3 ParseStandard, which upstream uses).
 */
import { go, goLabelSelector, goStringMap } from './gofmt.ts';
import { labelSelectorAsSelector, matchesLabels, validateLabelSelector, validateLabels } from './labels.ts';
import type { FieldError } from './types.ts';
import {
  asDict,
  asList,
  type Dict,
  dicts,
  has,
  immutable,
  invalid,
  isDict,
  nonNegative,
  notSupported,
  required,
  semanticEqual,
  str,
  validateAnnotations,
  validateObjectMetaRest,
  validateObjectMetaUpdate,
} from './validation-common.ts';
import { validatePodTemplateSpec } from './validation-pod.ts';

const MAX_PARALLELISM_FOR_INDEXED_JOB = 100000;

// ---- cron --------------------------------------------------------------------------------------

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const MONTH_NAMES = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};
const DOW_NAMES = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const CRON_BOUNDS: Bounds[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: MONTH_NAMES },
  { min: 0, max: 6, names: DOW_NAMES },
];

class CronError extends Error {}

function mustParseInt(expr: string): number {
  if (!/^[+-]?[0-9]+$/.test(expr))
    throw new CronError(
      `failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: invalid syntax`,
    );
  const n = Number.parseInt(expr, 10);
  if (!Number.isSafeInteger(n))
    throw new CronError(
      `failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: value out of range`,
    );
  if (n < 0) throw new CronError(`negative number (${n}) not allowed: ${expr}`);
  return n;
}

function parseIntOrName(expr: string, names?: Record<string, number>): number {
  const named = names?.[expr.toLowerCase()];
  return named !== undefined ? named : mustParseInt(expr);
}

function checkRange(expr: string, r: Bounds): void {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = (rangeAndStep[0] as string).split('-');
  let start: number;
  let end: number;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = r.min;
    end = r.max;
  } else {
    start = parseIntOrName(lowAndHigh[0] as string, r.names);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1] as string, r.names);
    else throw new CronError(`too many hyphens: ${expr}`);
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = mustParseInt(rangeAndStep[1] as string);
    if (lowAndHigh.length === 1) end = r.max;
  } else if (rangeAndStep.length > 2) throw new CronError(`too many slashes: ${expr}`);
  if (start < r.min) throw new CronError(`beginning of range (${start}) below minimum (${r.min}): ${expr}`);
  if (end > r.max) throw new CronError(`end of range (${end}) above maximum (${r.max}): ${expr}`);
  if (start > end) throw new CronError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new CronError(`step of range should be a positive number: ${expr}`);
}

const DURATION = /^([0-9]+(\.[0-9]*)?(ns|us|µs|ms|s|m|h))+$/;

/** robfig/cron v3 `ParseStandard`: returns the error text, or undefined when the schedule parses. */
export function cronParseError(specIn: string): string | undefined {
  let spec = specIn;
  try {
    if (spec.length === 0) throw new CronError('empty spec string');
    if (spec.startsWith('TZ=') || spec.startsWith('CRON_TZ=')) {
      const i = spec.indexOf(' ');
      spec = i < 0 ? '' : spec.slice(i).trim();
    }
    if (spec.startsWith('@')) {
      if (['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'].includes(spec))
        return undefined;
      if (spec.startsWith('@every ')) {
        const d = spec.slice('@every '.length);
        if (!DURATION.test(d))
          throw new CronError(`failed to parse duration ${spec}: time: invalid duration ${JSON.stringify(d)}`);
        return undefined;
      }
      throw new CronError(`unrecognized descriptor: ${spec}`);
    }
    const fields = spec.split(/\s+/).filter((f) => f.length > 0);
    if (fields.length !== 5)
      throw new CronError(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
    fields.forEach((f, i) => {
      for (const expr of f.split(',').filter((x) => x.length > 0)) checkRange(expr, CRON_BOUNDS[i] as Bounds);
    });
    return undefined;
  } catch (e) {
    if (e instanceof CronError) return e.message;
    throw e;
  }
}

function isKnownTimeZone(tz: string): boolean {
  if (tz === 'UTC' || tz === 'GMT') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function validateTimeZone(tz: unknown, path: string): FieldError[] {
  if (tz === undefined || tz === null) return [];
  const s = str(tz);
  if (s.length === 0) return [invalid(path, s, 'timeZone must be nil or non-empty string')];
  for (const part of s.split('/')) {
    if (part === '.' || part === '..' || part.startsWith('-') || !/^[A-Za-z.\-_0-9+]{1,14}$/.test(part))
      return [invalid(path, s, `unknown time zone ${s}`)];
  }
  const errs: FieldError[] = [];
  if (s.toLowerCase() === 'local')
    errs.push(invalid(path, s, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones'));
  else if (!isKnownTimeZone(s)) errs.push(invalid(path, s, `unknown time zone ${s}`));
  return errs;
}

// ---- Job ---------------------------------------------------------------------------------------

function validateJobSpecCommon(spec: Dict, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of [
    'parallelism',
    'completions',
    'activeDeadlineSeconds',
    'backoffLimit',
    'ttlSecondsAfterFinished',
    'backoffLimitPerIndex',
    'maxFailedIndexes',
  ]) {
    errs.push(...nonNegative(spec[f], `${path}.${f}`));
  }
  if (has(spec, 'completionMode')) {
    const mode = str(spec.completionMode);
    if (mode !== 'NonIndexed' && mode !== 'Indexed')
      errs.push(notSupported(`${path}.completionMode`, mode, ['NonIndexed', 'Indexed']));
    if (mode === 'Indexed') {
      if (!has(spec, 'completions')) errs.push(required(`${path}.completions`, 'when completion mode is Indexed'));
      if (typeof spec.parallelism === 'number' && spec.parallelism > MAX_PARALLELISM_FOR_INDEXED_JOB) {
        errs.push(
          invalid(
            `${path}.parallelism`,
            spec.parallelism,
            `must be less than or equal to ${MAX_PARALLELISM_FOR_INDEXED_JOB} when completion mode is Indexed`,
          ),
        );
      }
    }
  }
  if (has(spec, 'backoffLimitPerIndex') && str(spec.completionMode) !== 'Indexed') {
    errs.push(
      required(`${path}.completionMode`, 'when backoffLimitPerIndex is specified, completionMode must be Indexed'),
    );
  }
  if (has(spec, 'podReplacementPolicy')) {
    const prp = str(spec.podReplacementPolicy);
    if (prp !== 'TerminatingOrFailed' && prp !== 'Failed')
      errs.push(notSupported(`${path}.podReplacementPolicy`, prp, ['TerminatingOrFailed', 'Failed']));
    else if (isDict(spec.podFailurePolicy) && prp !== 'Failed') {
      errs.push(notSupported(`${path}.podReplacementPolicy`, prp, ['Failed']));
    }
  }
  if (isDict(spec.podFailurePolicy)) {
    const rules = dicts(spec.podFailurePolicy.rules);
    rules.forEach((rule, i) => {
      const rp = `${path}.podFailurePolicy.rules[${i}]`;
      const action = str(rule.action);
      if (!['Ignore', 'FailIndex', 'FailJob', 'Count'].includes(action))
        errs.push(notSupported(`${rp}.action`, action, ['Count', 'FailIndex', 'FailJob', 'Ignore']));
      const hasCodes = isDict(rule.onExitCodes);
      const hasConds = asList(rule.onPodConditions).length > 0;
      if (hasCodes && hasConds)
        errs.push(
          invalid(
            rp,
            go('batch.PodFailurePolicyRule{...}'),
            'specifying both OnExitCodes and OnPodConditions is not supported',
          ),
        );
      if (!hasCodes && !hasConds)
        errs.push(
          invalid(
            rp,
            go('batch.PodFailurePolicyRule{...}'),
            'specifying one of OnExitCodes and OnPodConditions is required',
          ),
        );
      if (hasCodes) {
        const ec = asDict(rule.onExitCodes);
        const op = str(ec.operator);
        if (op !== 'In' && op !== 'NotIn') errs.push(notSupported(`${rp}.onExitCodes.operator`, op, ['In', 'NotIn']));
        const values = asList(ec.values).map(Number);
        if (values.length === 0) errs.push(required(`${rp}.onExitCodes.values`, 'at least one value is required'));
        values.forEach((v, j) => {
          if (op === 'In' && v === 0)
            errs.push(invalid(`${rp}.onExitCodes.values[${j}]`, v, 'must not be 0 for the In operator'));
          if (j > 0 && v <= (values[j - 1] as number))
            errs.push(invalid(`${rp}.onExitCodes.values[${j}]`, v, 'must be ordered'));
        });
      }
    });
  }
  errs.push(...validatePodTemplateSpec(spec.template, `${path}.template`));
  const rp = str(asDict(asDict(spec.template).spec).restartPolicy);
  if (rp === 'Always' || rp === '')
    errs.push(required(`${path}.template.spec.restartPolicy`, 'valid values: "OnFailure", "Never"'));
  else if (rp !== 'OnFailure' && rp !== 'Never')
    errs.push(notSupported(`${path}.template.spec.restartPolicy`, rp, ['OnFailure', 'Never']));
  else if (isDict(spec.podFailurePolicy) && rp !== 'Never') {
    errs.push(
      invalid(
        `${path}.template.spec.restartPolicy`,
        rp,
        'only "Never" is supported when podFailurePolicy is specified',
      ),
    );
  }
  return errs;
}

/**
 * `ValidateJobSpec`. Without manualSelector the registry generates the selector and template labels
 * from the Job's UID (strategy.ts generateJobSelector); a Job that still lacks them is checked as
 * if they were there.
 */
function validateJobSpec(spec: Dict, selectorGenerated: boolean): FieldError[] {
  const errs = validateJobSpecCommon(spec, 'spec');
  if (!isDict(spec.selector)) {
    if (!selectorGenerated) errs.push(required('spec.selector'));
  } else {
    errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  }
  if (isDict(spec.selector)) {
    const sel = labelSelectorAsSelector(spec.selector as never);
    const labels = asDict(asDict(spec.template).metadata).labels;
    if (typeof sel !== 'string' && !matchesLabels(sel, isDict(labels) ? (labels as Record<string, string>) : {})) {
      errs.push(
        invalid(
          'spec.template.metadata.labels',
          go(goStringMap(labels)),
          '`selector` does not match template `labels`',
        ),
      );
    }
  }
  return errs;
}

export function validateJob(job: Dict): FieldError[] {
  const spec = asDict(job.spec);
  const generated = spec.manualSelector !== true;
  return [...validateObjectMetaRest(job.metadata, true), ...validateJobSpec(spec, generated)];
}

export function validateJobUpdate(job: Dict, old: Dict): FieldError[] {
  const spec = asDict(job.spec);
  const oldSpec = asDict(old.spec);
  const errs = validateObjectMetaUpdate(job.metadata, old.metadata);
  errs.push(...validateJobSpec(spec, !isDict(oldSpec.selector) && spec.manualSelector !== true));
  errs.push(...immutable(spec.selector, oldSpec.selector, 'spec.selector', goLabelSelector(spec.selector)));
  // The template may change only while the job is suspended and has not started (scheduling directives).
  const mutableTemplate = spec.suspend === true && !has(asDict(old.status), 'startTime');
  if (!mutableTemplate && !semanticEqual(spec.template, oldSpec.template)) {
    errs.push(
      invalid(
        'spec.template',
        go('core.PodTemplateSpec{ObjectMeta:v1.ObjectMeta{...}, Spec:core.PodSpec{...}}'),
        'field is immutable',
      ),
    );
  }
  errs.push(...immutable(spec.completions, oldSpec.completions, 'spec.completions', spec.completions ?? go('null')));
  errs.push(...immutable(spec.completionMode, oldSpec.completionMode, 'spec.completionMode', str(spec.completionMode)));
  errs.push(
    ...immutable(
      spec.podFailurePolicy,
      oldSpec.podFailurePolicy,
      'spec.podFailurePolicy',
      go('&batch.PodFailurePolicy{...}'),
    ),
  );
  errs.push(
    ...immutable(
      spec.backoffLimitPerIndex,
      oldSpec.backoffLimitPerIndex,
      'spec.backoffLimitPerIndex',
      spec.backoffLimitPerIndex ?? go('null'),
    ),
  );
  return errs;
}

// ---- CronJob -----------------------------------------------------------------------------------

function validateCronJobSpec(spec: Dict, oldSpec?: Dict): FieldError[] {
  const errs: FieldError[] = [];
  const schedule = str(spec.schedule);
  if (!schedule) errs.push(required('spec.schedule'));
  else {
    const err = cronParseError(schedule);
    if (err) errs.push(invalid('spec.schedule', schedule, err));
    const allowTZ = oldSpec ? str(oldSpec.schedule).includes('TZ') : false;
    if (allowTZ && schedule.includes('TZ') && has(spec, 'timeZone')) {
      errs.push(invalid('spec.schedule', schedule, 'cannot use both timeZone field and TZ or CRON_TZ in schedule'));
    } else if (!allowTZ && schedule.includes('TZ')) {
      errs.push(invalid('spec.schedule', schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
    }
  }
  errs.push(...nonNegative(spec.startingDeadlineSeconds, 'spec.startingDeadlineSeconds'));
  if (!oldSpec || spec.timeZone !== oldSpec.timeZone) errs.push(...validateTimeZone(spec.timeZone, 'spec.timeZone'));
  const cp = str(spec.concurrencyPolicy);
  if (!cp) errs.push(required('spec.concurrencyPolicy'));
  else if (!['Allow', 'Forbid', 'Replace'].includes(cp))
    errs.push(notSupported('spec.concurrencyPolicy', cp, ['Allow', 'Forbid', 'Replace']));
  // ValidateJobTemplateSpec
  const jt = asDict(spec.jobTemplate);
  const jmeta = asDict(jt.metadata);
  errs.push(...validateLabels(jmeta.labels, 'spec.jobTemplate.metadata.labels'));
  errs.push(...validateAnnotations(jmeta.annotations, 'spec.jobTemplate.metadata.annotations'));
  const jspec = asDict(jt.spec);
  errs.push(...validateJobSpecCommon(jspec, 'spec.jobTemplate.spec'));
  if (jspec.manualSelector === true)
    errs.push(notSupported('spec.jobTemplate.spec.manualSelector', true, ['nil', 'false']));
  errs.push(...nonNegative(spec.successfulJobsHistoryLimit, 'spec.successfulJobsHistoryLimit'));
  errs.push(...nonNegative(spec.failedJobsHistoryLimit, 'spec.failedJobsHistoryLimit'));
  return errs;
}

export function validateCronJob(cj: Dict): FieldError[] {
  const errs = validateObjectMetaRest(cj.metadata, true);
  const name = str(asDict(cj.metadata).name);
  // Jobs get a name suffix of 11 characters; the whole must fit in a DNS-1035 label.
  if (name.length > 52) errs.push(invalid('metadata.name', name, 'must be no more than 52 characters'));
  errs.push(...validateCronJobSpec(asDict(cj.spec)));
  return errs;
}

export function validateCronJobUpdate(cj: Dict, old: Dict): FieldError[] {
  return [
    ...validateObjectMetaUpdate(cj.metadata, old.metadata),
    ...validateCronJobSpec(asDict(cj.spec), asDict(old.spec)),
  ];
}
