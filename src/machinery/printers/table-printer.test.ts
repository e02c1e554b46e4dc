import { describe, expect, it } from 'vitest';
import { lookup } from '../api/resources.ts';
import type { KObject } from '../api/types.ts';
import { toTable } from './table.ts';
import { HumanReadablePrinter, printTable } from './table-printer.ts';
import { formatTime } from './time.ts';

const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);
const ago = (s: number) => formatTime(NOW - s * 1000);

function pod(name: string, namespace: string, ip: string, labels: Record<string, string> = {}): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels, creationTimestamp: ago(300) },
    spec: { nodeName: 'kind-worker', containers: [{ name: 'app', image: 'nginx' }] },
    status: {
      phase: 'Running',
      podIP: ip,
      podIPs: [{ ip }],
      containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: { running: {} } }],
    },
  } as KObject;
}

const PODS = lookup('', 'pods')!;
const table = (objs: KObject[]) => toTable(PODS, objs, { now: NOW, resourceVersion: '1' });
const pods = [
  pod('web-1', 'default', '10.244.1.5', { app: 'web', tier: 'fe' }),
  pod('dns', 'kube-system', '10.244.0.2', { 'k8s-app': 'kube-dns' }),
];

describe('printTable', () => {
  it('prints the priority-0 columns with kubectl spacing', () => {
    expect(printTable(table(pods))).toBe(
      'NAME    READY   STATUS    RESTARTS   AGE\n' +
        'web-1   1/1     Running   0          5m\n' +
        'dns     1/1     Running   0          5m\n',
    );
  });

  it('-o wide adds the priority-1 columns', () => {
    expect(printTable(table(pods), { wide: true })).toBe(
      'NAME    READY   STATUS    RESTARTS   AGE   IP           NODE          NOMINATED NODE   READINESS GATES\n' +
        'web-1   1/1     Running   0          5m    10.244.1.5   kind-worker   <none>           <none>\n' +
        'dns     1/1     Running   0          5m    10.244.0.2   kind-worker   <none>           <none>\n',
    );
  });

  it('-A prepends NAMESPACE from each row object', () => {
    expect(printTable(table(pods), { allNamespaces: true })).toBe(
      'NAMESPACE     NAME    READY   STATUS    RESTARTS   AGE\n' +
        'default       web-1   1/1     Running   0          5m\n' +
        'kube-system   dns     1/1     Running   0          5m\n',
    );
  });

  it('-A -o wide', () => {
    const out = printTable(table(pods), { allNamespaces: true, wide: true });
    expect(out.split('\n')[0]).toBe(
      'NAMESPACE     NAME    READY   STATUS    RESTARTS   AGE   IP           NODE          NOMINATED NODE   READINESS GATES',
    );
    expect(out.split('\n')[2]).toBe(
      'kube-system   dns     1/1     Running   0          5m    10.244.0.2   kind-worker   <none>           <none>',
    );
  });

  it('--no-headers', () => {
    expect(printTable(table(pods), { noHeaders: true })).toBe(
      'web-1   1/1   Running   0     5m\ndns     1/1   Running   0     5m\n',
    );
  });

  it('--show-labels and -L', () => {
    expect(printTable(table(pods), { showLabels: true })).toBe(
      'NAME    READY   STATUS    RESTARTS   AGE   LABELS\n' +
        'web-1   1/1     Running   0          5m    app=web,tier=fe\n' +
        'dns     1/1     Running   0          5m    k8s-app=kube-dns\n',
    );
    expect(printTable(table(pods), { labelColumns: ['app', 'example.com/tier'] })).toBe(
      'NAME    READY   STATUS    RESTARTS   AGE   APP   TIER\n' +
        'web-1   1/1     Running   0          5m    web   \n' +
        'dns     1/1     Running   0          5m          \n',
    );
  });

  it('prefixes names with the kind when several kinds are printed', () => {
    expect(printTable(table([pods[0] as KObject]), { kind: 'pod' })).toBe(
      'NAME        READY   STATUS    RESTARTS   AGE\npod/web-1   1/1     Running   0          5m\n',
    );
  });

  it('prints nothing for an empty table', () => {
    expect(printTable(table([]))).toBe('');
  });

  it('cuts multi-line cells at the first line break', () => {
    const t = table([pods[0] as KObject]);
    (t.rows[0] as { cells: unknown[] }).cells[2] = 'line one\nline two';
    expect(printTable(t).split('\n')[1]).toBe('web-1   1/1     line one...   0          5m');
  });
});

describe('watch printing', () => {
  it('prints the header once and keeps column widths', () => {
    const p = new HumanReadablePrinter({});
    p.printObj(table([pods[0] as KObject]));
    p.flush();
    p.printObj(table([pod('a-much-longer-pod-name', 'default', '10.0.0.1')]));
    p.flush();
    expect(p.writer.take()).toBe(
      'NAME    READY   STATUS    RESTARTS   AGE\n' +
        'web-1   1/1     Running   0          5m\n' +
        'a-much-longer-pod-name   1/1     Running   0          5m\n',
    );
  });

  it('--output-watch-events adds an EVENT column', () => {
    const p = new HumanReadablePrinter({});
    p.printObj(table([pods[0] as KObject]), 'ADDED');
    p.flush();
    p.printObj(table([pods[0] as KObject]), 'DELETED');
    p.flush();
    expect(p.writer.take()).toBe(
      'EVENT      NAME    READY   STATUS    RESTARTS   AGE\n' +
        'ADDED      web-1   1/1     Running   0          5m\n' +
        'DELETED    web-1   1/1     Running   0          5m\n',
    );
  });
});
