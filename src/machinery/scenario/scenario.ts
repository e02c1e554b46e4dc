/**
 * Scenarios: a cluster, a seed and a list of steps, run at maximum speed on the simulated clock.
 * The same file and seed give a byte-identical trace, which is what lessons and share links are
 * made of. Parsing reports problems with their YAML line and column.
 *
 *   name: etcd basics
 *   seed: 7
 *   cluster: { only: etcd }
 *   steps:
 *     - etcd: put /registry/demo/a hello
 *     - etcd: { op: range, key: /registry/demo/, prefix: true }
 *     - wait: 30s
 */
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import { utf8ToBytes } from '../../../workers/etcd/json.ts';
import { apiKind, apiSummary } from '../api/request-info.ts';
import type { ApiRequest, ApiResponse, HttpMethod } from '../api/types.ts';
import type { Relay } from '../bus/relay.ts';
import { applyFault, type Fault, parseState } from '../cluster/faults.ts';
import { kubectlIO } from '../cluster/kubectl-io.ts';
import type { ClusterConfig } from '../cluster/topology.ts';
import { type EtcdctlCommand, parseEtcdctl, prefixEnd, printError, printResult, UsageError } from '../etcdctl.ts';
import { runKubectl } from '../kubectl/kubectl.ts';
import type { KubectlCache } from '../kubectl/types.ts';
import { parseDuration } from './duration.ts';

/** A raw API request, as `api: {method, path, body?, query?}` writes it. */
export interface ApiStep {
  method: HttpMethod;
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  contentType?: string;
}

export type Step =
  | { etcd: EtcdctlCommand; text: string; line: number }
  | { wait: number; text: string; line: number }
  | { api: ApiStep; text: string; line: number }
  | { fault: Fault; text: string; line: number }
  | { kubectl: string[]; text: string; line: number; stdin?: string };

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

function apiStep(body: unknown): ApiStep {
  if (typeof body === 'string') {
    const [method, path] = body.trim().split(/\s+/) as [string, string | undefined];
    if (!METHODS.includes(method as HttpMethod) || !path?.startsWith('/')) {
      throw new UsageError('api: takes "METHOD /path" or {method, path, body, query, contentType}');
    }
    return { method: method as HttpMethod, path };
  }
  const o = body as Record<string, unknown>;
  const method = String(o.method ?? 'GET').toUpperCase();
  if (!METHODS.includes(method as HttpMethod))
    throw new UsageError(`api: method must be one of ${METHODS.join(', ')}, got ${JSON.stringify(o.method)}`);
  if (typeof o.path !== 'string' || !o.path.startsWith('/'))
    throw new UsageError('api: path must be a string starting with /');
  const step: ApiStep = { method: method as HttpMethod, path: o.path };
  if (o.query !== undefined)
    step.query = Object.fromEntries(Object.entries(o.query as object).map(([k, v]) => [k, String(v)]));
  if (o.body !== undefined) step.body = o.body;
  if (typeof o.contentType === 'string') step.contentType = o.contentType;
  return step;
}

export interface Scenario {
  name: string;
  seed: number | undefined;
  cluster: ClusterConfig;
  steps: Step[];
}

export class ScenarioError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly col: number,
  ) {
    super(`line ${line}, column ${col}: ${message}`);
    this.name = 'ScenarioError';
  }
}

const byteStringFields = new Set(['key', 'range_end', 'value']);

/** `{op: put, key: /a, value: b}` → a bus request; text fields become UTF-8 bytes. */
function objectStep(o: Record<string, unknown>): EtcdctlCommand {
  const { op, prefix, ...rest } = o;
  const req = toBytes(rest) as Record<string, unknown>;
  if (prefix === true) req.range_end = prefixEnd(req.key as string);
  switch (op) {
    case 'put':
      return { verb: 'put', req, format: 'simple', prevKv: req.prev_kv === true };
    case 'range':
    case 'get':
      return { verb: 'range', req, format: 'simple' };
    case 'delete':
    case 'del':
    case 'deleterange':
      return { verb: 'deleterange', req, format: 'simple', prevKv: req.prev_kv === true };
    case 'txn':
      return { verb: 'txn', req: txnOf(rest), format: 'json' };
    case 'compaction':
    case 'compact':
      return { verb: 'compaction', req, format: 'simple' };
    default:
      throw new UsageError(`unknown etcd op ${JSON.stringify(op)}: use put, range, delete, txn or compaction`);
  }
}

function toBytes(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(toBytes);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v))
      out[k] = byteStringFields.has(k) && typeof x === 'string' ? utf8ToBytes(x) : toBytes(x);
    return out;
  }
  return v;
}

/** Txn ops may be written `{put: {...}}`, `{range: {...}}`, `{delete: {...}}` or `{txn: {...}}`. */
function txnOf(o: Record<string, unknown>): unknown {
  const ops = (list: unknown): unknown[] =>
    ((list as unknown[] | undefined) ?? []).map((op) => {
      const [k, v] = Object.entries(op as Record<string, unknown>)[0] ?? [];
      const body = toBytes(v) as Record<string, unknown>;
      if ((v as { prefix?: boolean } | undefined)?.prefix === true) {
        delete body.prefix;
        body.range_end = prefixEnd(body.key as string);
      }
      switch (k) {
        case 'put':
        case 'request_put':
          return { request_put: body };
        case 'range':
        case 'get':
        case 'request_range':
          return { request_range: body };
        case 'delete':
        case 'request_delete_range':
          return { request_delete_range: body };
        case 'txn':
        case 'request_txn':
          return { request_txn: txnOf(v as Record<string, unknown>) };
        default:
          throw new UsageError(`unknown txn operation ${JSON.stringify(k)}: use put, range, delete or txn`);
      }
    });
  return { compare: toBytes(o.compare ?? []), success: ops(o.success), failure: ops(o.failure) };
}

/** Splits a command line into words, honouring single and double quotes. */
export function words(line: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (const m of line.matchAll(re)) out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : (m[2] ?? m[3] ?? ''));
  return out;
}

export function parseScenario(text: string): Scenario {
  const lc = new LineCounter();
  const doc = parseDocument(text, { version: '1.1', lineCounter: lc, prettyErrors: false });
  const at = (range: [number, number, number] | undefined | null): [number, number] => {
    const p = lc.linePos(range?.[0] ?? 0);
    return [p.line, p.col];
  };
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const p = e.linePos?.[0] ?? { line: 1, col: 1 };
    throw new ScenarioError(e.message.split('\n')[0] ?? e.message, p.line, p.col);
  }
  const root = doc.contents;
  if (!isMap(root)) throw new ScenarioError('a scenario is a mapping with name, seed, cluster and steps', 1, 1);
  const js = doc.toJS() as Record<string, unknown>;
  for (const k of Object.keys(js)) {
    if (!['name', 'seed', 'cluster', 'steps', 'description'].includes(k)) {
      const node = root.items.find((i) => (i.key as { value?: unknown }).value === k)?.key as {
        range?: [number, number, number];
      };
      throw new ScenarioError(
        `unknown field "${k}" (expected name, description, seed, cluster, steps)`,
        ...at(node?.range),
      );
    }
  }
  const seed = js.seed;
  if (seed !== undefined && (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0)) {
    throw new ScenarioError(
      `seed must be a non-negative integer, got ${JSON.stringify(seed)}`,
      ...at((root.get('seed', true) as { range?: [number, number, number] })?.range),
    );
  }
  const stepsNode = root.get('steps', true);
  if (!isSeq(stepsNode))
    throw new ScenarioError(
      'steps must be a list',
      ...at((stepsNode as { range?: [number, number, number] } | undefined)?.range),
    );
  const steps: Step[] = [];
  stepsNode.items.forEach((item, i) => {
    const [line, col] = at((item as { range?: [number, number, number] }).range);
    const raw = (js.steps as unknown[])[i];
    if (!raw || typeof raw !== 'object' || Array.isArray(raw) || Object.keys(raw).length !== 1) {
      throw new ScenarioError(`step ${i + 1} must have exactly one of etcd or wait`, line, col);
    }
    const [kind, body] = Object.entries(raw as Record<string, unknown>)[0] as [string, unknown];
    try {
      if (kind === 'etcd') {
        if (typeof body === 'string') {
          const argv = words(body);
          if (argv[0] === 'etcdctl') argv.shift();
          steps.push({ etcd: parseEtcdctl(argv), text: `etcdctl ${argv.join(' ')}`, line });
        } else if (body && typeof body === 'object') {
          steps.push({ etcd: objectStep(body as Record<string, unknown>), text: `etcd ${JSON.stringify(body)}`, line });
        } else throw new UsageError('etcd: takes an etcdctl command line or a request object');
      } else if (kind === 'kubectl') {
        if (typeof body === 'string') {
          const argv = words(body);
          if (argv[0] === 'kubectl') argv.shift();
          steps.push({ kubectl: argv, text: `kubectl ${argv.join(' ')}`, line });
        } else if (body && typeof body === 'object' && typeof (body as { args?: unknown }).args === 'string') {
          const o = body as { args: string; stdin?: unknown };
          const argv = words(o.args);
          if (argv[0] === 'kubectl') argv.shift();
          const step: { kubectl: string[]; text: string; line: number; stdin?: string } = {
            kubectl: argv,
            text: `kubectl ${argv.join(' ')}`,
            line,
          };
          if (typeof o.stdin === 'string') step.stdin = o.stdin;
          steps.push(step);
        } else throw new UsageError('kubectl: takes a command line, or {args, stdin} to give `-f -` a manifest');
      } else if (kind === 'fault') {
        const o = (body ?? {}) as Record<string, unknown>;
        const state = parseState(o.state);
        let f: Fault;
        if (typeof o.kubelet === 'string') f = { kind: 'kubelet', node: o.kubelet, state };
        else if (typeof o.node === 'string') f = { kind: 'node', node: o.node, state };
        else if (typeof o.component === 'string') f = { kind: 'component', component: o.component, state };
        else
          throw new UsageError(
            'fault: takes {kubelet: <node>, state}, {node: <node>, state} or {component: <name>, state}',
          );
        steps.push({ fault: f, text: `fault ${JSON.stringify(body)}`, line });
      } else if (kind === 'clock') {
        const o = (body ?? {}) as Record<string, unknown>;
        if (o.advance === undefined)
          throw new UsageError('clock: takes {advance: <duration>} in a scenario (it runs at maximum speed)');
        steps.push({ wait: parseDuration(String(o.advance)), text: `clock advance ${String(o.advance)}`, line });
      } else if (kind === 'api') {
        steps.push({ api: apiStep(body), text: `api ${typeof body === 'string' ? body : JSON.stringify(body)}`, line });
      } else if (kind === 'wait') {
        steps.push({ wait: parseDuration(String(body)), text: `wait ${String(body)}`, line });
      } else {
        throw new UsageError(`unknown step "${kind}" (known steps: kubectl, etcd, api, fault, clock, wait)`);
      }
    } catch (e) {
      if (e instanceof ScenarioError) throw e;
      throw new ScenarioError((e as Error).message, line, col);
    }
  });
  const cluster = (js.cluster ?? {}) as ClusterConfig;
  return { name: String(js.name ?? 'scenario'), seed: seed as number | undefined, cluster, steps };
}

export interface StepResult {
  step: string;
  line: number;
  at: number;
  output: string;
}

/** Runs the steps against a booted cluster at maximum speed. */
export async function runSteps(relay: Relay, steps: Step[], epoch?: number): Promise<StepResult[]> {
  const cache: KubectlCache = {};
  const io = kubectlIO(relay, epoch === undefined ? { cache } : { epoch, cache });
  const etcdctl = relay.client('etcdctl');
  const kubectl = relay.client('kubectl');
  const results: StepResult[] = [];
  for (const step of steps) {
    if ('wait' in step) {
      await relay.advance(step.wait);
      results.push({ step: step.text, line: step.line, at: relay.now, output: '' });
      continue;
    }
    if ('kubectl' in step) {
      const run = runKubectl(step.kubectl, step.stdin === undefined ? io : { ...io, stdin: step.stdin });
      // The clock runs while kubectl waits (rollout status, wait): at most ten simulated minutes.
      const r = await relay.settle(run, relay.now + 600_000);
      results.push({ step: step.text, line: step.line, at: relay.now, output: r.stdout + r.stderr });
      continue;
    }
    if ('fault' in step) {
      const what = await applyFault(relay, step.fault);
      results.push({ step: step.text, line: step.line, at: relay.now, output: `${what}\n` });
      continue;
    }
    if ('api' in step) {
      const a = step.api;
      const req: ApiRequest = {
        method: a.method,
        path: a.path,
        query: a.query ?? {},
        headers: {
          accept: 'application/json',
          'content-type': a.contentType ?? 'application/json',
          'user-agent': 'wheelhouse-scenario',
        },
      };
      if (a.body !== undefined) req.body = typeof a.body === 'string' ? a.body : JSON.stringify(a.body);
      const reply = await relay.settle(
        kubectl.request<ApiResponse>('kube-apiserver', apiKind(req), req, apiSummary(req)),
      );
      const r = reply.payload;
      results.push({
        step: step.text,
        line: step.line,
        at: relay.now,
        output: `${r.status}\n${typeof r.body === 'string' ? r.body : JSON.stringify(r.body, null, 2)}\n`,
      });
      continue;
    }
    const cmd = step.etcd;
    if (cmd.verb === 'watch') throw new ScenarioError('watch is not a scenario step (it never ends)', step.line, 1);
    const reply = await relay.settle(
      etcdctl.request<{ ok?: unknown; error?: { message: string } }>('etcd', `etcd.${cmd.verb}`, cmd.req, step.text),
    );
    const p = reply.payload;
    results.push({
      step: step.text,
      line: step.line,
      at: relay.now,
      output: p.error ? printError(p.error.message) : printResult(cmd, p.ok),
    });
  }
  return results;
}
