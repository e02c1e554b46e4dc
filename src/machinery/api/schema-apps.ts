/** Schema of apps/v1 types (and autoscaling/v1 Scale, served by their scale subresources). See schema.ts. */
import {
  atomicList,
  bool,
  enm,
  i32,
  i64,
  kind,
  mergeList,
  ref,
  req,
  str,
  type TypeSchema,
  type,
} from './schema-dsl.ts';

function condition(short: string, what: string): TypeSchema {
  return type(short, `${short.slice(short.indexOf('.') + 1)} describes the state of a ${what} at a certain point.`, {
    lastTransitionTime: ref('meta.Time', 'Last time the condition changed from one status to another.'),
    ...(short === 'apps.DeploymentCondition'
      ? { lastUpdateTime: ref('meta.Time', 'The last time this condition was updated.') }
      : {}),
    message: str('A human readable message with details about the transition.'),
    reason: str('The reason for the last transition, in CamelCase.'),
    status: str('Status of the condition: True, False or Unknown.', req),
    type: str('Type of the condition.', req),
  });
}

const SELECTOR_DESC =
  "A label query over pods that should match the replica count. Existing pods it selects count towards the desired replicas. It must match the pod template's labels, and it cannot be changed after creation.";

export const SCHEMA_APPS: TypeSchema[] = [
  // ---- Deployment ------------------------------------------------------------------------------
  kind(
    'apps.Deployment',
    'Deployment enables declarative updates for Pods and ReplicaSets: it rolls the pods of its template out through ReplicaSets it manages.',
    {
      spec: ref('apps.DeploymentSpec', 'Specification of the desired behavior of the Deployment.', { default: {} }),
      status: ref('apps.DeploymentStatus', 'Most recently observed status of the Deployment.', { default: {} }),
    },
  ),
  type('apps.DeploymentSpec', 'DeploymentSpec is the specification of the desired behavior of the Deployment.', {
    minReadySeconds: i32(
      'Seconds a new pod must be ready, without any container crashing, to count as available. Defaults to 0.',
    ),
    paused: bool('Whether the deployment is paused: changes to the template are not rolled out while it is.'),
    progressDeadlineSeconds: i32(
      'Seconds the deployment may make no progress before it is reported as failed (condition Progressing with reason ProgressDeadlineExceeded). Defaults to 600.',
    ),
    replicas: i32('Number of desired pods. Defaults to 1.'),
    revisionHistoryLimit: i32('Number of old ReplicaSets kept to allow rollback. Defaults to 10.'),
    selector: ref('meta.LabelSelector', `${SELECTOR_DESC}`, req),
    strategy: ref('apps.DeploymentStrategy', 'The deployment strategy to use to replace existing pods with new ones.', {
      default: {},
      patchStrategy: 'retainKeys',
    }),
    template: ref(
      'core.PodTemplateSpec',
      'Template describes the pods that will be created. The only allowed restartPolicy is Always.',
      {
        required: true,
        default: {},
      },
    ),
  }),
  type('apps.DeploymentStrategy', 'DeploymentStrategy describes how to replace existing pods with new ones.', {
    rollingUpdate: ref(
      'apps.RollingUpdateDeployment',
      'Rolling update parameters. Present only if the type is RollingUpdate.',
    ),
    type: enm(
      ['Recreate', 'RollingUpdate'],
      'Type of deployment: "Recreate" kills all existing pods before creating new ones; "RollingUpdate" replaces them gradually. Defaults to RollingUpdate.',
    ),
  }),
  type('apps.RollingUpdateDeployment', 'Spec to control the desired behavior of a rolling update.', {
    maxSurge: ref(
      'intstr.IntOrString',
      'The most pods that can be created above the desired number during the update: an absolute number (5) or a percentage of desired pods (10%), rounded up. Cannot be 0 if maxUnavailable is 0. Defaults to 25%.',
    ),
    maxUnavailable: ref(
      'intstr.IntOrString',
      'The most pods that can be unavailable during the update: an absolute number (5) or a percentage of desired pods (10%), rounded down. Cannot be 0 if maxSurge is 0. Defaults to 25%.',
    ),
  }),
  type('apps.DeploymentStatus', 'DeploymentStatus is the most recently observed status of the Deployment.', {
    availableReplicas: i32(
      'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.',
    ),
    collisionCount: i32(
      'Count of hash collisions for the Deployment, used to avoid name collisions of new ReplicaSets.',
    ),
    conditions: mergeList(
      'apps.DeploymentCondition',
      'type',
      "Represents the latest available observations of a deployment's current state.",
    ),
    observedGeneration: i64('The generation observed by the deployment controller.'),
    readyReplicas: i32('Number of pods targeted by this Deployment with a Ready condition.'),
    replicas: i32('Total number of non-terminated pods targeted by this deployment (their labels match the selector).'),
    terminatingReplicas: i32('Number of terminating pods targeted by this deployment.'),
    unavailableReplicas: i32('Total number of unavailable pods targeted by this deployment.'),
    updatedReplicas: i32(
      'Total number of non-terminated pods targeted by this deployment that have the desired template spec.',
    ),
  }),
  condition('apps.DeploymentCondition', 'deployment'),
  // ---- ReplicaSet ------------------------------------------------------------------------------
  kind('apps.ReplicaSet', 'ReplicaSet ensures that a specified number of pod replicas are running at any given time.', {
    spec: ref('apps.ReplicaSetSpec', 'Defines the specification of the desired behavior of the ReplicaSet.', {
      default: {},
    }),
    status: ref('apps.ReplicaSetStatus', 'The most recently observed status of the ReplicaSet.', { default: {} }),
  }),
  type('apps.ReplicaSetSpec', 'ReplicaSetSpec is the specification of a ReplicaSet.', {
    minReadySeconds: i32(
      'Seconds a new pod must be ready, without any container crashing, to count as available. Defaults to 0.',
    ),
    replicas: i32('Number of desired pods. Defaults to 1.'),
    selector: ref('meta.LabelSelector', SELECTOR_DESC, req),
    template: ref('core.PodTemplateSpec', 'The pods created when there are too few replicas.', { default: {} }),
  }),
  type('apps.ReplicaSetStatus', 'ReplicaSetStatus represents the current status of a ReplicaSet.', {
    availableReplicas: i32('The number of available pods (ready for at least minReadySeconds) for this replica set.'),
    conditions: mergeList(
      'apps.ReplicaSetCondition',
      'type',
      "Represents the latest available observations of a replica set's current state.",
    ),
    fullyLabeledReplicas: i32(
      'The number of pods that have labels matching the labels of the pod template of the replicaset.',
    ),
    observedGeneration: i64('The most recent generation observed by the controller.'),
    readyReplicas: i32('The number of pods targeted by this ReplicaSet with a Ready condition.'),
    replicas: i32('The most recently observed number of non-terminating pods.', req),
    terminatingReplicas: i32('The number of terminating pods for this replica set.'),
  }),
  condition('apps.ReplicaSetCondition', 'replica set'),
  // ---- DaemonSet -------------------------------------------------------------------------------
  kind('apps.DaemonSet', 'DaemonSet runs a copy of a pod on each (selected) node.', {
    spec: ref('apps.DaemonSetSpec', 'The desired behavior of this daemon set.', { default: {} }),
    status: ref('apps.DaemonSetStatus', 'The current status of this daemon set.', { default: {} }),
  }),
  type('apps.DaemonSetSpec', 'DaemonSetSpec is the specification of a daemon set.', {
    minReadySeconds: i32(
      'Seconds a new daemon pod must be ready, without any container crashing, to count as available. Defaults to 0.',
    ),
    revisionHistoryLimit: i32('Number of old history entries kept to allow rollback. Defaults to 10.'),
    selector: ref(
      'meta.LabelSelector',
      "A label query over the pods managed by the daemon set. It must match the pod template's labels.",
      req,
    ),
    template: ref(
      'core.PodTemplateSpec',
      "The pod that will be created on every eligible node (those matching the template's node selector, or all nodes).",
      { required: true, default: {} },
    ),
    updateStrategy: ref('apps.DaemonSetUpdateStrategy', 'How existing daemon pods are replaced with new ones.', {
      default: {},
    }),
  }),
  type('apps.DaemonSetUpdateStrategy', 'DaemonSetUpdateStrategy controls the replacement strategy of a DaemonSet.', {
    rollingUpdate: ref(
      'apps.RollingUpdateDaemonSet',
      'Rolling update parameters. Present only if type is RollingUpdate.',
    ),
    type: enm(
      ['OnDelete', 'RollingUpdate'],
      'Type of daemon set update: "RollingUpdate" or "OnDelete" (new pods only when old ones are deleted). Defaults to RollingUpdate.',
    ),
  }),
  type('apps.RollingUpdateDaemonSet', 'Spec to control the desired behavior of a daemon set rolling update.', {
    maxSurge: ref(
      'intstr.IntOrString',
      'The most nodes with an available daemon pod that can have an updated daemon pod during the update, an absolute number or a percentage. Defaults to 0.',
    ),
    maxUnavailable: ref(
      'intstr.IntOrString',
      'The most daemon pods that can be unavailable during the update, an absolute number or a percentage of nodes. Defaults to 1.',
    ),
  }),
  type('apps.DaemonSetStatus', 'DaemonSetStatus represents the current status of a daemon set.', {
    collisionCount: i32('Count of hash collisions for the DaemonSet.'),
    conditions: mergeList(
      'apps.DaemonSetCondition',
      'type',
      "Represents the latest available observations of a DaemonSet's current state.",
    ),
    currentNumberScheduled: i32('The number of nodes running at least one daemon pod and that are supposed to.', req),
    desiredNumberScheduled: i32('The total number of nodes that should be running the daemon pod.', req),
    numberAvailable: i32('The number of nodes that should run the daemon pod and have one or more available.'),
    numberMisscheduled: i32('The number of nodes running the daemon pod that are not supposed to.', req),
    numberReady: i32('The number of nodes that should run the daemon pod and have one or more ready.', req),
    numberUnavailable: i32('The number of nodes that should run the daemon pod and have none available.'),
    observedGeneration: i64('The most recent generation observed by the daemon set controller.'),
    updatedNumberScheduled: i32('The total number of nodes running the updated daemon pod.'),
  }),
  condition('apps.DaemonSetCondition', 'DaemonSet'),
  // ---- StatefulSet -----------------------------------------------------------------------------
  kind(
    'apps.StatefulSet',
    'StatefulSet runs pods with stable identities: each pod gets a fixed ordinal name, stable network identity and its own persistent storage.',
    {
      spec: ref('apps.StatefulSetSpec', 'Spec defines the desired identities of pods in this set.', { default: {} }),
      status: ref('apps.StatefulSetStatus', 'The current status of pods in this StatefulSet.', { default: {} }),
    },
  ),
  type('apps.StatefulSetSpec', 'A StatefulSetSpec is the specification of a StatefulSet.', {
    minReadySeconds: i32(
      'Seconds a new pod must be ready, without any container crashing, to count as available. Defaults to 0.',
    ),
    ordinals: ref('apps.StatefulSetOrdinals', 'Controls the numbering of replica indices. Defaults to starting at 0.'),
    persistentVolumeClaimRetentionPolicy: ref(
      'apps.StatefulSetPersistentVolumeClaimRetentionPolicy',
      'What happens to the claims created from volumeClaimTemplates when the set is deleted or scaled down. Defaults to keeping them.',
    ),
    podManagementPolicy: enm(
      ['OrderedReady', 'Parallel'],
      'How pods are created during initial scale up and replaced: OrderedReady (one at a time, in order, each ready before the next) or Parallel. Defaults to OrderedReady.',
    ),
    replicas: i32('The desired number of replicas. Defaults to 1.'),
    revisionHistoryLimit: i32('The most revisions kept in the history. Defaults to 10.'),
    selector: ref(
      'meta.LabelSelector',
      "A label query over pods that should match the replica count. It must match the pod template's labels.",
      req,
    ),
    serviceName: str(
      'The name of the (headless) service that governs this StatefulSet; pods get DNS names of the form pod-specific-string.serviceName.default.svc.cluster.local.',
    ),
    template: ref(
      'core.PodTemplateSpec',
      'The pods created when there are too few replicas. Each pod is named <statefulsetname>-<podindex>.',
      { required: true, default: {} },
    ),
    updateStrategy: ref('apps.StatefulSetUpdateStrategy', 'How pods are updated when the template changes.', {
      default: {},
    }),
    volumeClaimTemplates: atomicList(
      'core.PersistentVolumeClaim',
      'Claims that pods may reference; each pod gets its own claim from each template, named <template>-<pod>.',
    ),
  }),
  type('apps.StatefulSetUpdateStrategy', 'StatefulSetUpdateStrategy indicates how the controller updates pods.', {
    rollingUpdate: ref('apps.RollingUpdateStatefulSetStrategy', 'Parameters when type is RollingUpdate.'),
    type: enm(['OnDelete', 'RollingUpdate'], 'The type of update strategy. Defaults to RollingUpdate.'),
  }),
  type('apps.RollingUpdateStatefulSetStrategy', 'Parameters of a StatefulSet rolling update.', {
    maxUnavailable: ref(
      'intstr.IntOrString',
      'The most pods that can be unavailable during the update (alpha feature). Defaults to 1.',
    ),
    partition: i32(
      'Pods with an ordinal at or above the partition are updated; lower ones keep the old revision. Defaults to 0.',
    ),
  }),
  type('apps.StatefulSetPersistentVolumeClaimRetentionPolicy', 'What to do with the claims of a StatefulSet.', {
    whenDeleted: str('What happens to the claims when the StatefulSet is deleted: Retain (default) or Delete.'),
    whenScaled: str(
      'What happens to the claims of removed pods when the StatefulSet is scaled down: Retain (default) or Delete.',
    ),
  }),
  type('apps.StatefulSetOrdinals', 'How replica indices are numbered.', {
    start: i32('The number of the first replica index. Defaults to 0.'),
  }),
  type('apps.StatefulSetStatus', 'StatefulSetStatus represents the current state of a StatefulSet.', {
    availableReplicas: i32(
      'Total number of available pods (ready for at least minReadySeconds) targeted by this statefulset.',
    ),
    collisionCount: i32('The count of hash collisions for the StatefulSet.'),
    conditions: mergeList(
      'apps.StatefulSetCondition',
      'type',
      "Represents the latest available observations of a statefulset's current state.",
    ),
    currentReplicas: i32('The number of pods created from the currentRevision.'),
    currentRevision: str('The revision of the set the pods with ordinals below updatedReplicas run.'),
    observedGeneration: i64('The most recent generation observed for this StatefulSet.'),
    readyReplicas: i32('The number of pods of this StatefulSet with a Ready condition.'),
    replicas: i32('The number of pods created by the controller.', req),
    updateRevision: str('The revision of the set used to generate pods at ordinals at or above the partition.'),
    updatedReplicas: i32('The number of pods created from the updateRevision.'),
  }),
  condition('apps.StatefulSetCondition', 'statefulset'),
  // ---- autoscaling/v1 Scale --------------------------------------------------------------------
  kind('autoscaling.Scale', 'Scale represents a scaling request for a resource.', {
    spec: ref('autoscaling.ScaleSpec', 'The desired state of the object.', { default: {} }),
    status: ref('autoscaling.ScaleStatus', 'The current state of the object. Read-only.', { default: {} }),
  }),
  type('autoscaling.ScaleSpec', 'ScaleSpec describes the attributes of a scale subresource.', {
    replicas: i32('The desired number of instances for the scaled object.'),
  }),
  type('autoscaling.ScaleStatus', 'ScaleStatus represents the current status of a scale subresource.', {
    replicas: i32('The actual number of observed instances of the scaled object.', req),
    selector: str(
      'The label query over pods that should match the replicas count, in the string form of a label selector.',
    ),
  }),
];
