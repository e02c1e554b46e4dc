/**
 * Completion for the YAML editor: field names of the objects a learner writes (Deployment,
 * Service, Pod, Job and their pod template) where a key can start, and the usual values after
 * `kind:`, `apiVersion:`, `type:` and friends. Names and values are Kubernetes API data, not UI
 * text. Not schema-aware: any known field is offered at any depth.
 */
import type { Completion, CompletionContext, CompletionResult } from '@codemirror/autocomplete';

const FIELDS = [
  'apiVersion',
  'kind',
  'metadata',
  'name',
  'namespace',
  'labels',
  'annotations',
  'spec',
  'replicas',
  'selector',
  'matchLabels',
  'template',
  'containers',
  'initContainers',
  'image',
  'imagePullPolicy',
  'command',
  'args',
  'env',
  'value',
  'ports',
  'containerPort',
  'protocol',
  'resources',
  'requests',
  'limits',
  'cpu',
  'memory',
  'livenessProbe',
  'readinessProbe',
  'startupProbe',
  'httpGet',
  'path',
  'port',
  'initialDelaySeconds',
  'periodSeconds',
  'failureThreshold',
  'volumeMounts',
  'mountPath',
  'volumes',
  'emptyDir',
  'configMap',
  'restartPolicy',
  'nodeSelector',
  'nodeName',
  'tolerations',
  'affinity',
  'terminationGracePeriodSeconds',
  'strategy',
  'type',
  'rollingUpdate',
  'maxSurge',
  'maxUnavailable',
  'minReadySeconds',
  'revisionHistoryLimit',
  'targetPort',
  'nodePort',
  'clusterIP',
  'sessionAffinity',
  'completions',
  'parallelism',
  'backoffLimit',
  'data',
];

const VALUES: Record<string, string[]> = {
  apiVersion: ['v1', 'apps/v1', 'batch/v1', 'networking.k8s.io/v1'],
  kind: ['Deployment', 'Service', 'Pod', 'ReplicaSet', 'DaemonSet', 'StatefulSet', 'Job', 'ConfigMap', 'Namespace'],
  type: ['ClusterIP', 'NodePort', 'LoadBalancer', 'RollingUpdate', 'Recreate'],
  imagePullPolicy: ['IfNotPresent', 'Always', 'Never'],
  restartPolicy: ['Always', 'OnFailure', 'Never'],
  protocol: ['TCP', 'UDP', 'SCTP'],
  image: ['nginx', 'nginx:1.27', 'nginx:1.28', 'httpd', 'redis', 'busybox'],
};

const fieldOptions: Completion[] = FIELDS.map((f) => ({ label: f, type: 'property', apply: `${f}: ` }));

export function keyCompletions(ctx: CompletionContext): CompletionResult | null {
  const line = ctx.state.doc.lineAt(ctx.pos);
  const before = line.text.slice(0, ctx.pos - line.from);
  // After `key: `: that key's usual values.
  const value = /^\s*(?:- )?([A-Za-z]+):\s+([\w./:-]*)$/.exec(before);
  if (value) {
    const options = VALUES[value[1] as string];
    if (!options) return null;
    return {
      from: ctx.pos - (value[2] as string).length,
      options: options.map((v) => ({ label: v, type: 'constant' })),
      validFor: /^[\w./:-]*$/,
    };
  }
  // Where a key can start: after indentation, or after `- ` in a list.
  const key = /^\s*(?:- )*([A-Za-z]*)$/.exec(before);
  if (!key) return null;
  const word = key[1] as string;
  if (word === '' && !ctx.explicit) return null;
  return { from: ctx.pos - word.length, options: fieldOptions, validFor: /^[A-Za-z]*$/ };
}
