/**
 * Bad input to the API: each request gets the status code and message a real kube-apiserver
 * gives, and nothing is written (etcd's revision does not move).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Status } from '../src/machinery/api/types.ts';
import { apiOnly, type TestCluster, testCluster } from './harness.ts';

let c: TestCluster;
beforeAll(async () => {
  c = await testCluster({ workers: 0 }, apiOnly);
});
afterAll(async () => {
  await c.shutdown();
});

async function revision(): Promise<number> {
  const etcd = c.relay.client('etcdctl');
  const r = await c.relay.settle(
    etcd.request<{ ok: { header: { revision: number } } }>('etcd', 'etcd.range', {
      key: '/registry/',
      range_end: '/registry0',
      count_only: true,
    }),
  );
  return r.payload.ok.header.revision;
}

async function rejected(
  method: 'POST' | 'PUT' | 'PATCH' | 'GET',
  path: string,
  body: unknown,
  code: number,
  message: string | RegExp,
  headers: Record<string, string> = {},
): Promise<void> {
  const before = await revision();
  const r = await c.api(method, path, body, { headers });
  expect(r.status).toBe(code);
  const s = r.body as Status | string;
  const text = typeof s === 'string' ? s : s.message;
  if (typeof message === 'string') expect(text).toBe(message);
  else expect(text).toMatch(message);
  expect(await revision()).toBe(before);
}

describe('bad input to kube-apiserver', () => {
  it('malformed JSON', async () => {
    await rejected(
      'POST',
      '/api/v1/namespaces/default/configmaps',
      '{"metadata": {"name": "x"',
      400,
      /^couldn't get version\/kind; json parse error: /,
    );
  });

  it('malformed YAML, with the line', async () => {
    await rejected(
      'POST',
      '/api/v1/namespaces/default/configmaps',
      'metadata:\n  name: x\n data: [\n',
      400,
      /^error converting YAML to JSON: yaml: line \d+: /,
      { 'content-type': 'application/yaml' },
    );
  });

  it('a wrong apiVersion or kind for the endpoint', async () => {
    await rejected(
      'POST',
      '/api/v1/namespaces/default/configmaps',
      { apiVersion: 'apps/v1', kind: 'ConfigMap', metadata: { name: 'x' } },
      400,
      'the API version in the data (apps/v1) does not match the expected API version (v1)',
    );
    await rejected(
      'POST',
      '/api/v1/namespaces/default/configmaps',
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } },
      400,
      /^Secret in version "v1" cannot be handled as a ConfigMap/,
    );
  });

  it('a field of the wrong type', async () => {
    await rejected(
      'POST',
      '/apis/apps/v1/namespaces/default/deployments',
      { metadata: { name: 'x' }, spec: { replicas: 'three' } },
      400,
      /^Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec\.spec\.replicas of type int32$/,
    );
  });

  it('unknown fields with strict field validation', async () => {
    const before = await revision();
    const r = await c.api(
      'POST',
      '/api/v1/namespaces/default/configmaps',
      { metadata: { name: 'x' }, dta: {} },
      { query: { fieldValidation: 'Strict' } },
    );
    expect(r.status).toBe(400);
    expect((r.body as Status).message).toBe(
      'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "dta"',
    );
    expect(await revision()).toBe(before);
  });

  it('an oversized body', async () => {
    const big = { metadata: { name: 'big' }, data: { a: 'x'.repeat(3.2 * 1024 * 1024) } };
    await rejected(
      'POST',
      '/api/v1/namespaces/default/configmaps',
      big,
      413,
      'Request entity too large: limit is 3145728',
    );
  });

  it('an unknown resource or version', async () => {
    await rejected(
      'GET',
      '/api/v1/namespaces/default/foos',
      undefined,
      404,
      'the server could not find the requested resource',
    );
    await rejected(
      'POST',
      '/apis/apps/v2/namespaces/default/deployments',
      { metadata: { name: 'x' } },
      404,
      'the server could not find the requested resource',
    );
  });

  it('names that try path traversal or are not DNS names', async () => {
    await rejected(
      'GET',
      '/api/v1/namespaces/default/configmaps/..',
      undefined,
      400,
      /^invalid resource name "\.\.": /,
    );
    await rejected(
      'POST',
      '/api/v1/namespaces/default/configmaps',
      { metadata: { name: '../etc' } },
      422,
      /^ConfigMap "\.\.\/etc" is invalid: metadata\.name: Invalid value: "\.\.\/etc": a lowercase RFC 1123 subdomain/,
    );
  });

  it('a namespace mismatch between the body and the URL', async () => {
    await rejected(
      'POST',
      '/api/v1/namespaces/default/configmaps',
      { metadata: { name: 'x', namespace: 'kube-system' } },
      400,
      'the namespace of the provided object does not match the namespace sent on the request',
    );
  });

  it('a create in a namespace that does not exist', async () => {
    await rejected(
      'POST',
      '/api/v1/namespaces/nope/configmaps',
      { metadata: { name: 'x' } },
      404,
      'namespaces "nope" not found',
    );
  });
});
