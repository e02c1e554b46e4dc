import { describe, expect, it } from 'vitest';
import { complete, plural } from './complete.ts';

const names = (r: string) => (r === 'pods' ? ['web-1', 'web-2', 'db-0'] : r === 'deployments' ? ['web'] : []);
const tools = ['kubectl', 'etcdctl', 'docker'];

describe('console completion', () => {
  it('completes the tool, then the kubectl command', () => {
    expect(complete('kub', tools, names)).toEqual({ line: 'kubectl ', candidates: [] });
    expect(complete('kubectl ro', tools, names)).toEqual({ line: 'kubectl rollout ', candidates: [] });
    expect(complete('kubectl de', tools, names).candidates).toEqual(['delete', 'describe', 'debug']);
    expect(complete('kubectl de', tools, names).line).toBe('kubectl de');
  });

  it('completes resource types and object names', () => {
    expect(complete('kubectl get deployme', tools, names).line).toBe('kubectl get deployments ');
    expect(complete('kubectl get pods web', tools, names)).toEqual({
      line: 'kubectl get pods web-',
      candidates: ['web-1', 'web-2'],
    });
    expect(complete('kubectl get po d', tools, names).line).toBe('kubectl get po db-0 ');
    expect(complete('kubectl describe deploy/w', tools, names).line).toBe('kubectl describe deploy/web ');
    expect(complete('kubectl logs -n default w', tools, names).candidates).toEqual(['web-1', 'web-2']);
  });

  it('leaves the line alone when nothing matches', () => {
    expect(complete('kubectl frob', tools, names)).toEqual({ line: 'kubectl frob', candidates: [] });
  });

  it('maps short names and kinds to the plural resource', () => {
    expect(plural('deploy')).toBe('deployments');
    expect(plural('Deployment')).toBe('deployments');
    expect(plural('svc')).toBe('services');
  });
});
