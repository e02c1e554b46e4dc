/** Schema of core/v1 types (Pod and its parts, Service, Node, Namespace, ...). See schema.ts. */
import {
  any,
  arr,
  atomicList,
  bool,
  enm,
  i32,
  i64,
  kind,
  map,
  mergeList,
  R,
  ref,
  req,
  S,
  str,
  strMap,
  strs,
  type TypeSchema,
  type,
} from './schema-dsl.ts';

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const TAINT_EFFECTS = ['NoExecute', 'NoSchedule', 'PreferNoSchedule'];
const quantities = (d: string) => map(R('resource.Quantity'), d);

/** The fields a Container and an EphemeralContainer share. */
function containerFields(ephemeral: boolean) {
  const nope = ephemeral ? ' Not allowed for ephemeral containers.' : '';
  return {
    args: strs(
      "Arguments to the entrypoint. The image's CMD is used when this is not given. $(VAR_NAME) references to the container's environment are expanded. Cannot be updated.",
    ),
    command: strs(
      "The entrypoint array, run without a shell. The image's ENTRYPOINT is used when this is not given. $(VAR_NAME) references to the container's environment are expanded. Cannot be updated.",
    ),
    env: mergeList('core.EnvVar', 'name', 'Environment variables to set in the container. Cannot be updated.'),
    envFrom: atomicList(
      'core.EnvFromSource',
      'Sources (ConfigMaps, Secrets) whose keys become environment variables. When a key exists in several sources the last one wins; explicit env entries win over all of them. Cannot be updated.',
    ),
    image: str(
      ephemeral
        ? 'Container image name.'
        : 'Container image name, such as nginx:1.27 or registry.example.com/app@sha256:... Workload controllers require it; it is the one container field a Pod update may change.',
    ),
    imagePullPolicy: enm(
      ['Always', 'IfNotPresent', 'Never'],
      'When the kubelet pulls the image: Always, Never, or IfNotPresent. Defaults to Always when the tag is :latest or missing, IfNotPresent otherwise. Cannot be updated.',
    ),
    lifecycle: ref(
      'core.Lifecycle',
      `Actions the kubelet runs right after the container starts and right before it is stopped.${nope} Cannot be updated.`,
    ),
    livenessProbe: ref(
      'core.Probe',
      `Periodic check of container liveness. The container is restarted when the probe fails.${nope} Cannot be updated.`,
    ),
    name: str(
      'Name of the container, a DNS label. Each container in a pod must have a unique name. Cannot be updated.',
      req,
    ),
    ports: arr(
      R('core.ContainerPort'),
      `Ports the container exposes. Listing a port is informational: a process listening on 0.0.0.0 is reachable whether or not it is listed.${nope} Cannot be updated.`,
      ephemeral
        ? {
            patchStrategy: 'merge',
            patchMergeKey: 'containerPort',
            listType: 'map',
            listMapKeys: ['containerPort', 'protocol'],
          }
        : {
            patchStrategy: 'merge',
            patchMergeKey: 'containerPort',
            listType: 'map',
            listMapKeys: ['containerPort', 'protocol'],
          },
    ),
    readinessProbe: ref(
      'core.Probe',
      `Periodic check of container readiness. A container that is not ready is removed from service endpoints.${nope} Cannot be updated.`,
    ),
    resizePolicy: atomicList(
      'core.ContainerResizePolicy',
      'How each resource of the container may be resized in place.',
    ),
    resources: ref(
      'core.ResourceRequirements',
      `Compute resources the container requests (what the scheduler reserves) and its limits (what the runtime enforces).${nope}`,
      { default: {} },
    ),
    restartPolicy: str(
      'Only for init containers: "Always" makes the init container a sidecar that keeps running alongside the regular containers.',
    ),
    securityContext: ref(
      'core.SecurityContext',
      'Security options the container runs with, overriding those of the pod.',
    ),
    startupProbe: ref(
      'core.Probe',
      `Check that the container has started. Until it succeeds, no other probe runs; if it fails, the container is restarted.${nope} Cannot be updated.`,
    ),
    stdin: bool(
      'Whether the container allocates a buffer for stdin. If false, reads from stdin always see EOF. Default false.',
    ),
    stdinOnce: bool('Whether the runtime closes stdin after the first attach session ends. Default false.'),
    terminationMessagePath: str(
      "Path of the file whose content is written to the container's termination message. Defaults to /dev/termination-log. Cannot be updated.",
    ),
    terminationMessagePolicy: enm(
      ['FallbackToLogsOnError', 'File'],
      'Where the termination message comes from: File reads terminationMessagePath; FallbackToLogsOnError also uses the last lines of the log when the file is empty and the container failed. Defaults to File. Cannot be updated.',
    ),
    tty: bool('Whether the container allocates a TTY for itself; needs stdin. Default false.'),
    volumeDevices: arr(R('core.VolumeDevice'), 'Block devices the container uses.', {
      patchStrategy: 'merge',
      patchMergeKey: 'devicePath',
      listType: 'map',
      listMapKeys: ['devicePath'],
    }),
    volumeMounts: arr(
      R('core.VolumeMount'),
      "Pod volumes to mount into the container's filesystem. Cannot be updated.",
      {
        patchStrategy: 'merge',
        patchMergeKey: 'mountPath',
        listType: 'map',
        listMapKeys: ['mountPath'],
      },
    ),
    workingDir: str(
      "The container's working directory. The runtime's default (usually the image's) is used when not given. Cannot be updated.",
    ),
  };
}

export const SCHEMA_CORE: TypeSchema[] = [
  // ---- Pod -------------------------------------------------------------------------------------
  kind(
    'core.Pod',
    'Pod is a group of containers that share a network namespace and volumes and are scheduled together onto one node. Users and controllers create Pods; the scheduler binds each to a node and its kubelet runs it.',
    {
      spec: ref(
        'core.PodSpec',
        'The desired behavior of the pod: its containers, volumes, scheduling constraints and restart policy.',
        { default: {} },
      ),
      status: ref(
        'core.PodStatus',
        'The most recently observed status of the pod, written by the kubelet and the control plane. It may lag behind the real state.',
        { default: {} },
      ),
    },
  ),
  type('core.PodSpec', 'PodSpec is the description of a pod: what to run and where and how to run it.', {
    activeDeadlineSeconds: i64(
      'Seconds the pod may be active on a node, counted from its start, before the kubelet actively fails it. Must be a positive integer.',
    ),
    affinity: ref(
      'core.Affinity',
      'Scheduling constraints: node affinity, and affinity and anti-affinity to other pods.',
    ),
    automountServiceAccountToken: bool('Whether a service account token is mounted into the pod automatically.'),
    containers: mergeList(
      'core.Container',
      'name',
      'The containers of the pod. There must be at least one. Containers cannot be added or removed once the pod exists.',
      req,
    ),
    dnsConfig: ref('core.PodDNSConfig', 'Extra DNS settings merged into the configuration dnsPolicy produces.'),
    dnsPolicy: enm(
      ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'],
      "How the pod's DNS is set up. ClusterFirst uses cluster DNS first; Default inherits the node's resolver; ClusterFirstWithHostNet is ClusterFirst for host-network pods; None uses only dnsConfig. Defaults to ClusterFirst.",
    ),
    enableServiceLinks: bool(
      'Whether information about Services is injected into environment variables, as Docker links did. Defaults to true.',
    ),
    ephemeralContainers: mergeList(
      'core.EphemeralContainer',
      'name',
      'Ephemeral containers added to a running pod for debugging, through the ephemeralcontainers subresource. They cannot be set at creation or removed.',
    ),
    hostAliases: arr(R('core.HostAlias'), "Extra entries for the pod's /etc/hosts file.", {
      patchStrategy: 'merge',
      patchMergeKey: 'ip',
      listType: 'map',
      listMapKeys: ['ip'],
    }),
    hostIPC: bool("Use the host's IPC namespace. Default false."),
    hostNetwork: bool(
      "Use the host's network namespace: the pod gets the node's IP, and declared ports become host ports. Default false.",
    ),
    hostPID: bool("Use the host's PID namespace. Default false."),
    hostUsers: bool(
      'Whether the pod uses the host user namespace. False gives the pod its own user namespace. Default true.',
    ),
    hostname: str("The pod's hostname. Defaults to the pod name (on Linux)."),
    imagePullSecrets: mergeList(
      'core.LocalObjectReference',
      'name',
      'Secrets in the same namespace used to pull the images of this pod.',
    ),
    initContainers: mergeList(
      'core.Container',
      'name',
      'Containers run one after another, each to completion, before the regular containers start. Init containers with restartPolicy Always keep running as sidecars.',
    ),
    nodeName: str(
      'The node the pod runs on. Set by the scheduler through the binding subresource; setting it at creation bypasses the scheduler.',
    ),
    nodeSelector: strMap('Labels a node must carry for the pod to fit on it. Must match all of them.', {
      mapType: 'atomic',
    }),
    os: ref(
      'core.PodOS',
      'The operating system the containers are built for. Validation of OS-specific fields follows it.',
    ),
    overhead: map(
      R('resource.Quantity'),
      "Resources the pod sandbox itself uses, added to the containers' requests. Set by admission from the RuntimeClass.",
    ),
    preemptionPolicy: enm(
      ['Never', 'PreemptLowerPriority'],
      'Whether the pod may preempt pods of lower priority. Defaults to PreemptLowerPriority.',
    ),
    priority: i32(
      'The priority value, filled in from priorityClassName by admission. Higher values mean higher priority.',
    ),
    priorityClassName: str(
      'Name of the PriorityClass that gives the pod its priority. Without it the default priority (usually zero) applies.',
    ),
    readinessGates: atomicList('core.PodReadinessGate', 'Extra conditions that must be True for the pod to be Ready.'),
    resourceClaims: arr(R('core.PodResourceClaim'), 'Dynamic resources (DRA claims) the pod needs.', {
      patchStrategy: 'merge,retainKeys',
      patchMergeKey: 'name',
      listType: 'map',
      listMapKeys: ['name'],
    }),
    restartPolicy: enm(
      ['Always', 'Never', 'OnFailure'],
      'What the kubelet does when a container exits: restart it always, only on failure, or never. Defaults to Always.',
    ),
    runtimeClassName: str('The RuntimeClass (container runtime configuration) to run the pod with.'),
    schedulerName: str('The scheduler that places this pod. Defaults to "default-scheduler".'),
    schedulingGates: mergeList(
      'core.PodSchedulingGate',
      'name',
      'While any gate is present the scheduler does not consider the pod. Gates can only be removed.',
    ),
    securityContext: ref(
      'core.PodSecurityContext',
      'Security options for all containers of the pod, such as the user and group ids.',
      { default: {} },
    ),
    serviceAccount: str('Deprecated alias of serviceAccountName.'),
    serviceAccountName: str('The ServiceAccount the pod runs as. Filled in with "default" by admission when empty.'),
    setHostnameAsFQDN: bool("Whether the pod's hostname is set to its fully qualified domain name. Default false."),
    shareProcessNamespace: bool('Whether all containers of the pod share one PID namespace. Default false.'),
    subdomain: str(
      'The subdomain of the pod: its FQDN becomes <hostname>.<subdomain>.<namespace>.svc.<cluster domain>.',
    ),
    terminationGracePeriodSeconds: i64(
      'Seconds between sending the processes SIGTERM and killing them, when the pod is deleted. Defaults to 30. Zero means delete immediately.',
    ),
    tolerations: atomicList('core.Toleration', 'Taints the pod tolerates.'),
    topologySpreadConstraints: arr(
      R('core.TopologySpreadConstraint'),
      'How the pods of a group should spread over topology domains such as zones and nodes.',
      {
        patchStrategy: 'merge',
        patchMergeKey: 'topologyKey',
        listType: 'map',
        listMapKeys: ['topologyKey', 'whenUnsatisfiable'],
      },
    ),
    volumes: arr(R('core.Volume'), 'Volumes that containers of the pod can mount.', {
      patchStrategy: 'merge,retainKeys',
      patchMergeKey: 'name',
      listType: 'map',
      listMapKeys: ['name'],
    }),
  }),
  type('core.PodStatus', 'PodStatus is the observed state of a pod.', {
    conditions: mergeList(
      'core.PodCondition',
      'type',
      'Current service state of the pod (PodScheduled, Initialized, ContainersReady, Ready, ...).',
    ),
    containerStatuses: atomicList('core.ContainerStatus', 'The status of each container of the pod.'),
    ephemeralContainerStatuses: atomicList('core.ContainerStatus', 'The status of each ephemeral container.'),
    hostIP: str('IP address of the node the pod is bound to. Empty if not yet scheduled.'),
    hostIPs: arr(R('core.HostIP'), 'IP addresses of the host, at most one per IP family.', {
      patchStrategy: 'merge',
      patchMergeKey: 'ip',
      listType: 'atomic',
    }),
    initContainerStatuses: atomicList('core.ContainerStatus', 'The status of each init container.'),
    message: str('A human readable message about why the pod is in this condition.'),
    nominatedNodeName: str(
      'Set when the pod preempted other pods and waits for them to go: the node it is expected to run on.',
    ),
    phase: enm(
      ['Failed', 'Pending', 'Running', 'Succeeded', 'Unknown'],
      'A simple, high-level summary of where the pod is in its lifecycle: Pending (accepted, not all containers running yet), Running, Succeeded, Failed, or Unknown (its node cannot be reached).',
    ),
    podIP: str('IP address allocated to the pod; routable at least within the cluster. Empty until allocated.'),
    podIPs: mergeList(
      'core.PodIP',
      'ip',
      'IP addresses allocated to the pod, at most one per IP family; the first equals podIP.',
    ),
    qosClass: enm(
      ['BestEffort', 'Burstable', 'Guaranteed'],
      'The Quality of Service class derived from the requests and limits of the containers.',
    ),
    reason: str('A brief CamelCase reason for the pod being in this state, such as "Evicted".'),
    startTime: ref('meta.Time', 'When the kubelet acknowledged the pod, before any image was pulled.'),
  }),
  type('core.PodCondition', 'PodCondition is one condition of a pod.', {
    lastProbeTime: ref('meta.Time', 'Last time the condition was probed.'),
    lastTransitionTime: ref('meta.Time', 'Last time the condition changed status.'),
    message: str('Human readable details about the last transition.'),
    reason: str('Unique, one-word, CamelCase reason for the last transition.'),
    status: str('True, False or Unknown.', req),
    type: str('Type of the condition, such as Ready or PodScheduled.', req),
  }),
  type('core.PodIP', 'PodIP is one IP address of a pod.', { ip: str('The IP address.', req) }),
  type('core.HostIP', 'HostIP is one IP address of the host of a pod.', { ip: str('The IP address.', req) }),
  type('core.ContainerStatus', 'ContainerStatus is the observed state of one container.', {
    allocatedResources: quantities('Resources the node allocated to the container.'),
    containerID: str('The container id as the runtime reports it, in the form <type>://<id>.'),
    image: str('The image the container runs.', req),
    imageID: str('The id of the image, usually its digest.', req),
    lastState: ref('core.ContainerState', "Details of the container's last termination.", { default: {} }),
    name: str('The name of the container, as in the pod spec.', req),
    ready: bool('Whether the container passes its readiness probe.', req),
    resources: ref('core.ResourceRequirements', 'Resources the runtime confirmed for the container.'),
    restartCount: i32('How many times the container has been restarted.', req),
    started: bool('Whether the container has passed its startup probe (or has started, if it has none).'),
    state: ref('core.ContainerState', 'Details of the current state of the container.', { default: {} }),
    user: any('The identity the container process runs as.'),
    volumeMounts: atomicList('core.VolumeMountStatus', 'Status of the volume mounts.'),
  }),
  type('core.VolumeMountStatus', 'VolumeMountStatus is the status of one volume mount.', {
    mountPath: str('Path within the container.', req),
    name: str('Name of the volume.', req),
    readOnly: bool('Whether the mount is read-only.'),
    recursiveReadOnly: str('Whether read-only applies to submounts.'),
  }),
  type(
    'core.ContainerState',
    'ContainerState is the state of a container: exactly one of waiting, running and terminated is set. Defaults to waiting.',
    {
      running: ref('core.ContainerStateRunning', 'Details about a running container.'),
      terminated: ref('core.ContainerStateTerminated', 'Details about a terminated container.'),
      waiting: ref('core.ContainerStateWaiting', 'Details about a waiting container.'),
    },
  ),
  type('core.ContainerStateRunning', 'A running container.', {
    startedAt: ref('meta.Time', 'When the container was last (re)started.'),
  }),
  type('core.ContainerStateWaiting', 'A container that is not running yet.', {
    message: str('Why the container is not yet running.'),
    reason: str('Brief reason, such as ContainerCreating, ImagePullBackOff or CrashLoopBackOff.'),
  }),
  type('core.ContainerStateTerminated', 'A container that has terminated.', {
    containerID: str('The container id, in the form <type>://<id>.'),
    exitCode: i32('Exit status of the last termination.', req),
    finishedAt: ref('meta.Time', 'When the container last terminated.'),
    message: str('Message about the last termination.'),
    reason: str('Brief reason, such as Completed, Error or OOMKilled.'),
    signal: i32('Signal from the last termination.'),
    startedAt: ref('meta.Time', 'When the previous execution of the container started.'),
  }),
  type('core.PodTemplateSpec', 'PodTemplateSpec describes the pods a controller creates.', {
    metadata: ref(
      'meta.ObjectMeta',
      "Metadata of the pods created from this template; their labels must match the controller's selector.",
      { default: {} },
    ),
    spec: ref('core.PodSpec', 'Specification of the pods created from this template.', { default: {} }),
  }),
  type('core.Container', 'A single application container that runs within a pod.', containerFields(false)),
  type(
    'core.EphemeralContainer',
    'An EphemeralContainer is a temporary container added to a running pod for troubleshooting. It has no resource guarantees and is never restarted.',
    {
      ...containerFields(true),
      targetContainerName: str(
        'The container whose namespaces (such as the process namespace) the ephemeral container joins.',
      ),
    },
  ),
  type('core.ContainerPort', 'ContainerPort is a network port in one container.', {
    containerPort: i32('Port number on the pod IP, 0 < x < 65536.', req),
    hostIP: str('Host IP to bind the host port to.'),
    hostPort: i32(
      'Port number to expose on the host. Most containers do not need this. With hostNetwork it must equal containerPort.',
    ),
    name: str('An IANA_SVC_NAME (at most 15 lowercase characters) that services can refer to. Unique within the pod.'),
    protocol: enm(PROTOCOLS, 'Protocol of the port: UDP, TCP or SCTP. Defaults to TCP.', { default: 'TCP' }),
  }),
  type('core.EnvVar', 'EnvVar is one environment variable of a container.', {
    name: str('Name of the variable.', req),
    value: str(
      'The value. $(VAR_NAME) references to earlier variables and the service variables are expanded; $$ escapes them. Defaults to "".',
    ),
    valueFrom: ref('core.EnvVarSource', 'Where the value comes from, if not from value.'),
  }),
  type(
    'core.EnvVarSource',
    'EnvVarSource is the source of an environment variable value. Exactly one field must be set.',
    {
      configMapKeyRef: ref('core.ConfigMapKeySelector', 'A key of a ConfigMap.'),
      fieldRef: ref(
        'core.ObjectFieldSelector',
        "A field of the pod: metadata.name, metadata.namespace, metadata.labels['<key>'], metadata.annotations['<key>'], spec.nodeName, spec.serviceAccountName, status.hostIP, status.podIP, status.podIPs.",
      ),
      resourceFieldRef: ref(
        'core.ResourceFieldSelector',
        'A resource of the container: its requests or limits of cpu, memory or ephemeral storage.',
      ),
      secretKeyRef: ref('core.SecretKeySelector', "A key of a Secret in the pod's namespace."),
    },
  ),
  type(
    'core.ObjectFieldSelector',
    'ObjectFieldSelector selects a field of an object.',
    {
      apiVersion: str('Version of the schema the field path is written in. Defaults to "v1".'),
      fieldPath: str('Path of the field to select.', req),
    },
    { mapType: 'atomic' },
  ),
  type(
    'core.ResourceFieldSelector',
    'ResourceFieldSelector selects a resource of a container (limits.cpu, requests.memory, ...).',
    {
      containerName: str('Container name: required for volumes, optional for environment variables.'),
      divisor: ref('resource.Quantity', 'The output format of the exposed value. Defaults to "1".'),
      resource: str('The resource to select.', req),
    },
    { mapType: 'atomic' },
  ),
  type(
    'core.ConfigMapKeySelector',
    'Selects one key of a ConfigMap.',
    {
      key: str('The key to select.', req),
      name: str('Name of the referent.', { default: '' }),
      optional: bool('Whether the ConfigMap or its key need not exist.'),
    },
    { mapType: 'atomic' },
  ),
  type(
    'core.SecretKeySelector',
    'Selects one key of a Secret.',
    {
      key: str('The key of the secret to select. Must be a valid secret key.', req),
      name: str('Name of the referent.', { default: '' }),
      optional: bool('Whether the Secret or its key need not exist.'),
    },
    { mapType: 'atomic' },
  ),
  type('core.EnvFromSource', 'EnvFromSource is a source of a set of environment variables.', {
    configMapRef: ref('core.ConfigMapEnvSource', 'The ConfigMap to take variables from.'),
    prefix: str('An identifier to prepend to each key. Must be a C identifier.'),
    secretRef: ref('core.SecretEnvSource', 'The Secret to take variables from.'),
  }),
  type('core.ConfigMapEnvSource', 'A ConfigMap whose key/value pairs become environment variables.', {
    name: str('Name of the referent.', { default: '' }),
    optional: bool('Whether the ConfigMap need not exist.'),
  }),
  type('core.SecretEnvSource', 'A Secret whose key/value pairs become environment variables.', {
    name: str('Name of the referent.', { default: '' }),
    optional: bool('Whether the Secret need not exist.'),
  }),
  type(
    'core.ResourceRequirements',
    'ResourceRequirements describes the compute resource requests and limits of a container.',
    {
      claims: arr(R('core.ResourceClaim'), 'Names of entries of spec.resourceClaims this container uses.', {
        listType: 'map',
        listMapKeys: ['name'],
      }),
      limits: quantities(
        'The most compute resources the container may use. The runtime enforces them (CPU throttling, OOM kill for memory).',
      ),
      requests: quantities(
        'The least compute resources the container needs. The scheduler reserves them on the node. Defaults to the limits when only limits are given.',
      ),
    },
  ),
  type('core.ResourceClaim', 'ResourceClaim references one entry of PodSpec.resourceClaims.', {
    name: str('The name of an entry of pod.spec.resourceClaims.', req),
    request: str('A request of the claim to use; empty means all of them.'),
  }),
  type('core.VolumeMount', 'VolumeMount describes a mounting of a volume within a container.', {
    mountPath: str("Path within the container at which to mount the volume. Must not contain ':'.", req),
    mountPropagation: enm(
      ['Bidirectional', 'HostToContainer', 'None'],
      'How mounts propagate between host and container. Defaults to None.',
    ),
    name: str('The name of a volume of the pod.', req),
    readOnly: bool('Mount read-only if true. Defaults to false.'),
    recursiveReadOnly: str('Whether read-only mounts also make submounts read-only: Disabled, IfPossible or Enabled.'),
    subPath: str('Path within the volume to mount instead of its root. Defaults to "" (the root).'),
    subPathExpr: str("Like subPath, with $(VAR_NAME) expanded from the container's environment."),
  }),
  type('core.VolumeDevice', 'A raw block device of a volume, mapped into the container.', {
    devicePath: str('Path inside the container the device is mapped to.', req),
    name: str('Must match the name of a persistentVolumeClaim volume of the pod.', req),
  }),
  type(
    'core.Probe',
    'Probe describes a health check the kubelet performs against a container to decide whether it is alive, ready or started.',
    {
      exec: ref('core.ExecAction', 'Run a command in the container.'),
      failureThreshold: i32('Consecutive failures after which the probe counts as failed. Defaults to 3. Minimum 1.'),
      grpc: ref('core.GRPCAction', 'Call the gRPC health checking service.'),
      httpGet: ref('core.HTTPGetAction', 'Send an HTTP GET request.'),
      initialDelaySeconds: i32('Seconds after the container started before the first probe.'),
      periodSeconds: i32('How often (in seconds) to probe. Defaults to 10. Minimum 1.'),
      successThreshold: i32(
        'Consecutive successes after which the probe counts as successful after a failure. Defaults to 1; must be 1 for liveness and startup.',
      ),
      tcpSocket: ref('core.TCPSocketAction', 'Open a TCP connection.'),
      terminationGracePeriodSeconds: i64(
        "Grace period for the container when this probe fails, overriding the pod's terminationGracePeriodSeconds.",
      ),
      timeoutSeconds: i32('Seconds after which the probe times out. Defaults to 1. Minimum 1.'),
    },
  ),
  type('core.ExecAction', 'ExecAction runs a command in the container.', {
    command: strs(
      "The command line, run directly (not in a shell) with the container's working directory. Exit status 0 means healthy.",
    ),
  }),
  type('core.HTTPGetAction', 'HTTPGetAction sends an HTTP GET request.', {
    host: str(
      'Host name to connect to. Defaults to the pod IP; set a Host header in httpHeaders instead in most cases.',
    ),
    httpHeaders: atomicList('core.HTTPHeader', 'Custom headers to send. Repeated headers are allowed.'),
    path: str('Path to request on the HTTP server.'),
    port: ref('intstr.IntOrString', 'Port number or name to connect to.', req),
    scheme: enm(['HTTP', 'HTTPS'], 'Scheme to use. Defaults to HTTP.'),
  }),
  type('core.HTTPHeader', 'HTTPHeader is one header of an HTTP probe.', {
    name: str('The header field name.', req),
    value: str('The header field value.', req),
  }),
  type('core.TCPSocketAction', 'TCPSocketAction opens a TCP connection.', {
    host: str('Host name to connect to. Defaults to the pod IP.'),
    port: ref('intstr.IntOrString', 'Port number or name to connect to.', req),
  }),
  type('core.GRPCAction', 'GRPCAction calls the standard gRPC health checking service.', {
    port: i32('Port number of the gRPC service.', req),
    service: str('The service name placed in the health check request. Defaults to "".', { default: '' }),
  }),
  type('core.Lifecycle', 'Lifecycle holds actions the kubelet runs at container lifecycle events.', {
    postStart: ref(
      'core.LifecycleHandler',
      'Runs right after the container is created. If it fails, the container is killed and handled by the restart policy.',
    ),
    preStop: ref(
      'core.LifecycleHandler',
      'Runs before the container is terminated by an API request or a management event. The grace period counts down while it runs.',
    ),
  }),
  type('core.LifecycleHandler', 'LifecycleHandler is one action of a lifecycle hook. Exactly one field must be set.', {
    exec: ref('core.ExecAction', 'Run a command in the container.'),
    httpGet: ref('core.HTTPGetAction', 'Send an HTTP GET request.'),
    sleep: ref('core.SleepAction', 'Wait for a number of seconds.'),
    tcpSocket: ref('core.TCPSocketAction', 'Deprecated; kept for compatibility and not run.'),
  }),
  type('core.SleepAction', 'SleepAction waits for a while.', { seconds: i64('Seconds to sleep.', req) }),
  type(
    'core.SecurityContext',
    'SecurityContext holds security options of a container. Where a field is also set in the PodSecurityContext, this one wins.',
    {
      allowPrivilegeEscalation: bool(
        'Whether a process may gain more privileges than its parent (the no_new_privs flag).',
      ),
      appArmorProfile: ref('core.AppArmorProfile', 'The AppArmor profile of the container.'),
      capabilities: ref('core.Capabilities', 'Capabilities to add to or drop from the runtime default set.'),
      privileged: bool(
        'Run the container privileged: its processes are equivalent to root on the host. Defaults to false.',
      ),
      procMount: enm(['Default', 'Unmasked'], 'The kind of /proc mount. Defaults to Default.'),
      readOnlyRootFilesystem: bool('Mount the root filesystem read-only. Default false.'),
      runAsGroup: i64('The GID the container process runs as.'),
      runAsNonRoot: bool('If true, the kubelet refuses to start the container if it would run as UID 0.'),
      runAsUser: i64('The UID the container process runs as. Defaults to the user in the image.'),
      seLinuxOptions: ref('core.SELinuxOptions', 'The SELinux context of the container.'),
      seccompProfile: ref('core.SeccompProfile', 'The seccomp profile of the container.'),
      windowsOptions: ref('core.WindowsSecurityContextOptions', 'Windows-specific settings.'),
    },
  ),
  type('core.Capabilities', 'Linux capabilities to add to or drop from a container.', {
    add: strs('Capabilities to add.'),
    drop: strs('Capabilities to drop.'),
  }),
  type('core.SELinuxOptions', 'SELinux labels applied to a container.', {
    level: str('SELinux level label.'),
    role: str('SELinux role label.'),
    type: str('SELinux type label.'),
    user: str('SELinux user label.'),
  }),
  type('core.SeccompProfile', 'A seccomp profile. Exactly one source must be set.', {
    localhostProfile: str(
      "A profile file on the node, relative to the kubelet's seccomp profile directory. Only with type Localhost.",
    ),
    type: enm(['Localhost', 'RuntimeDefault', 'Unconfined'], 'Which kind of profile to apply.', req),
  }),
  type('core.AppArmorProfile', 'An AppArmor profile.', {
    localhostProfile: str('A profile loaded on the node. Only with type Localhost.'),
    type: enm(['Localhost', 'RuntimeDefault', 'Unconfined'], 'Which kind of profile to apply.', req),
  }),
  type('core.WindowsSecurityContextOptions', 'Windows-specific security options.', {
    gmsaCredentialSpec: str('The GMSA credential spec content.'),
    gmsaCredentialSpecName: str('The name of the GMSA credential spec to use.'),
    hostProcess: bool('Run the container as a host process.'),
    runAsUserName: str('The user name the entrypoint runs as.'),
  }),
  type('core.ContainerResizePolicy', 'How one resource of a container is resized in place.', {
    resourceName: str('The resource this policy applies to: cpu or memory.', req),
    restartPolicy: str('NotRequired (resize without restart) or RestartContainer.', req),
  }),
  type('core.PodSecurityContext', 'PodSecurityContext holds security options that apply to all containers of a pod.', {
    appArmorProfile: ref('core.AppArmorProfile', 'The AppArmor profile of the containers.'),
    fsGroup: i64('A supplemental group of all containers; volumes that support it are owned by this group.'),
    fsGroupChangePolicy: enm(
      ['Always', 'OnRootMismatch'],
      'When the ownership and permissions of a volume are changed to fsGroup.',
    ),
    runAsGroup: i64('The GID container processes run as.'),
    runAsNonRoot: bool('If true, containers must not run as UID 0.'),
    runAsUser: i64('The UID container processes run as.'),
    seLinuxChangePolicy: str('How SELinux labels are applied to volumes: Recursive or MountOption.'),
    seLinuxOptions: ref('core.SELinuxOptions', 'The SELinux context of all containers.'),
    seccompProfile: ref('core.SeccompProfile', 'The seccomp profile of all containers.'),
    supplementalGroups: arr(I64(), 'Groups added to the first process of each container.', { listType: 'atomic' }),
    supplementalGroupsPolicy: enm(
      ['Merge', 'Strict'],
      'How the supplemental groups of the first process are computed.',
    ),
    sysctls: atomicList('core.Sysctl', 'Namespaced sysctls set for the pod.'),
    windowsOptions: ref('core.WindowsSecurityContextOptions', 'Windows-specific settings.'),
  }),
  type('core.Sysctl', 'A kernel parameter to set.', {
    name: str('Name of the property.', req),
    value: str('Value of the property.', req),
  }),
  type(
    'core.LocalObjectReference',
    'A reference to an object in the same namespace, by name.',
    {
      name: str('Name of the referent.', { default: '' }),
    },
    { mapType: 'atomic' },
  ),
  type('core.Affinity', 'Affinity groups the scheduling constraints of a pod.', {
    nodeAffinity: ref('core.NodeAffinity', 'Which nodes the pod may or prefers to run on.'),
    podAffinity: ref('core.PodAffinity', 'Run the pod close to (same node, zone, ...) pods matching a selector.'),
    podAntiAffinity: ref('core.PodAntiAffinity', 'Keep the pod away from pods matching a selector.'),
  }),
  type('core.NodeAffinity', 'Node affinity rules of a pod.', {
    preferredDuringSchedulingIgnoredDuringExecution: atomicList(
      'core.PreferredSchedulingTerm',
      'The scheduler prefers nodes that satisfy these weighted terms but may pick others. The node with the highest total weight is preferred.',
    ),
    requiredDuringSchedulingIgnoredDuringExecution: ref(
      'core.NodeSelector',
      'Nodes must satisfy this to be considered. If the node stops satisfying it later, the pod is not evicted.',
    ),
  }),
  type(
    'core.NodeSelector',
    'A node selector: the union (OR) of its terms.',
    {
      nodeSelectorTerms: atomicList('core.NodeSelectorTerm', 'The terms; a node matches if any term matches.', req),
    },
    { mapType: 'atomic' },
  ),
  type(
    'core.NodeSelectorTerm',
    'A node selector term: all of its requirements must hold (AND). An empty term matches nothing.',
    {
      matchExpressions: atomicList('core.NodeSelectorRequirement', 'Requirements on node labels.'),
      matchFields: atomicList('core.NodeSelectorRequirement', 'Requirements on node fields (only metadata.name).'),
    },
    { mapType: 'atomic' },
  ),
  type('core.NodeSelectorRequirement', 'A requirement on a node label or field.', {
    key: str('The label key or field the requirement applies to.', req),
    operator: enm(['DoesNotExist', 'Exists', 'Gt', 'In', 'Lt', 'NotIn'], 'How the key relates to the values.', req),
    values: strs(
      'The values: non-empty for In and NotIn, empty for Exists and DoesNotExist, one integer for Gt and Lt.',
    ),
  }),
  type('core.PreferredSchedulingTerm', 'A weighted node selector term.', {
    preference: ref('core.NodeSelectorTerm', 'The node selector term.', { required: true, default: {} }),
    weight: i32('Weight 1-100 added to a node that matches the term.', req),
  }),
  type('core.PodAffinity', 'Inter-pod affinity rules.', {
    preferredDuringSchedulingIgnoredDuringExecution: atomicList(
      'core.WeightedPodAffinityTerm',
      'Weighted preferences for nodes near matching pods.',
    ),
    requiredDuringSchedulingIgnoredDuringExecution: atomicList(
      'core.PodAffinityTerm',
      'Terms that must all hold when the pod is scheduled.',
    ),
  }),
  type('core.PodAntiAffinity', 'Inter-pod anti-affinity rules.', {
    preferredDuringSchedulingIgnoredDuringExecution: atomicList(
      'core.WeightedPodAffinityTerm',
      'Weighted preferences for nodes away from matching pods.',
    ),
    requiredDuringSchedulingIgnoredDuringExecution: atomicList(
      'core.PodAffinityTerm',
      'Terms that must all hold when the pod is scheduled.',
    ),
  }),
  type(
    'core.PodAffinityTerm',
    'A set of pods (by label selector and namespaces) that this pod should be co-located with (affinity) or not (anti-affinity), where co-located means in the same domain of topologyKey.',
    {
      labelSelector: ref('meta.LabelSelector', 'Which pods the term refers to.'),
      matchLabelKeys: strs('Label keys whose values are taken from the incoming pod and ANDed into labelSelector.'),
      mismatchLabelKeys: strs(
        'Label keys whose values are taken from the incoming pod and ANDed into labelSelector as NotIn.',
      ),
      namespaceSelector: ref('meta.LabelSelector', 'Namespaces the term applies to, by label.'),
      namespaces: strs(
        "Namespaces the term applies to, by name. Empty with a null namespaceSelector means the pod's own namespace.",
      ),
      topologyKey: str(
        'The node label whose value defines a topology domain, such as kubernetes.io/hostname or topology.kubernetes.io/zone.',
        req,
      ),
    },
  ),
  type('core.WeightedPodAffinityTerm', 'A pod affinity term with a weight.', {
    podAffinityTerm: ref('core.PodAffinityTerm', 'The term.', { required: true, default: {} }),
    weight: i32('Weight 1-100.', req),
  }),
  type('core.Toleration', 'A toleration lets a pod be scheduled onto (or stay on) a node with a matching taint.', {
    effect: enm(TAINT_EFFECTS, 'The taint effect to match; empty matches all effects.'),
    key: str('The taint key to match; empty with operator Exists matches all taints.'),
    operator: enm(['Equal', 'Exists'], 'Equal compares the value; Exists matches any value. Defaults to Equal.'),
    tolerationSeconds: i64(
      'For NoExecute taints: how long the pod stays bound after the taint appears. Unset means forever.',
    ),
    value: str('The taint value to match with Equal.'),
  }),
  type('core.TopologySpreadConstraint', 'How matching pods are spread over a topology.', {
    labelSelector: ref('meta.LabelSelector', 'The pods counted in each domain.'),
    matchLabelKeys: strs('Label keys whose values from the incoming pod are added to labelSelector.'),
    maxSkew: i32(
      'How unevenly the pods may be spread: the largest allowed difference between a domain and the least-populated one. Must be above zero.',
      req,
    ),
    minDomains: i32('The minimum number of eligible domains.'),
    nodeAffinityPolicy: enm(
      ['Honor', 'Ignore'],
      "Whether the pod's nodeAffinity/nodeSelector limit the nodes counted. Defaults to Honor.",
    ),
    nodeTaintsPolicy: enm(['Honor', 'Ignore'], 'Whether node taints limit the nodes counted. Defaults to Ignore.'),
    topologyKey: str('The node label key that defines the domains.', req),
    whenUnsatisfiable: enm(
      ['DoNotSchedule', 'ScheduleAnyway'],
      'What to do with a pod that cannot satisfy the constraint: DoNotSchedule keeps it pending, ScheduleAnyway only prefers lower skew.',
      req,
    ),
  }),
  type('core.PodDNSConfig', 'Extra DNS settings of a pod.', {
    nameservers: strs('DNS server IP addresses, added to those dnsPolicy produces.'),
    options: atomicList(
      'core.PodDNSConfigOption',
      'Resolver options; these override options of the same name dnsPolicy produces.',
    ),
    searches: strs('DNS search domains.'),
  }),
  type('core.PodDNSConfigOption', 'One resolver option.', { name: str('Option name.'), value: str('Option value.') }),
  type('core.HostAlias', "An entry for the pod's /etc/hosts.", {
    hostnames: strs('Host names for the IP address.'),
    ip: str('IP address of the entry.', req),
  }),
  type('core.PodReadinessGate', 'A condition the pod needs to be ready.', {
    conditionType: str("A condition type in the pod's condition list that must be True.", req),
  }),
  type('core.PodOS', 'The operating system of a pod.', { name: str('linux or windows.', req) }),
  type('core.PodSchedulingGate', 'A gate that holds the pod back from scheduling.', {
    name: str('Name of the gate. Unique among the gates.', req),
  }),
  type('core.PodResourceClaim', 'A dynamic resource claim of a pod.', {
    name: str('Name of the claim within the pod.', req),
    resourceClaimName: str('Name of an existing ResourceClaim.'),
    resourceClaimTemplateName: str('Name of a ResourceClaimTemplate to create a claim from.'),
  }),
  // ---- volumes ---------------------------------------------------------------------------------
  type(
    'core.Volume',
    'A named volume of a pod that its containers can mount. Exactly one source must be set; emptyDir is the default.',
    {
      configMap: ref('core.ConfigMapVolumeSource', 'A ConfigMap whose keys become files.'),
      csi: ref('core.CSIVolumeSource', 'An ephemeral volume provided by a CSI driver.'),
      downwardAPI: ref('core.DownwardAPIVolumeSource', 'Files holding information about the pod.'),
      emptyDir: ref('core.EmptyDirVolumeSource', 'A temporary directory that lives as long as the pod.'),
      ephemeral: ref(
        'core.EphemeralVolumeSource',
        'A volume from a storage driver whose lifecycle is tied to the pod.',
      ),
      hostPath: ref('core.HostPathVolumeSource', 'A file or directory on the node. Rarely needed and a security risk.'),
      image: ref('core.ImageVolumeSource', 'The content of an OCI image or artifact.'),
      name: str('Name of the volume: a DNS label, unique within the pod.', req),
      nfs: ref('core.NFSVolumeSource', 'An NFS export.'),
      persistentVolumeClaim: ref(
        'core.PersistentVolumeClaimVolumeSource',
        'A PersistentVolumeClaim in the same namespace.',
      ),
      projected: ref(
        'core.ProjectedVolumeSource',
        'Several sources (secrets, configmaps, downward API, tokens) projected into one directory.',
      ),
      secret: ref('core.SecretVolumeSource', 'A Secret whose keys become files.'),
    },
  ),
  type('core.EmptyDirVolumeSource', 'An empty directory for a pod.', {
    medium: str('The storage medium: "" (the node default) or "Memory" (tmpfs).'),
    sizeLimit: ref('resource.Quantity', 'The most local storage the volume may use.'),
  }),
  type('core.HostPathVolumeSource', 'A host path mapped into a pod.', {
    path: str('Path of the directory on the host; a symlink is followed.', req),
    type: enm(
      ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'],
      'What must exist at the path. Defaults to "" (no check).',
    ),
  }),
  type('core.ConfigMapVolumeSource', 'A ConfigMap projected into a volume: each key becomes a file.', {
    defaultMode: i32('Mode bits of the files, 0000-0777 (octal) or 0-511 (decimal). Defaults to 0644.'),
    items: atomicList(
      'core.KeyToPath',
      'Which keys to project and to which paths; without it every key is projected to a file named after it.',
    ),
    name: str('Name of the referent.', { default: '' }),
    optional: bool('Whether the ConfigMap or its keys need not exist.'),
  }),
  type('core.SecretVolumeSource', 'A Secret projected into a volume: each key becomes a file.', {
    defaultMode: i32('Mode bits of the files. Defaults to 0644.'),
    items: atomicList('core.KeyToPath', 'Which keys to project and to which paths.'),
    optional: bool('Whether the Secret or its keys need not exist.'),
    secretName: str("Name of the secret in the pod's namespace."),
  }),
  type('core.KeyToPath', 'Maps a key to a path in a volume.', {
    key: str('The key to project.', req),
    mode: i32('Mode bits of this file.'),
    path: str("The relative path of the file. May not contain '..'.", req),
  }),
  type('core.PersistentVolumeClaimVolumeSource', 'A reference to a PersistentVolumeClaim in the same namespace.', {
    claimName: str('Name of the claim.', req),
    readOnly: bool('Mount read-only. Default false.'),
  }),
  type('core.ProjectedVolumeSource', 'A projection of several sources into one volume.', {
    defaultMode: i32('Mode bits of the files. Defaults to 0644.'),
    sources: atomicList('core.VolumeProjection', 'The sources to project.'),
  }),
  type('core.VolumeProjection', 'One source of a projected volume. Exactly one field must be set.', {
    configMap: ref('core.ConfigMapProjection', 'A ConfigMap.'),
    downwardAPI: ref('core.DownwardAPIProjection', 'Information about the pod.'),
    secret: ref('core.SecretProjection', 'A Secret.'),
    serviceAccountToken: ref('core.ServiceAccountTokenProjection', "A token of the pod's service account."),
  }),
  type('core.ConfigMapProjection', 'A ConfigMap in a projected volume.', {
    items: atomicList('core.KeyToPath', 'Which keys to project and where.'),
    name: str('Name of the referent.', { default: '' }),
    optional: bool('Whether the ConfigMap or its keys need not exist.'),
  }),
  type('core.SecretProjection', 'A Secret in a projected volume.', {
    items: atomicList('core.KeyToPath', 'Which keys to project and where.'),
    name: str('Name of the referent.', { default: '' }),
    optional: bool('Whether the Secret or its keys need not exist.'),
  }),
  type('core.DownwardAPIProjection', 'Downward API information in a projected volume.', {
    items: atomicList('core.DownwardAPIVolumeFile', 'The files.'),
  }),
  type(
    'core.ServiceAccountTokenProjection',
    'A service account token in a projected volume, refreshed by the kubelet.',
    {
      audience: str("The intended audience of the token. Defaults to the API server's identifier."),
      expirationSeconds: i64('Requested lifetime of the token. Defaults to 1 hour; at least 10 minutes.'),
      path: str('Path of the token file, relative to the mount point.', req),
    },
  ),
  type('core.DownwardAPIVolumeSource', 'Information about the pod, as files.', {
    defaultMode: i32('Mode bits of the files. Defaults to 0644.'),
    items: atomicList('core.DownwardAPIVolumeFile', 'The files.'),
  }),
  type('core.DownwardAPIVolumeFile', 'One file of a downward API volume.', {
    fieldRef: ref(
      'core.ObjectFieldSelector',
      'A field of the pod: metadata.name, metadata.namespace, metadata.labels, metadata.annotations.',
    ),
    mode: i32('Mode bits of this file.'),
    path: str('Relative path of the file.', req),
    resourceFieldRef: ref('core.ResourceFieldSelector', 'A resource of a container.'),
  }),
  type('core.NFSVolumeSource', 'An NFS mount.', {
    path: str('Path exported by the NFS server.', req),
    readOnly: bool('Mount read-only. Default false.'),
    server: str('Host name or IP address of the NFS server.', req),
  }),
  type('core.CSIVolumeSource', 'An inline ephemeral volume from a CSI driver.', {
    driver: str('Name of the CSI driver.', req),
    fsType: str('Filesystem type to mount.'),
    nodePublishSecretRef: ref('core.LocalObjectReference', 'A Secret passed to the driver.'),
    readOnly: bool('Mount read-only.'),
    volumeAttributes: strMap('Driver-specific properties.'),
  }),
  type(
    'core.EphemeralVolumeSource',
    'A generic ephemeral volume: a PersistentVolumeClaim created for the pod and deleted with it.',
    {
      volumeClaimTemplate: ref('core.PersistentVolumeClaimTemplate', 'The claim to create.'),
    },
  ),
  type('core.PersistentVolumeClaimTemplate', 'The template of a claim created for an ephemeral volume.', {
    metadata: ref('meta.ObjectMeta', 'Labels and annotations copied to the claim.', { default: {} }),
    spec: ref('core.PersistentVolumeClaimSpec', 'The spec of the claim.', { required: true, default: {} }),
  }),
  type('core.ImageVolumeSource', 'An OCI image or artifact mounted as a volume.', {
    pullPolicy: enm(['Always', 'IfNotPresent', 'Never'], 'When to pull the image.'),
    reference: str('The image or artifact reference.'),
  }),
  kind(
    'core.PersistentVolumeClaim',
    'PersistentVolumeClaim is a request for storage by a user, bound to a PersistentVolume.',
    {
      spec: ref('core.PersistentVolumeClaimSpec', 'The storage requested.', { default: {} }),
      status: ref('core.PersistentVolumeClaimStatus', 'The observed state of the claim.', { default: {} }),
    },
  ),
  type('core.PersistentVolumeClaimSpec', 'The storage a claim asks for.', {
    accessModes: strs('Access modes wanted: ReadWriteOnce, ReadOnlyMany, ReadWriteMany, ReadWriteOncePod.'),
    dataSource: ref('core.TypedLocalObjectReference', 'An existing snapshot or claim to populate the volume from.'),
    dataSourceRef: ref('core.TypedObjectReference', 'An object to populate the volume from.'),
    resources: ref('core.VolumeResourceRequirements', 'The minimum resources (storage) the volume must have.', {
      default: {},
    }),
    selector: ref('meta.LabelSelector', 'Labels of the volumes to consider for binding.'),
    storageClassName: str('The StorageClass the claim wants.'),
    volumeAttributesClassName: str('The VolumeAttributesClass of the volume.'),
    volumeMode: enm(
      ['Block', 'Filesystem'],
      'Whether the volume is a filesystem or a raw block device. Defaults to Filesystem.',
    ),
    volumeName: str('The PersistentVolume the claim binds to.'),
  }),
  type('core.PersistentVolumeClaimStatus', 'The observed state of a claim.', {
    accessModes: strs('The access modes the bound volume has.'),
    capacity: quantities('The resources of the bound volume.'),
    phase: enm(['Bound', 'Lost', 'Pending'], 'The phase of the claim.'),
  }),
  type('core.VolumeResourceRequirements', 'Storage requests and limits of a claim.', {
    limits: quantities('The most storage allowed.'),
    requests: quantities('The least storage required.'),
  }),
  type(
    'core.TypedLocalObjectReference',
    'A reference to a typed object in the same namespace.',
    {
      apiGroup: str('The group of the referent; empty for the core group.'),
      kind: str('Kind of the referent.', req),
      name: str('Name of the referent.', req),
    },
    { mapType: 'atomic' },
  ),
  type('core.TypedObjectReference', 'A reference to a typed object, possibly in another namespace.', {
    apiGroup: str('The group of the referent.'),
    kind: str('Kind of the referent.', req),
    name: str('Name of the referent.', req),
    namespace: str('Namespace of the referent.'),
  }),
  // ---- Service ---------------------------------------------------------------------------------
  kind(
    'core.Service',
    'Service is a named abstraction of a software service: a stable virtual IP and port (or a DNS name) that proxies route to the pods its selector matches.',
    {
      spec: ref('core.ServiceSpec', 'The behavior of the service.', { default: {} }),
      status: ref(
        'core.ServiceStatus',
        'The most recently observed status of the service, such as its load balancer.',
        { default: {} },
      ),
    },
  ),
  type('core.ServiceSpec', 'ServiceSpec describes the attributes a user creates on a service.', {
    allocateLoadBalancerNodePorts: bool('For type LoadBalancer: whether node ports are allocated. Defaults to true.'),
    clusterIP: str(
      'The IP address of the service, normally assigned at random by the control plane from the service CIDR. "None" makes a headless service (no proxying, DNS returns the pod IPs). Cannot be changed once set.',
    ),
    clusterIPs: strs(
      'The IP addresses of the service, one per IP family; the first equals clusterIP. Cannot be changed once set, except to add a second family.',
    ),
    externalIPs: strs(
      'IP addresses of nodes at which the cluster also accepts traffic for this service. Not managed by Kubernetes.',
    ),
    externalName: str('For type ExternalName: the DNS name the cluster DNS returns as a CNAME record.'),
    externalTrafficPolicy: enm(
      ['Cluster', 'Local'],
      'How traffic from outside the cluster (node ports, load balancer) is routed: Cluster spreads it over all endpoints, Local only to endpoints on the receiving node, keeping the client source IP.',
    ),
    healthCheckNodePort: i32(
      'For type LoadBalancer with externalTrafficPolicy Local: the node port health checks use.',
    ),
    internalTrafficPolicy: enm(
      ['Cluster', 'Local'],
      'How traffic from inside the cluster is routed: Cluster (all endpoints) or Local (endpoints on the same node).',
    ),
    ipFamilies: arr(
      { type: 'string', default: '', enum: ['', 'IPv4', 'IPv6'] },
      'The IP families (IPv4, IPv6) of the service, in order.',
      { listType: 'atomic' },
    ),
    ipFamilyPolicy: enm(
      ['PreferDualStack', 'RequireDualStack', 'SingleStack'],
      'Whether the service gets one IP family (SingleStack) or two (PreferDualStack, RequireDualStack).',
    ),
    loadBalancerClass: str('The class of load balancer implementation for type LoadBalancer.'),
    loadBalancerIP: str('Deprecated: the IP the load balancer should use, for implementations that support it.'),
    loadBalancerSourceRanges: strs(
      'Client CIDRs allowed through the load balancer, for implementations that support it.',
    ),
    ports: arr(R('core.ServicePort'), 'The ports the service exposes.', {
      patchStrategy: 'merge',
      patchMergeKey: 'port',
      listType: 'map',
      listMapKeys: ['port', 'protocol'],
    }),
    publishNotReadyAddresses: bool(
      'Publish addresses of pods that are not ready, for peer discovery (as StatefulSets use with headless services).',
    ),
    selector: strMap(
      'Route traffic to pods whose labels match this map. Without a selector the service has no managed endpoints; you manage them yourself. Ignored for ExternalName.',
      { mapType: 'atomic' },
    ),
    sessionAffinity: enm(
      ['ClientIP', 'None'],
      'Whether a client keeps reaching the same endpoint: ClientIP or None. Defaults to None.',
    ),
    sessionAffinityConfig: ref('core.SessionAffinityConfig', 'Settings of session affinity.'),
    trafficDistribution: str('A preference for how traffic is spread over endpoints, such as PreferClose.'),
    type: enm(
      ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'],
      'How the service is exposed: ClusterIP (a cluster-internal virtual IP), NodePort (also a port on every node), LoadBalancer (also an external load balancer), ExternalName (a DNS alias). Defaults to ClusterIP.',
    ),
  }),
  type('core.ServicePort', 'ServicePort is one port of a service.', {
    appProtocol: str('The application protocol of the port, such as http or kubernetes.io/h2c.'),
    name: str(
      'Name of the port: a DNS label, unique within the service, required when there are several ports. Endpoints refer to it.',
    ),
    nodePort: i32(
      'For NodePort and LoadBalancer services: the port on every node, allocated from the node port range unless given.',
    ),
    port: i32('The port the service listens on.', req),
    protocol: enm(PROTOCOLS, 'The IP protocol: TCP, UDP or SCTP. Defaults to TCP.', { default: 'TCP' }),
    targetPort: ref(
      'intstr.IntOrString',
      'The port on the pods traffic is sent to: a number, or the name of a container port. Defaults to the value of port.',
    ),
  }),
  type('core.ServiceStatus', 'ServiceStatus is the current status of a service.', {
    conditions: mergeList('meta.Condition', 'type', 'The current conditions of the service.'),
    loadBalancer: ref('core.LoadBalancerStatus', 'The load balancer, if there is one.', { default: {} }),
  }),
  type('core.LoadBalancerStatus', 'The status of a load balancer.', {
    ingress: atomicList('core.LoadBalancerIngress', 'The ingress points of the load balancer.'),
  }),
  type('core.LoadBalancerIngress', 'An ingress point of a load balancer.', {
    hostname: str('Host name of a DNS-based ingress point.'),
    ip: str('IP address of an IP-based ingress point.'),
    ipMode: str('How the load balancer delivers traffic: VIP or Proxy.'),
    ports: atomicList('core.PortStatus', 'Status of the ports.'),
  }),
  type('core.PortStatus', 'The status of a service port on a load balancer.', {
    error: str('Why the port is in error, if it is.'),
    port: i32('The port number.', req),
    protocol: enm(PROTOCOLS, 'The protocol.', req),
  }),
  type('core.SessionAffinityConfig', 'Settings of session affinity.', {
    clientIP: ref('core.ClientIPConfig', 'Settings of ClientIP affinity.'),
  }),
  type('core.ClientIPConfig', 'Settings of ClientIP session affinity.', {
    timeoutSeconds: i32(
      'How long a client sticks to an endpoint, 0 < x <= 86400 (one day). Defaults to 10800 (3 hours).',
    ),
  }),
  // ---- Endpoints -------------------------------------------------------------------------------
  kind(
    'core.Endpoints',
    'Endpoints lists the addresses and ports that implement a service. The endpoints controller keeps it in step with the pods the service selects.',
    {
      subsets: atomicList(
        'core.EndpointSubset',
        'Groups of addresses that share the same ports. The union of all subsets is the full set of endpoints.',
      ),
    },
  ),
  type('core.EndpointSubset', 'A group of addresses with a common set of ports.', {
    addresses: atomicList('core.EndpointAddress', 'Addresses that are ready to serve.'),
    notReadyAddresses: atomicList(
      'core.EndpointAddress',
      'Addresses that are not ready (failing readiness or still starting).',
    ),
    ports: atomicList('core.EndpointPort', 'Port numbers available on these addresses.'),
  }),
  type(
    'core.EndpointAddress',
    'One endpoint address.',
    {
      hostname: str('Hostname of the endpoint.'),
      ip: str('The IP of the endpoint.', req),
      nodeName: str('The node hosting the endpoint.'),
      targetRef: ref('core.ObjectReference', 'The object (usually a pod) the endpoint belongs to.'),
    },
    { mapType: 'atomic' },
  ),
  type(
    'core.EndpointPort',
    'One endpoint port.',
    {
      appProtocol: str('The application protocol of the port.'),
      name: str('Name of the port; must match the service port name.'),
      port: i32('The port number.', req),
      protocol: enm(PROTOCOLS, 'The IP protocol. Defaults to TCP.'),
    },
    { mapType: 'atomic' },
  ),
  type(
    'core.ObjectReference',
    'A reference to an object, with enough information to find it.',
    {
      apiVersion: str('API version of the referent.'),
      fieldPath: str('A part of the object, such as spec.containers{name} for a container.'),
      kind: str('Kind of the referent.'),
      name: str('Name of the referent.'),
      namespace: str('Namespace of the referent.'),
      resourceVersion: str("The referent's resource version, if it matters."),
      uid: str('UID of the referent.'),
    },
    { mapType: 'atomic' },
  ),
  // ---- Node ------------------------------------------------------------------------------------
  kind(
    'core.Node',
    'Node is a worker machine in the cluster. Its kubelet registers it and reports its status and capacity.',
    {
      spec: ref('core.NodeSpec', 'How the node is configured: pod CIDR, taints, schedulability.', { default: {} }),
      status: ref('core.NodeStatus', 'The most recently observed status of the node.', { default: {} }),
    },
  ),
  type('core.NodeSpec', 'NodeSpec describes the attributes of a node.', {
    externalID: str('Deprecated and not used.'),
    podCIDR: str('The pod IP range assigned to the node.'),
    podCIDRs: arr(S, 'The pod IP ranges assigned to the node, at most one per family; the first equals podCIDR.', {
      patchStrategy: 'merge',
      listType: 'set',
    }),
    providerID: str('The ID of the node at its cloud provider.'),
    taints: atomicList('core.Taint', 'Taints of the node; pods must tolerate them to be scheduled (or stay) here.'),
    unschedulable: bool('When true (kubectl cordon), no new pods are scheduled onto the node.'),
  }),
  type('core.Taint', 'A taint repels pods that do not tolerate it.', {
    effect: enm(
      TAINT_EFFECTS,
      'What happens to pods that do not tolerate the taint: NoSchedule, PreferNoSchedule or NoExecute (also evicts running pods).',
      req,
    ),
    key: str('The taint key.', req),
    timeAdded: ref('meta.Time', 'When a NoExecute taint was added.'),
    value: str('The taint value.'),
  }),
  type('core.NodeStatus', 'NodeStatus is the observed state of a node.', {
    addresses: mergeList('core.NodeAddress', 'type', 'Addresses of the node: InternalIP, ExternalIP, Hostname.'),
    allocatable: quantities(
      'The resources available to pods: capacity minus what is reserved for the system. Defaults to capacity.',
    ),
    capacity: quantities('The total resources of the node: cpu, memory, pods, ephemeral-storage, ...'),
    conditions: mergeList(
      'core.NodeCondition',
      'type',
      'Current conditions of the node: Ready, MemoryPressure, DiskPressure, PIDPressure, NetworkUnavailable.',
    ),
    daemonEndpoints: ref('core.NodeDaemonEndpoints', 'Endpoints of daemons on the node, such as the kubelet port.', {
      default: {},
    }),
    features: ref('core.NodeFeatures', 'Features the node supports.'),
    images: atomicList('core.ContainerImage', 'Images present on the node.'),
    nodeInfo: ref('core.NodeSystemInfo', 'General information about the node: versions, OS, architecture.', {
      default: {},
    }),
    phase: str('Deprecated and never set.'),
    runtimeHandlers: atomicList('core.NodeRuntimeHandler', 'The runtime handlers available.'),
    volumesAttached: atomicList('core.AttachedVolume', 'Volumes attached to the node.'),
    volumesInUse: strs('Volumes in use (mounted) by the node.'),
  }),
  type('core.NodeAddress', 'An address of a node.', {
    address: str('The address.', req),
    type: str('Hostname, ExternalIP, InternalIP, ExternalDNS or InternalDNS.', req),
  }),
  type('core.NodeCondition', 'A condition of a node.', {
    lastHeartbeatTime: ref('meta.Time', 'Last time the condition was reported.'),
    lastTransitionTime: ref('meta.Time', 'Last time the condition changed status.'),
    message: str('Human readable details.'),
    reason: str('Brief reason for the last transition.'),
    status: str('True, False or Unknown.', req),
    type: str('Type of the condition.', req),
  }),
  type('core.NodeDaemonEndpoints', 'Ports of daemons on a node.', {
    kubeletEndpoint: ref('core.DaemonEndpoint', 'The port the kubelet listens on.', { default: {} }),
  }),
  type('core.DaemonEndpoint', 'A daemon endpoint.', { Port: i32('The port number.', req) }),
  type('core.NodeFeatures', 'Features a node supports.', {
    supplementalGroupsPolicy: bool('Whether the node supports supplementalGroupsPolicy.'),
  }),
  type('core.NodeSystemInfo', 'Information that identifies a node.', {
    architecture: str('The architecture reported by the node.', req),
    bootID: str('The boot id of the node.', req),
    containerRuntimeVersion: str('The container runtime and its version, such as containerd://1.7.', req),
    kernelVersion: str('Kernel version (uname -r).', req),
    kubeProxyVersion: str('Deprecated: the version kube-proxy reported.', req),
    kubeletVersion: str('The version of the kubelet.', req),
    machineID: str('The machine id of the node.', req),
    operatingSystem: str('The operating system.', req),
    osImage: str('The OS image (from /etc/os-release).', req),
    systemUUID: str('The system UUID of the node.', req),
  }),
  type('core.ContainerImage', 'A container image on a node.', {
    names: strs('Names (tags and digests) of the image.'),
    sizeBytes: i64('The size of the image in bytes.'),
  }),
  type('core.AttachedVolume', 'A volume attached to a node.', {
    devicePath: str('Where the volume should be available.', req),
    name: str('Name of the attached volume.', req),
  }),
  type('core.NodeRuntimeHandler', 'A runtime handler of a node.', {
    features: ref('core.NodeRuntimeHandlerFeatures', 'Features of the handler.'),
    name: str('Handler name; empty for the default handler.'),
  }),
  type('core.NodeRuntimeHandlerFeatures', 'Features of a runtime handler.', {
    recursiveReadOnlyMounts: bool('Whether recursive read-only mounts are supported.'),
    userNamespaces: bool('Whether user namespaces are supported.'),
  }),
  // ---- Namespace -------------------------------------------------------------------------------
  kind('core.Namespace', 'Namespace provides a scope for names. Deleting a namespace deletes everything in it.', {
    spec: ref('core.NamespaceSpec', 'The behavior of the namespace.', { default: {} }),
    status: ref('core.NamespaceStatus', 'The status of the namespace.', { default: {} }),
  }),
  type('core.NamespaceSpec', 'NamespaceSpec describes the attributes of a namespace.', {
    finalizers: strs(
      'Values that must be removed before the namespace is removed from storage; "kubernetes" makes the namespace controller empty it first.',
    ),
  }),
  type('core.NamespaceStatus', 'NamespaceStatus is the status of a namespace.', {
    conditions: mergeList('core.NamespaceCondition', 'type', 'Conditions of the namespace, mostly about its deletion.'),
    phase: enm(
      ['Active', 'Terminating'],
      'Active, or Terminating while the namespace and its content are being deleted.',
    ),
  }),
  type('core.NamespaceCondition', 'A condition of a namespace.', {
    lastTransitionTime: ref('meta.Time', 'Last time the condition changed status.'),
    message: str('Human readable details.'),
    reason: str('Brief reason.'),
    status: str('True, False or Unknown.', req),
    type: str('Type of the condition.', req),
  }),
  // ---- ConfigMap, Secret, ServiceAccount -------------------------------------------------------
  kind('core.ConfigMap', 'ConfigMap holds configuration data for pods to consume, as environment variables or files.', {
    binaryData: map(
      { type: 'string', format: 'byte' },
      'Binary data, base64-encoded in JSON. Keys must not also appear in data.',
      { byteString: true },
    ),
    data: strMap("UTF-8 configuration data. Keys consist of alphanumerics, '-', '_' or '.'."),
    immutable: bool('If true, data and binaryData cannot be changed, only the object deleted and recreated.'),
  }),
  kind('core.Secret', 'Secret holds a small amount of sensitive data, such as a password, token or key.', {
    data: map({ type: 'string', format: 'byte' }, 'The secret data: base64-encoded values.', { byteString: true }),
    immutable: bool('If true, the data cannot be changed, only the object deleted and recreated.'),
    stringData: strMap(
      'Write-only convenience field: plain-text values merged into data on write. Never returned on reads.',
    ),
    type: str(
      'Used to handle secret data programmatically, such as kubernetes.io/tls or kubernetes.io/dockerconfigjson. Defaults to Opaque.',
    ),
  }),
  kind('core.ServiceAccount', 'ServiceAccount is an identity for processes that run in pods.', {
    automountServiceAccountToken: bool('Whether pods running as this account get an API token mounted automatically.'),
    imagePullSecrets: atomicList(
      'core.LocalObjectReference',
      'Secrets used to pull images for pods that use this account.',
    ),
    secrets: arr(R('core.ObjectReference'), 'Deprecated: secrets pods of this account may use.', {
      patchStrategy: 'merge',
      patchMergeKey: 'name',
      listType: 'map',
      listMapKeys: ['name'],
    }),
  }),
  // ---- Event (core/v1) -------------------------------------------------------------------------
  kind(
    'core.Event',
    'Event is a report of something that happened in the cluster, about some object. Events are kept for a limited time.',
    {
      action: str('What action was taken or failed about the regarding object.'),
      count: i32('How many times the event occurred.'),
      eventTime: ref('meta.MicroTime', 'When the event was first observed.'),
      firstTimestamp: ref('meta.Time', 'When the event was first recorded.'),
      involvedObject: ref('core.ObjectReference', 'The object this event is about.', { required: true, default: {} }),
      lastTimestamp: ref('meta.Time', 'When the most recent occurrence of the event was recorded.'),
      message: str('A human readable description.'),
      reason: str('A short, machine understandable CamelCase reason for the transition, such as Scheduled or Pulled.'),
      related: ref('core.ObjectReference', 'A second object involved, if any.'),
      reportingComponent: str('The controller that emitted the event, such as kubelet or default-scheduler.', {
        default: '',
      }),
      reportingInstance: str('The instance of that controller, such as a node name.', { default: '' }),
      series: ref('core.EventSeries', 'Data about a series of repeated events.'),
      source: ref('core.EventSource', 'The component that reported the event.', { default: {} }),
      type: str('Normal or Warning.'),
    },
  ),
  type('core.EventSource', 'The source of an event.', {
    component: str('Component that generated the event.'),
    host: str('Node on which the event was generated.'),
  }),
  type('core.EventSeries', 'A series of repeated events.', {
    count: i32('Occurrences in the series so far.'),
    lastObservedTime: ref('meta.MicroTime', 'Time of the last occurrence.'),
  }),
];

function I64(): typeof S {
  return { type: 'integer', format: 'int64', default: 0 };
}
