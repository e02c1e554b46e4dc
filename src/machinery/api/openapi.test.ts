import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool } from '../../../test/real-tools.ts';
import { openapiV2, openapiV3, openapiV3Index } from './openapi.ts';
import { groupVersion, RESOURCES } from './resources.ts';

// biome-ignore lint/suspicious/noExplicitAny: the test walks arbitrary JSON documents
type Json = Record<string, any>;

describe('openapi documents', () => {
  it('indexes one document per group version, with a content hash', () => {
    const index = openapiV3Index() as { paths: Record<string, { serverRelativeURL: string }> };
    expect(Object.keys(index.paths)).toEqual([
      'api/v1',
      'apis/apps/v1',
      'apis/batch/v1',
      'apis/coordination.k8s.io/v1',
      'apis/discovery.k8s.io/v1',
      'apis/events.k8s.io/v1',
    ]);
    expect(index.paths['api/v1']?.serverRelativeURL).toMatch(/^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]{128}$/);
    expect(openapiV3('apis/foo/v1')).toBeUndefined();
  });

  it('describes kinds with their group/version/kind, refs wrapped in allOf, and required fields', () => {
    const doc = openapiV3('api/v1') as Json;
    expect(doc.openapi).toBe('3.0.0');
    const pod = doc.components.schemas['io.k8s.api.core.v1.Pod'];
    expect(pod['x-kubernetes-group-version-kind']).toEqual([{ group: '', kind: 'Pod', version: 'v1' }]);
    expect(pod.properties.spec.allOf).toEqual([{ $ref: '#/components/schemas/io.k8s.api.core.v1.PodSpec' }]);
    const podSpec = doc.components.schemas['io.k8s.api.core.v1.PodSpec'];
    expect(podSpec.required).toEqual(['containers']);
    expect(podSpec.properties.containers).toMatchObject({
      type: 'array',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
      'x-kubernetes-patch-merge-key': 'name',
      'x-kubernetes-patch-strategy': 'merge',
    });
    expect(podSpec.properties.restartPolicy.enum).toEqual(['Always', 'Never', 'OnFailure']);
    expect(doc.components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']).toBeDefined();
    // Everything referenced is in the document.
    const refs = JSON.stringify(doc).match(/#\/components\/schemas\/[^"]+/g) ?? [];
    for (const r of refs) expect(doc.components.schemas[r.slice('#/components/schemas/'.length)], r).toBeDefined();
  });

  it('declares fieldValidation on PATCH, so kubectl leaves field validation to the server', () => {
    for (const info of RESOURCES) {
      const doc = openapiV3(info.group ? `apis/${groupVersion(info)}` : 'api/v1') as Json;
      const base = info.group ? `/apis/${groupVersion(info)}` : '/api/v1';
      const item = info.namespaced
        ? `${base}/namespaces/{namespace}/${info.resource}/{name}`
        : `${base}/${info.resource}/{name}`;
      const patch = doc.paths[item]?.patch;
      expect(patch, item).toBeDefined();
      expect(patch['x-kubernetes-group-version-kind']).toEqual({
        group: info.group,
        kind: info.kind,
        version: info.version,
      });
      expect(patch.parameters.some((p: Json) => p.name === 'fieldValidation' && p.in === 'query')).toBe(true);
    }
  });

  it('renders a swagger 2.0 document too', () => {
    const v2 = openapiV2() as Json;
    expect(v2.swagger).toBe('2.0');
    expect(v2.definitions['io.k8s.api.apps.v1.Deployment']['x-kubernetes-group-version-kind']).toEqual([
      { group: 'apps', kind: 'Deployment', version: 'v1' },
    ]);
    expect(v2.definitions['io.k8s.api.apps.v1.DeploymentSpec'].properties.selector.$ref).toBe(
      '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector',
    );
  });
});

// ---- against the real kubectl ------------------------------------------------------------------

const hasKubectl = requireTool(
  'kubectl',
  '/usr/bin/kubectl',
  'install kubectl v1.32 to run kubectl explain against the generated OpenAPI',
);

/** Minimal discovery plus the OpenAPI documents: what kubectl explain and create need. */
function serveForKubectl(posts: string[]): Server {
  const groups = [...new Set(RESOURCES.filter((r) => r.group).map((r) => r.group))];
  const resourceList = (gv: string) => ({
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: gv,
    resources: RESOURCES.filter((r) => groupVersion(r) === gv).flatMap((r) => [
      {
        name: r.resource,
        singularName: r.singular,
        namespaced: r.namespaced,
        kind: r.kind,
        verbs: r.verbs,
        shortNames: r.shortNames,
        categories: r.categories,
      },
      ...r.subresources.map((s) => ({
        name: `${r.resource}/${s}`,
        singularName: '',
        namespaced: r.namespaced,
        kind: r.kind,
        verbs: ['get', 'patch', 'update'],
      })),
    ]),
  });
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const p = url.pathname.replace(/\/$/, '');
    const send = (code: number, body: unknown) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'POST') {
      let data = '';
      req.on('data', (c) => (data += c));
      req.on('end', () => {
        posts.push(`${p}?${url.searchParams.toString()}`);
        send(201, JSON.parse(data));
      });
      return;
    }
    if (p === '/api')
      return send(200, {
        kind: 'APIVersions',
        versions: ['v1'],
        serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' }],
      });
    if (p === '/apis') {
      return send(200, {
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: groups.map((g) => ({
          name: g,
          versions: [{ groupVersion: `${g}/v1`, version: 'v1' }],
          preferredVersion: { groupVersion: `${g}/v1`, version: 'v1' },
        })),
      });
    }
    if (p === '/api/v1') return send(200, resourceList('v1'));
    if (p.startsWith('/apis/') && p.split('/').length === 4) return send(200, resourceList(p.slice('/apis/'.length)));
    if (p === '/openapi/v3') return send(200, openapiV3Index());
    if (p.startsWith('/openapi/v3/')) {
      const doc = openapiV3(p.slice('/openapi/v3/'.length));
      return doc ? send(200, doc) : send(404, {});
    }
    // kubectl asks for /openapi/v2 as protobuf only.
    if (p === '/openapi/v2') return send(406, {});
    return send(404, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'the server could not find the requested resource',
      reason: 'NotFound',
      code: 404,
    });
  });
}

describe.skipIf(!hasKubectl)('kubectl explain against these documents', () => {
  let server: Server;
  let home: string;
  const posts: string[] = [];

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'wheelhouse-explain-'));
    server = serveForKubectl(posts);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(home, { recursive: true, force: true });
  });

  const kubectl = (...args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const port = (server.address() as AddressInfo).port;
      execFile(
        '/usr/bin/kubectl',
        ['--server', `http://127.0.0.1:${port}`, ...args],
        { env: { PATH: process.env.PATH ?? '', HOME: home, KUBECONFIG: '/dev/null' }, timeout: 60_000 },
        (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });

  it('explains pods', async () => {
    const r = await kubectl('explain', 'pods');
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^KIND: {7}Pod\nVERSION: {4}v1\n\nDESCRIPTION:\n {4}Pod is a group of containers/);
    expect(r.stdout).toContain('FIELDS:\n  apiVersion\t<string>\n');
    expect(r.stdout).toContain('  metadata\t<ObjectMeta>\n');
    expect(r.stdout).toContain('  spec\t<PodSpec>\n');
    expect(r.stdout).toContain('  status\t<PodStatus>\n');
  });

  it('explains a nested field with its type, enum and own fields', async () => {
    const r = await kubectl('explain', 'deployment.spec.strategy');
    expect(r.stdout).toBe(
      [
        'GROUP:      apps',
        'KIND:       Deployment',
        'VERSION:    v1',
        '',
        'FIELD: strategy <DeploymentStrategy>',
        '',
        '',
        'DESCRIPTION:',
        '    The deployment strategy to use to replace existing pods with new ones.',
        '    DeploymentStrategy describes how to replace existing pods with new ones.',
        '    ',
        'FIELDS:',
        '  rollingUpdate\t<RollingUpdateDeployment>',
        '    Rolling update parameters. Present only if the type is RollingUpdate.',
        '',
        '  type\t<string>',
        '  enum: Recreate, RollingUpdate',
        '    Type of deployment: "Recreate" kills all existing pods before creating new',
        '    ones; "RollingUpdate" replaces them gradually. Defaults to RollingUpdate.',
        '',
        '',
        '',
      ].join('\n'),
    );
    const limits = await kubectl('explain', 'pod.spec.containers.resources.limits');
    expect(limits.stdout).toContain('FIELD: limits <map[string]Quantity>');
    const surge = await kubectl('explain', 'deploy.spec.strategy.rollingUpdate');
    expect(surge.stdout).toContain('  maxSurge\t<IntOrString>\n');
  });

  it('explains recursively', async () => {
    const r = await kubectl('explain', 'pods', '--recursive');
    expect(r.stdout).toContain('  spec\t<PodSpec>\n    activeDeadlineSeconds\t<integer>\n    affinity\t<Affinity>\n');
    expect(r.stdout).toContain('    containers\t<[]Container> -required-\n      args\t<[]string>\n');
    expect(r.stdout).toContain('      ports\t<[]ContainerPort>\n        containerPort\t<integer> -required-\n');
    expect(r.stdout).toContain('        protocol\t<string>\n        enum: SCTP, TCP, UDP\n');
    const s = await kubectl('explain', 'deployment.spec.strategy', '--recursive');
    expect(s.stdout).toContain(
      'FIELDS:\n  rollingUpdate\t<RollingUpdateDeployment>\n    maxSurge\t<IntOrString>\n    maxUnavailable\t<IntOrString>\n  type\t<string>\n  enum: Recreate, RollingUpdate\n',
    );
  });

  it('says when a field does not exist', async () => {
    const r = await kubectl('explain', 'deployment.spec.replica');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toBe('error: field "replica" does not exist\n');
  });

  it('lets kubectl create leave field validation to the server', async () => {
    const file = join(home, 'pod.yaml');
    writeFileSync(
      file,
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: default\nspec:\n  containers:\n  - name: web\n    image: nginx\n',
    );
    const r = await kubectl('create', '-f', file);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('pod/web created\n');
    expect(posts.at(-1)).toBe('/api/v1/namespaces/default/pods?fieldManager=kubectl-create&fieldValidation=Strict');
  });
});
