/**
 * kubectl create: `-f` manifests (POST each object, `<kind>/<name> created`) and the generators
 * (`create deployment|service|namespace|configmap|secret`), which build the object as kubectl's
 * typed structs serialize it (Go field order, `creationTimestamp: null`, `status: {}`).
 */
import type { KObject } from '../../api/types.ts';
import { CommandError, ErrorList } from '../../printers/errors.ts';
import { targetForManifest } from '../builder.ts';
import { type Command, DRY_RUN_FLAG, FILENAME_FLAGS, OUTPUT_FLAGS } from '../command.ts';
import type { Ctx } from '../context.ts';
import { type ApiResource, resourcePath } from '../discovery.ts';
import type { Flags } from '../flags.ts';
import { type Manifest, manifestSources, readManifests } from '../manifests.ts';
import {
  bodyOf,
  dryRunOf,
  FIELD_MANAGER_FLAG,
  fieldValidationOf,
  namespaced,
  printResult,
  requiredFlag,
  VALIDATE_FLAG,
  verifyFieldValidation,
  withNamespace,
  withSource,
} from '../mutate.ts';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** kubectl's last-applied annotation value: the object without it, encoded, newline-terminated. */
export function lastAppliedOf(obj: KObject): string {
  const annotations = { ...(obj.metadata?.annotations ?? {}) };
  delete annotations[LAST_APPLIED];
  return bodyOf({ ...obj, metadata: { ...(obj.metadata ?? {}), annotations } });
}

export function withLastApplied(obj: KObject): KObject {
  const value = lastAppliedOf(obj);
  return {
    ...obj,
    metadata: { ...(obj.metadata ?? {}), annotations: { ...(obj.metadata?.annotations ?? {}), [LAST_APPLIED]: value } },
  };
}

async function createFromFiles(ctx: Ctx, f: Flags): Promise<void> {
  const dryRun = dryRunOf(ctx, f);
  const validation = fieldValidationOf(f);
  const sources = manifestSources(ctx, f.list('filename'), f.bool('recursive'));
  const seen = new Set<string>();
  const errors: Error[] = [];
  const createOne = async (m: Manifest): Promise<void> => {
    const t = await targetForManifest(ctx, m);
    let obj = namespaced(m.obj, t.mapping, t.namespace);
    if (f.bool('save-config')) obj = withLastApplied(obj);
    if (validation !== 'Ignore') await verifyFieldValidation(ctx, t.mapping, seen);
    if (dryRun === 'client') {
      printResult(ctx, f, t.mapping, obj, 'created', dryRun);
      return;
    }
    const query: Record<string, string> = { fieldManager: f.str('field-manager'), fieldValidation: validation };
    if (dryRun === 'server') query.dryRun = 'All';
    try {
      const r = await ctx.call('POST', resourcePath(t.mapping, t.namespace || undefined), { query, body: bodyOf(obj) });
      printResult(ctx, f, t.mapping, r.body as KObject, 'created', dryRun);
    } catch (e) {
      throw withSource(e, 'creating', m.source);
    }
  };
  // The builder continues after an error; they are all reported at the end.
  for (const m of readManifests(sources)) {
    try {
      await createOne(m);
    } catch (e) {
      errors.push(e as Error);
    }
  }
  if (errors.length > 0) throw new ErrorList(errors);
}

export const createCommand: Command = {
  name: 'create',
  flags: [
    ...FILENAME_FLAGS,
    ...OUTPUT_FLAGS,
    DRY_RUN_FLAG,
    VALIDATE_FLAG,
    FIELD_MANAGER_FLAG('kubectl-create'),
    { name: 'save-config', type: 'bool' },
    { name: 'edit', type: 'bool' },
    { name: 'windows-line-endings', type: 'bool' },
    { name: 'selector', short: 'l', type: 'string' },
    { name: 'raw', type: 'string' },
  ],
  async run(ctx, f) {
    if (f.list('filename').length === 0 && !f.str('kustomize')) throw new CommandError('must specify one of -f and -k');
    await createFromFiles(ctx, f);
  },
};

// ---------------------------------------------------------------------------------------------
// Generators

/** Posts a generated object through the typed client (or prints it for --dry-run=client). */
async function createGenerated(
  ctx: Ctx,
  f: Flags,
  group: string,
  resource: string,
  obj: KObject,
  errPrefix: string,
): Promise<void> {
  // The generators use typed clients: no discovery.
  const mapping: ApiResource = {
    group,
    version: 'v1',
    resource,
    singular: '',
    kind: obj.kind ?? '',
    namespaced: resource !== 'namespaces',
    verbs: [],
    shortNames: [],
    categories: [],
    subresources: [],
  };
  const dryRun = dryRunOf(ctx, f);
  const validation = fieldValidationOf(f);
  const ns = ctx.namespace;
  if (f.bool('save-config')) obj = withLastApplied(obj);
  if (dryRun === 'client') {
    // The printed object carries the namespace only when one was given explicitly.
    if (mapping.namespaced && ctx.explicitNamespace) obj = withNamespace(obj, ns);
    printResult(ctx, f, mapping, obj, 'created', dryRun, false);
    return;
  }
  const query: Record<string, string> = { fieldManager: f.str('field-manager'), fieldValidation: validation };
  if (dryRun === 'server') query.dryRun = 'All';
  try {
    const r = await ctx.call('POST', resourcePath(mapping, mapping.namespaced ? ns : undefined), {
      query,
      body: JSON.stringify(obj),
      accept: 'application/vnd.kubernetes.protobuf,application/json',
    });
    printResult(ctx, f, mapping, r.body as KObject, 'created', dryRun);
  } catch (e) {
    // The generators wrap API errors in plain errors (`failed to create deployment: ...`).
    if (errPrefix) throw new CommandError(`${errPrefix}${(e as Error).message}`);
    throw e;
  }
}

const GENERATOR_FLAGS = [
  ...OUTPUT_FLAGS,
  DRY_RUN_FLAG,
  VALIDATE_FLAG,
  FIELD_MANAGER_FLAG('kubectl-create'),
  { name: 'save-config', type: 'bool' as const },
];

function requireName(f: Flags, usage: string): string {
  const args = f.parsed.dashIndex >= 0 ? f.args.slice(0, f.parsed.dashIndex) : f.args;
  const name = args[0];
  if (!name) throw new CommandError(`NAME is required\nSee 'kubectl ${usage} -h' for help and examples`, 1);
  if (args.length > 1)
    throw new CommandError(
      `exactly one NAME is required, got ${args.length}\nSee 'kubectl ${usage} -h' for help and examples`,
    );
  return name;
}

/** The container name kubectl derives from an image (`registry/nginx:1.27` → `nginx`). */
export function containerNameFor(image: string): string {
  let name = image.split('/').pop() as string;
  if (name.includes(':')) name = name.split(':')[0] as string;
  if (name.includes('@')) name = name.split('@')[0] as string;
  if (/[_.]/.test(name)) {
    let h = 0;
    for (const c of image) h = (h * 31 + c.charCodeAt(0)) >>> 0;
    const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
    let suffix = '';
    for (let i = 0; i < 5; i++) {
      suffix += alphabet[h % alphabet.length];
      h = Math.floor(h / alphabet.length) + i * 7;
    }
    name = `${name.replaceAll('_', '-').replaceAll('.', '-')}-${suffix}`;
  }
  return name;
}

export const createDeploymentCommand: Command = {
  name: 'create deployment',
  aliases: ['deploy'],
  flags: [
    ...GENERATOR_FLAGS,
    { name: 'image', type: 'stringSlice' },
    { name: 'replicas', short: 'r', type: 'int', default: 1 },
    { name: 'port', type: 'int', default: -1 },
  ],
  async run(ctx, f) {
    const name = requireName(f, 'create deployment');
    const images = f.list('image');
    if (images.length === 0) throw requiredFlag(ctx, 'image');
    const dash = f.parsed.dashIndex;
    const command = dash >= 0 ? f.args.slice(dash) : [];
    if (images.length > 1 && command.length > 0)
      throw new CommandError('cannot specify multiple --image options and command');
    const labels = { app: name };
    const containers = images.map((image) => {
      const c: Record<string, unknown> = { name: containerNameFor(image), image };
      if (command.length > 0) c.command = command;
      c.resources = {};
      return c;
    });
    const port = f.int('port');
    if (port >= 0 && containers[0]) {
      const first = containers[0];
      const { resources, ...rest } = first;
      containers[0] = { ...rest, ports: [{ containerPort: port }], resources };
    }
    const obj: KObject = {
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      metadata: { name, creationTimestamp: null as unknown as string, labels },
      spec: {
        replicas: f.int('replicas'),
        selector: { matchLabels: labels },
        template: { metadata: { creationTimestamp: null, labels }, spec: { containers } },
        strategy: {},
      },
      status: {},
    };
    await createGenerated(ctx, f, 'apps', 'deployments', obj, 'failed to create deployment: ');
  },
};

export const createNamespaceCommand: Command = {
  name: 'create namespace',
  aliases: ['ns'],
  flags: GENERATOR_FLAGS,
  async run(ctx, f) {
    const name = requireName(f, 'create namespace');
    const obj: KObject = {
      kind: 'Namespace',
      apiVersion: 'v1',
      metadata: { name, creationTimestamp: null as unknown as string },
      spec: {},
      status: {},
    };
    await createGenerated(ctx, f, '', 'namespaces', obj, '');
  },
};

function parseLiteral(s: string): [string, string] {
  const i = s.indexOf('=');
  if (i <= 0) throw new CommandError(`invalid literal source ${s}, expected key=value`);
  return [s.slice(0, i), s.slice(i + 1)];
}

function fromFiles(ctx: Ctx, specs: string[]): [string, string][] {
  const files = ctx.io.files ?? {};
  return specs.map((spec) => {
    const eq = spec.indexOf('=');
    const key = eq >= 0 ? spec.slice(0, eq) : (spec.split('/').pop() as string);
    const path = eq >= 0 ? spec.slice(eq + 1) : spec;
    const text = files[path];
    if (text === undefined) throw new CommandError(`error reading ${path}: no such file or directory`);
    return [key, text];
  });
}

function fromEnvFile(ctx: Ctx, path: string): [string, string][] {
  const text = ctx.io.files?.[path];
  if (text === undefined) throw new CommandError(`error reading ${path}: no such file or directory`);
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const i = l.indexOf('=');
      return i < 0 ? [l, ''] : [l.slice(0, i), l.slice(i + 1)];
    });
}

function base64(s: string): string {
  const bytes: number[] = [];
  for (const c of s) {
    const cp = c.codePointAt(0) as number;
    if (cp < 0x80) bytes.push(cp);
    else if (cp < 0x800) bytes.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) bytes.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    else bytes.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  }
  const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const [a = 0, b = 0, c = 0] = [bytes[i], bytes[i + 1], bytes[i + 2]];
    const n = (a << 16) | (b << 8) | c;
    out += A[(n >> 18) & 63];
    out += A[(n >> 12) & 63];
    out += i + 1 < bytes.length ? A[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.length ? A[n & 63] : '=';
  }
  return out;
}

const DATA_FLAGS = [
  { name: 'from-literal', type: 'stringArray' as const },
  { name: 'from-file', type: 'stringSlice' as const },
  { name: 'from-env-file', type: 'stringSlice' as const },
  { name: 'append-hash', type: 'bool' as const },
];

function collectData(ctx: Ctx, f: Flags): Record<string, string> {
  const data: Record<string, string> = {};
  for (const [k, v] of [
    ...(f.list('from-file').length ? fromFiles(ctx, f.list('from-file')) : []),
    ...f.list('from-literal').map(parseLiteral),
  ]) {
    if (Object.hasOwn(data, k))
      throw new CommandError(
        `cannot add key ${k}, another key by that name already exists in Data for ConfigMap "${f.args[0] ?? ''}"`,
      );
    data[k] = v;
  }
  for (const path of f.list('from-env-file')) for (const [k, v] of fromEnvFile(ctx, path)) data[k] = v;
  return data;
}

export const createConfigMapCommand: Command = {
  name: 'create configmap',
  aliases: ['cm'],
  flags: [...GENERATOR_FLAGS, ...DATA_FLAGS],
  async run(ctx, f) {
    const name = requireName(f, 'create configmap');
    const data = collectData(ctx, f);
    const obj: KObject = {
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: { name, creationTimestamp: null as unknown as string },
    };
    if (Object.keys(data).length > 0) obj.data = data;
    await createGenerated(ctx, f, '', 'configmaps', obj, 'failed to create configmap: ');
  },
};

export const createSecretGenericCommand: Command = {
  name: 'create secret generic',
  flags: [...GENERATOR_FLAGS, ...DATA_FLAGS, { name: 'type', type: 'string' }],
  async run(ctx, f) {
    const name = requireName(f, 'create secret generic');
    const data = collectData(ctx, f);
    const obj: KObject = {
      kind: 'Secret',
      apiVersion: 'v1',
      metadata: { name, creationTimestamp: null as unknown as string },
    };
    if (Object.keys(data).length > 0)
      obj.data = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, base64(v)]));
    if (f.str('type')) obj.type = f.str('type');
    await createGenerated(ctx, f, '', 'secrets', obj, 'failed to create secret ');
  },
};

function serviceGenerator(kind: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName'): Command {
  const sub = kind.toLowerCase();
  return {
    name: `create service ${sub}`,
    flags: [
      ...GENERATOR_FLAGS,
      { name: 'tcp', type: 'stringSlice' },
      { name: 'clusterip', type: 'string' },
      { name: 'node-port', type: 'int' },
      { name: 'external-name', type: 'string' },
    ],
    async run(ctx, f) {
      const name = requireName(f, `create service ${sub}`);
      const ports = f.list('tcp').map((spec) => {
        const [port, target = port] = spec.split(':') as [string, string?];
        const p = Number(port);
        const t = /^\d+$/.test(target) ? Number(target) : target;
        const out: Record<string, unknown> = { name: `${port}-${target}`, protocol: 'TCP', port: p, targetPort: t };
        if (kind === 'NodePort' && f.int('node-port') > 0) out.nodePort = f.int('node-port');
        return out;
      });
      if (kind !== 'ExternalName' && ports.length === 0 && f.str('clusterip') !== 'None')
        throw new CommandError('at least one tcp port specifier must be provided');
      const spec: Record<string, unknown> = { ports, selector: { app: name }, type: kind };
      if (f.str('clusterip')) spec.clusterIP = f.str('clusterip');
      if (kind === 'ExternalName') {
        delete spec.selector;
        spec.externalName = f.str('external-name');
      }
      const obj: KObject = {
        kind: 'Service',
        apiVersion: 'v1',
        metadata: { name, creationTimestamp: null as unknown as string, labels: { app: name } },
        spec,
        status: { loadBalancer: {} },
      };
      await createGenerated(ctx, f, '', 'services', obj, `failed to create ${kind} service: `);
    },
  };
}

export const createServiceCommands = [
  serviceGenerator('ClusterIP'),
  serviceGenerator('NodePort'),
  serviceGenerator('LoadBalancer'),
  serviceGenerator('ExternalName'),
];
