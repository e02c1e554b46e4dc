/**
 * client-go's JSONPath dialect (`k8s.io/client-go/util/jsonpath`), as `kubectl -o jsonpath=` runs
 * it: text outside `{}` is copied, each action's results are printed separated by spaces, maps and
 * lists print as compact JSON, `{range …}{end}` loops, filters `[?(@.a == "b")]` compare one value
 * at a time, and missing keys are allowed (kubectl sets AllowMissingKeys).
 */
import { goSprint } from './gofmt.ts';
import { goJSON } from './json.ts';

type Node =
  | { t: 'text'; v: string }
  | { t: 'list'; nodes: Node[] }
  | { t: 'field'; name: string }
  | { t: 'ident'; name: string }
  | { t: 'array'; params: [Param, Param, Param] }
  | { t: 'filter'; left: Node; right: Node; op: string }
  | { t: 'int'; v: number }
  | { t: 'float'; v: number }
  | { t: 'bool'; v: boolean }
  | { t: 'wildcard' }
  | { t: 'recursive' }
  | { t: 'union'; lists: Node[] };

interface Param {
  value: number;
  known: boolean;
  derived: boolean;
}

export class JSONPathError extends Error {}

const EOF = '';

function isTerminator(r: string): boolean {
  return r === EOF || r === ' ' || r === '\t' || r === '\r' || r === '\n' || '.,[]$@{}'.includes(r);
}

/** strconv.Unquote plus single-quoted strings (jsonpath's UnquoteExtend). */
function unquote(s: string): string {
  if (s.length < 2) throw new Error('invalid syntax');
  const q = s[0];
  if ((q !== '"' && q !== "'") || s[s.length - 1] !== q) throw new Error('invalid syntax');
  const body = s.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = body[++i];
    const simple: Record<string, string> = {
      n: '\n',
      t: '\t',
      r: '\r',
      '\\': '\\',
      '"': '"',
      "'": "'",
      a: '\x07',
      b: '\b',
      f: '\f',
      v: '\v',
    };
    if (n !== undefined && simple[n] !== undefined) out += simple[n];
    else if (n === 'x') {
      out += String.fromCharCode(Number.parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (n === 'u') {
      out += String.fromCharCode(Number.parseInt(body.slice(i + 1, i + 5), 16));
      i += 4;
    } else throw new Error('invalid syntax');
  }
  return out;
}

class Parser {
  pos = 0;
  start = 0;
  private width = 0;
  constructor(
    readonly name: string,
    readonly input: string,
  ) {}

  next(): string {
    if (this.pos >= this.input.length) {
      this.width = 0;
      return EOF;
    }
    this.width = 1;
    return this.input[this.pos++] as string;
  }
  backup(): void {
    this.pos -= this.width;
  }
  peek(): string {
    return this.input[this.pos] ?? EOF;
  }
  consume(): string {
    const s = this.input.slice(this.start, this.pos);
    this.start = this.pos;
    return s;
  }

  parse(): Node[] {
    const root: Node[] = [];
    this.parseText(root);
    return root;
  }

  parseText(cur: Node[]): void {
    for (;;) {
      if (this.input.startsWith('{', this.pos)) {
        if (this.pos > this.start) cur.push({ t: 'text', v: this.consume() });
        this.parseLeftDelim(cur);
        return;
      }
      if (this.next() === EOF) break;
    }
    if (this.pos > this.start) cur.push({ t: 'text', v: this.consume() });
  }

  parseLeftDelim(cur: Node[]): void {
    this.pos += 1;
    this.consume();
    const list: Node[] = [];
    cur.push({ t: 'list', nodes: list });
    this.parseInsideAction(list);
    // parseRightDelim continues the text of the parent.
    this.parseText(cur);
  }

  parseInsideAction(cur: Node[]): void {
    for (;;) {
      if (this.input.startsWith('}', this.pos)) {
        this.pos += 1;
        this.consume();
        return;
      }
      if (this.input.startsWith('[?(', this.pos)) {
        this.parseFilter(cur);
        continue;
      }
      if (this.input.startsWith('..', this.pos)) {
        this.pos += 1;
        this.consume();
        cur.push({ t: 'recursive' });
        continue;
      }
      const r = this.next();
      if (r === EOF || r === '\n' || r === '\r') throw new JSONPathError('unclosed action');
      if (r === ' ') this.consume();
      else if (r === '@' || r === '$') this.consume();
      else if (r === '[') this.parseArray(cur);
      else if (r === '"' || r === "'") this.parseQuote(cur, r);
      else if (r === '.') this.parseField(cur);
      else if (r === '+' || r === '-' || /\d/.test(r)) {
        this.backup();
        this.parseNumber(cur);
      } else if (/[\p{L}\p{Nd}_]/u.test(r)) {
        this.backup();
        this.parseIdentifier(cur);
      } else {
        const cp = r.codePointAt(0) as number;
        throw new JSONPathError(
          `unrecognized character in action: U+${cp.toString(16).toUpperCase().padStart(4, '0')} '${r}'`,
        );
      }
    }
  }

  parseIdentifier(cur: Node[]): void {
    for (;;) {
      const r = this.next();
      if (isTerminator(r)) {
        this.backup();
        break;
      }
    }
    const value = this.consume();
    if (['1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) {
      cur.push({ t: 'bool', v: ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value) });
    } else cur.push({ t: 'ident', name: value });
  }

  parseNumber(cur: Node[]): void {
    const r = this.peek();
    if (r === '+' || r === '-') this.next();
    for (;;) {
      const c = this.next();
      if (c !== '.' && !/\d/.test(c)) {
        this.backup();
        break;
      }
    }
    const value = this.consume();
    if (/^[-+]?\d+$/.test(value)) cur.push({ t: 'int', v: Number(value) });
    else if (/^[-+]?(\d+\.?\d*|\.\d+)$/.test(value)) cur.push({ t: 'float', v: Number(value) });
    else throw new JSONPathError(`cannot parse number ${value}`);
  }

  parseArray(cur: Node[]): void {
    for (;;) {
      const r = this.next();
      if (r === EOF || r === '\n') throw new JSONPathError('unterminated array');
      if (r === ']') break;
    }
    let text = this.consume().slice(1, -1);
    if (text === '*') text = ':';
    const strs = text.split(',');
    if (strs.length > 1) {
      const lists = strs.map((s) => {
        const p = new Parser('union', `[${s.trim()}]`);
        const list: Node[] = [];
        p.parseArray0(list);
        return { t: 'list', nodes: list } as Node;
      });
      cur.push({ t: 'union', lists });
      return;
    }
    const dict = /^'([^']*)'$/.exec(text);
    if (dict) {
      const p = new Parser('arraydict', `.${dict[1]}}`);
      const list: Node[] = [];
      p.parseInsideAction(list);
      cur.push(...list);
      return;
    }
    const m = /^(-?\d*)(:-?\d*)?(:-?\d*)?$/.exec(text);
    if (!m) throw new JSONPathError(`invalid array index ${text}`);
    const raw = [m[1] ?? '', m[2] ?? '', m[3] ?? ''];
    const params: Param[] = [];
    for (let i = 0; i < 3; i++) {
      let v = raw[i] as string;
      if (v !== '') {
        if (i > 0) v = v.slice(1);
        if (i > 0 && v === '') params.push({ value: 0, known: false, derived: false });
        else params.push({ value: Number(v), known: true, derived: false });
      } else if (i === 1) params.push({ value: (params[0] as Param).value + 1, known: true, derived: true });
      else params.push({ value: 0, known: false, derived: false });
    }
    cur.push({ t: 'array', params: params as [Param, Param, Param] });
  }

  /** Parses a bracketed element on its own (used for union members). */
  parseArray0(cur: Node[]): void {
    this.next();
    this.parseArray(cur);
  }

  parseQuote(cur: Node[], end: string): void {
    for (;;) {
      const r = this.next();
      if (r === EOF || r === '\n') throw new JSONPathError('unterminated quoted string');
      if (r === '\\') {
        const n = this.next();
        if (n === EOF || n === '\n') throw new JSONPathError('unterminated quoted string');
        continue;
      }
      if (r === end) break;
    }
    const value = this.consume();
    try {
      cur.push({ t: 'text', v: unquote(value) });
    } catch (e) {
      throw new JSONPathError(`unquote string ${value} error ${(e as Error).message}`);
    }
  }

  parseField(cur: Node[]): void {
    this.consume();
    for (;;) {
      const r = this.next();
      if (r === '\\') {
        this.next();
        continue;
      }
      if (isTerminator(r)) {
        this.backup();
        break;
      }
    }
    const value = this.consume();
    if (value === '*') cur.push({ t: 'wildcard' });
    else cur.push({ t: 'field', name: value.replaceAll('\\', '') });
  }

  parseFilter(cur: Node[]): void {
    this.pos += 3;
    this.consume();
    let begin = false;
    let end = false;
    let pair = '';
    for (;;) {
      const r = this.next();
      if (r === EOF || r === '\n') throw new JSONPathError('unterminated filter');
      if (r === '"' || r === "'") {
        if (!begin) {
          begin = true;
          pair = r;
          continue;
        }
        if (this.input[this.pos - 2] !== '\\' && r === pair) end = true;
      } else if (r === ')') {
        if (begin && !end) continue;
        if (this.peek() !== ']') throw new JSONPathError('unclosed array expect ]');
        break;
      }
    }
    this.backup();
    const value = this.consume();
    this.pos += 2;
    this.consume();
    const m = /^([^!<>=]+)([!<>=]+)(.+?)$/.exec(value);
    const sub = (s: string): Node => {
      const list: Node[] = [];
      new Parser('filter', `${s}}`).parseInsideAction(list);
      return { t: 'list', nodes: list };
    };
    if (!m) cur.push({ t: 'filter', left: sub(value), right: { t: 'list', nodes: [] }, op: 'exists' });
    else cur.push({ t: 'filter', left: sub(m[1] as string), right: sub(m[3] as string), op: m[2] as string });
  }
}

// biome-ignore lint/suspicious/noExplicitAny: JSON values.
type V = any;

function isMap(v: V): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function kindOf(v: V): string {
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  return 'other';
}

function compare(left: V, right: V, op: string): boolean {
  const lk = kindOf(left);
  const rk = kindOf(right);
  const numeric = (lk === 'int' || lk === 'float') && (rk === 'int' || rk === 'float');
  if (!numeric && lk !== rk) throw new JSONPathError('incompatible types for comparison');
  if (op === '==') return left === right;
  if (op === '!=') return left !== right;
  if (lk === 'bool' || lk === 'other') throw new JSONPathError('invalid type for comparison');
  switch (op) {
    case '<':
      return left < right;
    case '>':
      return left > right;
    case '<=':
      return left <= right;
    case '>=':
      return left >= right;
  }
  throw new JSONPathError(`unrecognized filter operator ${op}`);
}

export class JSONPath {
  private root: Node[] = [];
  private inRange = 0;
  private beginRange = 0;
  private endRange = 0;
  private lastEnd: Node | undefined;
  allowMissingKeys = true;

  constructor(readonly template: string) {}

  parse(): this {
    this.root = new Parser('', this.template).parse();
    return this;
  }

  private walk(input: V[], node: Node): V[] {
    switch (node.t) {
      case 'list':
        return this.evalList(input, node.nodes);
      case 'text':
        return [node.v];
      case 'field':
        return this.evalField(input, node.name);
      case 'array':
        return this.evalArray(input, node.params);
      case 'filter':
        return this.evalFilter(input, node);
      case 'int':
      case 'float':
      case 'bool':
        return [node.v];
      case 'wildcard':
        return this.evalWildcard(input);
      case 'recursive':
        return this.evalRecursive(input);
      case 'union': {
        const out: V[] = [];
        for (const l of node.lists) out.push(...this.walk(input, l));
        return out;
      }
      case 'ident':
        if (node.name === 'range') {
          this.beginRange++;
          return input;
        }
        if (node.name === 'end') {
          if (this.inRange > 0) {
            this.endRange++;
            return [];
          }
          throw new JSONPathError('not in range, nothing to end');
        }
        throw new JSONPathError(`unrecognized identifier ${node.name}`);
    }
  }

  private evalList(input: V[], nodes: Node[]): V[] {
    let cur = input;
    for (const n of nodes) cur = this.walk(cur, n);
    return cur;
  }

  private evalField(input: V[], name: string): V[] {
    if (input.length === 0) return [];
    if (name === '') return input.filter((v) => v !== null && v !== undefined);
    const out: V[] = [];
    for (const v of input) {
      if (isMap(v) && Object.hasOwn(v, name)) out.push(v[name]);
    }
    if (out.length === 0 && !this.allowMissingKeys) throw new JSONPathError(`${name} is not found`);
    return out;
  }

  private evalArray(input: V[], params: [Param, Param, Param]): V[] {
    const out: V[] = [];
    for (const value of input) {
      if (value === null || value === undefined) continue;
      if (!Array.isArray(value)) throw new JSONPathError(`${typeName(value)} is not array or slice`);
      const p = params.map((x) => ({ ...x }));
      const [a, b, c] = p as [Param, Param, Param];
      const len = value.length;
      if (!a.known) a.value = 0;
      if (a.value < 0) a.value += len;
      if (!b.known) b.value = len;
      if (b.value < 0 || (b.value === 0 && b.derived)) b.value += len;
      if (b.value === a.value) return out;
      if (a.value >= len || a.value < 0)
        throw new JSONPathError(`array index out of bounds: index ${a.value}, length ${len}`);
      if (b.value > len || b.value < 0)
        throw new JSONPathError(`array index out of bounds: index ${b.value - 1}, length ${len}`);
      if (a.value > b.value)
        throw new JSONPathError(`starting index ${a.value} is greater than ending index ${b.value}`);
      const slice = value.slice(a.value, b.value);
      let step = 1;
      if (c.known) {
        if (c.value <= 0) throw new JSONPathError('step must be > 0');
        step = c.value;
      }
      for (let i = 0; i < slice.length; i += step) out.push(slice[i]);
    }
    return out;
  }

  private evalFilter(input: V[], node: Extract<Node, { t: 'filter' }>): V[] {
    const out: V[] = [];
    for (const value of input) {
      if (!Array.isArray(value))
        throw new JSONPathError(`${goSprint(value)} is not array or slice and cannot be filtered`);
      for (const item of value) {
        let lefts: V[];
        try {
          lefts = this.walk([item], node.left);
        } catch (e) {
          if (node.op === 'exists') continue;
          throw e;
        }
        if (node.op === 'exists') {
          if (lefts.length > 0) out.push(item);
          continue;
        }
        if (lefts.length === 0) continue;
        if (lefts.length > 1) throw new JSONPathError('can only compare one element at a time');
        const rights = this.walk([item], node.right);
        if (rights.length === 0) continue;
        if (rights.length > 1) throw new JSONPathError('can only compare one element at a time');
        if (compare(lefts[0], rights[0], node.op)) out.push(item);
      }
    }
    return out;
  }

  private evalWildcard(input: V[]): V[] {
    const out: V[] = [];
    for (const v of input) {
      if (Array.isArray(v)) out.push(...v);
      else if (isMap(v)) for (const k of Object.keys(v).sort()) out.push(v[k]);
    }
    return out;
  }

  private evalRecursive(input: V[]): V[] {
    const out: V[] = [];
    for (const v of input) {
      let children: V[] = [];
      if (isMap(v))
        children = Object.keys(v)
          .sort()
          .map((k) => v[k]);
      else if (Array.isArray(v)) children = [...v];
      if (children.length > 0) {
        out.push(v);
        out.push(...this.evalRecursive(children));
      }
    }
    return out;
  }

  /** FindResults: one result list per printed action, with range loops unrolled. */
  findResults(data: V, nodes: Node[] = this.root): V[][] {
    const full: V[][] = [];
    const cur = [data];
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i] as Node;
      const results = this.walk(cur, node);
      if (this.endRange > 0 && this.endRange <= this.inRange) {
        this.endRange--;
        this.lastEnd = node;
        break;
      }
      if (this.beginRange > 0) {
        this.beginRange--;
        this.inRange++;
        const rest = nodes.slice(i + 1);
        if (results.length > 0) for (const v of results) full.push(...this.findResults(v, rest));
        else this.findResults(null, rest);
        this.inRange--;
        for (let k = i + 1; k < nodes.length; k++) {
          if (nodes[k] === this.lastEnd) {
            i = k;
            break;
          }
        }
        continue;
      }
      full.push(results);
    }
    return full;
  }

  /** Execute: prints every result list (values joined by spaces, maps and lists as JSON). */
  execute(data: V): string {
    let out = '';
    for (const results of this.findResults(data)) {
      results.forEach((r, i) => {
        let text: string;
        if (Array.isArray(r) || isMap(r)) text = goJSON(r);
        else if (r === null || r === undefined) text = 'null';
        else text = goSprint(r);
        out += i !== results.length - 1 ? `${text} ` : text;
      });
    }
    return out;
  }
}

function typeName(v: V): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (typeof v === 'boolean') return 'bool';
  if (isMap(v)) return 'map[string]interface {}';
  return 'interface {}';
}

/** Parses and runs a template; throws JSONPathError on parse or execution errors. */
export function jsonpath(template: string, data: unknown): string {
  return new JSONPath(template).parse().execute(data);
}
