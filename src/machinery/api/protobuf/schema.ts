/**
 * The Kubernetes protobuf schema for the types this server can receive, in a compact text form.
 *
 * Field numbers, proto types and JSON names are upstream's facts: they are those of kubernetes
 * v1.33's Go API types (`k8s.io/api/<group>/<version>/types.go` struct tags, which go-to-protobuf turns
 * into `generated.proto`), read out of the type metadata of the kubectl v1.33.1 binary and spot-checked
 * against `generated.proto` (meta/v1, runtime, util/intstr, api/resource). Each entry also records what
 * encoding/json needs to print a decoded object exactly as Go does: whether the Go field is a pointer,
 * whether its json tag has `omitempty`, and whether it is embedded inline.
 *
 * A message is a whitespace-separated list of fields, in Go declaration order (the JSON key order):
 *
 *     jsonName=number:type[suffixes]
 *
 * - `type` is a scalar (`string`, `bool`, `int32`, `int64`, `uint32`, `uint64`, `double`, `bytes`) or a
 *   message: `Name` in the same package, `pkg.Name` in another one (`meta.ObjectMeta`).
 * - `[]` repeated; `{}` a `map<string, type>` (entries: key = 1, value = 2);
 * - `?` a Go pointer: nil when absent, printed (even when zero) when present;
 * - `!` no `omitempty`: a zero value (or nil pointer, slice or map: `null`) is still printed.
 * - An empty jsonName is a struct embedded with `json:",inline"`: its fields sit in the parent object.
 *
 * Fields without a json name (runtime.Unknown, which never appears as JSON) use the proto name.
 * meta.Time, meta.MicroTime, meta.Duration, meta.FieldsV1, intstr.IntOrString, resource.Quantity and
 * runtime.RawExtension have custom JSON forms and are coded by hand (see codec.ts).
 */

/** apiVersion → the package whose message names are kinds. */
export const API_VERSION_PACKAGES: Readonly<Record<string, string>> = {
  v1: 'core',
  'apps/v1': 'apps',
  'batch/v1': 'batch',
  'autoscaling/v1': 'autoscaling',
  'policy/v1': 'policy',
  'coordination.k8s.io/v1': 'coordination',
  'discovery.k8s.io/v1': 'discovery',
  'events.k8s.io/v1': 'events',
  'networking.k8s.io/v1': 'networking',
  'rbac.authorization.k8s.io/v1': 'rbac',
  'scheduling.k8s.io/v1': 'scheduling',
  'authentication.k8s.io/v1': 'authentication',
  'meta.k8s.io/v1': 'meta',
};

/** The kinds (top-level objects and their lists) per package, space-separated. */
export const KINDS: Readonly<Record<string, string>> = {
  core: `Namespace Pod Node Service Endpoints ConfigMap Secret ServiceAccount Event Binding PodTemplate ResourceQuota
    LimitRange PersistentVolume PersistentVolumeClaim ReplicationController NamespaceList PodList NodeList ServiceList
    EndpointsList ConfigMapList SecretList ServiceAccountList EventList PodTemplateList ResourceQuotaList
    LimitRangeList PersistentVolumeList PersistentVolumeClaimList ReplicationControllerList`,
  apps: `Deployment ReplicaSet DaemonSet StatefulSet ControllerRevision DeploymentList ReplicaSetList DaemonSetList
    StatefulSetList ControllerRevisionList`,
  batch: 'Job CronJob JobList CronJobList',
  autoscaling: 'Scale',
  policy: 'Eviction PodDisruptionBudget PodDisruptionBudgetList',
  coordination: 'Lease LeaseList',
  discovery: 'EndpointSlice EndpointSliceList',
  events: 'Event EventList',
  networking: 'Ingress IngressClass NetworkPolicy IngressList IngressClassList NetworkPolicyList',
  rbac: 'Role RoleBinding ClusterRole ClusterRoleBinding RoleList RoleBindingList ClusterRoleList ClusterRoleBindingList',
  scheduling: 'PriorityClass PriorityClassList',
  authentication: 'TokenRequest',
  meta: 'Status DeleteOptions WatchEvent List',
};

/**
 * Kinds of meta/v1 that every group version registers (`metav1.AddToGroupVersion`), so a body can
 * name them with any apiVersion (`{apiVersion: apps/v1, kind: DeleteOptions}`).
 */
export const META_KINDS: readonly string[] = ['Status', 'DeleteOptions', 'WatchEvent'];

export const MESSAGES: Readonly<Record<string, string>> = {
  // k8s.io/apimachinery/pkg/apis/meta/v1
  'meta.Condition': `
    type=1:string! status=2:string! observedGeneration=3:int64 lastTransitionTime=4:Time! reason=5:string!
    message=6:string!`,
  'meta.DeleteOptions': `
    gracePeriodSeconds=1:int64? preconditions=2:Preconditions? orphanDependents=3:bool?
    propagationPolicy=4:string? dryRun=5:string[] ignoreStoreReadErrorWithClusterBreakingPotential=6:bool?`,
  'meta.LabelSelector': 'matchLabels=1:string{} matchExpressions=2:LabelSelectorRequirement[]',
  'meta.LabelSelectorRequirement': 'key=1:string! operator=2:string! values=3:string[]',
  'meta.List': 'metadata=1:ListMeta items=2:runtime.RawExtension[]!',
  'meta.ListMeta': 'selfLink=1:string resourceVersion=2:string continue=3:string remainingItemCount=4:int64?',
  'meta.ManagedFieldsEntry': `
    manager=1:string operation=2:string apiVersion=3:string time=4:Time? fieldsType=6:string
    fieldsV1=7:FieldsV1? subresource=8:string`,
  'meta.ObjectMeta': `
    name=1:string generateName=2:string namespace=3:string selfLink=4:string uid=5:string
    resourceVersion=6:string generation=7:int64 creationTimestamp=8:Time deletionTimestamp=9:Time?
    deletionGracePeriodSeconds=10:int64? labels=11:string{} annotations=12:string{}
    ownerReferences=13:OwnerReference[] finalizers=14:string[] managedFields=17:ManagedFieldsEntry[]`,
  'meta.OwnerReference': `
    apiVersion=5:string! kind=1:string! name=3:string! uid=4:string! controller=6:bool?
    blockOwnerDeletion=7:bool?`,
  'meta.Preconditions': 'uid=1:string? resourceVersion=2:string?',
  'meta.Status': `
    metadata=1:ListMeta status=2:string message=3:string reason=4:string details=5:StatusDetails?
    code=6:int32`,
  'meta.StatusCause': 'reason=1:string message=2:string field=3:string',
  'meta.StatusDetails': `
    name=1:string group=2:string kind=3:string uid=6:string causes=4:StatusCause[] retryAfterSeconds=5:int32`,
  'meta.TypeMeta': 'kind=1:string apiVersion=2:string',
  'meta.WatchEvent': 'type=1:string! object=2:runtime.RawExtension!',

  // k8s.io/apimachinery/pkg/runtime
  'runtime.TypeMeta': 'apiVersion=1:string kind=2:string',
  'runtime.Unknown': 'typeMeta=1:TypeMeta raw=2:bytes contentEncoding=3:string contentType=4:string',

  // k8s.io/api/core/v1
  'core.AWSElasticBlockStoreVolumeSource': 'volumeID=1:string! fsType=2:string partition=3:int32 readOnly=4:bool',
  'core.Affinity': 'nodeAffinity=1:NodeAffinity? podAffinity=2:PodAffinity? podAntiAffinity=3:PodAntiAffinity?',
  'core.AppArmorProfile': 'type=1:string! localhostProfile=2:string?',
  'core.AttachedVolume': 'name=1:string! devicePath=2:string!',
  'core.AzureDiskVolumeSource': `
    diskName=1:string! diskURI=2:string! cachingMode=3:string? fsType=4:string? readOnly=5:bool?
    kind=6:string?`,
  'core.AzureFilePersistentVolumeSource': `
    secretName=1:string! shareName=2:string! readOnly=3:bool secretNamespace=4:string?!`,
  'core.AzureFileVolumeSource': 'secretName=1:string! shareName=2:string! readOnly=3:bool',
  'core.Binding': 'metadata=1:meta.ObjectMeta target=2:ObjectReference!',
  'core.CSIPersistentVolumeSource': `
    driver=1:string! volumeHandle=2:string! readOnly=3:bool fsType=4:string volumeAttributes=5:string{}
    controllerPublishSecretRef=6:SecretReference? nodeStageSecretRef=7:SecretReference?
    nodePublishSecretRef=8:SecretReference? controllerExpandSecretRef=9:SecretReference?
    nodeExpandSecretRef=10:SecretReference?`,
  'core.CSIVolumeSource': `
    driver=1:string! readOnly=2:bool? fsType=3:string? volumeAttributes=4:string{}
    nodePublishSecretRef=5:LocalObjectReference?`,
  'core.Capabilities': 'add=1:string[] drop=2:string[]',
  'core.CephFSPersistentVolumeSource': `
    monitors=1:string[]! path=2:string user=3:string secretFile=4:string secretRef=5:SecretReference?
    readOnly=6:bool`,
  'core.CephFSVolumeSource': `
    monitors=1:string[]! path=2:string user=3:string secretFile=4:string secretRef=5:LocalObjectReference?
    readOnly=6:bool`,
  'core.CinderPersistentVolumeSource': `
    volumeID=1:string! fsType=2:string readOnly=3:bool secretRef=4:SecretReference?`,
  'core.CinderVolumeSource': 'volumeID=1:string! fsType=2:string readOnly=3:bool secretRef=4:LocalObjectReference?',
  'core.ClientIPConfig': 'timeoutSeconds=1:int32?',
  'core.ClusterTrustBundleProjection': `
    name=1:string? signerName=2:string? labelSelector=3:meta.LabelSelector? optional=5:bool? path=4:string!`,
  'core.ConfigMap': 'metadata=1:meta.ObjectMeta immutable=4:bool? data=2:string{} binaryData=3:bytes{}',
  'core.ConfigMapEnvSource': '=1:LocalObjectReference optional=2:bool?',
  'core.ConfigMapKeySelector': '=1:LocalObjectReference key=2:string! optional=3:bool?',
  'core.ConfigMapList': 'metadata=1:meta.ListMeta items=2:ConfigMap[]!',
  'core.ConfigMapNodeConfigSource': `
    namespace=1:string! name=2:string! uid=3:string resourceVersion=4:string kubeletConfigKey=5:string!`,
  'core.ConfigMapProjection': '=1:LocalObjectReference items=2:KeyToPath[] optional=4:bool?',
  'core.ConfigMapVolumeSource': '=1:LocalObjectReference items=2:KeyToPath[] defaultMode=3:int32? optional=4:bool?',
  'core.Container': `
    name=1:string! image=2:string command=3:string[] args=4:string[] workingDir=5:string
    ports=6:ContainerPort[] envFrom=19:EnvFromSource[] env=7:EnvVar[] resources=8:ResourceRequirements
    resizePolicy=23:ContainerResizePolicy[] restartPolicy=24:string? volumeMounts=9:VolumeMount[]
    volumeDevices=21:VolumeDevice[] livenessProbe=10:Probe? readinessProbe=11:Probe? startupProbe=22:Probe?
    lifecycle=12:Lifecycle? terminationMessagePath=13:string terminationMessagePolicy=20:string
    imagePullPolicy=14:string securityContext=15:SecurityContext? stdin=16:bool stdinOnce=17:bool tty=18:bool`,
  'core.ContainerImage': 'names=1:string[]! sizeBytes=2:int64',
  'core.ContainerPort': 'name=1:string hostPort=2:int32 containerPort=3:int32! protocol=4:string hostIP=5:string',
  'core.ContainerResizePolicy': 'resourceName=1:string! restartPolicy=2:string!',
  'core.ContainerState': `
    waiting=1:ContainerStateWaiting? running=2:ContainerStateRunning? terminated=3:ContainerStateTerminated?`,
  'core.ContainerStateRunning': 'startedAt=1:meta.Time',
  'core.ContainerStateTerminated': `
    exitCode=1:int32! signal=2:int32 reason=3:string message=4:string startedAt=5:meta.Time
    finishedAt=6:meta.Time containerID=7:string`,
  'core.ContainerStateWaiting': 'reason=1:string message=2:string',
  'core.ContainerStatus': `
    name=1:string! state=2:ContainerState lastState=3:ContainerState ready=4:bool! restartCount=5:int32!
    image=6:string! imageID=7:string! containerID=8:string started=9:bool?
    allocatedResources=10:resource.Quantity{} resources=11:ResourceRequirements?
    volumeMounts=12:VolumeMountStatus[] user=13:ContainerUser? allocatedResourcesStatus=14:ResourceStatus[]
    stopSignal=15:string?`,
  'core.ContainerUser': 'linux=1:LinuxContainerUser?',
  'core.DaemonEndpoint': 'Port=1:int32!',
  'core.DownwardAPIProjection': 'items=1:DownwardAPIVolumeFile[]',
  'core.DownwardAPIVolumeFile': `
    path=1:string! fieldRef=2:ObjectFieldSelector? resourceFieldRef=3:ResourceFieldSelector? mode=4:int32?`,
  'core.DownwardAPIVolumeSource': 'items=1:DownwardAPIVolumeFile[] defaultMode=2:int32?',
  'core.EmptyDirVolumeSource': 'medium=1:string sizeLimit=2:resource.Quantity?',
  'core.EndpointAddress': 'ip=1:string! hostname=3:string nodeName=4:string? targetRef=2:ObjectReference?',
  'core.EndpointPort': 'name=1:string port=2:int32! protocol=3:string appProtocol=4:string?',
  'core.EndpointSubset': 'addresses=1:EndpointAddress[] notReadyAddresses=2:EndpointAddress[] ports=3:EndpointPort[]',
  'core.Endpoints': 'metadata=1:meta.ObjectMeta subsets=2:EndpointSubset[]',
  'core.EndpointsList': 'metadata=1:meta.ListMeta items=2:Endpoints[]!',
  'core.EnvFromSource': 'prefix=1:string configMapRef=2:ConfigMapEnvSource? secretRef=3:SecretEnvSource?',
  'core.EnvVar': 'name=1:string! value=2:string valueFrom=3:EnvVarSource?',
  'core.EnvVarSource': `
    fieldRef=1:ObjectFieldSelector? resourceFieldRef=2:ResourceFieldSelector?
    configMapKeyRef=3:ConfigMapKeySelector? secretKeyRef=4:SecretKeySelector?`,
  'core.EphemeralContainer': '=1:EphemeralContainerCommon targetContainerName=2:string',
  'core.EphemeralContainerCommon': `
    name=1:string! image=2:string command=3:string[] args=4:string[] workingDir=5:string
    ports=6:ContainerPort[] envFrom=19:EnvFromSource[] env=7:EnvVar[] resources=8:ResourceRequirements
    resizePolicy=23:ContainerResizePolicy[] restartPolicy=24:string? volumeMounts=9:VolumeMount[]
    volumeDevices=21:VolumeDevice[] livenessProbe=10:Probe? readinessProbe=11:Probe? startupProbe=22:Probe?
    lifecycle=12:Lifecycle? terminationMessagePath=13:string terminationMessagePolicy=20:string
    imagePullPolicy=14:string securityContext=15:SecurityContext? stdin=16:bool stdinOnce=17:bool tty=18:bool`,
  'core.EphemeralVolumeSource': 'volumeClaimTemplate=1:PersistentVolumeClaimTemplate?',
  'core.Event': `
    metadata=1:meta.ObjectMeta! involvedObject=2:ObjectReference! reason=3:string message=4:string
    source=5:EventSource firstTimestamp=6:meta.Time lastTimestamp=7:meta.Time count=8:int32 type=9:string
    eventTime=10:meta.MicroTime series=11:EventSeries? action=12:string related=13:ObjectReference?
    reportingComponent=14:string! reportingInstance=15:string!`,
  'core.EventList': 'metadata=1:meta.ListMeta items=2:Event[]!',
  'core.EventSeries': 'count=1:int32 lastObservedTime=2:meta.MicroTime',
  'core.EventSource': 'component=1:string host=2:string',
  'core.ExecAction': 'command=1:string[]',
  'core.FCVolumeSource': 'targetWWNs=1:string[] lun=2:int32? fsType=3:string readOnly=4:bool wwids=5:string[]',
  'core.FlexPersistentVolumeSource': `
    driver=1:string! fsType=2:string secretRef=3:SecretReference? readOnly=4:bool options=5:string{}`,
  'core.FlexVolumeSource': `
    driver=1:string! fsType=2:string secretRef=3:LocalObjectReference? readOnly=4:bool options=5:string{}`,
  'core.FlockerVolumeSource': 'datasetName=1:string datasetUUID=2:string',
  'core.GCEPersistentDiskVolumeSource': 'pdName=1:string! fsType=2:string partition=3:int32 readOnly=4:bool',
  'core.GRPCAction': 'port=1:int32! service=2:string?!',
  'core.GitRepoVolumeSource': 'repository=1:string! revision=2:string directory=3:string',
  'core.GlusterfsPersistentVolumeSource': `
    endpoints=1:string! path=2:string! readOnly=3:bool endpointsNamespace=4:string?`,
  'core.GlusterfsVolumeSource': 'endpoints=1:string! path=2:string! readOnly=3:bool',
  'core.HTTPGetAction': `
    path=1:string port=2:intstr.IntOrString! host=3:string scheme=4:string httpHeaders=5:HTTPHeader[]`,
  'core.HTTPHeader': 'name=1:string! value=2:string!',
  'core.HostAlias': 'ip=1:string! hostnames=2:string[]',
  'core.HostIP': 'ip=1:string!',
  'core.HostPathVolumeSource': 'path=1:string! type=2:string?',
  'core.ISCSIPersistentVolumeSource': `
    targetPortal=1:string! iqn=2:string! lun=3:int32! iscsiInterface=4:string fsType=5:string readOnly=6:bool
    portals=7:string[] chapAuthDiscovery=8:bool chapAuthSession=11:bool secretRef=10:SecretReference?
    initiatorName=12:string?`,
  'core.ISCSIVolumeSource': `
    targetPortal=1:string! iqn=2:string! lun=3:int32! iscsiInterface=4:string fsType=5:string readOnly=6:bool
    portals=7:string[] chapAuthDiscovery=8:bool chapAuthSession=11:bool secretRef=10:LocalObjectReference?
    initiatorName=12:string?`,
  'core.ImageVolumeSource': 'reference=1:string pullPolicy=2:string',
  'core.KeyToPath': 'key=1:string! path=2:string! mode=3:int32?',
  'core.Lifecycle': 'postStart=1:LifecycleHandler? preStop=2:LifecycleHandler? stopSignal=3:string?',
  'core.LifecycleHandler': `
    exec=1:ExecAction? httpGet=2:HTTPGetAction? tcpSocket=3:TCPSocketAction? sleep=4:SleepAction?`,
  'core.LimitRange': 'metadata=1:meta.ObjectMeta spec=2:LimitRangeSpec',
  'core.LimitRangeItem': `
    type=1:string! max=2:resource.Quantity{} min=3:resource.Quantity{} default=4:resource.Quantity{}
    defaultRequest=5:resource.Quantity{} maxLimitRequestRatio=6:resource.Quantity{}`,
  'core.LimitRangeList': 'metadata=1:meta.ListMeta items=2:LimitRange[]!',
  'core.LimitRangeSpec': 'limits=1:LimitRangeItem[]!',
  'core.LinuxContainerUser': 'uid=1:int64! gid=2:int64! supplementalGroups=3:int64[]',
  'core.LoadBalancerIngress': 'ip=1:string hostname=2:string ipMode=3:string? ports=4:PortStatus[]',
  'core.LoadBalancerStatus': 'ingress=1:LoadBalancerIngress[]',
  'core.LocalObjectReference': 'name=1:string',
  'core.LocalVolumeSource': 'path=1:string! fsType=2:string?',
  'core.ModifyVolumeStatus': 'targetVolumeAttributesClassName=1:string status=2:string!',
  'core.NFSVolumeSource': 'server=1:string! path=2:string! readOnly=3:bool',
  'core.Namespace': 'metadata=1:meta.ObjectMeta spec=2:NamespaceSpec status=3:NamespaceStatus',
  'core.NamespaceCondition': `
    type=1:string! status=2:string! lastTransitionTime=4:meta.Time reason=5:string message=6:string`,
  'core.NamespaceList': 'metadata=1:meta.ListMeta items=2:Namespace[]!',
  'core.NamespaceSpec': 'finalizers=1:string[]',
  'core.NamespaceStatus': 'phase=1:string conditions=2:NamespaceCondition[]',
  'core.Node': 'metadata=1:meta.ObjectMeta spec=2:NodeSpec status=3:NodeStatus',
  'core.NodeAddress': 'type=1:string! address=2:string!',
  'core.NodeAffinity': `
    requiredDuringSchedulingIgnoredDuringExecution=1:NodeSelector?
    preferredDuringSchedulingIgnoredDuringExecution=2:PreferredSchedulingTerm[]`,
  'core.NodeCondition': `
    type=1:string! status=2:string! lastHeartbeatTime=3:meta.Time lastTransitionTime=4:meta.Time
    reason=5:string message=6:string`,
  'core.NodeConfigSource': 'configMap=2:ConfigMapNodeConfigSource?',
  'core.NodeConfigStatus': `
    assigned=1:NodeConfigSource? active=2:NodeConfigSource? lastKnownGood=3:NodeConfigSource? error=4:string`,
  'core.NodeDaemonEndpoints': 'kubeletEndpoint=1:DaemonEndpoint',
  'core.NodeFeatures': 'supplementalGroupsPolicy=1:bool?',
  'core.NodeList': 'metadata=1:meta.ListMeta items=2:Node[]!',
  'core.NodeRuntimeHandler': 'name=1:string! features=2:NodeRuntimeHandlerFeatures?',
  'core.NodeRuntimeHandlerFeatures': 'recursiveReadOnlyMounts=1:bool? userNamespaces=2:bool?',
  'core.NodeSelector': 'nodeSelectorTerms=1:NodeSelectorTerm[]!',
  'core.NodeSelectorRequirement': 'key=1:string! operator=2:string! values=3:string[]',
  'core.NodeSelectorTerm': 'matchExpressions=1:NodeSelectorRequirement[] matchFields=2:NodeSelectorRequirement[]',
  'core.NodeSpec': `
    podCIDR=1:string podCIDRs=7:string[] providerID=3:string unschedulable=4:bool taints=5:Taint[]
    configSource=6:NodeConfigSource? externalID=2:string`,
  'core.NodeStatus': `
    capacity=1:resource.Quantity{} allocatable=2:resource.Quantity{} phase=3:string
    conditions=4:NodeCondition[] addresses=5:NodeAddress[] daemonEndpoints=6:NodeDaemonEndpoints
    nodeInfo=7:NodeSystemInfo images=8:ContainerImage[] volumesInUse=9:string[]
    volumesAttached=10:AttachedVolume[] config=11:NodeConfigStatus? runtimeHandlers=12:NodeRuntimeHandler[]
    features=13:NodeFeatures?`,
  'core.NodeSwapStatus': 'capacity=1:int64?',
  'core.NodeSystemInfo': `
    machineID=1:string! systemUUID=2:string! bootID=3:string! kernelVersion=4:string! osImage=5:string!
    containerRuntimeVersion=6:string! kubeletVersion=7:string! kubeProxyVersion=8:string!
    operatingSystem=9:string! architecture=10:string! swap=11:NodeSwapStatus?`,
  'core.ObjectFieldSelector': 'apiVersion=1:string fieldPath=2:string!',
  'core.ObjectReference': `
    kind=1:string namespace=2:string name=3:string uid=4:string apiVersion=5:string resourceVersion=6:string
    fieldPath=7:string`,
  'core.PersistentVolume': 'metadata=1:meta.ObjectMeta spec=2:PersistentVolumeSpec status=3:PersistentVolumeStatus',
  'core.PersistentVolumeClaim': `
    metadata=1:meta.ObjectMeta spec=2:PersistentVolumeClaimSpec status=3:PersistentVolumeClaimStatus`,
  'core.PersistentVolumeClaimCondition': `
    type=1:string! status=2:string! lastProbeTime=3:meta.Time lastTransitionTime=4:meta.Time reason=5:string
    message=6:string`,
  'core.PersistentVolumeClaimList': 'metadata=1:meta.ListMeta items=2:PersistentVolumeClaim[]!',
  'core.PersistentVolumeClaimSpec': `
    accessModes=1:string[] selector=4:meta.LabelSelector? resources=2:VolumeResourceRequirements
    volumeName=3:string storageClassName=5:string? volumeMode=6:string?
    dataSource=7:TypedLocalObjectReference? dataSourceRef=8:TypedObjectReference?
    volumeAttributesClassName=9:string?`,
  'core.PersistentVolumeClaimStatus': `
    phase=1:string accessModes=2:string[] capacity=3:resource.Quantity{}
    conditions=4:PersistentVolumeClaimCondition[] allocatedResources=5:resource.Quantity{}
    allocatedResourceStatuses=7:string{} currentVolumeAttributesClassName=8:string?
    modifyVolumeStatus=9:ModifyVolumeStatus?`,
  'core.PersistentVolumeClaimTemplate': 'metadata=1:meta.ObjectMeta spec=2:PersistentVolumeClaimSpec!',
  'core.PersistentVolumeClaimVolumeSource': 'claimName=1:string! readOnly=2:bool',
  'core.PersistentVolumeList': 'metadata=1:meta.ListMeta items=2:PersistentVolume[]!',
  'core.PersistentVolumeSource': `
    gcePersistentDisk=1:GCEPersistentDiskVolumeSource?
    awsElasticBlockStore=2:AWSElasticBlockStoreVolumeSource? hostPath=3:HostPathVolumeSource?
    glusterfs=4:GlusterfsPersistentVolumeSource? nfs=5:NFSVolumeSource? rbd=6:RBDPersistentVolumeSource?
    iscsi=7:ISCSIPersistentVolumeSource? cinder=8:CinderPersistentVolumeSource?
    cephfs=9:CephFSPersistentVolumeSource? fc=10:FCVolumeSource? flocker=11:FlockerVolumeSource?
    flexVolume=12:FlexPersistentVolumeSource? azureFile=13:AzureFilePersistentVolumeSource?
    vsphereVolume=14:VsphereVirtualDiskVolumeSource? quobyte=15:QuobyteVolumeSource?
    azureDisk=16:AzureDiskVolumeSource? photonPersistentDisk=17:PhotonPersistentDiskVolumeSource?
    portworxVolume=18:PortworxVolumeSource? scaleIO=19:ScaleIOPersistentVolumeSource?
    local=20:LocalVolumeSource? storageos=21:StorageOSPersistentVolumeSource?
    csi=22:CSIPersistentVolumeSource?`,
  'core.PersistentVolumeSpec': `
    capacity=1:resource.Quantity{} =2:PersistentVolumeSource accessModes=3:string[]
    claimRef=4:ObjectReference? persistentVolumeReclaimPolicy=5:string storageClassName=6:string
    mountOptions=7:string[] volumeMode=8:string? nodeAffinity=9:VolumeNodeAffinity?
    volumeAttributesClassName=10:string?`,
  'core.PersistentVolumeStatus': 'phase=1:string message=2:string reason=3:string lastPhaseTransitionTime=4:meta.Time?',
  'core.PhotonPersistentDiskVolumeSource': 'pdID=1:string! fsType=2:string',
  'core.Pod': 'metadata=1:meta.ObjectMeta spec=2:PodSpec status=3:PodStatus',
  'core.PodAffinity': `
    requiredDuringSchedulingIgnoredDuringExecution=1:PodAffinityTerm[]
    preferredDuringSchedulingIgnoredDuringExecution=2:WeightedPodAffinityTerm[]`,
  'core.PodAffinityTerm': `
    labelSelector=1:meta.LabelSelector? namespaces=2:string[] topologyKey=3:string!
    namespaceSelector=4:meta.LabelSelector? matchLabelKeys=5:string[] mismatchLabelKeys=6:string[]`,
  'core.PodAntiAffinity': `
    requiredDuringSchedulingIgnoredDuringExecution=1:PodAffinityTerm[]
    preferredDuringSchedulingIgnoredDuringExecution=2:WeightedPodAffinityTerm[]`,
  'core.PodCondition': `
    type=1:string! observedGeneration=7:int64 status=2:string! lastProbeTime=3:meta.Time
    lastTransitionTime=4:meta.Time reason=5:string message=6:string`,
  'core.PodDNSConfig': 'nameservers=1:string[] searches=2:string[] options=3:PodDNSConfigOption[]',
  'core.PodDNSConfigOption': 'name=1:string value=2:string?',
  'core.PodIP': 'ip=1:string!',
  'core.PodList': 'metadata=1:meta.ListMeta items=2:Pod[]!',
  'core.PodOS': 'name=1:string!',
  'core.PodReadinessGate': 'conditionType=1:string!',
  'core.PodResourceClaim': 'name=1:string! resourceClaimName=3:string? resourceClaimTemplateName=4:string?',
  'core.PodResourceClaimStatus': 'name=1:string! resourceClaimName=2:string?',
  'core.PodSchedulingGate': 'name=1:string!',
  'core.PodSecurityContext': `
    seLinuxOptions=1:SELinuxOptions? windowsOptions=8:WindowsSecurityContextOptions? runAsUser=2:int64?
    runAsGroup=6:int64? runAsNonRoot=3:bool? supplementalGroups=4:int64[] supplementalGroupsPolicy=12:string?
    fsGroup=5:int64? sysctls=7:Sysctl[] fsGroupChangePolicy=9:string? seccompProfile=10:SeccompProfile?
    appArmorProfile=11:AppArmorProfile? seLinuxChangePolicy=13:string?`,
  'core.PodSpec': `
    volumes=1:Volume[] initContainers=20:Container[] containers=2:Container[]!
    ephemeralContainers=34:EphemeralContainer[] restartPolicy=3:string terminationGracePeriodSeconds=4:int64?
    activeDeadlineSeconds=5:int64? dnsPolicy=6:string nodeSelector=7:string{} serviceAccountName=8:string
    serviceAccount=9:string automountServiceAccountToken=21:bool? nodeName=10:string hostNetwork=11:bool
    hostPID=12:bool hostIPC=13:bool shareProcessNamespace=27:bool? securityContext=14:PodSecurityContext?
    imagePullSecrets=15:LocalObjectReference[] hostname=16:string subdomain=17:string affinity=18:Affinity?
    schedulerName=19:string tolerations=22:Toleration[] hostAliases=23:HostAlias[]
    priorityClassName=24:string priority=25:int32? dnsConfig=26:PodDNSConfig?
    readinessGates=28:PodReadinessGate[] runtimeClassName=29:string? enableServiceLinks=30:bool?
    preemptionPolicy=31:string? overhead=32:resource.Quantity{}
    topologySpreadConstraints=33:TopologySpreadConstraint[] setHostnameAsFQDN=35:bool? os=36:PodOS?
    hostUsers=37:bool? schedulingGates=38:PodSchedulingGate[] resourceClaims=39:PodResourceClaim[]
    resources=40:ResourceRequirements?`,
  'core.PodStatus': `
    observedGeneration=17:int64 phase=1:string conditions=2:PodCondition[] message=3:string reason=4:string
    nominatedNodeName=11:string hostIP=5:string hostIPs=16:HostIP[] podIP=6:string podIPs=12:PodIP[]
    startTime=7:meta.Time? initContainerStatuses=10:ContainerStatus[] containerStatuses=8:ContainerStatus[]
    qosClass=9:string ephemeralContainerStatuses=13:ContainerStatus[] resize=14:string
    resourceClaimStatuses=15:PodResourceClaimStatus[]`,
  'core.PodTemplate': 'metadata=1:meta.ObjectMeta template=2:PodTemplateSpec',
  'core.PodTemplateList': 'metadata=1:meta.ListMeta items=2:PodTemplate[]!',
  'core.PodTemplateSpec': 'metadata=1:meta.ObjectMeta spec=2:PodSpec',
  'core.PortStatus': 'port=1:int32! protocol=2:string! error=3:string?',
  'core.PortworxVolumeSource': 'volumeID=1:string! fsType=2:string readOnly=3:bool',
  'core.PreferredSchedulingTerm': 'weight=1:int32! preference=2:NodeSelectorTerm!',
  'core.Probe': `
    =1:ProbeHandler initialDelaySeconds=2:int32 timeoutSeconds=3:int32 periodSeconds=4:int32
    successThreshold=5:int32 failureThreshold=6:int32 terminationGracePeriodSeconds=7:int64?`,
  'core.ProbeHandler': 'exec=1:ExecAction? httpGet=2:HTTPGetAction? tcpSocket=3:TCPSocketAction? grpc=4:GRPCAction?',
  'core.ProjectedVolumeSource': 'sources=1:VolumeProjection[]! defaultMode=2:int32?',
  'core.QuobyteVolumeSource': `
    registry=1:string! volume=2:string! readOnly=3:bool user=4:string group=5:string tenant=6:string`,
  'core.RBDPersistentVolumeSource': `
    monitors=1:string[]! image=2:string! fsType=3:string pool=4:string user=5:string keyring=6:string
    secretRef=7:SecretReference? readOnly=8:bool`,
  'core.RBDVolumeSource': `
    monitors=1:string[]! image=2:string! fsType=3:string pool=4:string user=5:string keyring=6:string
    secretRef=7:LocalObjectReference? readOnly=8:bool`,
  'core.ReplicationController': `
    metadata=1:meta.ObjectMeta spec=2:ReplicationControllerSpec status=3:ReplicationControllerStatus`,
  'core.ReplicationControllerCondition': `
    type=1:string! status=2:string! lastTransitionTime=3:meta.Time reason=4:string message=5:string`,
  'core.ReplicationControllerList': 'metadata=1:meta.ListMeta items=2:ReplicationController[]!',
  'core.ReplicationControllerSpec': `
    replicas=1:int32? minReadySeconds=4:int32 selector=2:string{} template=3:PodTemplateSpec?`,
  'core.ReplicationControllerStatus': `
    replicas=1:int32! fullyLabeledReplicas=2:int32 readyReplicas=4:int32 availableReplicas=5:int32
    observedGeneration=3:int64 conditions=6:ReplicationControllerCondition[]`,
  'core.ResourceClaim': 'name=1:string! request=2:string',
  'core.ResourceFieldSelector': 'containerName=1:string resource=2:string! divisor=3:resource.Quantity',
  'core.ResourceHealth': 'resourceID=1:string! health=2:string',
  'core.ResourceQuota': 'metadata=1:meta.ObjectMeta spec=2:ResourceQuotaSpec status=3:ResourceQuotaStatus',
  'core.ResourceQuotaList': 'metadata=1:meta.ListMeta items=2:ResourceQuota[]!',
  'core.ResourceQuotaSpec': 'hard=1:resource.Quantity{} scopes=2:string[] scopeSelector=3:ScopeSelector?',
  'core.ResourceQuotaStatus': 'hard=1:resource.Quantity{} used=2:resource.Quantity{}',
  'core.ResourceRequirements': 'limits=1:resource.Quantity{} requests=2:resource.Quantity{} claims=3:ResourceClaim[]',
  'core.ResourceStatus': 'name=1:string! resources=2:ResourceHealth[]',
  'core.SELinuxOptions': 'user=1:string role=2:string type=3:string level=4:string',
  'core.ScaleIOPersistentVolumeSource': `
    gateway=1:string! system=2:string! secretRef=3:SecretReference?! sslEnabled=4:bool
    protectionDomain=5:string storagePool=6:string storageMode=7:string volumeName=8:string fsType=9:string
    readOnly=10:bool`,
  'core.ScaleIOVolumeSource': `
    gateway=1:string! system=2:string! secretRef=3:LocalObjectReference?! sslEnabled=4:bool
    protectionDomain=5:string storagePool=6:string storageMode=7:string volumeName=8:string fsType=9:string
    readOnly=10:bool`,
  'core.ScopeSelector': 'matchExpressions=1:ScopedResourceSelectorRequirement[]',
  'core.ScopedResourceSelectorRequirement': 'scopeName=1:string! operator=2:string! values=3:string[]',
  'core.SeccompProfile': 'type=1:string! localhostProfile=2:string?',
  'core.Secret': 'metadata=1:meta.ObjectMeta immutable=5:bool? data=2:bytes{} stringData=4:string{} type=3:string',
  'core.SecretEnvSource': '=1:LocalObjectReference optional=2:bool?',
  'core.SecretKeySelector': '=1:LocalObjectReference key=2:string! optional=3:bool?',
  'core.SecretList': 'metadata=1:meta.ListMeta items=2:Secret[]!',
  'core.SecretProjection': '=1:LocalObjectReference items=2:KeyToPath[] optional=4:bool?',
  'core.SecretReference': 'name=1:string namespace=2:string',
  'core.SecretVolumeSource': 'secretName=1:string items=2:KeyToPath[] defaultMode=3:int32? optional=4:bool?',
  'core.SecurityContext': `
    capabilities=1:Capabilities? privileged=2:bool? seLinuxOptions=3:SELinuxOptions?
    windowsOptions=10:WindowsSecurityContextOptions? runAsUser=4:int64? runAsGroup=8:int64?
    runAsNonRoot=5:bool? readOnlyRootFilesystem=6:bool? allowPrivilegeEscalation=7:bool? procMount=9:string?
    seccompProfile=11:SeccompProfile? appArmorProfile=12:AppArmorProfile?`,
  'core.Service': 'metadata=1:meta.ObjectMeta spec=2:ServiceSpec status=3:ServiceStatus',
  'core.ServiceAccount': `
    metadata=1:meta.ObjectMeta secrets=2:ObjectReference[] imagePullSecrets=3:LocalObjectReference[]
    automountServiceAccountToken=4:bool?`,
  'core.ServiceAccountList': 'metadata=1:meta.ListMeta items=2:ServiceAccount[]!',
  'core.ServiceAccountTokenProjection': 'audience=1:string expirationSeconds=2:int64? path=3:string!',
  'core.ServiceList': 'metadata=1:meta.ListMeta items=2:Service[]!',
  'core.ServicePort': `
    name=1:string protocol=2:string appProtocol=6:string? port=3:int32! targetPort=4:intstr.IntOrString
    nodePort=5:int32`,
  'core.ServiceSpec': `
    ports=1:ServicePort[] selector=2:string{} clusterIP=3:string clusterIPs=18:string[] type=4:string
    externalIPs=5:string[] sessionAffinity=7:string loadBalancerIP=8:string
    loadBalancerSourceRanges=9:string[] externalName=10:string externalTrafficPolicy=11:string
    healthCheckNodePort=12:int32 publishNotReadyAddresses=13:bool
    sessionAffinityConfig=14:SessionAffinityConfig? ipFamilies=19:string[] ipFamilyPolicy=17:string?
    allocateLoadBalancerNodePorts=20:bool? loadBalancerClass=21:string? internalTrafficPolicy=22:string?
    trafficDistribution=23:string?`,
  'core.ServiceStatus': 'loadBalancer=1:LoadBalancerStatus conditions=2:meta.Condition[]',
  'core.SessionAffinityConfig': 'clientIP=1:ClientIPConfig?',
  'core.SleepAction': 'seconds=1:int64!',
  'core.StorageOSPersistentVolumeSource': `
    volumeName=1:string volumeNamespace=2:string fsType=3:string readOnly=4:bool secretRef=5:ObjectReference?`,
  'core.StorageOSVolumeSource': `
    volumeName=1:string volumeNamespace=2:string fsType=3:string readOnly=4:bool
    secretRef=5:LocalObjectReference?`,
  'core.Sysctl': 'name=1:string! value=2:string!',
  'core.TCPSocketAction': 'port=1:intstr.IntOrString! host=2:string',
  'core.Taint': 'key=1:string! value=2:string effect=3:string! timeAdded=4:meta.Time?',
  'core.Toleration': 'key=1:string operator=2:string value=3:string effect=4:string tolerationSeconds=5:int64?',
  'core.TopologySpreadConstraint': `
    maxSkew=1:int32! topologyKey=2:string! whenUnsatisfiable=3:string! labelSelector=4:meta.LabelSelector?
    minDomains=5:int32? nodeAffinityPolicy=6:string? nodeTaintsPolicy=7:string? matchLabelKeys=8:string[]`,
  'core.TypedLocalObjectReference': 'apiGroup=1:string?! kind=2:string! name=3:string!',
  'core.TypedObjectReference': 'apiGroup=1:string?! kind=2:string! name=3:string! namespace=4:string?',
  'core.Volume': 'name=1:string! =2:VolumeSource',
  'core.VolumeDevice': 'name=1:string! devicePath=2:string!',
  'core.VolumeMount': `
    name=1:string! readOnly=2:bool recursiveReadOnly=7:string? mountPath=3:string! subPath=4:string
    mountPropagation=5:string? subPathExpr=6:string`,
  'core.VolumeMountStatus': 'name=1:string! mountPath=2:string! readOnly=3:bool recursiveReadOnly=4:string?',
  'core.VolumeNodeAffinity': 'required=1:NodeSelector?',
  'core.VolumeProjection': `
    secret=1:SecretProjection? downwardAPI=2:DownwardAPIProjection? configMap=3:ConfigMapProjection?
    serviceAccountToken=4:ServiceAccountTokenProjection? clusterTrustBundle=5:ClusterTrustBundleProjection?`,
  'core.VolumeResourceRequirements': 'limits=1:resource.Quantity{} requests=2:resource.Quantity{}',
  'core.VolumeSource': `
    hostPath=1:HostPathVolumeSource? emptyDir=2:EmptyDirVolumeSource?
    gcePersistentDisk=3:GCEPersistentDiskVolumeSource?
    awsElasticBlockStore=4:AWSElasticBlockStoreVolumeSource? gitRepo=5:GitRepoVolumeSource?
    secret=6:SecretVolumeSource? nfs=7:NFSVolumeSource? iscsi=8:ISCSIVolumeSource?
    glusterfs=9:GlusterfsVolumeSource? persistentVolumeClaim=10:PersistentVolumeClaimVolumeSource?
    rbd=11:RBDVolumeSource? flexVolume=12:FlexVolumeSource? cinder=13:CinderVolumeSource?
    cephfs=14:CephFSVolumeSource? flocker=15:FlockerVolumeSource? downwardAPI=16:DownwardAPIVolumeSource?
    fc=17:FCVolumeSource? azureFile=18:AzureFileVolumeSource? configMap=19:ConfigMapVolumeSource?
    vsphereVolume=20:VsphereVirtualDiskVolumeSource? quobyte=21:QuobyteVolumeSource?
    azureDisk=22:AzureDiskVolumeSource? photonPersistentDisk=23:PhotonPersistentDiskVolumeSource?
    projected=26:ProjectedVolumeSource? portworxVolume=24:PortworxVolumeSource?
    scaleIO=25:ScaleIOVolumeSource? storageos=27:StorageOSVolumeSource? csi=28:CSIVolumeSource?
    ephemeral=29:EphemeralVolumeSource? image=30:ImageVolumeSource?`,
  'core.VsphereVirtualDiskVolumeSource': `
    volumePath=1:string! fsType=2:string storagePolicyName=3:string storagePolicyID=4:string`,
  'core.WeightedPodAffinityTerm': 'weight=1:int32! podAffinityTerm=2:PodAffinityTerm!',
  'core.WindowsSecurityContextOptions': `
    gmsaCredentialSpecName=1:string? gmsaCredentialSpec=2:string? runAsUserName=3:string? hostProcess=4:bool?`,

  // k8s.io/api/apps/v1
  'apps.ControllerRevision': 'metadata=1:meta.ObjectMeta data=2:runtime.RawExtension revision=3:int64!',
  'apps.ControllerRevisionList': 'metadata=1:meta.ListMeta items=2:ControllerRevision[]!',
  'apps.DaemonSet': 'metadata=1:meta.ObjectMeta spec=2:DaemonSetSpec status=3:DaemonSetStatus',
  'apps.DaemonSetCondition': `
    type=1:string! status=2:string! lastTransitionTime=3:meta.Time reason=4:string message=5:string`,
  'apps.DaemonSetList': 'metadata=1:meta.ListMeta items=2:DaemonSet[]!',
  'apps.DaemonSetSpec': `
    selector=1:meta.LabelSelector?! template=2:core.PodTemplateSpec! updateStrategy=3:DaemonSetUpdateStrategy
    minReadySeconds=4:int32 revisionHistoryLimit=6:int32?`,
  'apps.DaemonSetStatus': `
    currentNumberScheduled=1:int32! numberMisscheduled=2:int32! desiredNumberScheduled=3:int32!
    numberReady=4:int32! observedGeneration=5:int64 updatedNumberScheduled=6:int32 numberAvailable=7:int32
    numberUnavailable=8:int32 collisionCount=9:int32? conditions=10:DaemonSetCondition[]`,
  'apps.DaemonSetUpdateStrategy': 'type=1:string rollingUpdate=2:RollingUpdateDaemonSet?',
  'apps.Deployment': 'metadata=1:meta.ObjectMeta spec=2:DeploymentSpec status=3:DeploymentStatus',
  'apps.DeploymentCondition': `
    type=1:string! status=2:string! lastUpdateTime=6:meta.Time lastTransitionTime=7:meta.Time reason=4:string
    message=5:string`,
  'apps.DeploymentList': 'metadata=1:meta.ListMeta items=2:Deployment[]!',
  'apps.DeploymentSpec': `
    replicas=1:int32? selector=2:meta.LabelSelector?! template=3:core.PodTemplateSpec!
    strategy=4:DeploymentStrategy minReadySeconds=5:int32 revisionHistoryLimit=6:int32? paused=7:bool
    progressDeadlineSeconds=9:int32?`,
  'apps.DeploymentStatus': `
    observedGeneration=1:int64 replicas=2:int32 updatedReplicas=3:int32 readyReplicas=7:int32
    availableReplicas=4:int32 unavailableReplicas=5:int32 terminatingReplicas=9:int32?
    conditions=6:DeploymentCondition[] collisionCount=8:int32?`,
  'apps.DeploymentStrategy': 'type=1:string rollingUpdate=2:RollingUpdateDeployment?',
  'apps.ReplicaSet': 'metadata=1:meta.ObjectMeta spec=2:ReplicaSetSpec status=3:ReplicaSetStatus',
  'apps.ReplicaSetCondition': `
    type=1:string! status=2:string! lastTransitionTime=3:meta.Time reason=4:string message=5:string`,
  'apps.ReplicaSetList': 'metadata=1:meta.ListMeta items=2:ReplicaSet[]!',
  'apps.ReplicaSetSpec': `
    replicas=1:int32? minReadySeconds=4:int32 selector=2:meta.LabelSelector?! template=3:core.PodTemplateSpec`,
  'apps.ReplicaSetStatus': `
    replicas=1:int32! fullyLabeledReplicas=2:int32 readyReplicas=4:int32 availableReplicas=5:int32
    terminatingReplicas=7:int32? observedGeneration=3:int64 conditions=6:ReplicaSetCondition[]`,
  'apps.RollingUpdateDaemonSet': 'maxUnavailable=1:intstr.IntOrString? maxSurge=2:intstr.IntOrString?',
  'apps.RollingUpdateDeployment': 'maxUnavailable=1:intstr.IntOrString? maxSurge=2:intstr.IntOrString?',
  'apps.RollingUpdateStatefulSetStrategy': 'partition=1:int32? maxUnavailable=2:intstr.IntOrString?',
  'apps.StatefulSet': 'metadata=1:meta.ObjectMeta spec=2:StatefulSetSpec status=3:StatefulSetStatus',
  'apps.StatefulSetCondition': `
    type=1:string! status=2:string! lastTransitionTime=3:meta.Time reason=4:string message=5:string`,
  'apps.StatefulSetList': 'metadata=1:meta.ListMeta items=2:StatefulSet[]!',
  'apps.StatefulSetOrdinals': 'start=1:int32!',
  'apps.StatefulSetPersistentVolumeClaimRetentionPolicy': 'whenDeleted=1:string whenScaled=2:string',
  'apps.StatefulSetSpec': `
    replicas=1:int32? selector=2:meta.LabelSelector?! template=3:core.PodTemplateSpec!
    volumeClaimTemplates=4:core.PersistentVolumeClaim[] serviceName=5:string! podManagementPolicy=6:string
    updateStrategy=7:StatefulSetUpdateStrategy revisionHistoryLimit=8:int32? minReadySeconds=9:int32
    persistentVolumeClaimRetentionPolicy=10:StatefulSetPersistentVolumeClaimRetentionPolicy?
    ordinals=11:StatefulSetOrdinals?`,
  'apps.StatefulSetStatus': `
    observedGeneration=1:int64 replicas=2:int32! readyReplicas=3:int32 currentReplicas=4:int32
    updatedReplicas=5:int32 currentRevision=6:string updateRevision=7:string collisionCount=9:int32?
    conditions=10:StatefulSetCondition[] availableReplicas=11:int32!`,
  'apps.StatefulSetUpdateStrategy': 'type=1:string rollingUpdate=2:RollingUpdateStatefulSetStrategy?',

  // k8s.io/api/batch/v1
  'batch.CronJob': 'metadata=1:meta.ObjectMeta spec=2:CronJobSpec status=3:CronJobStatus',
  'batch.CronJobList': 'metadata=1:meta.ListMeta items=2:CronJob[]!',
  'batch.CronJobSpec': `
    schedule=1:string! timeZone=8:string? startingDeadlineSeconds=2:int64? concurrencyPolicy=3:string
    suspend=4:bool? jobTemplate=5:JobTemplateSpec! successfulJobsHistoryLimit=6:int32?
    failedJobsHistoryLimit=7:int32?`,
  'batch.CronJobStatus': `
    active=1:core.ObjectReference[] lastScheduleTime=4:meta.Time? lastSuccessfulTime=5:meta.Time?`,
  'batch.Job': 'metadata=1:meta.ObjectMeta spec=2:JobSpec status=3:JobStatus',
  'batch.JobCondition': `
    type=1:string! status=2:string! lastProbeTime=3:meta.Time lastTransitionTime=4:meta.Time reason=5:string
    message=6:string`,
  'batch.JobList': 'metadata=1:meta.ListMeta items=2:Job[]!',
  'batch.JobSpec': `
    parallelism=1:int32? completions=2:int32? activeDeadlineSeconds=3:int64?
    podFailurePolicy=11:PodFailurePolicy? successPolicy=16:SuccessPolicy? backoffLimit=7:int32?
    backoffLimitPerIndex=12:int32? maxFailedIndexes=13:int32? selector=4:meta.LabelSelector?
    manualSelector=5:bool? template=6:core.PodTemplateSpec! ttlSecondsAfterFinished=8:int32?
    completionMode=9:string? suspend=10:bool? podReplacementPolicy=14:string? managedBy=15:string?`,
  'batch.JobStatus': `
    conditions=1:JobCondition[] startTime=2:meta.Time? completionTime=3:meta.Time? active=4:int32
    succeeded=5:int32 failed=6:int32 terminating=11:int32? completedIndexes=7:string failedIndexes=10:string?
    uncountedTerminatedPods=8:UncountedTerminatedPods? ready=9:int32?`,
  'batch.JobTemplateSpec': 'metadata=1:meta.ObjectMeta spec=2:JobSpec',
  'batch.PodFailurePolicy': 'rules=1:PodFailurePolicyRule[]!',
  'batch.PodFailurePolicyOnExitCodesRequirement': 'containerName=1:string? operator=2:string! values=3:int32[]!',
  'batch.PodFailurePolicyOnPodConditionsPattern': 'type=1:string! status=2:string!',
  'batch.PodFailurePolicyRule': `
    action=1:string! onExitCodes=2:PodFailurePolicyOnExitCodesRequirement?
    onPodConditions=3:PodFailurePolicyOnPodConditionsPattern[]`,
  'batch.SuccessPolicy': 'rules=1:SuccessPolicyRule[]!',
  'batch.SuccessPolicyRule': 'succeededIndexes=1:string? succeededCount=2:int32?',
  'batch.UncountedTerminatedPods': 'succeeded=1:string[] failed=2:string[]',

  // k8s.io/api/autoscaling/v1
  'autoscaling.Scale': 'metadata=1:meta.ObjectMeta spec=2:ScaleSpec status=3:ScaleStatus',
  'autoscaling.ScaleSpec': 'replicas=1:int32',
  'autoscaling.ScaleStatus': 'replicas=1:int32! selector=2:string',

  // k8s.io/api/policy/v1
  'policy.Eviction': 'metadata=1:meta.ObjectMeta deleteOptions=2:meta.DeleteOptions?',
  'policy.PodDisruptionBudget': `
    metadata=1:meta.ObjectMeta spec=2:PodDisruptionBudgetSpec status=3:PodDisruptionBudgetStatus`,
  'policy.PodDisruptionBudgetList': 'metadata=1:meta.ListMeta items=2:PodDisruptionBudget[]!',
  'policy.PodDisruptionBudgetSpec': `
    minAvailable=1:intstr.IntOrString? selector=2:meta.LabelSelector? maxUnavailable=3:intstr.IntOrString?
    unhealthyPodEvictionPolicy=4:string?`,
  'policy.PodDisruptionBudgetStatus': `
    observedGeneration=1:int64 disruptedPods=2:meta.Time{} disruptionsAllowed=3:int32!
    currentHealthy=4:int32! desiredHealthy=5:int32! expectedPods=6:int32! conditions=7:meta.Condition[]`,

  // k8s.io/api/coordination/v1
  'coordination.Lease': 'metadata=1:meta.ObjectMeta spec=2:LeaseSpec',
  'coordination.LeaseList': 'metadata=1:meta.ListMeta items=2:Lease[]!',
  'coordination.LeaseSpec': `
    holderIdentity=1:string? leaseDurationSeconds=2:int32? acquireTime=3:meta.MicroTime?
    renewTime=4:meta.MicroTime? leaseTransitions=5:int32? strategy=6:string? preferredHolder=7:string?`,

  // k8s.io/api/discovery/v1
  'discovery.Endpoint': `
    addresses=1:string[]! conditions=2:EndpointConditions hostname=3:string?
    targetRef=4:core.ObjectReference? deprecatedTopology=5:string{} nodeName=6:string? zone=7:string?
    hints=8:EndpointHints?`,
  'discovery.EndpointConditions': 'ready=1:bool? serving=2:bool? terminating=3:bool?',
  'discovery.EndpointHints': 'forZones=1:ForZone[] forNodes=2:ForNode[]',
  'discovery.EndpointPort': 'name=1:string? protocol=2:string? port=3:int32? appProtocol=4:string?',
  'discovery.EndpointSlice': `
    metadata=1:meta.ObjectMeta addressType=4:string! endpoints=2:Endpoint[]! ports=3:EndpointPort[]!`,
  'discovery.EndpointSliceList': 'metadata=1:meta.ListMeta items=2:EndpointSlice[]!',
  'discovery.ForNode': 'name=1:string!',
  'discovery.ForZone': 'name=1:string!',

  // k8s.io/api/events/v1
  'events.Event': `
    metadata=1:meta.ObjectMeta! eventTime=2:meta.MicroTime! series=3:EventSeries?
    reportingController=4:string reportingInstance=5:string action=6:string reason=7:string
    regarding=8:core.ObjectReference related=9:core.ObjectReference? note=10:string type=11:string
    deprecatedSource=12:core.EventSource deprecatedFirstTimestamp=13:meta.Time
    deprecatedLastTimestamp=14:meta.Time deprecatedCount=15:int32`,
  'events.EventList': 'metadata=1:meta.ListMeta items=2:Event[]!',
  'events.EventSeries': 'count=1:int32! lastObservedTime=2:meta.MicroTime!',

  // k8s.io/api/networking/v1
  'networking.HTTPIngressPath': 'path=1:string pathType=3:string?! backend=2:IngressBackend!',
  'networking.HTTPIngressRuleValue': 'paths=1:HTTPIngressPath[]!',
  'networking.IPBlock': 'cidr=1:string! except=2:string[]',
  'networking.Ingress': 'metadata=1:meta.ObjectMeta spec=2:IngressSpec status=3:IngressStatus',
  'networking.IngressBackend': 'service=4:IngressServiceBackend? resource=3:core.TypedLocalObjectReference?',
  'networking.IngressClass': 'metadata=1:meta.ObjectMeta spec=2:IngressClassSpec',
  'networking.IngressClassList': 'metadata=1:meta.ListMeta items=2:IngressClass[]!',
  'networking.IngressClassParametersReference': `
    apiGroup=1:string? kind=2:string! name=3:string! scope=4:string?! namespace=5:string?`,
  'networking.IngressClassSpec': 'controller=1:string parameters=2:IngressClassParametersReference?',
  'networking.IngressList': 'metadata=1:meta.ListMeta items=2:Ingress[]!',
  'networking.IngressLoadBalancerIngress': 'ip=1:string hostname=2:string ports=4:IngressPortStatus[]',
  'networking.IngressLoadBalancerStatus': 'ingress=1:IngressLoadBalancerIngress[]',
  'networking.IngressPortStatus': 'port=1:int32! protocol=2:string! error=3:string?',
  'networking.IngressRule': 'host=1:string =2:IngressRuleValue',
  'networking.IngressRuleValue': 'http=1:HTTPIngressRuleValue?',
  'networking.IngressServiceBackend': 'name=1:string! port=2:ServiceBackendPort',
  'networking.IngressSpec': `
    ingressClassName=4:string? defaultBackend=1:IngressBackend? tls=2:IngressTLS[] rules=3:IngressRule[]`,
  'networking.IngressStatus': 'loadBalancer=1:IngressLoadBalancerStatus',
  'networking.IngressTLS': 'hosts=1:string[] secretName=2:string',
  'networking.NetworkPolicy': 'metadata=1:meta.ObjectMeta spec=2:NetworkPolicySpec',
  'networking.NetworkPolicyEgressRule': 'ports=1:NetworkPolicyPort[] to=2:NetworkPolicyPeer[]',
  'networking.NetworkPolicyIngressRule': 'ports=1:NetworkPolicyPort[] from=2:NetworkPolicyPeer[]',
  'networking.NetworkPolicyList': 'metadata=1:meta.ListMeta items=2:NetworkPolicy[]!',
  'networking.NetworkPolicyPeer': `
    podSelector=1:meta.LabelSelector? namespaceSelector=2:meta.LabelSelector? ipBlock=3:IPBlock?`,
  'networking.NetworkPolicyPort': 'protocol=1:string? port=2:intstr.IntOrString? endPort=3:int32?',
  'networking.NetworkPolicySpec': `
    podSelector=1:meta.LabelSelector! ingress=2:NetworkPolicyIngressRule[] egress=3:NetworkPolicyEgressRule[]
    policyTypes=4:string[]`,
  'networking.ServiceBackendPort': 'name=1:string number=2:int32',

  // k8s.io/api/rbac/v1
  'rbac.AggregationRule': 'clusterRoleSelectors=1:meta.LabelSelector[]',
  'rbac.ClusterRole': 'metadata=1:meta.ObjectMeta rules=2:PolicyRule[]! aggregationRule=3:AggregationRule?',
  'rbac.ClusterRoleBinding': 'metadata=1:meta.ObjectMeta subjects=2:Subject[] roleRef=3:RoleRef!',
  'rbac.ClusterRoleBindingList': 'metadata=1:meta.ListMeta items=2:ClusterRoleBinding[]!',
  'rbac.ClusterRoleList': 'metadata=1:meta.ListMeta items=2:ClusterRole[]!',
  'rbac.PolicyRule': `
    verbs=1:string[]! apiGroups=2:string[] resources=3:string[] resourceNames=4:string[]
    nonResourceURLs=5:string[]`,
  'rbac.Role': 'metadata=1:meta.ObjectMeta rules=2:PolicyRule[]!',
  'rbac.RoleBinding': 'metadata=1:meta.ObjectMeta subjects=2:Subject[] roleRef=3:RoleRef!',
  'rbac.RoleBindingList': 'metadata=1:meta.ListMeta items=2:RoleBinding[]!',
  'rbac.RoleList': 'metadata=1:meta.ListMeta items=2:Role[]!',
  'rbac.RoleRef': 'apiGroup=1:string! kind=2:string! name=3:string!',
  'rbac.Subject': 'kind=1:string! apiGroup=2:string name=3:string! namespace=4:string',

  // k8s.io/api/scheduling/v1
  'scheduling.PriorityClass': `
    metadata=1:meta.ObjectMeta value=2:int32! globalDefault=3:bool description=4:string
    preemptionPolicy=5:string?`,
  'scheduling.PriorityClassList': 'metadata=1:meta.ListMeta items=2:PriorityClass[]!',

  // k8s.io/api/authentication/v1
  'authentication.BoundObjectReference': 'kind=1:string apiVersion=2:string name=3:string uid=4:string',
  'authentication.TokenRequest': 'metadata=1:meta.ObjectMeta spec=2:TokenRequestSpec! status=3:TokenRequestStatus',
  'authentication.TokenRequestSpec': `
    audiences=1:string[]! expirationSeconds=4:int64?! boundObjectRef=3:BoundObjectReference?!`,
  'authentication.TokenRequestStatus': 'token=1:string! expirationTimestamp=2:meta.Time!',
};
