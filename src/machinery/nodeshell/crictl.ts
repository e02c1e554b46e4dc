/**
 * `crictl` as on a kind node (cri-tools v1.33, /etc/crictl.yaml pointing at containerd's socket):
 * `ps`, `pods`, `images` and `logs`, through real CRI calls to the node's containerd (the
 * `crictl@<node>` → `containerd@<node>` edge on the bus).
 *
 * Tables follow cmd/crictl: text/tabwriter with minwidth 20, tabwidth 1, padding 3 (display.go
 * newDefaultTableDisplay); IDs cut to 13 characters (util.go getTruncatedID, with `sha256:` taken
 * off image IDs); CREATED is go-units HumanDuration + " ago"; SIZE is HumanSizeWithPrecision(size, 3).
 * Containers and pods are listed newest first, images by their first repo tag.
 */
import { formatRFC3339Micro } from '../api/time.ts';
import { tabulate } from '../printers/tabwriter.ts';
import type { ShellResult } from './types.ts';
import { humanDuration, humanSizeWithPrecision } from './units.ts';

/** crictl's table settings (cmd/crictl/display.go). */
export const CRICTL_TABLE = { minwidth: 20, tabwidth: 1, padding: 3, padchar: ' ', flags: 0 };

export interface CriContainer {
  id: string;
  sandboxId: string;
  name: string;
  image: string;
  imageRef: string;
  podName: string;
  podNamespace: string;
  attempt: number;
  state: 'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN';
  createdAt: number;
}

export interface CriSandbox {
  id: string;
  name: string;
  namespace: string;
  podUid?: string;
  ip: string;
  state: 'SANDBOX_READY' | 'SANDBOX_NOTREADY';
  createdAt: number;
  hostNetwork?: boolean;
  attempt?: number;
  runtimeHandler?: string;
}

export interface CriImage {
  id: string;
  repoTags: string[];
  repoDigests?: string[];
  size: number;
}

export interface CrictlEnv {
  /** A CRI call to the node's containerd; resolves with the reply payload. */
  cri(method: string, payload: unknown): Promise<unknown>;
  /** Epoch ms now. */
  now: number;
  /** Epoch ms of simulated time 0: CRI timestamps are ms since then. */
  epoch: number;
  /** crictl's process id, for the klog header of the cri-client's error lines. */
  pid?: number;
}

type Reply<T> = { ok?: T; error?: { code: string; message: string } };

class CriError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(env: CrictlEnv, method: string, payload: unknown = {}): Promise<T> {
  const r = (await env.cri(method, payload)) as Reply<T>;
  if (r?.error) throw new CriError(r.error.code, r.error.message);
  return r?.ok as T;
}

function fatal(msg: string, exit = 1): ShellResult {
  // logrus.Fatal with the text formatter on a terminal.
  return { stdout: '', stderr: `FATA[0000] ${msg}\n`, exit };
}

function truncatedID(id: string, prefix = ''): string {
  const s = id.startsWith(prefix) ? id.slice(prefix.length) : id;
  return s.length > 13 ? s.slice(0, 13) : s;
}

function ago(env: CrictlEnv, createdAt: number): string {
  return `${humanDuration(env.now - (env.epoch + createdAt))} ago`;
}

const CONTAINER_STATE: Record<string, string> = {
  CONTAINER_CREATED: 'Created',
  CONTAINER_RUNNING: 'Running',
  CONTAINER_EXITED: 'Exited',
  CONTAINER_UNKNOWN: 'Unknown',
};

/** A tiny urfave/cli flag reader: bools and string/int flags, short clusters, --flag=value. */
function flags(
  args: string[],
  spec: Record<string, { alias?: string; value?: boolean }>,
): { set: Map<string, string>; positional: string[] } | { error: string } {
  const set = new Map<string, string>();
  const positional: string[] = [];
  const byAlias = new Map<string, string>();
  for (const [k, v] of Object.entries(spec)) if (v.alias) byAlias.set(v.alias, k);
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--') {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      positional.push(a);
      continue;
    }
    const body = a.replace(/^--?/, '');
    const eq = body.indexOf('=');
    let name = eq < 0 ? body : body.slice(0, eq);
    let value: string | undefined = eq < 0 ? undefined : body.slice(eq + 1);
    const names: string[] = [];
    if (!a.startsWith('--') && !spec[name] && !byAlias.has(name) && name.length > 1 && value === undefined) {
      // -aq: short options combined (UseShortOptionHandling).
      for (const ch of name) names.push(ch);
    } else names.push(name);
    for (const n of names) {
      name = spec[n] ? n : (byAlias.get(n) ?? '');
      if (!name) return { error: `flag provided but not defined: -${n}` };
      if (spec[name]?.value) {
        if (value === undefined) {
          value = args[++i];
          if (value === undefined) return { error: `flag needs an argument: -${n}` };
        }
        set.set(name, value);
      } else set.set(name, value ?? 'true');
      value = undefined;
    }
  }
  return { set, positional };
}

function matches(pattern: string | undefined, s: string): boolean {
  if (!pattern) return true;
  try {
    return new RegExp(pattern).test(s);
  } catch {
    return false;
  }
}

// ---- crictl ps ------------------------------------------------------------------------------------------

async function ps(args: string[], env: CrictlEnv): Promise<ShellResult> {
  const f = flags(args, {
    all: { alias: 'a' },
    quiet: { alias: 'q' },
    'no-trunc': {},
    verbose: { alias: 'v' },
    latest: { alias: 'l' },
    last: { alias: 'n', value: true },
    state: { alias: 's', value: true },
    name: { value: true },
    namespace: { value: true },
    pod: { alias: 'p', value: true },
    id: { value: true },
    image: { value: true },
    label: { value: true },
    output: { alias: 'o', value: true },
    'resolve-image-path': { alias: 'r' },
  });
  if ('error' in f) return fatal(f.error);
  const o = f.set;
  const output = o.get('output') ?? 'table';
  if (output !== 'table') return fatal(`listing containers: output format "${output}" is not simulated on this node`);
  let wantState: string | undefined;
  const st = o.get('state');
  if (st !== undefined) {
    wantState = {
      created: 'CONTAINER_CREATED',
      running: 'CONTAINER_RUNNING',
      exited: 'CONTAINER_EXITED',
      unknown: 'CONTAINER_UNKNOWN',
    }[st.toLowerCase()];
    if (!wantState) return fatal('listing containers: --state should be one of created, running, exited or unknown');
  } else if (!o.has('all')) wantState = 'CONTAINER_RUNNING';
  const last = Number(o.get('last') ?? 0);
  // --latest / --last list every state, even with --state (ListContainers drops the filter).
  if (o.has('latest') || last > 0) wantState = undefined;
  let list: CriContainer[];
  try {
    list = await call<CriContainer[]>(env, 'cri.ListContainers', {});
  } catch (e) {
    return fatal(`listing containers: ${rpcText(e)}`);
  }
  const id = o.get('id');
  const pod = o.get('pod');
  list = list.filter(
    (c) =>
      (!wantState || c.state === wantState) &&
      (!id || c.id.startsWith(id)) &&
      (!pod || c.sandboxId.startsWith(pod)) &&
      matches(o.get('name'), c.name) &&
      matches(o.get('namespace'), c.podNamespace),
  );
  list.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? -1 : 1));
  if (o.has('latest')) list = list.slice(0, 1);
  else if (last > 0) list = list.slice(0, last);
  if (o.has('quiet')) return { stdout: list.map((c) => `${c.id}\n`).join(''), stderr: '', exit: 0 };
  const noTrunc = o.has('no-trunc');
  const images = o.has('resolve-image-path') ? await imageMap(env) : undefined;
  let text = 'CONTAINER\tIMAGE\tCREATED\tSTATE\tNAME\tATTEMPT\tPOD ID\tPOD\tNAMESPACE\n';
  for (const c of list) {
    let image = noTrunc ? c.imageRef : truncatedID(c.imageRef, 'sha256:');
    if (images) image = images.get(c.imageRef) ?? image;
    text += `${[
      noTrunc ? c.id : truncatedID(c.id),
      image,
      ago(env, c.createdAt),
      CONTAINER_STATE[c.state] ?? 'Unknown',
      c.name,
      String(c.attempt ?? 0),
      noTrunc ? c.sandboxId : truncatedID(c.sandboxId),
      c.podName || 'unknown',
      c.podNamespace || 'unknown',
    ].join('\t')}\n`;
  }
  return { stdout: tabulate(text, CRICTL_TABLE), stderr: '', exit: 0 };
}

async function imageMap(env: CrictlEnv): Promise<Map<string, string>> {
  const m = new Map<string, string>();
  try {
    for (const i of await call<CriImage[]>(env, 'cri.ListImages', {})) if (i.repoTags[0]) m.set(i.id, i.repoTags[0]);
  } catch {
    // leave image IDs as they are
  }
  return m;
}

// ---- crictl pods ----------------------------------------------------------------------------------------

async function pods(args: string[], env: CrictlEnv): Promise<ShellResult> {
  const f = flags(args, {
    quiet: { alias: 'q' },
    'no-trunc': {},
    verbose: { alias: 'v' },
    latest: { alias: 'l' },
    last: { alias: 'n', value: true },
    state: { alias: 's', value: true },
    name: { value: true },
    namespace: { value: true },
    id: { value: true },
    label: { value: true },
    output: { alias: 'o', value: true },
  });
  if ('error' in f) return fatal(f.error);
  const o = f.set;
  const output = o.get('output') ?? 'table';
  if (output !== 'table')
    return fatal(`listing pod sandboxes: output format "${output}" is not simulated on this node`);
  const st = o.get('state')?.toLowerCase();
  if (st !== undefined && st !== 'ready' && st !== 'notready') return fatal('--state should be ready or notready');
  let list: CriSandbox[];
  try {
    list = await call<CriSandbox[]>(env, 'cri.ListPodSandbox', {});
  } catch (e) {
    return fatal(`listing pod sandboxes: ${rpcText(e)}`);
  }
  const id = o.get('id');
  list = list.filter(
    (s) =>
      (!st || s.state === (st === 'ready' ? 'SANDBOX_READY' : 'SANDBOX_NOTREADY')) &&
      (!id || s.id.startsWith(id)) &&
      matches(o.get('name'), s.name) &&
      matches(o.get('namespace'), s.namespace),
  );
  list.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? -1 : 1));
  const last = Number(o.get('last') ?? 0);
  if (o.has('latest')) list = list.slice(0, 1);
  else if (last > 0) list = list.slice(0, last);
  if (o.has('quiet')) return { stdout: list.map((s) => `${s.id}\n`).join(''), stderr: '', exit: 0 };
  const noTrunc = o.has('no-trunc');
  let text = 'POD ID\tCREATED\tSTATE\tNAME\tNAMESPACE\tATTEMPT\tRUNTIME\n';
  for (const s of list) {
    text += `${[
      noTrunc ? s.id : truncatedID(s.id),
      ago(env, s.createdAt),
      s.state === 'SANDBOX_READY' ? 'Ready' : 'NotReady',
      s.name,
      s.namespace,
      String(s.attempt ?? 0),
      s.runtimeHandler || '(default)',
    ].join('\t')}\n`;
  }
  return { stdout: tabulate(text, CRICTL_TABLE), stderr: '', exit: 0 };
}

// ---- crictl images --------------------------------------------------------------------------------------

async function images(args: string[], env: CrictlEnv): Promise<ShellResult> {
  const f = flags(args, {
    quiet: { alias: 'q' },
    'no-trunc': {},
    digests: {},
    verbose: { alias: 'v' },
    pinned: {},
    output: { alias: 'o', value: true },
    filter: { alias: 'f', value: true },
  });
  if ('error' in f) return fatal(f.error);
  const o = f.set;
  const output = o.get('output') ?? 'table';
  if (output !== 'table') return fatal(`listing images: output format "${output}" is not simulated on this node`);
  let list: CriImage[];
  try {
    list = await call<CriImage[]>(env, 'cri.ListImages', {});
  } catch (e) {
    return fatal(`listing images: ${rpcText(e)}`);
  }
  const want = f.positional[0];
  if (want) {
    const ref = normalizeRef(want);
    list = list.filter((i) =>
      i.repoTags.some((t) => t === ref || (!want.includes(':') && t.startsWith(`${ref.replace(/:latest$/, '')}:`))),
    );
  }
  const first = (i: CriImage) => i.repoTags[0] ?? i.repoDigests?.[0] ?? i.id;
  list.sort((a, b) => (first(a) < first(b) ? -1 : first(a) > first(b) ? 1 : 0));
  if (o.has('quiet')) return { stdout: list.map((i) => `${i.id}\n`).join(''), stderr: '', exit: 0 };
  const noTrunc = o.has('no-trunc');
  const digests = o.has('digests');
  let text = `IMAGE\tTAG\t${digests ? 'DIGEST\t' : ''}IMAGE ID\tSIZE${o.has('pinned') ? '\tPINNED' : ''}\n`;
  for (const i of list) {
    const [repoName, repoDigest] = i.repoDigests?.[0]?.split('@') ?? ['<none>', '<none>'];
    const pairs = i.repoTags.length
      ? i.repoTags.map((t) => {
          const idx = t.lastIndexOf(':');
          return idx < 0 ? ['errorRepoTag', 'errorRepoTag'] : [t.slice(0, idx), t.slice(idx + 1)];
        })
      : [[repoName ?? '<none>', '<none>']];
    for (const [name, tag] of pairs) {
      const row = [name, tag];
      if (digests) row.push(noTrunc ? (repoDigest ?? '<none>') : truncatedID(repoDigest ?? '<none>', 'sha256:'));
      row.push(noTrunc ? i.id : truncatedID(i.id, 'sha256:'), humanSizeWithPrecision(i.size, 3));
      if (o.has('pinned')) row.push('false');
      text += `${row.join('\t')}\n`;
    }
  }
  return { stdout: tabulate(text, CRICTL_TABLE), stderr: '', exit: 0 };
}

/** docker.io/library/ normalisation of an image name, as containerd's reference parser does. */
function normalizeRef(image: string): string {
  let name = image;
  let tag = 'latest';
  const colon = name.lastIndexOf(':');
  if (colon > name.lastIndexOf('/')) {
    tag = name.slice(colon + 1);
    name = name.slice(0, colon);
  }
  const firstPart = name.split('/')[0] ?? '';
  const hasRegistry =
    name.includes('/') && (firstPart.includes('.') || firstPart.includes(':') || firstPart === 'localhost');
  if (!hasRegistry) name = name.includes('/') ? `docker.io/${name}` : `docker.io/library/${name}`;
  return `${name}:${tag}`;
}

// ---- crictl logs ----------------------------------------------------------------------------------------

async function logs(args: string[], env: CrictlEnv): Promise<ShellResult> {
  const f = flags(args, {
    follow: { alias: 'f' },
    previous: { alias: 'p' },
    timestamps: { alias: 't' },
    tail: { value: true },
    'limit-bytes': { value: true },
    since: { value: true },
    stream: { alias: 's', value: true },
    reopen: { alias: 'r' },
  });
  if ('error' in f) return fatal(f.error);
  const id = f.positional[0] ?? '';
  if (id === '') return fatal('ID cannot be empty');
  // ContainerStatus: containerd resolves an ID prefix (its truncindex).
  let all: CriContainer[];
  try {
    all = await call<CriContainer[]>(env, 'cri.ListContainers', {});
  } catch (e) {
    return fatal(rpcText(e));
  }
  const found = all.filter((c) => c.id.startsWith(id));
  if (found.length !== 1) {
    const why = found.length === 0 ? 'not found' : `multiple IDs found with provided prefix: ${id}`;
    const err = `rpc error: code = ${found.length === 0 ? 'NotFound' : 'Unknown'} desc = an error occurred when try to find container "${id}": ${why}`;
    return {
      stdout: '',
      stderr: `${klogError(env, 'ContainerStatus from runtime service failed', err, id)}FATA[0000] ${err}\n`,
      exit: 1,
    };
  }
  const c = found[0] as CriContainer;
  let lines: string[];
  try {
    lines = await call<string[]>(env, 'cri.logs', { containerId: c.id });
  } catch (e) {
    return fatal(rpcText(e));
  }
  const tail = f.set.get('tail');
  if (tail !== undefined && Number(tail) >= 0) lines = Number(tail) === 0 ? [] : lines.slice(-Number(tail));
  if (f.set.get('stream') === 'stderr') lines = [];
  return { stdout: lines.map((l) => `${l}\n`).join(''), stderr: '', exit: 0 };
}

function rpcText(e: unknown): string {
  if (e instanceof CriError) return `rpc error: code = ${e.code} desc = ${e.message}`;
  return (e as Error).message;
}

/** The cri-client's klog error line (`E0102 15:04:05.000000    1234 log.go:32] "…" err="…" containerID="…"`). */
function klogError(env: CrictlEnv, msg: string, err: string, id: string): string {
  // formatRFC3339Micro: 2025-01-02T15:04:05.000000Z → 0102 15:04:05.000000
  const t = formatRFC3339Micro(env.now);
  const stamp = `${t.slice(5, 7)}${t.slice(8, 10)} ${t.slice(11, 26)}`;
  const q = (s: string) => JSON.stringify(s);
  return `E${stamp} ${String(env.pid ?? 1).padStart(7, ' ')} log.go:32] ${q(msg)} err=${q(err)} containerID=${q(id)}\n`;
}

// ---- the command ----------------------------------------------------------------------------------------

const NOT_SIMULATED = new Set([
  'attach',
  'checkpoint',
  'config',
  'create',
  'events',
  'exec',
  'imagefsinfo',
  'info',
  'inspect',
  'inspecti',
  'inspectp',
  'metricdescs',
  'metricsp',
  'port-forward',
  'pull',
  'rm',
  'rmi',
  'rmp',
  'run',
  'runp',
  'runtime-config',
  'start',
  'stats',
  'statsp',
  'stop',
  'stopp',
  'update',
  'update-runtime-config',
  'version',
  'completion',
]);

export const CRICTL_SUBCOMMANDS = ['images', 'logs', 'pods', 'ps'];

export async function crictlCommand(args: string[], env: CrictlEnv): Promise<ShellResult> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'ps':
      return ps(rest, env);
    case 'pods':
      return pods(rest, env);
    case 'images':
    case 'image':
    case 'img':
      return images(rest, env);
    case 'logs':
      return logs(rest, env);
    case undefined:
    case 'help':
    case '-h':
    case '--help':
      return {
        stdout:
          'NAME:\n   crictl - client for CRI\n\nUSAGE:\n   crictl [global options] command [command options]\n\nCOMMANDS (in this simulated node):\n   images, image, img  List images\n   logs                Fetch the logs of a container\n   pods                List pods\n   ps                  List containers\n',
        stderr: '',
        exit: 0,
      };
    case '--version':
    case '-v':
      return { stdout: 'crictl version v1.33.0\n', stderr: '', exit: 0 };
    default:
      if (NOT_SIMULATED.has(sub))
        return fatal(`crictl ${sub} is not simulated on this node (try ps, pods, images, logs)`);
      return { stdout: '', stderr: `No help topic for '${sub}'\n`, exit: 3 };
  }
}
