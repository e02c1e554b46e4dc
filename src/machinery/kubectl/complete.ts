/**
 * Tab completion for the console, as kubectl's cobra completion offers it: commands, then resource
 * types, then the names of objects of that type (from what the page already knows about the
 * cluster, so completing never sends a request).
 */
import { RESOURCES } from '../api/resources.ts';
import { TOP_LEVEL } from './top-level.ts';

export interface Completion {
  /** The line with the word completed as far as every candidate agrees. */
  line: string;
  candidates: string[];
}

const ETCDCTL = ['get', 'put', 'del', 'watch', 'txn', 'compaction', 'version', 'endpoint', 'member'];
const TAKES_TYPE = new Set(['get', 'describe', 'delete', 'edit', 'label', 'annotate', 'scale', 'explain', 'patch']);
const ROLLOUT = ['history', 'pause', 'restart', 'resume', 'status', 'undo'];
const CREATE = [
  'configmap',
  'cronjob',
  'deployment',
  'job',
  'namespace',
  'secret',
  'service',
  'serviceaccount',
  'priorityclass',
  'quota',
];

/** Flags whose value is the next word (so it is not taken for an argument). */
const VALUE_FLAGS = new Set([
  '-n',
  '--namespace',
  '-c',
  '--container',
  '-l',
  '--selector',
  '-o',
  '--output',
  '-f',
  '--filename',
  '--context',
  '--field-selector',
  '--image',
  '--replicas',
  '--port',
]);

function commonPrefix(words: string[]): string {
  if (words.length === 0) return '';
  let p = words[0] as string;
  for (const w of words) while (!w.startsWith(p)) p = p.slice(0, -1);
  return p;
}

/** Resource type words kubectl accepts: plural, singular and short names. */
export function resourceWords(): string[] {
  const out = new Set<string>();
  for (const r of RESOURCES) {
    if (r.resource.includes('/')) continue;
    out.add(r.resource);
  }
  return [...out].sort();
}

/**
 * Completes the last word of `line`. `names(type)` lists object names of a resource type
 * (plural form); `tools` are the first words the console knows (kubectl, etcdctl, ...).
 */
export function complete(line: string, tools: string[], names: (resource: string) => string[]): Completion {
  const words = line.split(/\s+/);
  const last = words[words.length - 1] ?? '';
  const prior = words.slice(0, -1).filter((w) => w !== '');
  let pool: string[] = [];
  if (prior.length === 0) pool = tools;
  else if (prior[0] === 'kubectl' || prior[0] === 'k') {
    const args: string[] = [];
    const rest = prior.slice(1);
    for (let i = 0; i < rest.length; i++) {
      const w = rest[i] as string;
      if (VALUE_FLAGS.has(w)) i++;
      else if (!w.startsWith('-')) args.push(w);
    }
    if (args.length === 0) pool = TOP_LEVEL;
    else if (args[0] === 'rollout' && args.length === 1) pool = ROLLOUT;
    else if (args[0] === 'rollout' && args.length === 2) pool = ['deployment', 'daemonset', 'statefulset'];
    else if (args[0] === 'rollout' && args.length === 3) pool = names(plural(args[2] as string));
    else if (args[0] === 'create' && args.length === 1) pool = CREATE;
    else if ((args[0] === 'logs' || args[0] === 'exec') && args.length === 1) pool = names('pods');
    else if (args[0] === 'expose' && args.length === 1) pool = ['deployment', 'pod', 'replicaset', 'service'];
    else if (args[0] === 'expose' && args.length === 2) pool = names(plural(args[1] as string));
    else if (TAKES_TYPE.has(args[0] as string) && args.length === 1) {
      const slash = last.indexOf('/');
      if (slash > 0) {
        const type = last.slice(0, slash);
        pool = names(plural(type)).map((n) => `${type}/${n}`);
      } else pool = resourceWords();
    } else if (TAKES_TYPE.has(args[0] as string) && args.length >= 2) pool = names(plural(args[1] as string));
  } else if (prior[0] === 'etcdctl' && prior.length === 1) pool = ETCDCTL;
  const candidates = pool.filter((c) => c.startsWith(last));
  if (candidates.length === 0) return { line, candidates };
  const done = candidates.length === 1 ? `${candidates[0]} ` : commonPrefix(candidates);
  return { line: [...words.slice(0, -1), done].join(' '), candidates: candidates.length === 1 ? [] : candidates };
}

/** The plural resource a type word names (`deploy`, `deployment`, `deployments` → deployments). */
export function plural(word: string): string {
  const w = word.toLowerCase();
  for (const r of RESOURCES) {
    if (r.resource === w || r.shortNames.includes(w) || r.kind.toLowerCase() === w) return r.resource;
  }
  return w;
}
