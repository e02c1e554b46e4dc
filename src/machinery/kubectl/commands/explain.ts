/**
 * kubectl explain: the OpenAPI v3 document of the resource's group-version (GET /openapi/v3, then
 * the document it links to), rendered as kubectl's `plaintext` template
 * (pkg/explain/v2/templates/plaintext.tmpl) does: GROUP/KIND/VERSION from the paths' GVK, the
 * FIELD line and its enum, DESCRIPTION with the descriptions of the schema and of what it refers
 * to, FIELDS with types guessed from refs, `enum:` summaries, go-wordwrap wrapping at 76 columns
 * (plus indent), and --recursive trees.
 */
import { CommandError } from '../../printers/errors.ts';
import type { Command } from '../command.ts';

// biome-ignore lint/suspicious/noExplicitAny: OpenAPI documents are read defensively.
type Any = any;

const isMap = (v: unknown): v is Record<string, Any> => v !== null && typeof v === 'object' && !Array.isArray(v);
const truthy = (v: unknown): boolean =>
  !(
    v === undefined ||
    v === null ||
    v === false ||
    v === 0 ||
    v === '' ||
    (Array.isArray(v) && v.length === 0) ||
    (isMap(v) && Object.keys(v).length === 0)
  );

/** mitchellh/go-wordwrap WrapString: breaks at whitespace so lines stay within `lim` where it can. */
export function wordWrap(s: string, lim: number): string {
  let out = '';
  let current = 0;
  let word = '';
  let space = '';
  for (const ch of s) {
    if (ch === '\n') {
      if (word.length === 0) {
        if (current + space.length > lim) current = 0;
        else {
          current += space.length;
          out += space;
        }
        space = '';
      } else {
        current += space.length + [...word].length;
        out += space + word;
        space = '';
        word = '';
      }
      out += ch;
      current = 0;
    } else if (/\s/u.test(ch) && ch !== '\u00a0') {
      if (space.length === 0 || word.length > 0) {
        current += [...space].length + [...word].length;
        out += space + word;
        space = '';
        word = '';
      }
      space += ch;
    } else {
      word += ch;
      const wl = [...word].length;
      if (current + [...space].length + wl > lim && wl < lim) {
        out += '\n';
        current = 0;
        space = '';
      }
    }
  }
  if (word.length === 0) {
    if (current + [...space].length <= lim) out += space;
  } else out += space + word;
  return out;
}

function indent(n: number, s: string): string {
  const pad = ' '.repeat(n);
  return pad + s.replaceAll('\n', `\n${pad}`);
}

function resolveRef(ref: unknown, doc: Any): Any {
  if (typeof ref !== 'string' || !ref.startsWith('#')) return undefined;
  let cur: Any = doc;
  for (const k of ref.slice(1).split('/')) {
    if (k === '') continue;
    const next = cur?.[k.replaceAll('~1', '/').replaceAll('~0', '~')];
    if (!isMap(next)) return undefined;
    cur = next;
  }
  return cur;
}

function typeGuess(schema: Any, doc: Any): string {
  if (!isMap(schema)) throw new CommandError("expected schema argument to subtemplate 'typeguess'");
  if (truthy(schema.items)) return `[]${typeGuess(schema.items, doc)}`;
  if (truthy(schema.additionalProperties) && typeof schema.additionalProperties !== 'boolean')
    return `map[string]${typeGuess(schema.additionalProperties, doc)}`;
  if (truthy(schema.allOf) && !truthy(schema.properties) && schema.allOf.length === 1)
    return typeGuess(schema.allOf[0], doc);
  if (truthy(schema.$ref)) {
    const ref = schema.$ref as string;
    const target = resolveRef(ref, doc);
    if (!target || !truthy(target.type) || target.type === 'object') {
      const name = ref.split('/').pop() ?? '';
      return name.split('.').pop() || 'Object';
    }
    return target.type;
  }
  if (schema.type === 'object') return 'Object';
  return truthy(schema.type) ? String(schema.type) : 'Object';
}

function enumText(v: unknown): string {
  if (v === '') return '""';
  if (v === null || v === undefined) return '<nil>';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function extractEnum(schema: Any, longView: boolean, limit: number, indentAmount = 0): string {
  if (!isMap(schema) || !truthy(schema.enum)) return '';
  const values: unknown[] = schema.enum;
  let out = longView ? 'ENUM:' : `\n${' '.repeat(indentAmount)}enum: `;
  for (let i = 0; i < values.length; i++) {
    if (limit > -1 && i >= limit) {
      out += ', ....';
      break;
    }
    if (i > 0 && !longView) out += ', ';
    else if (longView) out += '\n    ';
    out += enumText(values[i]);
  }
  return out;
}

function description(schema: Any, doc: Any): string {
  const s = resolveRef(schema?.$ref, doc) ?? schema;
  if (!truthy(s)) return '';
  let out = '';
  if (truthy(s.description)) out += `${s.description}\n`;
  for (const a of Array.isArray(s.allOf) ? s.allOf : []) out += description(a, doc);
  if (truthy(s.items)) out += description(s.items, doc);
  if (truthy(s.additionalProperties) && typeof s.additionalProperties !== 'boolean')
    out += description(s.additionalProperties, doc);
  return out;
}

function externalDocs(schema: Any): string {
  const e = schema?.externalDocs;
  if (!truthy(e)) return '';
  let out = 'EXTERNAL DOCS:\n';
  if (truthy(e.description)) out += `${indent(4, wordWrap(String(e.description), 76))}\n`;
  if (truthy(e.url)) out += `${indent(4, `URL: ${e.url}`)}\n`;
  return out;
}

function fieldDetail(name: string, parent: Any, short: boolean, level: number, doc: Any): string {
  const amount = level * 2;
  const field = parent.properties[name];
  let out = `${indent(amount, name)}\t<${typeGuess(field, doc)}>`;
  if (Array.isArray(parent.required) && parent.required.includes(name)) out += ' -required-';
  out += extractEnum(field, false, 4, amount);
  out += '\n';
  if (!short) {
    out += `${indent(amount + 2, wordWrap(truthy(field?.description) ? String(field.description) : '<no description>', 78 - amount))}\n`;
    const e = field?.externalDocs;
    if (truthy(e)) {
      out += `${indent(amount + 2, 'EXTERNAL DOCS:')}\n`;
      if (truthy(e.description)) out += `${indent(amount + 4, wordWrap(String(e.description), 76 - amount))}\n`;
      if (truthy(e.url)) out += `${indent(amount + 4, `URL: ${e.url}`)}\n`;
    }
    out += '\n';
  }
  return out;
}

function fieldList(schema: Any, level: number, doc: Any, recursive: boolean, history: Record<string, number>): string {
  const ref: string = (isMap(schema) && typeof schema.$ref === 'string' && schema.$ref) || '';
  if (ref && history[ref]) return '';
  const next = { ...history, [ref]: 1 };
  const s = resolveRef(ref, doc) ?? schema;
  if (!isMap(s)) return '';
  let out = '';
  const props = isMap(s.properties) ? s.properties : {};
  for (const k of Object.keys(props).sort()) {
    out += fieldDetail(k, s, recursive, level, doc);
    if (recursive) out += fieldList(props[k], level + 1, doc, recursive, next);
  }
  for (const a of Array.isArray(s.allOf) ? s.allOf : []) out += fieldList(a, level, doc, recursive, next);
  if (truthy(s.items)) out += fieldList(s.items, level, doc, recursive, next);
  if (truthy(s.additionalProperties) && typeof s.additionalProperties !== 'boolean')
    out += fieldList(s.additionalProperties, level, doc, recursive, next);
  return out;
}

function output(
  schema: Any,
  fieldPath: string[],
  doc: Any,
  recursive: boolean,
  history: Record<string, number>,
): string {
  const ref: string = (isMap(schema) && typeof schema.$ref === 'string' && schema.$ref) || '';
  const next = { ...history, [ref]: 1 };
  const resolved = resolveRef(ref, doc) ?? schema;
  if (fieldPath.length === 0) {
    let out = `DESCRIPTION:\n${indent(4, wordWrap(description(resolved, doc) || '<empty>', 76))}\n`;
    const ext = externalDocs(resolved);
    if (ext) out += `\n${ext}`;
    const fields = fieldList(resolved, 1, doc, recursive, {});
    if (fields) out += `FIELDS:\n${fields}`;
    return out;
  }
  if (ref && history[ref]) return '';
  const first = fieldPath[0] as string;
  if (isMap(resolved?.properties) && truthy(resolved.properties[first])) {
    const sub = resolved.properties[first];
    let out = '';
    if (fieldPath.length === 1) out += `FIELD: ${first} <${typeGuess(sub, doc)}>\n${extractEnum(sub, true, -1)}\n\n`;
    return out + output(sub, fieldPath.slice(1), doc, recursive, {});
  }
  if (truthy(resolved?.items)) return output(resolved.items, fieldPath, doc, recursive, next);
  if (truthy(resolved?.additionalProperties) && typeof resolved.additionalProperties !== 'boolean')
    return output(resolved.additionalProperties, fieldPath, doc, recursive, next);
  for (const a of Array.isArray(resolved?.allOf) ? resolved.allOf : []) {
    const o = output(a, fieldPath, doc, recursive, next);
    if (o) return o;
  }
  return '';
}

function sameGVK(a: Any, b: Any): boolean {
  if (!isMap(a) || !isMap(b)) return false;
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

export const explainCommand: Command = {
  name: 'explain',
  flags: [
    { name: 'recursive', type: 'bool' },
    { name: 'api-version', type: 'string' },
    { name: 'output', short: 'o', type: 'string', default: 'plaintext' },
  ],
  async run(ctx, f) {
    const arg = f.args[0];
    if (!arg)
      throw new CommandError(
        'You must specify the type of resource to explain. Use "kubectl api-resources" for a complete list of supported resources.\n',
        1,
      );
    const [resourceArg, ...fieldPath] = arg.split('.');
    const mapper = await ctx.mapper();
    let r: ReturnType<typeof mapper.resolve>;
    try {
      r = mapper.resolve(resourceArg as string);
    } catch (e) {
      // checkErr prints a NoResourceMatchError without the `error: ` prefix.
      if (e instanceof CommandError) throw new CommandError(`${e.message.replace(/^error: /, '')}\n`, 1, true);
      throw e;
    }
    const gvr = `${r.group}/${r.version}, Resource=${r.resource}`;
    const root = (await ctx.call('GET', '/openapi/v3', { query: { timeout: '32s' }, accept: 'application/json, */*' }))
      .body as Any;
    const gv = r.group ? `apis/${r.group}/${r.version}` : `api/${r.version}`;
    const url: string | undefined = root?.paths?.[gv]?.serverRelativeURL;
    if (!url) throw new CommandError(`couldn't find resource for "${gvr}"`);
    const [path, qs = ''] = url.split('?', 2) as [string, string?];
    const query: Record<string, string> = Object.fromEntries(
      qs
        .split('&')
        .filter(Boolean)
        .map((kv) => kv.split('=', 2) as [string, string]),
    );
    query.timeout = '32s';
    const doc = (await ctx.call('GET', path, { query })).body as Any;

    // The GVK comes from the operations on the resource's paths.
    const prefix = r.group ? `/apis/${r.group}` : '/api';
    const search = [
      `${prefix}/${r.version}/${r.resource}`,
      `${prefix}/${r.version}/${r.resource}/{name}`,
      `${prefix}/${r.version}/namespaces/{namespace}/${r.resource}`,
      `${prefix}/${r.version}/namespaces/{namespace}/${r.resource}/{name}`,
    ];
    let gvk: Any;
    for (const p of search) {
      const el = doc?.paths?.[p];
      if (!truthy(el)) continue;
      for (const m of ['get', 'post', 'put', 'patch', 'delete']) {
        const op = el[m];
        if (!truthy(op)) continue;
        gvk = op['x-kubernetes-group-version-kind'];
        if (truthy(gvk)) break;
      }
    }
    if (!truthy(gvk)) throw new CommandError(`error: GVR (${gvr}) not found in OpenAPI schema`);
    let out = '';
    if (gvk.group) out += `GROUP:      ${gvk.group}\n`;
    out += `KIND:       ${gvk.kind}\nVERSION:    ${gvk.version}\n\n`;
    const schemas: Record<string, Any> = doc?.components?.schemas ?? {};
    let body = '';
    for (const name of Object.keys(schemas).sort()) {
      const s = schemas[name];
      const gvks = s?.['x-kubernetes-group-version-kind'];
      if (!Array.isArray(gvks) || !gvks.some((g: Any) => sameGVK(g, gvk))) continue;
      body = output(s, fieldPath, doc, f.bool('recursive'), {});
      if (!body) {
        // The template has already written the header when it fails.
        ctx.print(out);
        throw new CommandError(`error: field "${fieldPath[fieldPath.length - 1]}" does not exist`);
      }
      break;
    }
    if (!body) {
      ctx.print(out);
      throw new CommandError(`error: GVK ${goMap(gvk)} not found in OpenAPI schema`);
    }
    ctx.print(`${out}${body}\n`);
  },
};

/** Go's %v of a map[string]interface{}: `map[group:apps kind:Deployment version:v1]`. */
function goMap(m: Record<string, unknown>): string {
  return `map[${Object.keys(m)
    .sort()
    .map((k) => `${k}:${String(m[k])}`)
    .join(' ')}]`;
}
