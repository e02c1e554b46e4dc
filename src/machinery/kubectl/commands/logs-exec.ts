/**
 * kubectl logs and kubectl exec: find the pod (directly, or the first pod of a workload's
 * selector), pick the container (-c, the default-container annotation, else the first, saying
 * "Defaulted container ..."), then ask for pods/NAME/log or pods/NAME/exec. The kubelet answers
 * through kube-apiserver. exec's streams are not simulated: the command runs to its end and its
 * stdout, stderr and final status (the error channel's Status) come back in one answer, printed as
 * kubectl prints them ("command terminated with exit code N", exiting with N).
 */
import type { KObject } from '../../api/types.ts';
import { CommandError } from '../../printers/errors.ts';
import { formatLabels } from '../../printers/labels.ts';
import { parseTime } from '../../printers/time.ts';
import { resolveArgs, type Target } from '../builder.ts';
import type { Command } from '../command.ts';
import type { Ctx } from '../context.ts';
import { resourcePath } from '../discovery.ts';
import { type Flags, parseDuration } from '../flags.ts';

// biome-ignore lint/suspicious/noExplicitAny: pods are read defensively.
type Any = any;

const ACCEPT = 'application/json, */*';

/** Resolves `POD`, `pod/POD` or `TYPE/NAME` to a pod, as polymorphichelpers.AttachablePodForObject does. */
async function podFor(ctx: Ctx, arg: string, what: string): Promise<Any> {
  const targets: Target[] = arg.includes('/') ? await resolveArgs(ctx, [arg]) : await resolveArgs(ctx, ['pods', arg]);
  const t = targets[0] as Target;
  const o = await ctx.getJSON<Any>(resourcePath(t.mapping, t.namespace || undefined, t.name), {}, ACCEPT);
  if (t.mapping.kind === 'Pod') return o;
  const sel = o.spec?.selector;
  const labels: Record<string, string> = sel?.matchLabels ?? (t.mapping.kind === 'Service' ? sel : undefined) ?? {};
  const list = await ctx.getJSON<{ items?: Any[] }>(
    `/api/v1/namespaces/${o.metadata?.namespace ?? ctx.namespace}/pods`,
    { labelSelector: formatLabels(labels) },
    'application/vnd.kubernetes.protobuf,application/json',
  );
  const pods = (list.items ?? []).sort(byActive);
  if (pods.length === 0) throw new CommandError(`no pods found for ${what}`);
  if (pods.length > 1) ctx.printErr(`Found ${pods.length} pods, using pod/${pods[0].metadata?.name}\n`);
  return pods[0];
}

/** ActivePods ordering: running before pending, ready first, more restarts later, newer first. */
function byActive(a: Any, b: Any): number {
  const rank = (p: Any) => (p.spec?.nodeName ? 0 : 1);
  const phase = (p: Any) => ({ Running: 0, Unknown: 1, Pending: 2 })[p.status?.phase as string] ?? 3;
  const ready = (p: Any) =>
    (p.status?.conditions ?? []).some((c: Any) => c.type === 'Ready' && c.status === 'True') ? 0 : 1;
  return (
    rank(a) - rank(b) ||
    phase(a) - phase(b) ||
    ready(a) - ready(b) ||
    (parseTime(b.metadata?.creationTimestamp) ?? 0) - (parseTime(a.metadata?.creationTimestamp) ?? 0)
  );
}

function pickContainer(ctx: Ctx, pod: Any, requested: string, quiet: boolean): string {
  const containers: Any[] = pod.spec?.containers ?? [];
  const init: Any[] = pod.spec?.initContainers ?? [];
  const ephemeral: Any[] = pod.spec?.ephemeralContainers ?? [];
  if (requested) {
    if (![...containers, ...init, ...ephemeral].some((c) => c.name === requested)) {
      throw new CommandError(`container ${requested} is not valid for pod ${pod.metadata?.name ?? ''}`);
    }
    return requested;
  }
  const annotated = pod.metadata?.annotations?.['kubectl.kubernetes.io/default-container'];
  if (annotated && containers.some((c) => c.name === annotated)) return annotated;
  const first = containers[0]?.name ?? '';
  if (containers.length + init.length + ephemeral.length > 1 && !quiet) {
    const all = [
      ...containers.map((c) => c.name),
      ...init.map((c) => `${c.name} (init)`),
      ...ephemeral.map((c) => `${c.name} (ephem)`),
    ];
    ctx.printErr(`Defaulted container "${first}" out of: ${all.join(', ')}\n`);
  }
  return first;
}

export const logsCommand: Command = {
  name: 'logs',
  flags: [
    { name: 'container', short: 'c', type: 'string' },
    { name: 'follow', short: 'f', type: 'bool' },
    { name: 'previous', short: 'p', type: 'bool' },
    { name: 'tail', type: 'int', default: -1 },
    { name: 'since', type: 'duration', default: '0s' },
    { name: 'since-time', type: 'string' },
    { name: 'timestamps', type: 'bool' },
    { name: 'limit-bytes', type: 'int' },
    { name: 'all-containers', type: 'bool' },
    { name: 'selector', short: 'l', type: 'string' },
    { name: 'prefix', type: 'bool' },
    { name: 'max-log-requests', type: 'int', default: 5 },
    { name: 'ignore-errors', type: 'bool' },
    { name: 'pod-running-timeout', type: 'duration', default: '20s' },
    { name: 'insecure-skip-tls-verify-backend', type: 'bool' },
  ],
  async run(ctx, f) {
    if (f.args.length === 0 && !f.str('selector'))
      throw new CommandError(
        "expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples",
      );
    let pods: Any[];
    if (f.str('selector')) {
      const list = await ctx.getJSON<{ items?: Any[] }>(
        `/api/v1/namespaces/${ctx.namespace}/pods`,
        { labelSelector: f.str('selector') },
        ACCEPT,
      );
      pods = list.items ?? [];
      if (pods.length > f.int('max-log-requests')) {
        throw new CommandError(
          `you are attempting to follow ${pods.length} log streams, but maximum allowed concurrency is ${f.int('max-log-requests')}, use --max-log-requests to increase the limit`,
        );
      }
    } else {
      const arg = f.args.length === 2 && !f.args[0]?.includes('/') ? (f.args[0] as string) : (f.args[0] as string);
      pods = [await podFor(ctx, arg, arg)];
    }
    for (const pod of pods) {
      const containers = f.bool('all-containers')
        ? [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c: Any) => c.name as string)
        : [
            pickContainer(
              ctx,
              pod,
              f.str('container') || (f.args.length === 2 ? (f.args[1] as string) : ''),
              f.str('selector') !== '',
            ),
          ];
      for (const c of containers) {
        const query: Record<string, string> = { container: c };
        if (f.bool('follow')) query.follow = 'true';
        if (f.bool('previous')) query.previous = 'true';
        if (f.int('tail') >= 0) query.tailLines = String(f.int('tail'));
        const since = parseDuration(f.str('since')) ?? 0;
        if (since > 0) query.sinceSeconds = String(Math.ceil(since / 1000));
        if (f.str('since-time')) query.sinceTime = f.str('since-time');
        if (f.bool('timestamps')) query.timestamps = 'true';
        if (f.int('limit-bytes') > 0) query.limitBytes = String(f.int('limit-bytes'));
        const r = await ctx.call(
          'GET',
          `/api/v1/namespaces/${pod.metadata?.namespace ?? ctx.namespace}/pods/${pod.metadata?.name}/log`,
          { query, accept: ACCEPT },
        );
        const text = typeof r.body === 'string' ? r.body : '';
        const prefix =
          f.bool('prefix') || (pods.length > 1 && f.bool('prefix')) ? `[pod/${pod.metadata?.name}/${c}] ` : '';
        ctx.print(prefix ? text.replace(/^(?=.)/gm, prefix) : text);
      }
    }
  },
};

export const execCommand: Command = {
  name: 'exec',
  flags: [
    { name: 'container', short: 'c', type: 'string' },
    { name: 'stdin', short: 'i', type: 'bool' },
    { name: 'tty', short: 't', type: 'bool' },
    { name: 'quiet', short: 'q', type: 'bool' },
    { name: 'filename', short: 'f', type: 'stringSlice' },
    { name: 'pod-running-timeout', type: 'duration', default: '1m0s' },
  ],
  async run(ctx, f: Flags) {
    const dash = f.parsed.dashIndex;
    if (dash < 0 && f.args.length > 1) {
      throw new CommandError(
        "exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\nSee 'kubectl exec -h' for help and examples",
      );
    }
    const target = f.args[0];
    const command = dash >= 0 ? f.args.slice(dash) : [];
    if (!target || dash === 0)
      throw new CommandError(
        "expected 'exec (POD | TYPE/NAME) [-c CONTAINER] [flags] -- COMMAND [args...]'.\nPOD or TYPE/NAME is a required argument for the exec command\nSee 'kubectl exec -h' for help and examples",
      );
    if (command.length === 0)
      throw new CommandError(
        "you must specify at least one command for the container\nSee 'kubectl exec -h' for help and examples",
      );
    const pod = await podFor(ctx, target, target);
    if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') {
      throw new CommandError(`cannot exec into a container in a completed pod; current phase is ${pod.status.phase}`);
    }
    const container = pickContainer(ctx, pod, f.str('container'), f.bool('quiet'));
    const query: Record<string, string> = { command: command.join(' '), container, stderr: 'true', stdout: 'true' };
    if (f.bool('stdin')) query.stdin = 'true';
    if (f.bool('tty')) query.tty = 'true';
    const r = await ctx.call(
      'POST',
      `/api/v1/namespaces/${pod.metadata?.namespace ?? ctx.namespace}/pods/${pod.metadata?.name}/exec`,
      {
        query,
        body: JSON.stringify({ command }),
        accept: ACCEPT,
      },
    );
    const body = r.body as Any;
    if (r.status >= 300) {
      // The stream never opened: kubectl reports the upgrade failure with the server's message.
      const msg = typeof body === 'string' ? body.trim() : (body?.message ?? `status ${r.status}`);
      throw new CommandError(`unable to upgrade connection: ${msg}`);
    }
    if (typeof body === 'string') {
      ctx.print(body);
      return;
    }
    if (body && typeof body === 'object') {
      if (typeof body.stdout === 'string') ctx.print(body.stdout);
      if (typeof body.stderr === 'string') ctx.printErr(body.stderr);
      // The error channel's Status (remotecommand): NonZeroExitCode carries the exit code, which
      // kubectl exits with; any other failure is an error.
      const st = body.status;
      if (st && st.status === 'Failure') {
        if (st.reason === 'NonZeroExitCode') {
          const code = Number(st.details?.causes?.find((c: Any) => c.reason === 'ExitCode')?.message ?? 1);
          throw new CommandError(`command terminated with exit code ${code}`, code, true);
        }
        throw new CommandError(String(st.message ?? 'error executing command'));
      }
      const code = typeof body.exitCode === 'number' ? body.exitCode : 0;
      if (code !== 0) throw new CommandError(`command terminated with exit code ${code}`, code, true);
    }
  },
};

export type { KObject };
