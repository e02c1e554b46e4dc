/**
 * Problems in the YAML editor's text, with their place: YAML syntax errors found locally with the
 * `yaml` package (before anything is sent), and errors kubectl printed for an apply, mapped back to
 * the field they name by walking the parsed documents (`The Deployment "web" is invalid:
 * spec.replicas: ...`, `strict decoding error: unknown field "spec.replica"`).
 */
import {
  type Document,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type Pair,
  parseAllDocuments,
} from 'yaml';

export interface Problem {
  /** Offsets into the text (from < to, unless the text is empty). */
  from: number;
  to: number;
  /** 1-based. */
  line: number;
  col: number;
  severity: 'error' | 'warning';
  message: string;
}

function parse(text: string): { docs: Document.Parsed[]; lines: LineCounter } {
  const lines = new LineCounter();
  // kubectl reads YAML 1.1 (sigs.k8s.io/yaml over go-yaml v2): `yes`, `on`, 0755 mean what they meant there.
  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, version: '1.1' });
  return { docs: Array.isArray(docs) ? docs : [], lines };
}

function problem(
  text: string,
  lines: LineCounter,
  from: number,
  to: number,
  severity: Problem['severity'],
  message: string,
): Problem {
  const start = Math.max(0, Math.min(from, text.length));
  let end = Math.max(start, Math.min(to, text.length));
  // An error at the end of a line or of the text still needs something to underline.
  if (end === start && start < text.length) end = start + 1;
  const { line, col } = lines.linePos(start);
  return { from: start, to: end, line, col, severity, message };
}

/** YAML errors and warnings, in text order. Errors mean the text would not be sent. */
export function yamlProblems(text: string): Problem[] {
  const { docs, lines } = parse(text);
  const out: Problem[] = [];
  for (const doc of docs) {
    for (const e of doc.errors) out.push(problem(text, lines, e.pos[0], e.pos[1], 'error', firstLine(e.message)));
    for (const w of doc.warnings) out.push(problem(text, lines, w.pos[0], w.pos[1], 'warning', firstLine(w.message)));
  }
  return out.sort((a, b) => a.from - b.from);
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

/** `spec.template.spec.containers[0].ports[0]` → ['spec', 'template', 'spec', 'containers', 0, 'ports', 0]. */
export function splitPath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  let cur = '';
  for (let i = 0; i < path.length; i++) {
    const ch = path[i] as string;
    if (ch === '.') {
      if (cur !== '') out.push(cur);
      cur = '';
    } else if (ch === '[') {
      if (cur !== '') out.push(cur);
      cur = '';
      const close = path.indexOf(']', i);
      const inner = close < 0 ? path.slice(i + 1) : path.slice(i + 1, close);
      out.push(/^\d+$/.test(inner) ? Number(inner) : inner);
      i = close < 0 ? path.length : close;
    } else cur += ch;
  }
  if (cur !== '') out.push(cur);
  return out;
}

interface Found {
  /** The node the path reached, or the deepest one on the way. */
  node: Node | null;
  /** The map entry that holds it, when it is a map value. */
  pair: Pair | undefined;
  complete: boolean;
}

/** Walks a document along a field path, stopping at the deepest node that exists. */
function walk(doc: Document.Parsed, path: (string | number)[]): Found {
  let node = doc.contents as Node | null;
  let pair: Pair | undefined;
  for (const [i, seg] of path.entries()) {
    if (isMap(node)) {
      const next = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!next) return { node, pair, complete: false };
      pair = next;
      node = (next.value as Node | null) ?? null;
      // `key:` with nothing after it: the path ends at the key.
      if (node === null) return { node, pair, complete: i === path.length - 1 };
    } else if (isSeq(node) && typeof seg === 'number') {
      const next = node.items[seg] as Node | undefined;
      if (!next) return { node, pair, complete: false };
      pair = undefined;
      node = next;
    } else return { node, pair, complete: false };
  }
  return { node, pair, complete: true };
}

/**
 * The range to underline: a scalar's value; else the key that holds the block; else (a list item,
 * or a field missing from the top level) the first line of the block.
 */
function rangeOf(text: string, f: Found, preferKey: boolean): [number, number] | undefined {
  const keyRange = (f.pair?.key as Node | undefined)?.range;
  const valueRange = f.node?.range;
  const scalar = f.node !== null && isScalar(f.node);
  if ((preferKey || !scalar || !f.complete) && keyRange) return [keyRange[0], keyRange[1]];
  if (!valueRange) return undefined;
  if (scalar) return [valueRange[0], valueRange[1]];
  const eol = text.indexOf('\n', valueRange[0]);
  return [valueRange[0], Math.min(valueRange[1], eol < 0 ? text.length : eol)];
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** The document for an object kubectl named: by kind and name, else the first of that kind. */
function documentFor(docs: Document.Parsed[], kind: string, name?: string): Document.Parsed | undefined {
  const ofKind = docs.filter((d) => str(d.get('kind')) === kind);
  if (name !== undefined) {
    const named = ofKind.find((d) => str(d.getIn(['metadata', 'name'])) === name);
    if (named) return named;
  }
  return ofKind[0] ?? (docs.length === 1 ? docs[0] : undefined);
}

/** One field kubectl's output names, and what to say about it. */
interface FieldError {
  kind?: string;
  name?: string;
  path: string;
  message: string;
  /** Point at the key itself (an unknown or duplicate field) rather than its value. */
  key: boolean;
}

/** Reads the field errors out of kubectl's output for an apply. */
export function fieldErrors(output: string): FieldError[] {
  const out: FieldError[] = [];
  const lines = output.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    // The Deployment "web" is invalid: spec.replicas: Invalid value: -1: must be ...
    // The Deployment "web" is invalid: \n* spec.replicas: ...\n* spec.template...: ...
    const invalid = /^The (\w+) "([^"]*)" is invalid: ?(.*)$/.exec(line);
    if (invalid) {
      const [, kind, name, rest] = invalid as unknown as [string, string, string, string];
      const causes: string[] = [];
      if (rest.trim() !== '') causes.push(rest);
      else while (lines[i + 1]?.startsWith('* ')) causes.push((lines[++i] as string).slice(2));
      for (const cause of causes) {
        const at = cause.indexOf(': ');
        const path = at < 0 ? cause : cause.slice(0, at);
        if (/^[\w.[\]/-]+$/.test(path)) out.push({ kind, name, path, message: cause, key: false });
      }
      continue;
    }
    // ... Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replica"
    const strict = /cannot be handled as a (\w+): strict decoding error: (.*)$/.exec(line);
    if (strict) {
      const [, kind, rest] = strict as unknown as [string, string, string];
      for (const m of rest.matchAll(/(unknown|duplicate) field "([^"]+)"/g)) {
        out.push({ kind, path: m[2] as string, message: `${m[1]} field "${m[2]}"`, key: true });
      }
      continue;
    }
    // Server-side apply and typed patches: `.spec.replica: field not declared in schema`
    for (const m of line.matchAll(/(?:^|[\s:])\.([\w.[\]/-]+): field not declared in schema/g)) {
      out.push({ path: m[1] as string, message: `.${m[1]}: field not declared in schema`, key: true });
    }
  }
  return out;
}

/** kubectl's errors for this text, placed on the fields they name. Unplaced errors are left out. */
export function serverProblems(text: string, output: string): Problem[] {
  const { docs, lines } = parse(text);
  const out: Problem[] = [];
  const place = (from: number, to: number, message: string) => {
    if (!out.some((p) => p.from === from && p.message === message))
      out.push(problem(text, lines, from, to, 'error', message));
  };
  for (const e of fieldErrors(output)) {
    const doc = e.kind === undefined ? docs[0] : documentFor(docs, e.kind, e.name);
    if (!doc) continue;
    const found = walk(doc, splitPath(e.path));
    const range = rangeOf(text, found, e.key);
    if (range) place(range[0], range[1], e.message);
  }
  // A YAML error the local parser let through: `error converting YAML to JSON: yaml: line 4: ...`.
  // The line counts from the start of the document kubectl split off; with one document that is the text.
  const yamlLine = /error converting YAML to JSON: yaml: line (\d+): (.*)$/m.exec(output);
  if (yamlLine && docs.length <= 1) {
    const n = Number(yamlLine[1]);
    const start = lines.lineStarts[n - 1];
    if (start !== undefined) {
      const end = lines.lineStarts[n] ?? text.length;
      place(start, Math.max(start, end - 1), `yaml: line ${n}: ${yamlLine[2]}`);
    }
  }
  return out.sort((a, b) => a.from - b.from);
}
