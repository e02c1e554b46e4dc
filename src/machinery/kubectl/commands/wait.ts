/**
 * kubectl wait --for=delete | condition=NAME[=VALUE] | jsonpath='{...}'[=VALUE] | create, as
 * pkg/cmd/wait: the builder GETs (or lists) the targets, then each one is checked and, if the
 * condition does not hold yet, watched (list + watch on metadata.name) until it does or the
 * timeout passes: `pod/x condition met`, `error: timed out waiting for the condition on pods/x`.
 *
 * There is no wall clock here: the timeout is the simulated time between io.now() readings, and
 * each watch asks the server to end it when the time is up (timeoutSeconds), which the simulated
 * kube-apiserver does on its own clock.
 */
import type { KObject } from '../../api/types.ts';
import { CommandError, StatusError } from '../../printers/errors.ts';
import { JSONPath } from '../../printers/jsonpath.ts';
import { relaxedJSONPath } from '../../printers/output.ts';
import { itemsOf, resolveArgs, type Target, targetForManifest } from '../builder.ts';
import { type Command, FILENAME_FLAGS, OUTPUT_FLAGS } from '../command.ts';
import type { Ctx } from '../context.ts';
import { kindString, resourcePath } from '../discovery.ts';
import { parseDuration } from '../flags.ts';
import { manifestSources, readManifests } from '../manifests.ts';
import { watchEndedEarly } from './rollout.ts';

// biome-ignore lint/suspicious/noExplicitAny: objects are read defensively.
type Any = any;

type Check = (o: KObject) => boolean;

/** Splits on single `=`, keeping `==` (splitJSONPathInput). */
function splitJSONPathInput(input: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < input.length; i++) {
    if (input[i] === '=') {
      if (input[i + 1] === '=') {
        cur += '==';
        i++;
        continue;
      }
      out.push(cur);
      cur = '';
      continue;
    }
    cur += input[i];
  }
  out.push(cur);
  return out;
}

function goValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  return String(v);
}

function conditionCheck(name: string, value: string): Check {
  return (o) => {
    const x = o as Any;
    for (const c of Array.isArray(x.status?.conditions) ? x.status.conditions : []) {
      if (typeof c?.type !== 'string' || c.type.toLowerCase() !== name.toLowerCase()) continue;
      if (typeof c.status !== 'string') continue;
      const generation = x.metadata?.generation;
      if (typeof generation === 'number') {
        const observed = typeof c.observedGeneration === 'number' ? c.observedGeneration : x.status?.observedGeneration;
        if (typeof observed === 'number' && observed < generation) return false;
      }
      return c.status.toLowerCase() === value.toLowerCase();
    }
    return false;
  };
}

function jsonPathCheck(input: string): Check {
  const parts = splitJSONPathInput(input);
  if (parts.length < 1 || parts.length > 2)
    throw new CommandError(
      "jsonpath wait format must be --for=jsonpath='{.status.readyReplicas}'=3 or --for=jsonpath='{.status.readyReplicas}'",
    );
  const expr = relaxedJSONPath(parts[0] as string);
  const value = parts.length === 2 ? (parts[1] as string).replace(/^['"]+|['"]+$/g, '') : undefined;
  if (value === '')
    throw new CommandError(
      "jsonpath wait has to have a value after equal sign, like --for=jsonpath='{.status.readyReplicas}'=3",
    );
  if (expr === '') throw new CommandError('jsonpath expression cannot be empty');
  const jp = new JSONPath(expr).parse();
  return (o) => {
    const results = jp.findResults(o);
    if (results.length === 0 || (results[0] as unknown[]).length === 0) return false;
    if (results.length > 1) throw new CommandError('given jsonpath expression matches more than one list');
    if ((results[0] as unknown[]).length > 1)
      throw new CommandError('given jsonpath expression matches more than one value');
    if (value === undefined) return true;
    const r = (results[0] as unknown[])[0];
    if (r !== null && typeof r === 'object')
      throw new CommandError('jsonpath leads to a nested object or list which is not supported');
    return goValue(r).trim() === value.trim();
  };
}

export const waitCommand: Command = {
  name: 'wait',
  flags: [
    ...FILENAME_FLAGS,
    ...OUTPUT_FLAGS,
    { name: 'for', type: 'string' },
    { name: 'timeout', type: 'duration', default: '30s' },
    { name: 'selector', short: 'l', type: 'string' },
    { name: 'field-selector', type: 'string' },
    { name: 'all', type: 'bool' },
    { name: 'all-namespaces', short: 'A', type: 'bool' },
    { name: 'local', type: 'bool' },
  ],
  async run(ctx, f) {
    const forCond = f.str('for');
    const isDelete = forCond.toLowerCase() === 'delete';
    const isCreate = forCond.toLowerCase() === 'create';
    let check: Check | undefined;
    if (forCond.startsWith('condition=')) {
      let name = forCond.slice('condition='.length);
      let value = 'true';
      const eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.slice(eq + 1);
        name = name.slice(0, eq);
      }
      check = conditionCheck(name, value);
    } else if (forCond.startsWith('jsonpath=')) check = jsonPathCheck(forCond.slice('jsonpath='.length));
    else if (!isDelete && !isCreate) throw new CommandError(`unrecognized condition: ${JSON.stringify(forCond)}`);

    let timeoutMs = parseDuration(f.str('timeout')) ?? 30_000;
    if (timeoutMs < 0) timeoutMs = 168 * 3600_000;
    const deadline = ctx.now() + timeoutMs;

    const targets: Target[] = [];
    const filenames = f.list('filename');
    if (filenames.length > 0) {
      for (const m of readManifests(manifestSources(ctx, filenames, f.bool('recursive'))))
        targets.push(await targetForManifest(ctx, m));
    } else {
      if (f.args.length === 0)
        throw new CommandError(
          "You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'",
        );
      targets.push(
        ...(await resolveArgs(ctx, f.args, {
          allNamespaces: f.bool('all-namespaces'),
          selector: !!f.str('selector') || !!f.str('field-selector') || f.bool('all'),
        })),
      );
    }

    let visited = 0;
    for (const t of targets) {
      const ns = t.namespace || undefined;
      let objs: KObject[];
      if (t.name !== undefined) {
        try {
          objs = [await ctx.getJSON<KObject>(resourcePath(t.mapping, ns, t.name))];
        } catch (e) {
          if (e instanceof StatusError && e.status.reason === 'NotFound') {
            if (isDelete) continue;
            if (isCreate) {
              await waitFor(ctx, t, t.name, deadline, timeoutMs, (e) => e.type !== 'DELETED', 'create');
              ctx.print(`${kindString(t.mapping)}/${t.name} condition met\n`);
              visited++;
              continue;
            }
          }
          throw e;
        }
      } else {
        const query: Record<string, string> = {};
        if (f.str('selector')) query.labelSelector = f.str('selector');
        if (f.str('field-selector')) query.fieldSelector = f.str('field-selector');
        objs = itemsOf(await ctx.getJSON<{ items?: KObject[] }>(resourcePath(t.mapping, ns), query));
      }
      for (const obj of objs) {
        visited++;
        const name = obj.metadata?.name ?? '';
        const objNs = obj.metadata?.namespace || undefined;
        const tt: Target = { ...t, namespace: objNs ?? '', name };
        if (isCreate) {
          ctx.print(`${kindString(t.mapping)}/${name} condition met\n`);
          continue;
        }
        if (isDelete) {
          try {
            await ctx.getJSON<KObject>(resourcePath(t.mapping, objNs, name));
          } catch (e) {
            if (e instanceof StatusError && e.status.reason === 'NotFound') {
              ctx.print(`${kindString(t.mapping)}/${name} condition met\n`);
              continue;
            }
            throw e;
          }
          if (timeoutMs === 0) throw new CommandError(`condition not met for ${t.mapping.resource}/${name}`);
          await waitFor(ctx, tt, name, deadline, timeoutMs, (e) => e.type === 'DELETED', 'delete');
          ctx.print(`${kindString(t.mapping)}/${name} condition met\n`);
          continue;
        }
        const met = check as Check;
        if (timeoutMs === 0) {
          const o = await ctx.getJSON<KObject>(resourcePath(t.mapping, objNs, name));
          if (!met(o)) throw new CommandError(`condition not met for ${t.mapping.resource}/${name}`);
          ctx.print(`${kindString(t.mapping)}/${name} condition met\n`);
          continue;
        }
        await waitFor(
          ctx,
          tt,
          name,
          deadline,
          timeoutMs,
          (e) => e.type !== 'DELETED' && e.type !== 'ERROR' && met(e.object),
          'condition',
        );
        ctx.print(`${kindString(t.mapping)}/${name} condition met\n`);
      }
    }
    if (visited === 0 && !isDelete) throw new CommandError('no matching resources found');
  },
};

/**
 * UntilWithSync on one object: list it by name (its current state counts as an ADDED event), then
 * watch until `done` accepts an event or the deadline passes.
 */
async function waitFor(
  ctx: Ctx,
  t: Target,
  name: string,
  deadline: number,
  timeoutMs: number,
  done: (e: { type: string; object: KObject }) => boolean,
  what: 'condition' | 'delete' | 'create',
): Promise<void> {
  const timedOut = () => new CommandError(`timed out waiting for the condition on ${t.mapping.resource}/${name}`);
  const path = resourcePath(t.mapping, t.namespace || undefined);
  const fieldSelector = `metadata.name=${name}`;
  const list = await ctx.getJSON<{ metadata?: { resourceVersion?: string }; items?: KObject[] }>(path, {
    fieldSelector,
    limit: '500',
    resourceVersion: '0',
  });
  const items = list.items ?? [];
  if (what !== 'create' && items.length === 0) {
    if (what === 'delete') return;
    throw new StatusError({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      reason: 'NotFound',
      code: 404,
      message: `${t.mapping.group ? `${t.mapping.resource}.${t.mapping.group}` : t.mapping.resource} "${name}" not found`,
      details: { name, group: t.mapping.group, kind: t.mapping.resource },
    } as never);
  }
  for (const o of items) if (done({ type: 'ADDED', object: o })) return;
  let rv = list.metadata?.resourceVersion ?? '';
  for (;;) {
    const remaining = deadline - ctx.now();
    if (remaining <= 0 || timeoutMs <= 0) throw timedOut();
    const stream = ctx.watch(path, {
      fieldSelector,
      resourceVersion: rv,
      allowWatchBookmarks: 'true',
      timeoutSeconds: String(Math.max(1, Math.ceil(remaining / 1000))),
    });
    void ctx.io.interrupt?.then(() => stream.stop());
    const started = ctx.now();
    let events = 0;
    try {
      for await (const e of stream) {
        events++;
        if (e.type === 'BOOKMARK') {
          rv = e.object.metadata?.resourceVersion ?? rv;
          continue;
        }
        if (e.type === 'ERROR') {
          const err = new StatusError(e.object as never);
          ctx.printErr(
            `error: An error occurred while waiting for the ${what === 'delete' ? 'object to be deleted' : 'condition to be satisfied'}: ${err.message}`,
          );
          continue;
        }
        rv = e.object.metadata?.resourceVersion ?? rv;
        if (done(e)) return;
        if (ctx.now() >= deadline) throw timedOut();
      }
    } finally {
      stream.stop();
    }
    if (stream.error) throw stream.error;
    if (ctx.now() < deadline && watchEndedEarly(ctx, started, events))
      throw new CommandError('the watch ended before the condition was met');
    // The server ended the watch: time is up, or it is re-established as client-go's reflector does.
    if (ctx.now() >= deadline) throw timedOut();
  }
}
