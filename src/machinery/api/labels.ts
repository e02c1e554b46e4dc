/**
 * Label selectors as apimachinery implements them: the string syntax of `?labelSelector=` and
 * `kubectl -l` (labels/selector.go: lexer, parser, requirements, error texts), matching, the
 * `metav1.LabelSelector` struct used in specs (LabelSelectorAsSelector) and its validation
 * (meta/v1/validation ValidateLabelSelector), and label map validation (ValidateLabels).
 */
import { aggregateFieldErrors } from './errors.ts';
import { isQualifiedName, isValidLabelValue } from './names.ts';
import type { FieldError } from './types.ts';

export type SelectorOperator = 'in' | 'notin' | '=' | '==' | '!=' | 'gt' | 'lt' | 'exists' | '!';

export interface Requirement {
  key: string;
  operator: SelectorOperator;
  /** Sorted, as `sets.String.List()` gives them to NewRequirement. */
  values: string[];
}

/**
 * A parsed selector: requirements sorted by key, all of which must hold. `nothing` is the selector
 * of a nil `metav1.LabelSelector`, which matches no object at all.
 */
export interface LabelSelector {
  requirements: Requirement[];
  nothing?: boolean;
}

/** A selector string that does not parse; the message is upstream's (served as a 400 BadRequest). */
export class SelectorError extends Error {}

const BINARY_OPERATORS = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];
const ALL_OPERATORS = [...BINARY_OPERATORS, 'exists', '!'];

// ---- NewRequirement ----------------------------------------------------------------------------

function validateLabelKey(key: string, path: string): FieldError | undefined {
  const msgs = isQualifiedName(key);
  return msgs.length ? { type: 'FieldValueInvalid', field: path, badValue: key, detail: msgs.join('; ') } : undefined;
}

/** `labels.NewRequirement` with its checks; returns the error text (an aggregate) or the requirement. */
export function newRequirement(
  key: string,
  operator: SelectorOperator,
  values: string[],
  path = '<nil>',
): Requirement | string {
  const errs: FieldError[] = [];
  const child = (c: string) => (path === '<nil>' ? c : `${path}.${c}`);
  const keyErr = validateLabelKey(key, child('key'));
  if (keyErr) errs.push(keyErr);
  const valuePath = child('values');
  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0)
        errs.push({
          type: 'FieldValueInvalid',
          field: valuePath,
          badValue: values,
          detail: "for 'in', 'notin' operators, values set can't be empty",
        });
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1)
        errs.push({
          type: 'FieldValueInvalid',
          field: valuePath,
          badValue: values,
          detail: 'exact-match compatibility requires one single value',
        });
      break;
    case 'exists':
    case '!':
      if (values.length !== 0)
        errs.push({
          type: 'FieldValueInvalid',
          field: valuePath,
          badValue: values,
          detail: 'values set must be empty for exists and does not exist',
        });
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1)
        errs.push({
          type: 'FieldValueInvalid',
          field: valuePath,
          badValue: values,
          detail: "for 'Gt', 'Lt' operators, exactly one value is required",
        });
      values.forEach((v, i) => {
        if (!/^[+-]?[0-9]+$/.test(v))
          errs.push({
            type: 'FieldValueInvalid',
            field: `${valuePath}[${i}]`,
            badValue: v,
            detail: "for 'Gt', 'Lt' operators, the value must be an integer",
          });
      });
      break;
    default:
      errs.push({
        type: 'FieldValueNotSupported',
        field: child('operator'),
        badValue: operator,
        detail: `supported values: ${ALL_OPERATORS.map((o) => JSON.stringify(o)).join(', ')}`,
      });
  }
  values.forEach((v, i) => {
    const msgs = isValidLabelValue(v);
    if (msgs.length)
      errs.push({
        type: 'FieldValueInvalid',
        field: `${valuePath}[${i}][${key}]`,
        badValue: v,
        detail: msgs.join('; '),
      });
  });
  if (errs.length) return aggregateFieldErrors(errs);
  return { key, operator, values };
}

// ---- lexer -------------------------------------------------------------------------------------

type Tok = 'error' | 'eos' | ')' | ',' | '!' | '==' | '=' | '>' | 'id' | 'in' | '<' | '!=' | 'notin' | '(';

const STRING_TO_TOKEN: Record<string, Tok> = {
  ')': ')',
  ',': ',',
  '!': '!',
  '==': '==',
  '=': '=',
  '>': '>',
  in: 'in',
  '<': '<',
  '!=': '!=',
  notin: 'notin',
  '(': '(',
};

const isWhitespace = (c: string) => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isSpecial = (c: string) => '=!(),><'.includes(c) && c !== '';

function lex(s: string): { tok: Tok; lit: string }[] {
  const out: { tok: Tok; lit: string }[] = [];
  let pos = 0;
  const read = () => (pos < s.length ? (s[pos++] as string) : '');
  for (;;) {
    let ch = read();
    while (ch !== '' && isWhitespace(ch)) ch = read();
    if (ch === '') {
      out.push({ tok: 'eos', lit: '' });
      return out;
    }
    if (isSpecial(ch)) {
      pos--;
      let buf = '';
      let last: { tok: Tok; lit: string } | undefined;
      for (;;) {
        const c = read();
        if (c === '') break;
        if (isSpecial(c)) {
          buf += c;
          const t = STRING_TO_TOKEN[buf];
          if (t) last = { tok: t, lit: buf };
          else if (last) {
            pos--;
            break;
          }
        } else {
          pos--;
          break;
        }
      }
      out.push(last ?? { tok: 'error', lit: `error expected: keyword found '${buf}'` });
    } else {
      pos--;
      let buf = '';
      for (;;) {
        const c = read();
        if (c === '') break;
        if (isSpecial(c) || isWhitespace(c)) {
          pos--;
          break;
        }
        buf += c;
      }
      const t = STRING_TO_TOKEN[buf];
      out.push({ tok: t ?? 'id', lit: buf });
    }
  }
}

// ---- parser ------------------------------------------------------------------------------------

class Parser {
  private position = 0;
  constructor(private readonly items: { tok: Tok; lit: string }[]) {}

  private get(values: boolean, advance: boolean): { tok: Tok; lit: string } {
    const item = this.items[this.position] ?? { tok: 'eos' as Tok, lit: '' };
    if (advance) this.position++;
    const tok = values && (item.tok === 'in' || item.tok === 'notin') ? 'id' : item.tok;
    return { tok, lit: item.lit };
  }
  lookahead(values = true) {
    return this.get(values, false);
  }
  consume(values = true) {
    return this.get(values, true);
  }

  parse(): Requirement[] {
    const reqs: Requirement[] = [];
    for (;;) {
      const { tok, lit } = this.lookahead();
      if (tok === 'id' || tok === '!') {
        let r: Requirement;
        try {
          r = this.parseRequirement();
        } catch (e) {
          throw new SelectorError(`unable to parse requirement: ${(e as Error).message}`);
        }
        reqs.push(r);
        const t = this.consume();
        if (t.tok === 'eos') return reqs;
        if (t.tok === ',') {
          const t2 = this.lookahead();
          if (t2.tok !== 'id' && t2.tok !== '!')
            throw new SelectorError(`found '${t2.lit}', expected: identifier after ','`);
        } else {
          throw new SelectorError(`found '${t.lit}', expected: ',' or 'end of string'`);
        }
      } else if (tok === 'eos') {
        return reqs;
      } else {
        throw new SelectorError(`found '${lit}', expected: !, identifier, or 'end of string'`);
      }
    }
  }

  private parseRequirement(): Requirement {
    const { key, operator } = this.parseKeyAndInferOperator();
    if (operator === 'exists' || operator === '!') return this.make(key, operator, []);
    const op = this.parseOperator();
    const values = op === 'in' || op === 'notin' ? this.parseValues() : this.parseExactValue();
    return this.make(key, op, [...new Set(values)].sort());
  }

  private make(key: string, op: SelectorOperator, values: string[]): Requirement {
    const r = newRequirement(key, op, values);
    if (typeof r === 'string') throw new Error(r);
    return r;
  }

  private parseKeyAndInferOperator(): { key: string; operator?: SelectorOperator } {
    let operator: SelectorOperator | undefined;
    let t = this.consume();
    if (t.tok === '!') {
      operator = '!';
      t = this.consume();
    }
    if (t.tok !== 'id') throw new Error(`found '${t.lit}', expected: identifier`);
    const err = validateLabelKey(t.lit, '<nil>');
    if (err) throw new Error(aggregateFieldErrors([err]));
    const next = this.lookahead().tok;
    if ((next === 'eos' || next === ',') && operator !== '!') operator = 'exists';
    return operator ? { key: t.lit, operator } : { key: t.lit };
  }

  private parseOperator(): SelectorOperator {
    const t = this.consume(false);
    switch (t.tok) {
      case 'in':
        return 'in';
      case '=':
        return '=';
      case '==':
        return '==';
      case '>':
        return 'gt';
      case '<':
        return 'lt';
      case 'notin':
        return 'notin';
      case '!=':
        return '!=';
      default:
        throw new Error(`found '${t.lit}', expected: ${BINARY_OPERATORS.join(', ')}`);
    }
  }

  private parseValues(): string[] {
    const t = this.consume();
    if (t.tok !== '(') throw new Error(`found '${t.lit}' expected: '('`);
    const { tok, lit } = this.lookahead();
    if (tok === 'id' || tok === ',') {
      const s = this.parseIdentifiersList();
      if (this.consume().tok !== ')') throw new Error(`found '${lit}', expected: ')'`);
      return s;
    }
    if (tok === ')') {
      this.consume();
      return [''];
    }
    throw new Error(`found '${lit}', expected: ',', ')' or identifier`);
  }

  private parseIdentifiersList(): string[] {
    const s = new Set<string>();
    for (;;) {
      const t = this.consume();
      if (t.tok === 'id') {
        s.add(t.lit);
        const t2 = this.lookahead();
        if (t2.tok === ',') continue;
        if (t2.tok === ')') return [...s];
        throw new Error(`found '${t2.lit}', expected: ',' or ')'`);
      }
      if (t.tok === ',') {
        if (s.size === 0) s.add('');
        const t2 = this.lookahead();
        if (t2.tok === ')') {
          s.add('');
          return [...s];
        }
        if (t2.tok === ',') s.add('');
        continue;
      }
      throw new Error(`found '${t.lit}', expected: ',', or identifier`);
    }
  }

  private parseExactValue(): string[] {
    const la = this.lookahead();
    if (la.tok === 'eos' || la.tok === ',') return [''];
    const t = this.consume();
    if (t.tok === 'id') return [t.lit];
    throw new Error(`found '${t.lit}', expected: identifier`);
  }
}

/** `labels.Parse`: throws SelectorError with upstream's message. The empty string selects everything. */
export function parseLabelSelector(s: string): LabelSelector {
  const reqs = new Parser(lex(s)).parse();
  reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { requirements: reqs };
}

// ---- matching ----------------------------------------------------------------------------------

function requirementMatches(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, r.key);
  const v = labels[r.key];
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return has && r.values.includes(v as string);
    case 'notin':
    case '!=':
      return !has || !r.values.includes(v as string);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has || !/^[+-]?[0-9]+$/.test(v as string) || r.values.length !== 1) return false;
      const a = BigInt(v as string);
      const b = BigInt(r.values[0] as string);
      return r.operator === 'gt' ? a > b : a < b;
    }
  }
  return false;
}

/** Does the selector select an object with these labels? */
export function matchesLabels(sel: LabelSelector, labels: Record<string, string> | undefined | null): boolean {
  if (sel.nothing) return false;
  const l = labels ?? {};
  return sel.requirements.every((r) => requirementMatches(r, l));
}

/** `Requirement.String()` / `Selector.String()`: the canonical text (`app=web,tier in (a,b)`). */
export function labelSelectorString(sel: LabelSelector): string {
  return sel.requirements
    .map((r) => {
      const vals = r.values.length === 1 ? (r.values[0] as string) : [...r.values].sort().join(',');
      switch (r.operator) {
        case 'exists':
          return r.key;
        case '!':
          return `!${r.key}`;
        case 'in':
          return `${r.key} in (${vals})`;
        case 'notin':
          return `${r.key} notin (${vals})`;
        case 'gt':
          return `${r.key}>${vals}`;
        case 'lt':
          return `${r.key}<${vals}`;
        default:
          return `${r.key}${r.operator}${vals}`;
      }
    })
    .join(',');
}

// ---- metav1.LabelSelector ----------------------------------------------------------------------

export interface LabelSelectorRequirementSpec {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | string;
  values?: string[];
}

export interface LabelSelectorSpec {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirementSpec[];
}

/**
 * `metav1.LabelSelectorAsSelector`: nil selects nothing, an empty selector everything. Returns the
 * error text for an invalid one.
 */
export function labelSelectorAsSelector(ps: LabelSelectorSpec | null | undefined): LabelSelector | string {
  if (ps === null || ps === undefined) return { requirements: [], nothing: true };
  const reqs: Requirement[] = [];
  for (const [k, v] of Object.entries(ps.matchLabels ?? {})) {
    const r = newRequirement(k, '=', [v]);
    if (typeof r === 'string') return r;
    reqs.push(r);
  }
  for (const e of ps.matchExpressions ?? []) {
    const op = ({ In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' } as Record<string, SelectorOperator>)[
      e.operator
    ];
    if (!op) return `${JSON.stringify(e.operator)} is not a valid label selector operator`;
    const r = newRequirement(e.key, op, [...(e.values ?? [])]);
    if (typeof r === 'string') return r;
    reqs.push(r);
  }
  reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { requirements: reqs };
}

/** Does a spec selector (`spec.selector` of a Deployment, say) select these labels? */
export function selectorSpecMatches(
  ps: LabelSelectorSpec | null | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  const sel = labelSelectorAsSelector(ps);
  return typeof sel !== 'string' && matchesLabels(sel, labels);
}

/** `metav1validation.ValidateLabels`: each key a qualified name, each value a label value. */
export function validateLabels(labels: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (typeof labels !== 'object' || labels === null) return errs;
  for (const [k, v] of Object.entries(labels as Record<string, unknown>)) {
    for (const detail of isQualifiedName(k)) errs.push({ type: 'FieldValueInvalid', field: path, badValue: k, detail });
    for (const detail of isValidLabelValue(String(v ?? '')))
      errs.push({ type: 'FieldValueInvalid', field: path, badValue: String(v ?? ''), detail });
  }
  return errs;
}

/** `metav1validation.ValidateLabelSelector` (label values in expressions are checked). */
export function validateLabelSelector(ps: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (typeof ps !== 'object' || ps === null) return errs;
  const sel = ps as LabelSelectorSpec;
  errs.push(...validateLabels(sel.matchLabels, `${path}.matchLabels`));
  (sel.matchExpressions ?? []).forEach((e, i) => {
    const p = `${path}.matchExpressions[${i}]`;
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0)
          errs.push({
            type: 'FieldValueRequired',
            field: `${p}.values`,
            detail: "must be specified when `operator` is 'In' or 'NotIn'",
          });
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0)
          errs.push({
            type: 'FieldValueForbidden',
            field: `${p}.values`,
            detail: "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
          });
        break;
      default:
        errs.push({
          type: 'FieldValueInvalid',
          field: `${p}.operator`,
          badValue: String(e.operator ?? ''),
          detail: 'not a valid selector operator',
        });
    }
    for (const detail of isQualifiedName(String(e.key ?? '')))
      errs.push({ type: 'FieldValueInvalid', field: `${p}.key`, badValue: String(e.key ?? ''), detail });
    values.forEach((v, j) => {
      for (const detail of isValidLabelValue(String(v)))
        errs.push({ type: 'FieldValueInvalid', field: `${p}.values[${j}]`, badValue: String(v), detail });
    });
  });
  return errs;
}
