/**
 * kubectl rollout status | history | undo | pause | resume | restart for Deployments (and the
 * status of DaemonSets and StatefulSets), with the messages and requests of
 * pkg/polymorphichelpers (rollout_status.go, history.go, rollback.go, objectpauser.go).
 */
import type { KObject } from '../../api/types.ts';
import { CommandError, StatusError } from '../../printers/errors.ts';
import { goJSON } from '../../printers/json.ts';
import { labelSelectorString } from '../../printers/labels.ts';
import { formatTime } from '../../printers/time.ts';
import { resolveArgs, type Target, targetForManifest } from '../builder.ts';
import { type Command, DRY_RUN_FLAG, FILENAME_FLAGS, OUTPUT_FLAGS } from '../command.ts';
import type { Ctx } from '../context.ts';
import { PrefixWriter, tabbedString } from '../describe-util.ts';
import { describePodTemplate } from '../describers.ts';
import { groupResourceString, kindString, resourcePath } from '../discovery.ts';
import { type Flags, parseDuration } from '../flags.ts';
import { manifestSources, readManifests } from '../manifests.ts';
import { dryRunOf, FIELD_MANAGER_FLAG, printResult } from '../mutate.ts';
import { typed } from '../typed.ts';

// biome-ignore lint/suspicious/noExplicitAny: workload objects are read defensively.
type Any = any;

const PROTO = 'application/vnd.kubernetes.protobuf,application/json';
const REVISION = 'deployment.kubernetes.io/revision';
const CHANGE_CAUSE = 'kubernetes.io/change-cause';

async function targetsOf(ctx: Ctx, f: Flags): Promise<Target[]> {
  const filenames = f.list('filename');
  if (filenames.length > 0) {
    const out: Target[] = [];
    for (const m of readManifests(manifestSources(ctx, filenames, f.bool('recursive'))))
      out.push(await targetForManifest(ctx, m));
    return out;
  }
  if (f.args.length === 0) {
    throw new CommandError("required resource not specified\nSee 'kubectl rollout -h' for help and examples");
  }
  const targets = await resolveArgs(ctx, f.args);
  for (const t of targets) if (t.name === undefined) throw new CommandError('rollout requires a resource name');
  return targets;
}

function requireKind(t: Target, kinds: string[], what: string): void {
  if (!kinds.includes(t.mapping.kind))
    throw new CommandError(
      `no ${what} has been implemented for ${JSON.stringify(`${t.mapping.group}/${t.mapping.version}, Kind=${t.mapping.kind}`)}`,
    );
}

/** The status text of a workload and whether its rollout is done (StatusViewer.Status). */
export function rolloutStatus(o: Any, revision: number): { text: string; done: boolean } {
  const name = o.metadata?.name ?? '';
  const gen = o.metadata?.generation ?? 0;
  const st = o.status ?? {};
  switch (o.kind) {
    case 'Deployment': {
      if (revision > 0) {
        const rev = Number(o.metadata?.annotations?.[REVISION] ?? 0);
        if (rev !== revision)
          throw new CommandError(`desired revision (${revision}) is different from the running revision (${rev})`);
      }
      if (gen <= (st.observedGeneration ?? 0)) {
        const progressing = (st.conditions ?? []).find((c: Any) => c.type === 'Progressing');
        if (progressing?.reason === 'ProgressDeadlineExceeded')
          throw new CommandError(`deployment "${name}" exceeded its progress deadline`);
        const want = o.spec?.replicas;
        const updated = st.updatedReplicas ?? 0;
        if (typeof want === 'number' && updated < want) {
          return {
            text: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${want} new replicas have been updated...\n`,
            done: false,
          };
        }
        if ((st.replicas ?? 0) > updated) {
          return {
            text: `Waiting for deployment "${name}" rollout to finish: ${(st.replicas ?? 0) - updated} old replicas are pending termination...\n`,
            done: false,
          };
        }
        if ((st.availableReplicas ?? 0) < updated) {
          return {
            text: `Waiting for deployment "${name}" rollout to finish: ${st.availableReplicas ?? 0} of ${updated} updated replicas are available...\n`,
            done: false,
          };
        }
        return { text: `deployment "${name}" successfully rolled out\n`, done: true };
      }
      return { text: 'Waiting for deployment spec update to be observed...\n', done: false };
    }
    case 'DaemonSet': {
      if (o.spec?.updateStrategy?.type !== 'RollingUpdate')
        throw new CommandError('rollout status is only available for RollingUpdate strategy type');
      if (gen <= (st.observedGeneration ?? 0)) {
        const desired = st.desiredNumberScheduled ?? 0;
        if ((st.updatedNumberScheduled ?? 0) < desired) {
          return {
            text: `Waiting for daemon set "${name}" rollout to finish: ${st.updatedNumberScheduled ?? 0} out of ${desired} new pods have been updated...\n`,
            done: false,
          };
        }
        if ((st.numberAvailable ?? 0) < desired) {
          return {
            text: `Waiting for daemon set "${name}" rollout to finish: ${st.numberAvailable ?? 0} of ${desired} updated pods are available...\n`,
            done: false,
          };
        }
        return { text: `daemon set "${name}" successfully rolled out\n`, done: true };
      }
      return { text: 'Waiting for daemon set spec update to be observed...\n', done: false };
    }
    case 'StatefulSet': {
      if (o.spec?.updateStrategy?.type !== 'RollingUpdate')
        throw new CommandError('rollout status is only available for RollingUpdate strategy type');
      if (!st.observedGeneration || gen > st.observedGeneration)
        return { text: 'Waiting for statefulset spec update to be observed...\n', done: false };
      const replicas = o.spec?.replicas;
      if (typeof replicas === 'number' && (st.readyReplicas ?? 0) < replicas) {
        return { text: `Waiting for ${replicas - (st.readyReplicas ?? 0)} pods to be ready...\n`, done: false };
      }
      const ru = o.spec?.updateStrategy?.rollingUpdate;
      if (ru) {
        if (
          typeof replicas === 'number' &&
          typeof ru.partition === 'number' &&
          (st.updatedReplicas ?? 0) < replicas - ru.partition
        ) {
          return {
            text: `Waiting for partitioned roll out to finish: ${st.updatedReplicas ?? 0} out of ${replicas - ru.partition} new pods have been updated...\n`,
            done: false,
          };
        }
        return {
          text: `partitioned roll out complete: ${st.updatedReplicas ?? 0} new pods have been updated...\n`,
          done: true,
        };
      }
      if (st.updateRevision !== st.currentRevision) {
        return {
          text: `waiting for statefulset rolling update to complete ${st.updatedReplicas ?? 0} pods at revision ${st.updateRevision ?? ''}...\n`,
          done: false,
        };
      }
      return {
        text: `statefulset rolling update complete ${st.currentReplicas ?? 0} pods at revision ${st.currentRevision ?? ''}...\n`,
        done: true,
      };
    }
  }
  throw new CommandError(`no status viewer has been implemented for ${o.kind}`);
}

const quickCloses = new WeakMap<Ctx, number>();

/**
 * A watch the server closed at once with nothing in it (no simulated time passed): re-watching
 * would spin, so after a few in a row the command gives up (client-go would back off and retry).
 */
export function watchEndedEarly(ctx: Ctx, started: number, events: number): boolean {
  if (events > 0 || ctx.now() > started) {
    quickCloses.delete(ctx);
    return false;
  }
  const n = (quickCloses.get(ctx) ?? 0) + 1;
  quickCloses.set(ctx, n);
  return n >= 3;
}

export const rolloutStatusCommand: Command = {
  name: 'rollout status',
  flags: [
    ...FILENAME_FLAGS,
    { name: 'watch', short: 'w', type: 'bool', default: true },
    { name: 'revision', type: 'int' },
    { name: 'timeout', type: 'duration', default: '0s' },
    { name: 'selector', short: 'l', type: 'string' },
  ],
  async run(ctx, f) {
    const targets = await targetsOf(ctx, f);
    for (const t of targets) {
      requireKind(t, ['Deployment', 'DaemonSet', 'StatefulSet'], 'status viewer');
      await ctx.getJSON(resourcePath(t.mapping, t.namespace || undefined, t.name), {}, 'application/json, */*');
      const path = resourcePath(t.mapping, t.namespace || undefined);
      const fieldSelector = `metadata.name=${t.name}`;
      const list = await ctx.getJSON<{ metadata?: { resourceVersion?: string }; items?: KObject[] }>(path, {
        fieldSelector,
        limit: '500',
        resourceVersion: '0',
      });
      const check = (o: KObject): boolean => {
        const { text, done } = rolloutStatus({ ...o, kind: t.mapping.kind }, f.int('revision'));
        ctx.print(text);
        return done || !f.bool('watch');
      };
      let finished = false;
      for (const o of list.items ?? []) if (check(o)) finished = true;
      if (finished) continue;
      // --timeout is simulated time; each watch asks the server to end at the deadline (the
      // informer's own watches last 5-10 minutes and are re-established, as here).
      const timeout = parseDuration(f.str('timeout')) ?? 0;
      const deadline = timeout > 0 ? ctx.now() + timeout : Number.POSITIVE_INFINITY;
      let rv = list.metadata?.resourceVersion ?? '';
      while (!finished) {
        const remaining = deadline - ctx.now();
        if (remaining <= 0) throw new CommandError('timed out waiting for the condition');
        const seconds = Number.isFinite(remaining) ? Math.max(1, Math.min(527, Math.ceil(remaining / 1000))) : 527;
        const stream = ctx.watch(path, {
          fieldSelector,
          resourceVersion: rv,
          allowWatchBookmarks: 'true',
          timeoutSeconds: String(seconds),
        });
        void ctx.io.interrupt?.then(() => stream.stop());
        const started = ctx.now();
        let events = 0;
        try {
          for await (const e of stream) {
            events++;
            rv = e.object?.metadata?.resourceVersion ?? rv;
            if (e.type === 'BOOKMARK') continue;
            if (e.type === 'DELETED') throw new CommandError('object has been deleted');
            if (e.type === 'ERROR') throw new StatusError(e.object as never);
            if (check(e.object)) {
              finished = true;
              break;
            }
            if (ctx.now() >= deadline) throw new CommandError('timed out waiting for the condition');
          }
        } finally {
          stream.stop();
        }
        if (stream.error) throw stream.error;
        if (watchEndedEarly(ctx, started, events))
          throw new CommandError('the watch ended before the rollout finished');
      }
    }
  },
};

async function ownedReplicaSets(ctx: Ctx, dep: Any): Promise<Any[]> {
  const ns = dep.metadata?.namespace ?? '';
  const list = await ctx.getJSON<{ items?: Any[] }>(
    `/apis/apps/v1/namespaces/${ns}/replicasets`,
    { labelSelector: labelSelectorString(dep.spec?.selector) },
    PROTO,
  );
  return (list.items ?? []).filter((rs) =>
    (rs.metadata?.ownerReferences ?? []).some((r: Any) => r.controller === true && r.uid === dep.metadata?.uid),
  );
}

function stripHash(template: Any): Any {
  const t = JSON.parse(JSON.stringify(template ?? {}));
  if (t.metadata?.labels) delete t.metadata.labels['pod-template-hash'];
  return t;
}

export const rolloutHistoryCommand: Command = {
  name: 'rollout history',
  flags: [
    ...FILENAME_FLAGS,
    ...OUTPUT_FLAGS,
    { name: 'revision', type: 'int' },
    { name: 'selector', short: 'l', type: 'string' },
  ],
  async run(ctx, f) {
    for (const t of await targetsOf(ctx, f)) {
      requireKind(t, ['Deployment'], 'history viewer');
      await ctx.getJSON(resourcePath(t.mapping, t.namespace || undefined, t.name), {}, 'application/json, */*');
      const dep = await ctx.getJSON<Any>(resourcePath(t.mapping, t.namespace || undefined, t.name), {}, PROTO);
      const rss = await ownedReplicaSets(ctx, dep);
      const byRevision = new Map<number, Any>();
      for (const rs of rss) {
        const rev = Number(rs.metadata?.annotations?.[REVISION]);
        if (Number.isFinite(rev) && rs.metadata?.annotations?.[REVISION] !== undefined) byRevision.set(rev, rs);
      }
      const revision = f.int('revision');
      const head = `${kindString(t.mapping)}/${t.name}`;
      if (revision > 0) {
        const rs = byRevision.get(revision);
        if (!rs) throw new CommandError(`unable to find the specified revision`);
        const template = JSON.parse(JSON.stringify(rs.spec?.template ?? {}));
        const cause = rs.metadata?.annotations?.[CHANGE_CAUSE];
        if (cause)
          template.metadata = {
            ...(template.metadata ?? {}),
            annotations: { ...(template.metadata?.annotations ?? {}), [CHANGE_CAUSE]: cause },
          };
        // printTemplate writes through a plain PrefixWriter: tabs are not aligned.
        const w = new PrefixWriter(false);
        describePodTemplate(template, w);
        ctx.print(`${head} with revision #${revision}\n${w.done()}\n`);
        continue;
      }
      if (byRevision.size === 0) {
        ctx.print(`${head} \nNo rollout history found.\n`);
        continue;
      }
      const revisions = [...byRevision.keys()].sort((a, b) => a - b);
      const text = tabbedString((w) => {
        w.write(0, 'REVISION\tCHANGE-CAUSE\n');
        for (const r of revisions)
          w.write(0, `${r}\t${byRevision.get(r).metadata?.annotations?.[CHANGE_CAUSE] || '<none>'}\n`);
      });
      ctx.print(`${head} \n${text}\n`);
    }
  },
};

const SKIP_ANNOTATIONS = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION,
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
]);

export const rolloutUndoCommand: Command = {
  name: 'rollout undo',
  flags: [
    ...FILENAME_FLAGS,
    ...OUTPUT_FLAGS,
    DRY_RUN_FLAG,
    { name: 'to-revision', type: 'int' },
    { name: 'selector', short: 'l', type: 'string' },
  ],
  async run(ctx, f) {
    const dryRun = dryRunOf(ctx, f);
    for (const t of await targetsOf(ctx, f)) {
      requireKind(t, ['Deployment'], 'rollbacker');
      await ctx.getJSON<Any>(resourcePath(t.mapping, t.namespace || undefined, t.name), {}, 'application/json, */*');
      const dep = await ctx.getJSON<Any>(resourcePath(t.mapping, t.namespace || undefined, t.name), {}, PROTO);
      if (dep.spec?.paused)
        throw new CommandError(
          `you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again`,
        );
      const rss = await ownedReplicaSets(ctx, dep);
      const revisionOf = (rs: Any) => Number(rs.metadata?.annotations?.[REVISION] ?? 0);
      const toRevision = f.int('to-revision');
      let target: Any;
      if (toRevision > 0) {
        target = rss.find((rs) => revisionOf(rs) === toRevision);
        if (!target) throw new CommandError(`unable to find specified revision ${toRevision} in history`);
      } else {
        const sorted = [...rss].sort((a, b) => revisionOf(b) - revisionOf(a));
        if (sorted.length < 2) throw new CommandError(`no rollout history found for deployment "${t.name}"`);
        target = sorted[1];
      }
      if (goJSON(stripHash(target.spec?.template)) === goJSON(stripHash(dep.spec?.template))) {
        printResult(
          ctx,
          f,
          t.mapping,
          dep,
          `skipped rollback (current template already matches revision ${revisionOf(target)})`,
          dryRun,
        );
        continue;
      }
      const annotations: Record<string, string> = {};
      for (const k of SKIP_ANNOTATIONS)
        if (dep.metadata?.annotations?.[k] !== undefined) annotations[k] = dep.metadata.annotations[k];
      for (const [k, v] of Object.entries(target.metadata?.annotations ?? {}))
        if (!SKIP_ANNOTATIONS.has(k)) annotations[k] = v as string;
      const patch = [
        { op: 'replace', path: '/spec/template', value: typed(stripHash(target.spec?.template), 'PodTemplateSpec') },
        { op: 'replace', path: '/metadata/annotations', value: annotations },
      ];
      if (dryRun !== 'client') {
        const query: Record<string, string> = {};
        if (dryRun === 'server') query.dryRun = 'All';
        await ctx.call('PATCH', resourcePath(t.mapping, t.namespace || undefined, t.name), {
          query,
          body: JSON.stringify(patch),
          contentType: 'application/json-patch+json',
          accept: PROTO,
        });
      }
      printResult(ctx, f, t.mapping, dep, 'rolled back', dryRun);
    }
  },
};

function pauser(which: 'pause' | 'resume' | 'restart'): Command {
  return {
    name: `rollout ${which}`,
    flags: [
      ...FILENAME_FLAGS,
      ...OUTPUT_FLAGS,
      FIELD_MANAGER_FLAG('kubectl-rollout'),
      { name: 'selector', short: 'l', type: 'string' },
    ],
    async run(ctx, f) {
      for (const t of await targetsOf(ctx, f)) {
        const o = await ctx.getJSON<Any>(
          resourcePath(t.mapping, t.namespace || undefined, t.name),
          {},
          'application/json, */*',
        );
        let patch: Any;
        let op: string;
        if (which === 'restart') {
          if (!['Deployment', 'DaemonSet', 'StatefulSet'].includes(t.mapping.kind))
            throw new CommandError(`restarting is not supported`);
          if (o.spec?.paused) throw new CommandError(`can't restart paused deployment (run rollout resume first)`);
          patch = {
            spec: {
              template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': formatTime(ctx.now()) } } },
            },
          };
          op = 'restarted';
        } else {
          if (t.mapping.kind !== 'Deployment')
            throw new CommandError(`${which === 'pause' ? 'pausing' : 'resuming'} is not supported`);
          const paused = o.spec?.paused === true;
          if (which === 'pause' && paused)
            throw new CommandError(`${groupResourceString(t.mapping)} "${t.name}" is already paused`);
          if (which === 'resume' && !paused)
            throw new CommandError(`${groupResourceString(t.mapping)} "${t.name}" is not paused`);
          patch = { spec: { paused: which === 'pause' ? true : null } };
          op = which === 'pause' ? 'paused' : 'resumed';
        }
        const r = await ctx.call('PATCH', resourcePath(t.mapping, t.namespace || undefined, t.name), {
          query: { fieldManager: f.str('field-manager') },
          body: goJSON(patch),
          contentType: 'application/strategic-merge-patch+json',
          accept: 'application/json, */*',
        });
        printResult(ctx, f, t.mapping, r.body as KObject, op);
      }
    },
  };
}

export const rolloutPauseCommand = pauser('pause');
export const rolloutResumeCommand = pauser('resume');
export const rolloutRestartCommand = pauser('restart');
