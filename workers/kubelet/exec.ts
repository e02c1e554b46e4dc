/**
 * The kubelet's part of `kubectl exec` and of what a container's process sees: the exec request's
 * options (PodExecOptions: command, container, stdin, stdout, stderr, tty), the status written on
 * the exec stream's error channel when the command ends (pkg/kubelet/cri/streaming/remotecommand
 * ServeExec), the pod's hostname (GeneratePodHostNameAndDomain) and the container's environment
 * (makeEnvironmentVariables).
 */
import type { KObject } from '../../src/machinery/api/types.ts';

export interface ExecRequest {
  namespace: string;
  pod: string;
  container: string;
  command: string[];
  stdin: boolean;
  tty: boolean;
}

/**
 * The request as kube-apiserver forwards it: `{ namespace, pod, query, body }`. Every `command`
 * query parameter is an argument; as one query map cannot repeat a key, the full list travels in
 * the body (`{"command": [...]}`), and `query.command` holds a single one.
 */
export function parseExecRequest(payload: unknown): ExecRequest {
  const p = payload as { namespace: string; pod: string; query?: Record<string, string>; body?: string };
  const q = p.query ?? {};
  let command: string[] = [];
  if (p.body) {
    try {
      const b = JSON.parse(p.body) as { command?: unknown };
      if (Array.isArray(b.command)) command = b.command.map(String);
    } catch {
      // not JSON: only the query
    }
  }
  if (command.length === 0 && q.command) command = [q.command];
  if (command.length === 0) throw new Error('you must specify at least one command for the container');
  return {
    namespace: p.namespace,
    pod: p.pod,
    container: q.container ?? '',
    command,
    stdin: q.stdin === 'true' || q.stdin === '1',
    tty: q.tty === 'true' || q.tty === '1',
  };
}

/** The Status on the error channel: Success, NonZeroExitCode with the ExitCode cause, or an internal error. */
export function execStatus(command: string[], exitCode: number | undefined, error?: string): Record<string, unknown> {
  if (error !== undefined) {
    const err = `error executing command in container: ${error}`;
    return {
      metadata: {},
      status: 'Failure',
      message: `Internal error occurred: ${err}`,
      reason: 'InternalError',
      details: { causes: [{ message: err }] },
      code: 500,
    };
  }
  if (!exitCode) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

/** The pod's hostname: spec.hostname, else its name, cut to 63 characters without a trailing - or . */
export function podHostname(pod: KObject): string {
  const spec = (pod.spec ?? {}) as { hostname?: string };
  const h = spec.hostname || pod.metadata?.name || '';
  return h.length > 63 ? h.slice(0, 63).replace(/[-.]+$/, '') : h;
}

/** The `kubernetes` Service's variables, which every container gets (the master service). */
const MASTER_ENV: [string, string][] = [
  ['KUBERNETES_SERVICE_HOST', '10.96.0.1'],
  ['KUBERNETES_SERVICE_PORT', '443'],
  ['KUBERNETES_SERVICE_PORT_HTTPS', '443'],
  ['KUBERNETES_PORT', 'tcp://10.96.0.1:443'],
  ['KUBERNETES_PORT_443_TCP', 'tcp://10.96.0.1:443'],
  ['KUBERNETES_PORT_443_TCP_PROTO', 'tcp'],
  ['KUBERNETES_PORT_443_TCP_PORT', '443'],
  ['KUBERNETES_PORT_443_TCP_ADDR', '10.96.0.1'],
];

/**
 * makeEnvironmentVariables, simplified: the master service's variables, then the container's env
 * with literal values and the downward-API fields a pod usually asks for. Other Services' link
 * variables are left out (the kubelet would need a Service informer for them).
 */
export function containerEnvs(
  pod: KObject,
  container: Record<string, unknown>,
  podIP: string,
  hostIP: string,
): { key: string; value: string }[] {
  const out = new Map<string, string>(MASTER_ENV);
  const env =
    (container.env as { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath?: string } } }[]) ?? [];
  const spec = (pod.spec ?? {}) as { nodeName?: string; serviceAccountName?: string };
  const fields: Record<string, string> = {
    'metadata.name': pod.metadata?.name ?? '',
    'metadata.namespace': pod.metadata?.namespace ?? '',
    'metadata.uid': pod.metadata?.uid ?? '',
    'spec.nodeName': spec.nodeName ?? '',
    'spec.serviceAccountName': spec.serviceAccountName ?? '',
    'status.podIP': podIP,
    'status.hostIP': hostIP,
  };
  for (const e of env) {
    const path = e.valueFrom?.fieldRef?.fieldPath;
    if (e.value !== undefined)
      out.set(
        e.name,
        e.value.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, k) => out.get(k) ?? m),
      );
    else if (path && path in fields) out.set(e.name, fields[path] as string);
    else if (!e.valueFrom) out.set(e.name, '');
  }
  return [...out].map(([key, value]) => ({ key, value }));
}
