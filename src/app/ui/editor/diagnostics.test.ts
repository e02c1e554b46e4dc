import { describe, expect, it } from 'vitest';
import { fieldErrors, serverProblems, splitPath, yamlProblems } from './diagnostics.ts';
import { EXAMPLE_MANIFEST } from './example.ts';

const at = (text: string, p: { from: number; to: number }) => text.slice(p.from, p.to);

describe('YAML editor diagnostics', () => {
  it('finds nothing wrong with the example', () => {
    expect(yamlProblems(EXAMPLE_MANIFEST)).toEqual([]);
  });

  it('places syntax errors at their line and column', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: [a\nspec: {}\n';
    const problems = yamlProblems(text);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]?.severity).toBe('error');
    expect(problems[0]?.line).toBeGreaterThanOrEqual(4);
    const bad = 'kind: Pod\nmetadata:\n  name: x\n   labels: y\n';
    const p = yamlProblems(bad)[0];
    expect(p).toMatchObject({ line: 3, col: 9, severity: 'error' });
  });

  it('splits field paths', () => {
    expect(splitPath('spec.template.spec.containers[0].ports[1].containerPort')).toEqual([
      'spec',
      'template',
      'spec',
      'containers',
      0,
      'ports',
      1,
      'containerPort',
    ]);
    expect(splitPath('metadata.labels[app.kubernetes.io/name]')).toEqual([
      'metadata',
      'labels',
      'app.kubernetes.io/name',
    ]);
  });

  it('reads kubectl error output', () => {
    expect(
      fieldErrors(
        'The Deployment "web" is invalid: \n* spec.replicas: Invalid value: -1: must be greater than or equal to 0\n* spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`\n',
      ).map((e) => [e.kind, e.name, e.path]),
    ).toEqual([
      ['Deployment', 'web', 'spec.replicas'],
      ['Deployment', 'web', 'spec.template.metadata.labels'],
    ]);
  });

  it('maps an invalid value to the value in the right document', () => {
    const text = EXAMPLE_MANIFEST.replace('replicas: 2', 'replicas: -1');
    const [p, ...rest] = serverProblems(
      text,
      'service/hello unchanged\nThe Deployment "hello" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0\n',
    );
    expect(rest).toEqual([]);
    expect(p).toMatchObject({ line: 8, col: 13, severity: 'error' });
    expect(at(text, p as never)).toBe('-1');
    expect(p?.message).toBe('spec.replicas: Invalid value: -1: must be greater than or equal to 0');
  });

  it('maps an unknown field to its key', () => {
    const text = EXAMPLE_MANIFEST.replace('replicas: 2', 'replica: 2');
    const [p] = serverProblems(
      text,
      'Error from server (BadRequest): error when creating "STDIN": Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replica"\n',
    );
    expect(p).toMatchObject({ line: 8, col: 3, message: 'unknown field "spec.replica"' });
    expect(at(text, p as never)).toBe('replica');
  });

  it('maps a field in a list item, and a missing field to the nearest key', () => {
    const text = EXAMPLE_MANIFEST.replace('containerPort: 80', 'containerPort: 99999');
    const [p] = serverProblems(
      text,
      'The Deployment "hello" is invalid: spec.template.spec.containers[0].ports[0].containerPort: Invalid value: 99999: must be between 1 and 65535, inclusive\n',
    );
    expect(at(text, p as never)).toBe('99999');
    expect(p?.line).toBe(21);
    const svc = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n';
    const [q] = serverProblems(svc, 'The Service "web" is invalid: spec.ports: Required value\n');
    expect(at(svc, q as never)).toBe('spec');
    expect(q?.line).toBe(5);
  });

  it('leaves out what it cannot place', () => {
    expect(serverProblems(EXAMPLE_MANIFEST, 'Error from server (Forbidden): nope\n')).toEqual([]);
  });
});
