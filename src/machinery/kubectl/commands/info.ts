/** kubectl api-resources, api-versions, version, cluster-info and explain. */
import type { KObject } from '../../api/types.ts';
import { CommandError } from '../../printers/errors.ts';
import { printJSON } from '../../printers/json.ts';
import { KUBECTL_TABLE, TabWriter } from '../../printers/tabwriter.ts';
import { toYAML } from '../../printers/yaml.ts';
import type { Command } from '../command.ts';
import { KUBECTL_VERSION } from '../context.ts';
import { type ApiResource, apiVersionOf, discover } from '../discovery.ts';

// biome-ignore lint/suspicious/noExplicitAny: OpenAPI documents are read defensively.
type Any = any;

export const CLIENT_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: KUBECTL_VERSION,
  gitCommit: '59526cd4867447956156ae3a602fcbac10a2c335',
  gitTreeState: 'clean',
  buildDate: '2025-04-22T16:03:32Z',
  goVersion: 'go1.23.6',
  compiler: 'gc',
  platform: 'linux/amd64',
};
const KUSTOMIZE_VERSION = 'v5.5.0';

export const apiResourcesCommand: Command = {
  name: 'api-resources',
  flags: [
    { name: 'output', short: 'o', type: 'string' },
    { name: 'no-headers', type: 'bool' },
    { name: 'api-group', type: 'string' },
    { name: 'namespaced', type: 'bool', default: true },
    { name: 'verbs', type: 'stringSlice' },
    { name: 'sort-by', type: 'string' },
    { name: 'cached', type: 'bool' },
    { name: 'categories', type: 'stringSlice' },
  ],
  async run(ctx, f) {
    const o = f.str('output');
    if (o && o !== 'wide' && o !== 'name') throw new CommandError(`--output ${o} is not available`);
    if (ctx.io.cache && !f.bool('cached')) delete ctx.io.cache.mapper;
    const mapper = await discover(ctx);
    let list = [...mapper.resources];
    if (f.changed('api-group')) list = list.filter((r) => r.group === f.str('api-group'));
    if (f.changed('namespaced')) list = list.filter((r) => r.namespaced === f.bool('namespaced'));
    const verbs = f.list('verbs');
    if (verbs.length > 0) list = list.filter((r) => verbs.every((v) => r.verbs.includes(v)));
    const cats = f.list('categories');
    if (cats.length > 0) list = list.filter((r) => cats.every((c) => r.categories.includes(c)));
    const sortBy = f.str('sort-by');
    const key = (r: ApiResource) => (sortBy === 'name' ? r.resource : sortBy === 'kind' ? r.kind : r.group);
    list = list
      .map((r, i) => ({ r, i }))
      .sort((a, b) => {
        const x = key(a.r);
        const y = key(b.r);
        if (x !== y) return x < y ? -1 : 1;
        return a.r.resource < b.r.resource ? -1 : a.r.resource > b.r.resource ? 1 : a.i - b.i;
      })
      .map((x) => x.r);
    if (o === 'name') {
      for (const r of list) ctx.print(`${r.group ? `${r.resource}.${r.group}` : r.resource}\n`);
      return;
    }
    const w = new TabWriter(KUBECTL_TABLE);
    const wide = o === 'wide';
    if (!f.bool('no-headers'))
      w.write(`NAME\tSHORTNAMES\tAPIVERSION\tNAMESPACED\tKIND${wide ? '\tVERBS\tCATEGORIES' : ''}\n`);
    for (const r of list) {
      const cells = [r.resource, r.shortNames.join(','), apiVersionOf(r), String(r.namespaced), r.kind];
      if (wide) cells.push(r.verbs.join(','), r.categories.join(','));
      w.write(`${cells.join('\t')}\n`);
    }
    w.flush();
    ctx.print(w.take());
  },
};

export const apiVersionsCommand: Command = {
  name: 'api-versions',
  flags: [],
  async run(ctx) {
    if (ctx.io.cache) delete ctx.io.cache.mapper;
    const mapper = await discover(ctx);
    const versions = [...new Set(mapper.resources.map(apiVersionOf))].sort();
    ctx.print(versions.map((v) => `${v}\n`).join(''));
  },
};

export const versionCommand: Command = {
  name: 'version',
  flags: [
    { name: 'client', type: 'bool' },
    { name: 'output', short: 'o', type: 'string' },
    { name: 'short', type: 'bool' },
  ],
  async run(ctx, f) {
    const o = f.str('output');
    if (o && o !== 'json' && o !== 'yaml') throw new CommandError(`--output must be 'yaml' or 'json'`);
    let server: Record<string, string> | undefined;
    let serverErr: Error | undefined;
    if (!f.bool('client')) {
      try {
        server = (await ctx.call('GET', '/version', { query: { timeout: '32s' } })).body as Record<string, string>;
      } catch (e) {
        serverErr = e as Error;
      }
    }
    if (o) {
      const doc: Record<string, unknown> = { clientVersion: CLIENT_VERSION, kustomizeVersion: KUSTOMIZE_VERSION };
      if (server) doc.serverVersion = server;
      ctx.print(o === 'json' ? printJSON(doc, false) : toYAML(doc));
    } else {
      ctx.print(`Client Version: ${CLIENT_VERSION.gitVersion}\nKustomize Version: ${KUSTOMIZE_VERSION}\n`);
      if (server) ctx.print(`Server Version: ${server.gitVersion ?? ''}\n`);
    }
    if (server) {
      const minor = (v: string | undefined) => Number.parseInt(v ?? '', 10);
      const sm = minor(server.minor);
      if (Number.isFinite(sm) && Math.abs(sm - 32) > 1) {
        ctx.printErr(
          `WARNING: version difference between client (1.32) and server (${server.major ?? '1'}.${sm}) exceeds the supported minor version skew of +/-1\n`,
        );
      }
    }
    if (serverErr) throw serverErr;
  },
};

export const clusterInfoCommand: Command = {
  name: 'cluster-info',
  flags: [],
  async run(ctx) {
    const server = ctx.io.server ?? 'https://127.0.0.1:6443';
    const list = await ctx.getJSON<{ items?: Any[] }>(
      '/api/v1/namespaces/kube-system/services',
      { labelSelector: 'kubernetes.io/cluster-service=true' },
      'application/json, */*',
    );
    let out = `Kubernetes control plane is running at ${server}\n`;
    for (const svc of list.items ?? []) {
      const name = svc.metadata?.labels?.['kubernetes.io/name'] || svc.metadata?.name;
      let link = '';
      const ingress = svc.status?.loadBalancer?.ingress ?? [];
      if (ingress.length > 0) {
        const ip = ingress[0].ip || ingress[0].hostname;
        for (const p of svc.spec?.ports ?? []) link += `http://${ip}:${p.port} `;
      } else {
        let svcName = svc.metadata?.name;
        const port = svc.spec?.ports?.[0];
        if (port) {
          const scheme = port.name === 'https' || port.port === 443 ? 'https' : '';
          svcName = [scheme, svc.metadata?.name, port.name ?? ''].filter((x, i) => i === 1 || x !== '').join(':');
        }
        link = `${server}/api/v1/namespaces/${svc.metadata?.namespace}/services/${svcName}/proxy`;
      }
      out += `${name} is running at ${link}\n`;
    }
    out += "\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n";
    ctx.print(out);
  },
};

export type { KObject };
