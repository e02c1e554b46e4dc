/**
 * kubectl cordon, uncordon and drain, as pkg/cmd/drain with pkg/drain (the Helper):
 *
 * - cordon/uncordon GET the node and, unless spec.unschedulable already has the wanted value,
 *   send the strategic merge patch CordonHelper computes (`{"spec":{"unschedulable":true}}`, or
 *   `null` to clear it): `node/x cordoned`, `node/x already uncordoned`.
 * - drain cordons, lists the node's pods (fieldSelector spec.nodeName), runs them through the
 *   Helper's filters in its order (deleted-too-long, DaemonSet, mirror, emptyDir, no controller),
 *   refuses with every blocking reason at once unless the flags allow them, then POSTs a
 *   policy/v1 Eviction for each (or DELETEs with --disable-eviction) and waits until each pod is
 *   gone: `evicting pod ns/x`, `pod/x evicted`, `node/x drained`.
 *
 * Simplified: --timeout is accepted but not enforced (the wait ends when the pods are gone or the
 * user interrupts); a 429 from the eviction API (a PodDisruptionBudget) is reported, not retried
 * every 5 s, because kubectl here has no clock to sleep on.
 */
import type { KObject } from '../../api/types.ts';
import { CommandError, ErrorList, StatusError } from '../../printers/errors.ts';
import { parseTime } from '../../printers/time.ts';
import { itemsOf } from '../builder.ts';
import { type Command, DRY_RUN_FLAG, type DryRun } from '../command.ts';
import type { Ctx } from '../context.ts';
import type { ApiResource } from '../discovery.ts';
import type { Flags } from '../flags.ts';
import { dryRunOf, resultLine } from '../mutate.ts';
import { waitDeleted } from './delete.ts';

interface Pod extends KObject {
  spec?: { nodeName?: string; volumes?: { emptyDir?: unknown }[] };
  status?: { phase?: string };
}

type Verdict =
  | { kind: 'okay' }
  | { kind: 'skip' }
  | { kind: 'warning'; remove: boolean; message: string }
  | { kind: 'error'; message: string };

const DAEMONSET_FATAL = 'DaemonSet-managed Pods (use --ignore-daemonsets to ignore)';
const DAEMONSET_WARNING = 'ignoring DaemonSet-managed Pods';
const LOCAL_STORAGE_FATAL = 'Pods with local storage (use --delete-emptydir-data to override)';
const LOCAL_STORAGE_WARNING = 'deleting Pods with local storage';
const UNMANAGED_FATAL = 'cannot delete Pods that declare no controller (use --force to override)';
const UNMANAGED_WARNING = 'deleting Pods that declare no controller';
const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';

const SELECTOR_FLAG = { name: 'selector', short: 'l', type: 'string' } as const;

/** The node objects named on the command line (or matching -l), fetched as the builder does. */
async function nodesFor(ctx: Ctx, f: Flags, use: string): Promise<{ mapping: ApiResource; nodes: KObject[] }> {
  const selector = f.str('selector');
  const usage = (msg: string) =>
    new CommandError(`${msg}\nSee 'kubectl ${ctx.command} -h' for help and examples`, 1, false);
  if (f.args.length === 0 && !f.changed('selector')) throw usage(`USAGE: ${use} [flags]`);
  if (f.args.length > 0 && selector !== '')
    throw usage('error: cannot specify both a node name and a --selector option');
  const mapping = (await ctx.mapper()).resolve('nodes');
  const nodes: KObject[] = [];
  if (selector !== '') {
    const list = await ctx.getJSON<{ items?: KObject[] }>('/api/v1/nodes', { labelSelector: selector });
    nodes.push(...itemsOf(list));
  }
  for (const name of f.args) nodes.push(await ctx.getJSON<KObject>(`/api/v1/nodes/${encodeURIComponent(name)}`));
  return { mapping, nodes };
}

/** RunCordonOrUncordon: per node, `already …` or a patch and `cordoned`/`uncordoned`. */
async function cordonOrUncordon(
  ctx: Ctx,
  mapping: ApiResource,
  nodes: KObject[],
  desired: boolean,
  dryRun: DryRun,
): Promise<void> {
  const verb = desired ? 'cordon' : 'uncordon';
  for (const node of nodes) {
    const name = node.metadata?.name ?? '';
    const current = (node.spec as { unschedulable?: boolean } | undefined)?.unschedulable === true;
    if (current === desired) {
      ctx.print(resultLine(mapping, name, `already ${verb}ed`));
      continue;
    }
    if (dryRun !== 'client') {
      try {
        await ctx.call('PATCH', `/api/v1/nodes/${encodeURIComponent(name)}`, {
          query: dryRun === 'server' ? { dryRun: 'All' } : {},
          // Unschedulable is omitempty: clearing it diffs to null.
          body: JSON.stringify({ spec: { unschedulable: desired ? true : null } }),
          contentType: 'application/strategic-merge-patch+json',
        });
      } catch (e) {
        ctx.printErr(`error: unable to ${verb} node ${JSON.stringify(name)}: ${(e as Error).message}\n`);
        continue;
      }
    }
    ctx.print(resultLine(mapping, name, `${verb}ed`, dryRun));
  }
}

function controllerOf(p: KObject): { kind?: string; name?: string } | undefined {
  return p.metadata?.ownerReferences?.find((r) => (r as { controller?: boolean }).controller === true);
}

const finished = (p: Pod) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

interface DrainOptions {
  force: boolean;
  ignoreDaemonSets: boolean;
  deleteEmptyDirData: boolean;
  skipWaitForDeleteTimeout: number;
}

/** The Helper's filters, in its order; a pod stops at the first filter that keeps it. */
async function verdictFor(ctx: Ctx, pod: Pod, o: DrainOptions): Promise<Verdict> {
  const filters: ((p: Pod) => Promise<Verdict> | Verdict)[] = [
    // skipDeletedFilter
    (p) => {
      const ts = p.metadata?.deletionTimestamp;
      if (o.skipWaitForDeleteTimeout > 0 && ts) {
        const age = Math.floor((ctx.now() - (parseTime(ts) ?? ctx.now())) / 1000);
        if (age > o.skipWaitForDeleteTimeout) return { kind: 'skip' };
      }
      return { kind: 'okay' };
    },
    // daemonSetFilter
    async (p) => {
      const ref = controllerOf(p);
      if (ref?.kind !== 'DaemonSet') return { kind: 'okay' };
      if (finished(p)) return { kind: 'okay' };
      try {
        await ctx.getJSON(
          `/apis/apps/v1/namespaces/${p.metadata?.namespace ?? ''}/daemonsets/${encodeURIComponent(ref.name ?? '')}`,
        );
      } catch (e) {
        const notFound = e instanceof StatusError && e.status.reason === 'NotFound';
        if (notFound && o.force) return { kind: 'warning', remove: true, message: (e as Error).message };
        return { kind: 'error', message: (e as Error).message };
      }
      if (!o.ignoreDaemonSets) return { kind: 'error', message: DAEMONSET_FATAL };
      return { kind: 'warning', remove: false, message: DAEMONSET_WARNING };
    },
    // mirrorPodFilter
    (p) => (p.metadata?.annotations?.[MIRROR_ANNOTATION] !== undefined ? { kind: 'skip' } : { kind: 'okay' }),
    // localStorageFilter
    (p) => {
      if (!(p.spec?.volumes ?? []).some((v) => v.emptyDir !== undefined && v.emptyDir !== null))
        return { kind: 'okay' };
      if (finished(p)) return { kind: 'okay' };
      if (!o.deleteEmptyDirData) return { kind: 'error', message: LOCAL_STORAGE_FATAL };
      return { kind: 'warning', remove: true, message: LOCAL_STORAGE_WARNING };
    },
    // unreplicatedFilter
    (p) => {
      if (finished(p)) return { kind: 'okay' };
      if (controllerOf(p)) return { kind: 'okay' };
      if (o.force) return { kind: 'warning', remove: true, message: UNMANAGED_WARNING };
      return { kind: 'error', message: UNMANAGED_FATAL };
    },
  ];
  let v: Verdict = { kind: 'okay' };
  for (const filter of filters) {
    v = await filter(pod);
    const remove = v.kind === 'okay' || (v.kind === 'warning' && v.remove);
    if (!remove) break;
  }
  return v;
}

/** Groups `ns/name` by message, keeping the order messages first appear in. */
function grouped(items: { pod: Pod; message: string }[]): [string, string[]][] {
  const out = new Map<string, string[]>();
  for (const { pod, message } of items) {
    const list = out.get(message) ?? [];
    list.push(`${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`);
    out.set(message, list);
  }
  return [...out];
}

/** GetPodsForDeletion: the pods to remove, the warning text, and the errors that block the drain. */
async function podsForDeletion(
  ctx: Ctx,
  node: string,
  podSelector: string,
  o: DrainOptions,
): Promise<{ remove: Pod[]; warnings: string; errors: Error[] }> {
  const query: Record<string, string> = { fieldSelector: `spec.nodeName=${node}`, limit: '500' };
  if (podSelector !== '') query.labelSelector = podSelector;
  const list = await ctx.getJSON<{ items?: Pod[] }>('/api/v1/pods', query);
  const remove: Pod[] = [];
  const warnings: { pod: Pod; message: string }[] = [];
  const errors: { pod: Pod; message: string }[] = [];
  for (const pod of list.items ?? []) {
    const v = await verdictFor(ctx, pod, o);
    if (v.kind === 'okay') remove.push(pod);
    else if (v.kind === 'warning') {
      if (v.remove) remove.push(pod);
      warnings.push({ pod, message: v.message });
    } else if (v.kind === 'error') errors.push({ pod, message: v.message || 'unexpected error' });
  }
  return {
    remove,
    warnings: grouped(warnings)
      .map(([m, pods]) => `${m}: ${pods.join(', ')}`)
      .join('; '),
    // kubectl 1.32 prefixes every message, so the unmanaged one reads `cannot delete cannot delete …`.
    errors: grouped(errors).map(([m, pods]) => new Error(`cannot delete ${m}: ${pods.join(', ')}`)),
  };
}

/** Go's utilerrors.Aggregate text: the message alone, or `[a, b]`. */
function aggregateText(errors: Error[]): string {
  return errors.length === 1 ? (errors[0] as Error).message : `[${errors.map((e) => e.message).join(', ')}]`;
}

/** DeleteOrEvictPods: evict (or delete) every pod, then wait for each to be gone. */
async function evictOrDelete(
  ctx: Ctx,
  pods: Pod[],
  opts: { grace: number; disableEviction: boolean; dryRun: DryRun; interrupted: () => boolean },
): Promise<Error[]> {
  if (pods.length === 0) return [];
  const mapper = await ctx.mapper();
  const podMapping = mapper.resolve('pods');
  // CheckEvictionSupport also wants the policy group in /apis; the simulated server serves
  // pods/eviction without listing a policy resource, so the subresource alone decides here.
  const eviction = !opts.disableEviction && podMapping.subresources.includes('eviction');
  const deleteOptions: Record<string, unknown> = {};
  if (opts.grace >= 0) deleteOptions.gracePeriodSeconds = opts.grace;
  if (opts.dryRun === 'server') deleteOptions.dryRun = ['All'];
  const podPath = (p: Pod) =>
    `/api/v1/namespaces/${p.metadata?.namespace ?? ''}/pods/${encodeURIComponent(p.metadata?.name ?? '')}`;
  const verb = eviction ? 'evicted' : 'deleted';
  const waiting: Promise<Error | undefined>[] = [];
  const errors: Error[] = [];
  for (const p of pods) {
    const ns = p.metadata?.namespace ?? '';
    const name = p.metadata?.name ?? '';
    if (eviction) {
      ctx.print(`evicting pod ${ns}/${name}${opts.dryRun === 'server' ? ' (server dry run)' : ''}\n`);
      try {
        await ctx.call('POST', `${podPath(p)}/eviction`, {
          body: JSON.stringify({
            kind: 'Eviction',
            apiVersion: 'policy/v1',
            metadata: { name, namespace: ns, creationTimestamp: null },
            deleteOptions,
          }),
        });
      } catch (e) {
        if (e instanceof StatusError && e.status.reason === 'NotFound') continue;
        errors.push(
          new Error(
            `error when evicting pods/${JSON.stringify(name)} -n ${JSON.stringify(ns)}: ${(e as Error).message}`,
          ),
        );
        continue;
      }
    } else {
      try {
        await ctx.call('DELETE', podPath(p), { body: JSON.stringify(deleteOptions) });
      } catch (e) {
        if (!(e instanceof StatusError && e.status.reason === 'NotFound')) return [e as Error];
      }
    }
    if (opts.dryRun === 'server') continue;
    const uid = p.metadata?.uid;
    const victim = { target: { mapping: podMapping, namespace: ns }, name, namespace: ns, ...(uid ? { uid } : {}) };
    waiting.push(
      waitDeleted(ctx, victim).then(
        () => {
          // An interrupted wait ends without the pod gone: Ctrl+C kills kubectl, which prints nothing more.
          if (!opts.interrupted()) ctx.print(resultLine(podMapping, name, verb));
          return undefined;
        },
        (e: unknown) =>
          new Error(
            `error when waiting for pod ${JSON.stringify(name)} in namespace ${JSON.stringify(ns)} to terminate: ${(e as Error).message}`,
          ),
      ),
    );
  }
  for (const e of await Promise.all(waiting)) if (e) errors.push(e);
  return errors;
}

function cordonCommand(desired: boolean): Command {
  const name = desired ? 'cordon' : 'uncordon';
  return {
    name,
    flags: [SELECTOR_FLAG, DRY_RUN_FLAG],
    async run(ctx, f) {
      const dryRun = dryRunOf(ctx, f);
      const { mapping, nodes } = await nodesFor(ctx, f, `${name} NODE`);
      await cordonOrUncordon(ctx, mapping, nodes, desired, dryRun);
    },
  };
}

export const cordonCmd = cordonCommand(true);
export const uncordonCmd = cordonCommand(false);

export const drainCmd: Command = {
  name: 'drain',
  flags: [
    SELECTOR_FLAG,
    DRY_RUN_FLAG,
    { name: 'force', type: 'bool' },
    { name: 'ignore-daemonsets', type: 'bool' },
    { name: 'ignore-errors', type: 'bool' },
    { name: 'delete-local-data', type: 'bool' },
    { name: 'delete-emptydir-data', type: 'bool' },
    { name: 'grace-period', type: 'int', default: -1 },
    { name: 'timeout', type: 'duration', default: '0s' },
    { name: 'pod-selector', type: 'string' },
    { name: 'disable-eviction', type: 'bool' },
    { name: 'skip-wait-for-delete-timeout', type: 'int', default: 0 },
    { name: 'chunk-size', type: 'int', default: 500 },
  ],
  async run(ctx, f) {
    if (f.changed('delete-local-data'))
      ctx.printErr(
        'Flag --delete-local-data has been deprecated, This option is deprecated and will be deleted. Use --delete-emptydir-data.\n',
      );
    const dryRun = dryRunOf(ctx, f);
    let interrupted = false;
    void ctx.io.interrupt?.then(() => {
      interrupted = true;
    });
    const podSelector = f.str('pod-selector');
    const { mapping, nodes } = await nodesFor(ctx, f, 'drain NODE');
    await cordonOrUncordon(ctx, mapping, nodes, true, dryRun);
    const o: DrainOptions = {
      force: f.bool('force'),
      ignoreDaemonSets: f.bool('ignore-daemonsets'),
      deleteEmptyDirData: f.bool('delete-emptydir-data') || f.bool('delete-local-data'),
      skipWaitForDeleteTimeout: f.int('skip-wait-for-delete-timeout'),
    };
    const fatal: Error[] = [];
    const remaining: string[] = [];
    for (const node of nodes) {
      const name = node.metadata?.name ?? '';
      let err: Error | undefined;
      const found = await podsForDeletion(ctx, name, podSelector, o);
      if (found.errors.length > 0) err = new ErrorList(found.errors);
      else {
        if (found.warnings !== '') ctx.warn(found.warnings);
        if (dryRun === 'client') {
          for (const p of found.remove)
            ctx.print(`evicting pod ${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''} (dry run)\n`);
        } else {
          const errors = await evictOrDelete(ctx, found.remove, {
            grace: f.int('grace-period'),
            disableEviction: f.bool('disable-eviction'),
            dryRun,
            interrupted: () => interrupted,
          });
          if (interrupted) return;
          if (errors.length > 0) {
            const pending = await podsForDeletion(ctx, name, podSelector, o);
            if (pending.remove.length > 0) {
              ctx.printErr(
                `There are pending pods in node ${JSON.stringify(name)} when an error occurred: ${aggregateText(errors)}\n`,
              );
              for (const p of pending.remove) ctx.printErr(`pod/${p.metadata?.name ?? ''}\n`);
            }
            err = new ErrorList(errors);
          }
        }
      }
      if (err === undefined) {
        ctx.print(resultLine(mapping, name, 'drained', dryRun));
        continue;
      }
      const inner = err instanceof ErrorList ? aggregateText(err.errors) : err.message;
      ctx.printErr(
        `error: unable to drain node ${JSON.stringify(name)} due to error: ${inner}, continuing command...\n`,
      );
      fatal.push(err);
      remaining.push(name);
    }
    if (remaining.length > 0) {
      ctx.printErr(`There are pending nodes to be drained:\n${remaining.map((n) => ` ${n}\n`).join('')}`);
      // kubectl returns an aggregate of per-node aggregates: CheckErr unwraps one level and prints
      // the inner errors one per line, without the `error: ` prefix.
      throw new ErrorList(fatal.length === 1 ? [fatal[0] as Error] : fatal);
    }
  },
};
