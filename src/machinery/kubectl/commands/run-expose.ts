/**
 * kubectl run (a Pod from flags, `pod/x created`) and kubectl expose (a Service from a workload's
 * selector and ports, `service/x exposed`), with the bodies kubectl sends.
 */
import type { KObject } from '../../api/types.ts';
import { CommandError } from '../../printers/errors.ts';
import { resolveArgs } from '../builder.ts';
import { type Command, DRY_RUN_FLAG, OUTPUT_FLAGS } from '../command.ts';
import { resourcePath } from '../discovery.ts';
import { bodyOf, dryRunOf, FIELD_MANAGER_FLAG, printResult, withNamespace } from '../mutate.ts';
import { strategicOverride } from './overrides.ts';

function parseLabels(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of s.split(',')) {
    if (!kv) continue;
    const i = kv.indexOf('=');
    if (i < 0) throw new CommandError(`invalid label spec: ${kv}`);
    out[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return out;
}

export const runCommand: Command = {
  name: 'run',
  flags: [
    ...OUTPUT_FLAGS,
    DRY_RUN_FLAG,
    FIELD_MANAGER_FLAG('kubectl-run'),
    { name: 'image', type: 'string' },
    { name: 'port', type: 'string' },
    { name: 'labels', short: 'l', type: 'string' },
    { name: 'env', type: 'stringArray' },
    { name: 'annotations', type: 'stringArray' },
    { name: 'restart', type: 'string', default: 'Always' },
    { name: 'command', type: 'bool' },
    { name: 'image-pull-policy', type: 'string' },
    { name: 'stdin', short: 'i', type: 'bool' },
    { name: 'tty', short: 't', type: 'bool' },
    { name: 'rm', type: 'bool' },
    { name: 'attach', type: 'bool' },
    { name: 'leave-stdin-open', type: 'bool' },
    { name: 'expose', type: 'bool' },
    { name: 'overrides', type: 'string' },
    { name: 'privileged', type: 'bool' },
    { name: 'quiet', short: 'q', type: 'bool' },
    { name: 'pod-running-timeout', type: 'duration', default: '1m0s' },
    { name: 'timeout', type: 'duration', default: '0s' },
  ],
  async run(ctx, f) {
    const name = f.args[0];
    if (!name) throw new CommandError(`NAME is required for run\nSee 'kubectl run -h' for help and examples`);
    await ctx.mapper();
    const image = f.str('image');
    if (!image) throw new CommandError('--image is required');
    const restart = f.str('restart');
    if (!['Always', 'OnFailure', 'Never'].includes(restart))
      throw new CommandError(`invalid restart policy: ${restart}`);
    const dash = f.parsed.dashIndex;
    const extra = dash >= 0 ? f.args.slice(dash) : f.args.slice(1);
    const labels = f.str('labels') ? parseLabels(f.str('labels')) : { run: name };
    const container: Record<string, unknown> = { name, image };
    if (extra.length > 0) container[f.bool('command') ? 'command' : 'args'] = extra;
    if (f.str('port')) {
      const port = Number(f.str('port'));
      if (!Number.isInteger(port)) throw new CommandError(`strconv.Atoi: parsing "${f.str('port')}": invalid syntax`);
      container.ports = [{ containerPort: port }];
    }
    const env = f.list('env');
    if (env.length > 0) {
      container.env = env.map((e) => {
        const i = e.indexOf('=');
        if (i <= 0) throw new CommandError(`invalid env: ${e}`);
        return { name: e.slice(0, i), value: e.slice(i + 1) };
      });
    }
    container.resources = {};
    if (f.str('image-pull-policy')) container.imagePullPolicy = f.str('image-pull-policy');
    if (f.bool('stdin')) {
      container.stdin = true;
      if (!f.bool('leave-stdin-open')) container.stdinOnce = true;
    }
    if (f.bool('tty')) container.tty = true;
    const metadata: Record<string, unknown> = { name, creationTimestamp: null, labels };
    const annotations = f.list('annotations');
    if (annotations.length > 0)
      metadata.annotations = Object.fromEntries(
        annotations.map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]),
      );
    let pod: KObject = {
      kind: 'Pod',
      apiVersion: 'v1',
      metadata,
      spec: { containers: [container], restartPolicy: restart, dnsPolicy: 'ClusterFirst' },
      status: {},
    } as KObject;
    if (f.str('overrides')) {
      pod = strategicOverride(pod, f.str('overrides'));
    }
    const dryRun = dryRunOf(ctx, f);
    if (f.bool('expose')) {
      if (!f.str('port')) throw new CommandError('--port must be set when exposing a service');
      const svc: KObject = {
        kind: 'Service',
        apiVersion: 'v1',
        metadata: { name, creationTimestamp: null as unknown as string },
        spec: {
          ports: [{ protocol: 'TCP', port: Number(f.str('port')), targetPort: Number(f.str('port')) }],
          selector: labels,
        },
        status: { loadBalancer: {} },
      };
      if (dryRun === 'client') printResult(ctx, f, { group: '', kind: 'Service' }, svc, 'created', dryRun, false);
      else {
        const r = await ctx.call('POST', `/api/v1/namespaces/${ctx.namespace}/services`, {
          query: { fieldManager: f.str('field-manager') },
          body: `${JSON.stringify(svc)}\n`,
          accept: 'application/json, */*',
        });
        printResult(ctx, f, { group: '', kind: 'Service' }, r.body as KObject, 'created', dryRun);
      }
    }
    if (dryRun === 'client') {
      if (ctx.explicitNamespace) pod = withNamespace(pod, ctx.namespace);
      printResult(ctx, f, { group: '', kind: 'Pod' }, pod, 'created', dryRun, false);
      return;
    }
    const query: Record<string, string> = { fieldManager: f.str('field-manager') };
    if (dryRun === 'server') query.dryRun = 'All';
    const r = await ctx.call('POST', `/api/v1/namespaces/${ctx.namespace}/pods`, {
      query,
      body: `${JSON.stringify(pod)}\n`,
      accept: 'application/json, */*',
    });
    printResult(ctx, f, { group: '', kind: 'Pod' }, r.body as KObject, 'created', dryRun);
  },
};

export const exposeCommand: Command = {
  name: 'expose',
  flags: [
    ...OUTPUT_FLAGS,
    DRY_RUN_FLAG,
    FIELD_MANAGER_FLAG('kubectl-expose'),
    { name: 'filename', short: 'f', type: 'stringSlice' },
    { name: 'port', type: 'string' },
    { name: 'target-port', type: 'string' },
    { name: 'protocol', type: 'string' },
    { name: 'type', type: 'string' },
    { name: 'name', type: 'string' },
    { name: 'selector', type: 'string' },
    { name: 'labels', short: 'l', type: 'string' },
    { name: 'external-ip', type: 'string' },
    { name: 'cluster-ip', type: 'string' },
    { name: 'load-balancer-ip', type: 'string' },
    { name: 'session-affinity', type: 'string' },
    { name: 'override-type', type: 'string', default: 'merge' },
    { name: 'overrides', type: 'string' },
  ],
  async run(ctx, f) {
    const targets = await resolveArgs(ctx, f.args);
    const t = targets[0];
    if (!t || t.name === undefined) {
      throw new CommandError(
        "You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'",
      );
    }
    const obj = await ctx.getJSON<KObject>(
      resourcePath(t.mapping, t.namespace || undefined, t.name),
      {},
      'application/json, */*',
    );
    const o = obj as { metadata?: { labels?: Record<string, string> }; spec?: Record<string, unknown> };
    let selector: Record<string, string> | undefined;
    if (f.str('selector')) selector = parseLabels(f.str('selector'));
    else if (t.mapping.kind === 'Pod') selector = o.metadata?.labels;
    else if (t.mapping.kind === 'Service') selector = o.spec?.selector as Record<string, string>;
    else {
      const sel = o.spec?.selector as
        | { matchLabels?: Record<string, string>; matchExpressions?: unknown[] }
        | undefined;
      if (sel?.matchExpressions && sel.matchExpressions.length > 0) {
        throw new CommandError(
          `couldn't convert expressions - "${JSON.stringify(sel.matchExpressions)}" to map-based selector format`,
        );
      }
      selector = sel?.matchLabels;
    }
    if (!selector || Object.keys(selector).length === 0) {
      throw new CommandError(
        `couldn't retrieve selectors via --selector flag or introspection: the ${t.mapping.kind.toLowerCase()} has no selector`,
      );
    }
    const protocol = f.str('protocol') || 'TCP';
    const ports: Record<string, unknown>[] = [];
    const targetPort = f.str('target-port');
    const asIntOrString = (s: string) => (/^\d+$/.test(s) ? Number(s) : s);
    if (f.str('port')) {
      for (const p of f.str('port').split(',')) {
        const port: Record<string, unknown> = { port: Number(p), protocol };
        port.targetPort = targetPort ? asIntOrString(targetPort) : Number(p);
        ports.push(port);
      }
    } else {
      // Port introspection: the container ports of the pod template (or the service's ports).
      const podSpec = (
        t.mapping.kind === 'Pod' ? o.spec : (o.spec?.template as { spec?: Record<string, unknown> })?.spec
      ) as { containers?: { ports?: { containerPort: number; protocol?: string }[] }[] } | undefined;
      const found = (podSpec?.containers ?? []).flatMap((c) => c.ports ?? []);
      if (found.length === 0)
        throw new CommandError(
          "couldn't find port via --port flag or introspection\nSee 'kubectl expose -h' for help and examples",
        );
      found.forEach((p, i) => {
        const port: Record<string, unknown> = {};
        if (found.length > 1) port.name = `port-${i + 1}`;
        port.port = p.containerPort;
        port.protocol = f.str('protocol') || p.protocol || 'TCP';
        port.targetPort = targetPort ? asIntOrString(targetPort) : p.containerPort;
        ports.push(port);
      });
    }
    const spec: Record<string, unknown> = { ports, selector };
    if (f.str('type')) spec.type = f.str('type');
    if (f.str('cluster-ip')) spec.clusterIP = f.str('cluster-ip');
    if (f.str('external-ip')) spec.externalIPs = [f.str('external-ip')];
    if (f.str('load-balancer-ip')) spec.loadBalancerIP = f.str('load-balancer-ip');
    if (f.str('session-affinity')) spec.sessionAffinity = f.str('session-affinity');
    const labels = f.str('labels') ? parseLabels(f.str('labels')) : o.metadata?.labels;
    const metadata: Record<string, unknown> = { creationTimestamp: null };
    if (labels && Object.keys(labels).length > 0) metadata.labels = labels;
    metadata.name = f.str('name') || t.name;
    const svc = { apiVersion: 'v1', kind: 'Service', metadata, spec, status: { loadBalancer: {} } } as KObject;
    const dryRun = dryRunOf(ctx, f);
    if (dryRun === 'client') {
      printResult(ctx, f, { group: '', kind: 'Service' }, svc, 'exposed', dryRun);
      return;
    }
    const query: Record<string, string> = { fieldManager: f.str('field-manager') };
    if (dryRun === 'server') query.dryRun = 'All';
    const r = await ctx.call('POST', `/api/v1/namespaces/${t.namespace || ctx.namespace}/services`, {
      query,
      body: bodyOf(svc),
      accept: 'application/json, */*',
    });
    printResult(ctx, f, { group: '', kind: 'Service' }, r.body as KObject, 'exposed', dryRun);
  },
};
