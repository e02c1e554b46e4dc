/**
 * Reading `-f` manifests as kubectl's builder does: files (or `-` for stdin, or a directory of
 * .yaml/.yml/.json files), split into YAML documents on `---` lines (or a stream of JSON objects),
 * each converted to JSON with YAML 1.1 rules as sigs.k8s.io/yaml does (timestamps stay strings,
 * `yes` is true, `0755` is 493), Lists flattened into their items. Documents are yielded one at a
 * time so a command acts on the first before a parse error in the second stops it, as upstream.
 */
import { LineCounter, parseAllDocuments, type YAMLError } from 'yaml';
import type { KObject } from '../api/types.ts';
import { CommandError } from '../printers/errors.ts';
import type { Ctx } from './context.ts';

export interface Manifest {
  /** The file name as given (`-` shows as `STDIN`). */
  source: string;
  obj: KObject;
}

const EXTENSIONS = ['.json', '.yaml', '.yml'];

/** Expands -f arguments to (source, text) pairs; a missing path is an error before anything runs. */
export function manifestSources(ctx: Ctx, filenames: string[], recursive: boolean): { source: string; text: string }[] {
  const files = ctx.io.files ?? {};
  const out: { source: string; text: string }[] = [];
  for (const f of filenames) {
    if (f === '-') {
      out.push({ source: 'STDIN', text: ctx.io.stdin ?? '' });
      continue;
    }
    const text = files[f];
    if (text !== undefined) {
      out.push({ source: f, text });
      continue;
    }
    const dir = f.endsWith('/') ? f : `${f}/`;
    const inDir = Object.keys(files)
      .filter((k) => k.startsWith(dir) && (recursive || !k.slice(dir.length).includes('/')))
      .filter((k) => EXTENSIONS.some((e) => k.endsWith(e)))
      .sort();
    if (inDir.length === 0 && !Object.keys(files).some((k) => k.startsWith(dir))) {
      throw new CommandError(`the path "${f}" does not exist`);
    }
    for (const k of inDir) out.push({ source: k, text: files[k] as string });
  }
  return out;
}

/** k8s.io/apimachinery's YAMLReader: documents separated by lines starting with `---`. */
function splitDocuments(text: string): string[] {
  const docs: string[] = [];
  let buf: string[] = [];
  const lines = text.split(/(?<=\n)/);
  for (const line of lines) {
    if (line.startsWith('---')) {
      const rest = line.slice(3).trim();
      if (rest.length > 0 && !rest.startsWith('#')) throw new CommandError(`invalid Yaml document separator: ${rest}`);
      if (buf.length > 0) docs.push(buf.join(''));
      buf = [];
      continue;
    }
    buf.push(line);
  }
  if (buf.length > 0) docs.push(buf.join(''));
  return docs;
}

/** libyaml's wording for the errors the `yaml` package reports differently, and whether libyaml's scanner (1-based line) or parser (0-based) reports it. */
function libyamlMessage(e: YAMLError): { msg: string; line: number } {
  const first = e.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? e.message;
  const line = e.linePos?.[0]?.line ?? 1;
  switch (e.code) {
    case 'TAB_AS_INDENT':
      return { msg: 'found character that cannot start any token', line };
    case 'BLOCK_AS_IMPLICIT_KEY':
      if (/Nested mappings/.test(first)) return { msg: 'mapping values are not allowed in this context', line };
      return { msg: 'did not find expected key', line: line - 1 };
    case 'BAD_INDENT':
      if (/Flow sequence/.test(first)) return { msg: "did not find expected ',' or ']'", line: line - 1 };
      if (/Flow mapping/.test(first)) return { msg: "did not find expected ',' or '}'", line: line - 1 };
      return { msg: 'did not find expected key', line: line - 1 };
    case 'MISSING_CHAR':
      if (/quote/.test(first)) return { msg: 'found unexpected end of stream', line };
      if (/map values/.test(first)) return { msg: "could not find expected ':'", line };
      return { msg: first, line };
    case 'BAD_ALIAS':
      return { msg: `unknown anchor ${first.replace(/^.*"(.*)".*$/, "'$1'")} referenced`, line };
    case 'UNEXPECTED_TOKEN':
      return { msg: 'did not find expected <document start>', line: line - 1 };
    default:
      return { msg: first, line };
  }
}

/** YAML 1.1 as go-yaml v2 reads it into JSON: no timestamps or sexagesimal numbers. */
function toJSONValue(text: string, source: string): unknown {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, {
    version: '1.1',
    lineCounter,
    uniqueKeys: false,
    merge: true,
    customTags: (tags) =>
      tags.filter((t) => {
        const tag = (t as { tag?: string }).tag ?? '';
        return !tag.endsWith(':timestamp') && !(t as { format?: string }).format?.includes('TIME');
      }),
  });
  const list = Array.isArray(docs) ? docs : [docs];
  for (const d of list) {
    const err = d.errors[0];
    if (err) {
      const { msg, line } = libyamlMessage(err);
      throw new CommandError(
        `error parsing ${source}: error converting YAML to JSON: yaml: line ${Math.max(line, 1)}: ${msg}`,
      );
    }
  }
  const doc = list[0];
  if (!doc) return null;
  return JSON.parse(
    JSON.stringify(doc.toJS({ maxAliasCount: 100 }) ?? null, (_k, v) => (typeof v === 'bigint' ? Number(v) : v)),
  );
}

/** Go's json errors are not reproduced exactly; this keeps their shape. */
function parseJSONStream(text: string, source: string): unknown[] {
  const out: unknown[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i] as string)) i++;
    if (i >= text.length) break;
    // Find the end of one JSON value by bracket depth, honouring strings.
    let depth = 0;
    let inStr = false;
    let j = i;
    for (; j < text.length; j++) {
      const c = text[j];
      if (inStr) {
        if (c === '\\') j++;
        else if (c === '"') inStr = false;
        continue;
      }
      if (c === '"') inStr = true;
      else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        depth--;
        if (depth === 0) {
          j++;
          break;
        }
      }
    }
    const chunk = text.slice(i, j);
    try {
      out.push(JSON.parse(chunk));
    } catch (e) {
      const m = /position (\d+)/.exec((e as Error).message);
      const offset = m ? i + Number(m[1]) + 1 : j;
      const bad = m ? text[offset - 1] : undefined;
      const detail =
        bad === undefined
          ? 'unexpected end of JSON input'
          : `offset ${offset}: invalid character '${bad}' looking for beginning of value`;
      throw new CommandError(`error parsing ${source}: json: ${detail}`);
    }
    i = j;
  }
  return out;
}

function flatten(o: KObject): KObject[] {
  if (typeof o.kind === 'string' && o.kind.endsWith('List') && Array.isArray((o as { items?: unknown }).items)) {
    return ((o as { items: KObject[] }).items ?? []).flatMap(flatten);
  }
  return [o];
}

/** Yields every object of every -f source, in order; throws where a document fails to parse. */
export function* readManifests(sources: { source: string; text: string }[]): Generator<Manifest> {
  for (const { source, text } of sources) {
    const values = /^\s*\{/.test(text) ? parseJSONStream(text, source) : null;
    const docs = values ?? splitDocuments(text);
    for (const d of docs) {
      const v = values ? d : toJSONValue(d as string, source);
      if (v === null || v === undefined) continue;
      if (typeof v !== 'object' || Array.isArray(v)) {
        throw new CommandError(
          `unable to decode "${source}": json: cannot unmarshal ${Array.isArray(v) ? 'array' : typeof v === 'string' ? 'string' : 'number'} into Go value of type unstructured.detector`,
        );
      }
      const obj = v as KObject;
      if (!obj.kind)
        throw new CommandError(`unable to decode "${source}": Object 'Kind' is missing in '${JSON.stringify(obj)}'`);
      for (const item of flatten(obj)) yield { source, obj: item };
    }
  }
}
