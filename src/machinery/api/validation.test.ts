import { describe, expect, it } from 'vitest';
import { ApiErrors } from './errors.ts';
import { lookup } from './resources.ts';
import { generateJobSelector, podQOSClass, prepareForUpdate } from './strategy.ts';
import type { FieldError, KObject, ResourceInfo } from './types.ts';
import {
  applyDefaults,
  decodeError,
  unknownFields,
  validateCreate,
  validateName,
  validateUpdate,
} from './validation.ts';
import { cronParseError } from './validation-batch.ts';

const R = (group: string, resource: string): ResourceInfo => lookup(group, resource) as ResourceInfo;
const PODS = R('', 'pods');
const SERVICES = R('', 'services');
const NAMESPACES = R('', 'namespaces');
const SECRETS = R('', 'secrets');
const CONFIGMAPS = R('', 'configmaps');
const DEPLOYMENTS = R('apps', 'deployments');
const DAEMONSETS = R('apps', 'daemonsets');
const STATEFULSETS = R('apps', 'statefulsets');
const JOBS = R('batch', 'jobs');
const CRONJOBS = R('batch', 'cronjobs');

/** The message kube-apiserver would answer with (and kubectl print after "The "). */
function message(info: ResourceInfo, name: string, errs: FieldError[]): string {
  return errs.length ? (ApiErrors.invalid(info, name, errs).message as string) : 'valid';
}

function created(info: ResourceInfo, obj: KObject): string {
  applyDefaults(info, obj);
  const name = obj.metadata?.name ?? '';
  return message(info, name, [...validateName(info, name), ...validateCreate(info, obj)]);
}

const container = (extra: Record<string, unknown> = {}) => ({ name: 'web', image: 'nginx:1.27', ...extra });
const pod = (spec: Record<string, unknown> = {}, name = 'web'): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { containers: [container()], ...spec },
});
const deployment = (spec: Record<string, unknown> = {}): KObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [container()] } },
    ...spec,
  },
});

describe('object names', () => {
  it('uses DNS-1123 subdomains for most kinds, with upstream text', () => {
    expect(message(PODS, 'Foo_Bar', validateName(PODS, 'Foo_Bar'))).toBe(
      `Pod "Foo_Bar" is invalid: metadata.name: Invalid value: "Foo_Bar": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    );
    expect(validateName(DEPLOYMENTS, 'web.v1')).toEqual([]);
    expect(message(DEPLOYMENTS, 'x'.repeat(254), validateName(DEPLOYMENTS, 'x'.repeat(254)))).toContain(
      'metadata.name: Invalid value: "xxxx',
    );
    expect(validateName(DEPLOYMENTS, 'x'.repeat(254))[0]?.detail).toBe('must be no more than 253 characters');
  });

  it('uses DNS-1035 labels for services and DNS-1123 labels for namespaces', () => {
    expect(message(SERVICES, '1web', validateName(SERVICES, '1web'))).toBe(
      `Service "1web" is invalid: metadata.name: Invalid value: "1web": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
    );
    expect(message(NAMESPACES, 'team.a', validateName(NAMESPACES, 'team.a'))).toBe(
      'Namespace "team.a" is invalid: metadata.name: Invalid value: "team.a": must not contain dots',
    );
    expect(validateName(NAMESPACES, 'Team')[0]?.detail).toBe(
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    );
    expect(validateName(PODS, '')).toEqual([
      { type: 'FieldValueRequired', field: 'metadata.name', detail: 'name or generateName is required' },
    ]);
  });

  it('checks label keys and values', () => {
    const p = pod();
    p.metadata = { ...p.metadata, labels: { 'app/x/y': 'ok', tier: 'front end' } };
    expect(created(PODS, p)).toBe(
      `Pod "web" is invalid: [metadata.labels: Invalid value: "app/x/y": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName'), metadata.labels: Invalid value: "front end": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')]`,
    );
  });

  it('limits the total size of annotations', () => {
    const p = pod();
    p.metadata = { ...p.metadata, annotations: { big: 'x'.repeat(262144) } };
    expect(created(PODS, p)).toBe(
      'Pod "web" is invalid: metadata.annotations: Too long: may not be more than 262144 bytes',
    );
  });
});

describe('defaults', () => {
  it('defaults a bare pod as SetObjectDefaults_Pod does', () => {
    const p = pod({
      containers: [
        { name: 'web', image: 'nginx', ports: [{ containerPort: 80 }], readinessProbe: { httpGet: { port: 80 } } },
      ],
    });
    applyDefaults(PODS, p);
    expect(p.spec).toEqual({
      containers: [
        {
          name: 'web',
          image: 'nginx',
          imagePullPolicy: 'Always',
          ports: [{ containerPort: 80, protocol: 'TCP' }],
          readinessProbe: {
            httpGet: { port: 80, path: '/', scheme: 'HTTP' },
            timeoutSeconds: 1,
            periodSeconds: 10,
            successThreshold: 1,
            failureThreshold: 3,
          },
          resources: {},
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
        },
      ],
      dnsPolicy: 'ClusterFirst',
      enableServiceLinks: true,
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      securityContext: {},
      terminationGracePeriodSeconds: 30,
    });
  });

  it('pulls tagged images IfNotPresent and copies limits to missing requests, canonicalized', () => {
    const p = pod({
      containers: [container({ resources: { limits: { cpu: 0.5, memory: '1.5Gi' }, requests: { cpu: '250m' } } })],
    });
    applyDefaults(PODS, p);
    const c = (p.spec as { containers: Record<string, unknown>[] }).containers[0] as Record<string, unknown>;
    expect(c.imagePullPolicy).toBe('IfNotPresent');
    expect(c.resources).toEqual({
      limits: { cpu: '500m', memory: '1536Mi' },
      requests: { cpu: '250m', memory: '1536Mi' },
    });
  });

  it('defaults a deployment and its pod template (without pod-only defaults)', () => {
    const d = deployment();
    applyDefaults(DEPLOYMENTS, d);
    const spec = d.spec as Record<string, unknown>;
    expect(spec.replicas).toBe(1);
    expect(spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
    expect(spec.revisionHistoryLimit).toBe(10);
    expect(spec.progressDeadlineSeconds).toBe(600);
    const template = spec.template as { metadata: Record<string, unknown>; spec: Record<string, unknown> };
    expect(template.metadata.creationTimestamp).toBeNull();
    expect(template.spec.restartPolicy).toBe('Always');
    expect(template.spec.enableServiceLinks).toBeUndefined();
  });

  it('defaults a service', () => {
    const s: KObject = {
      metadata: { name: 'web', namespace: 'default' },
      spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
    };
    applyDefaults(SERVICES, s);
    expect(s.spec).toEqual({
      selector: { app: 'web' },
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
      sessionAffinity: 'None',
      type: 'ClusterIP',
      internalTrafficPolicy: 'Cluster',
    });
    const np: KObject = {
      metadata: { name: 'np' },
      spec: { type: 'NodePort', sessionAffinity: 'ClientIP', ports: [{ port: 80, targetPort: 'http' }] },
    };
    applyDefaults(SERVICES, np);
    expect(np.spec).toMatchObject({
      externalTrafficPolicy: 'Cluster',
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
    });
    expect((np.spec as { ports: unknown[] }).ports[0]).toEqual({ port: 80, targetPort: 'http', protocol: 'TCP' });
  });

  it('defaults a job, and generates its selector on create', () => {
    const j: KObject = {
      metadata: { name: 'pi', namespace: 'default', uid: 'u-1' },
      spec: { template: { spec: { restartPolicy: 'Never', containers: [container()] } } },
    };
    applyDefaults(JOBS, j);
    expect(j.spec).toMatchObject({
      completions: 1,
      parallelism: 1,
      backoffLimit: 6,
      completionMode: 'NonIndexed',
      suspend: false,
      podReplacementPolicy: 'TerminatingOrFailed',
    });
    expect((j.spec as Record<string, unknown>).manualSelector).toBeUndefined();
    expect(created(JOBS, j)).toBe('valid');
    generateJobSelector(j);
    expect((j.spec as Record<string, unknown>).selector).toEqual({
      matchLabels: { 'batch.kubernetes.io/controller-uid': 'u-1' },
    });
    expect(j.metadata?.labels).toEqual({
      'job-name': 'pi',
      'batch.kubernetes.io/job-name': 'pi',
      'controller-uid': 'u-1',
      'batch.kubernetes.io/controller-uid': 'u-1',
    });
    expect(created(JOBS, j)).toBe('valid');
  });

  it('defaults cronjobs, daemonsets, statefulsets, namespaces and secrets', () => {
    const cj: KObject = {
      metadata: { name: 'c', namespace: 'default' },
      spec: {
        schedule: '*/5 * * * *',
        jobTemplate: { spec: { template: { spec: { containers: [container()], restartPolicy: 'OnFailure' } } } },
      },
    };
    applyDefaults(CRONJOBS, cj);
    expect(cj.spec).toMatchObject({
      concurrencyPolicy: 'Allow',
      suspend: false,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
    });
    const ds: KObject = { metadata: { name: 'd' }, spec: { template: { spec: { containers: [container()] } } } };
    applyDefaults(DAEMONSETS, ds);
    expect(ds.spec).toMatchObject({
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      revisionHistoryLimit: 10,
    });
    const sts: KObject = {
      metadata: { name: 's' },
      spec: {
        template: { spec: { containers: [container()] } },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: {} }],
      },
    };
    applyDefaults(STATEFULSETS, sts);
    expect(sts.spec).toMatchObject({
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      replicas: 1,
      revisionHistoryLimit: 10,
      volumeClaimTemplates: [{ spec: { volumeMode: 'Filesystem' }, status: { phase: 'Pending' } }],
    });
    const ns: KObject = { metadata: { name: 'team' } };
    applyDefaults(NAMESPACES, ns);
    expect(ns).toEqual({
      metadata: { name: 'team', labels: { 'kubernetes.io/metadata.name': 'team' } },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
    const sec: KObject = { metadata: { name: 's' } };
    applyDefaults(SECRETS, sec);
    expect(sec.type).toBe('Opaque');
  });

  it('computes the QoS class', () => {
    const guaranteed = pod({ containers: [container({ resources: { limits: { cpu: '1', memory: '1Gi' } } })] });
    applyDefaults(PODS, guaranteed);
    expect(podQOSClass(guaranteed)).toBe('Guaranteed');
    expect(podQOSClass(pod())).toBe('BestEffort');
    expect(podQOSClass(pod({ containers: [container({ resources: { requests: { cpu: '100m' } } })] }))).toBe(
      'Burstable',
    );
  });
});

describe('create validation', () => {
  it('reports a missing selector and template labels the selector does not match', () => {
    const d = deployment();
    delete (d.spec as Record<string, unknown>).selector;
    expect(created(DEPLOYMENTS, d)).toBe(
      'Deployment.apps "web" is invalid: [spec.selector: Required value, spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`]',
    );
    const d2 = deployment({ selector: { matchLabels: { app: 'api' } } });
    expect(created(DEPLOYMENTS, d2)).toBe(
      'Deployment.apps "web" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
    );
    expect(created(DEPLOYMENTS, deployment())).toBe('valid');
  });

  it('checks replicas, strategy and restart policy of deployments', () => {
    expect(created(DEPLOYMENTS, deployment({ replicas: -1 }))).toBe(
      'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    );
    expect(
      created(
        DEPLOYMENTS,
        deployment({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } } }),
      ),
    ).toBe(
      'Deployment.apps "web" is invalid: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0',
    );
    expect(created(DEPLOYMENTS, deployment({ strategy: { type: 'Recreate', rollingUpdate: {} } }))).toBe(
      'Deployment.apps "web" is invalid: spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is \'Recreate\'',
    );
    const d = deployment();
    (d.spec as { template: { spec: Record<string, unknown> } }).template.spec.restartPolicy = 'Never';
    expect(created(DEPLOYMENTS, d)).toBe(
      'Deployment.apps "web" is invalid: spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    );
  });

  it('checks containers: required fields, names, ports, mounts and probes', () => {
    expect(created(PODS, pod({ containers: [] }))).toBe('Pod "web" is invalid: spec.containers: Required value');
    expect(created(PODS, pod({ containers: [{ name: 'Web_1' }] }))).toBe(
      `Pod "web" is invalid: [spec.containers[0].name: Invalid value: "Web_1": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?'), spec.containers[0].image: Required value]`,
    );
    expect(created(PODS, pod({ containers: [container(), container()] }))).toBe(
      'Pod "web" is invalid: spec.containers[1].name: Duplicate value: "web"',
    );
    expect(
      created(
        PODS,
        pod({
          containers: [container({ ports: [{ containerPort: 70000 }, { containerPort: 80, protocol: 'HTTP' }] })],
        }),
      ),
    ).toBe(
      'Pod "web" is invalid: [spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive, spec.containers[0].ports[1].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"]',
    );
    expect(
      created(PODS, pod({ containers: [container({ volumeMounts: [{ name: 'data', mountPath: '/data' }] })] })),
    ).toBe('Pod "web" is invalid: spec.containers[0].volumeMounts[0].name: Not found: "data"');
    expect(created(PODS, pod({ containers: [container({ livenessProbe: { periodSeconds: 5 } })] }))).toBe(
      'Pod "web" is invalid: spec.containers[0].livenessProbe: Required value: must specify a handler type',
    );
    expect(
      created(PODS, pod({ containers: [container({ resources: { limits: { cpu: '1' }, requests: { cpu: '2' } } })] })),
    ).toBe(
      'Pod "web" is invalid: spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1',
    );
    expect(created(PODS, pod({ restartPolicy: 'Sometimes' }))).toBe(
      'Pod "web" is invalid: spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
    );
    expect(
      created(
        PODS,
        pod({
          volumes: [{ name: 'data' }],
          containers: [container({ volumeMounts: [{ name: 'data', mountPath: '/data' }] })],
        }),
      ),
    ).toBe('valid');
  });

  it('checks tolerations and affinity', () => {
    expect(created(PODS, pod({ tolerations: [{ operator: 'Equal', value: 'x' }] }))).toBe(
      'Pod "web" is invalid: spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which means "match all values and all keys"',
    );
    expect(
      created(
        PODS,
        pod({
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In' }] }],
              },
            },
          },
        }),
      ),
    ).toBe(
      "Pod \"web\" is invalid: spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
    );
  });

  it('checks services', () => {
    const svc = (spec: Record<string, unknown>): KObject => ({ metadata: { name: 'web', namespace: 'default' }, spec });
    expect(created(SERVICES, svc({ selector: { app: 'web' } }))).toBe(
      'Service "web" is invalid: spec.ports: Required value',
    );
    expect(created(SERVICES, svc({ clusterIP: 'None', selector: { app: 'web' } }))).toBe('valid');
    // targetPort defaults to port, so upstream reports both.
    expect(created(SERVICES, svc({ ports: [{ port: 0 }] }))).toBe(
      'Service "web" is invalid: [spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive, spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive]',
    );
    expect(created(SERVICES, svc({ type: 'Foo', ports: [{ port: 80 }] }))).toBe(
      'Service "web" is invalid: spec.type: Unsupported value: "Foo": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
    );
    expect(created(SERVICES, svc({ ports: [{ port: 80, nodePort: 30080 }] }))).toBe(
      'Service "web" is invalid: spec.ports[0].nodePort: Forbidden: may not be used when `type` is \'ClusterIP\'',
    );
    expect(created(SERVICES, svc({ type: 'NodePort', clusterIP: 'None', ports: [{ port: 80 }] }))).toBe(
      'Service "web" is invalid: spec.clusterIPs[0]: Invalid value: "None": may not be set to \'None\' for NodePort services',
    );
  });

  it('checks jobs and cronjobs', () => {
    const j: KObject = {
      metadata: { name: 'pi', namespace: 'default' },
      spec: { template: { spec: { containers: [container()] } } },
    };
    expect(created(JOBS, j)).toBe(
      'Job.batch "pi" is invalid: spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"',
    );
    const cj: KObject = {
      metadata: { name: 'c', namespace: 'default' },
      spec: {
        schedule: '*/5 * *',
        jobTemplate: { spec: { template: { spec: { containers: [container()], restartPolicy: 'Never' } } } },
      },
    };
    expect(created(CRONJOBS, cj)).toBe(
      'CronJob.batch "c" is invalid: spec.schedule: Invalid value: "*/5 * *": expected exactly 5 fields, found 3: [*/5 * *]',
    );
    expect(cronParseError('0 25 * * *')).toBe('end of range (25) above maximum (23): 25');
    expect(cronParseError('x * * * *')).toBe('failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax');
    expect(cronParseError('@hourly')).toBeUndefined();
    expect(cronParseError('@often')).toBe('unrecognized descriptor: @often');
    expect(cronParseError('0 0 * JAN-MAR mon-fri')).toBeUndefined();
  });

  it('checks configmap and secret keys and secret types', () => {
    expect(created(CONFIGMAPS, { metadata: { name: 'c', namespace: 'default' }, data: { 'a b': '1' } })).toBe(
      `ConfigMap "c" is invalid: data[a b]: Invalid value: "a b": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
    );
    expect(
      created(SECRETS, {
        metadata: { name: 's', namespace: 'default' },
        type: 'kubernetes.io/tls',
        data: { 'tls.crt': 'eA==' },
      }),
    ).toBe('Secret "s" is invalid: data[tls.key]: Required value');
  });
});

describe('update validation', () => {
  const stored = () => {
    const d = deployment();
    applyDefaults(DEPLOYMENTS, d);
    return d;
  };

  it('keeps a deployment selector immutable', () => {
    const next = stored();
    next.spec = { ...(next.spec as object), selector: { matchLabels: { app: 'web2' } } };
    (
      (next.spec as { template: { metadata: { labels: object } } }).template.metadata.labels as Record<string, string>
    ).app = 'web2';
    expect(message(DEPLOYMENTS, 'web', validateUpdate(DEPLOYMENTS, next, stored()))).toBe(
      'Deployment.apps "web" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    );
    const scaled = stored();
    (scaled.spec as Record<string, unknown>).replicas = 5;
    expect(validateUpdate(DEPLOYMENTS, scaled, stored())).toEqual([]);
  });

  it('allows only image, activeDeadlineSeconds and toleration changes to pods', () => {
    const old = pod();
    applyDefaults(PODS, old);
    const image = structuredClone(old);
    (image.spec as { containers: { image: string }[] }).containers[0]!.image = 'nginx:1.28';
    expect(validateUpdate(PODS, image, old)).toEqual([]);
    const env = structuredClone(old);
    (env.spec as { containers: Record<string, unknown>[] }).containers[0]!.env = [{ name: 'A', value: '1' }];
    const msg = message(PODS, 'web', validateUpdate(PODS, env, old));
    expect(msg).toContain(
      'Pod "web" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n  core.PodSpec{',
    );
    const more = structuredClone(old);
    (more.spec as { containers: unknown[] }).containers.push(container({ name: 'side' }));
    applyDefaults(PODS, more);
    expect(message(PODS, 'web', validateUpdate(PODS, more, old))).toBe(
      'Pod "web" is invalid: spec.containers: Forbidden: pod updates may not add or remove containers',
    );
  });

  it('keeps clusterIPs, secret types and statefulset specs as upstream does', () => {
    const old: KObject = {
      metadata: { name: 'web', namespace: 'default' },
      spec: { type: 'ClusterIP', clusterIP: '10.96.0.20', clusterIPs: ['10.96.0.20'], ports: [{ port: 80 }] },
    };
    applyDefaults(SERVICES, old);
    const moved = structuredClone(old);
    (moved.spec as Record<string, unknown>).clusterIP = '10.96.0.21';
    expect(message(SERVICES, 'web', validateUpdate(SERVICES, moved, old))).toBe(
      'Service "web" is invalid: spec.clusterIPs[0]: Invalid value: []string{"10.96.0.21"}: may not change once set',
    );
    const omitted = structuredClone(old);
    delete (omitted.spec as Record<string, unknown>).clusterIP;
    delete (omitted.spec as Record<string, unknown>).clusterIPs;
    expect(validateUpdate(SERVICES, omitted, old)).toEqual([]);
    const np: KObject = structuredClone(old);
    Object.assign(np.spec as object, { type: 'NodePort', externalTrafficPolicy: 'Cluster' });
    (np.spec as { ports: Record<string, unknown>[] }).ports[0]!.nodePort = 30080;
    const back = structuredClone(np);
    (back.spec as Record<string, unknown>).type = 'ClusterIP';
    expect(validateUpdate(SERVICES, back, np)).toEqual([]);
    prepareForUpdate(SERVICES, back, np);
    expect(back.spec).not.toHaveProperty('externalTrafficPolicy');

    const secret: KObject = { metadata: { name: 's', namespace: 'default' }, type: 'Opaque' };
    const retyped: KObject = { ...secret, type: 'kubernetes.io/basic-auth', data: { username: 'YQ==' } };
    expect(message(SECRETS, 's', validateUpdate(SECRETS, retyped, secret))).toBe(
      'Secret "s" is invalid: type: Invalid value: "kubernetes.io/basic-auth": field is immutable',
    );

    const sts: KObject = {
      metadata: { name: 's', namespace: 'default' },
      spec: {
        serviceName: 'a',
        selector: { matchLabels: { app: 's' } },
        template: { metadata: { labels: { app: 's' } }, spec: { containers: [container()] } },
      },
    };
    applyDefaults(STATEFULSETS, sts);
    expect(message(STATEFULSETS, 's', validateCreate(STATEFULSETS, sts))).toBe('valid');
    const renamed = structuredClone(sts);
    (renamed.spec as Record<string, unknown>).serviceName = 'b';
    expect(message(STATEFULSETS, 's', validateUpdate(STATEFULSETS, renamed, sts))).toBe(
      "StatefulSet.apps \"s\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    );
  });
});

describe('decoding checks', () => {
  it('finds unknown fields by path', () => {
    const d = deployment({ replica: 3 }) as KObject & {
      spec: { template: { spec: { containers: Record<string, unknown>[] } } };
    };
    d.spec.template.spec.containers[0]!.imagePullPolcy = 'Always';
    (d as Record<string, unknown>).extra = true;
    expect(unknownFields(DEPLOYMENTS, d)).toEqual([
      'spec.template.spec.containers[0].imagePullPolcy',
      'spec.replica',
      'extra',
    ]);
    expect(unknownFields(PODS, pod())).toEqual([]);
  });

  it('reports type errors as Go decoding does', () => {
    expect(decodeError(DEPLOYMENTS, deployment({ replicas: '3' }))).toBe(
      'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32',
    );
    expect(decodeError(PODS, pod({ containers: [container({ env: [{ name: 'DEBUG', value: true }] })] }))).toBe(
      'json: cannot unmarshal bool into Go struct field EnvVar.spec.containers.env.value of type string',
    );
    const p = pod();
    p.metadata = { ...p.metadata, labels: { version: 2 as unknown as string } };
    expect(decodeError(PODS, p)).toBe(
      'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string',
    );
    expect(decodeError(PODS, pod({ containers: [container({ resources: { limits: { memory: '1GB' } } })] }))).toBe(
      "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    );
    expect(decodeError(PODS, pod({ containers: 'web' }))).toBe(
      'json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type []v1.Container',
    );
    expect(decodeError(DEPLOYMENTS, deployment())).toBeUndefined();
  });
});
