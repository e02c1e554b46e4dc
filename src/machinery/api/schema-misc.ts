/** Schema of coordination/v1 Lease, discovery/v1 EndpointSlice and events.k8s.io/v1 Event. See schema.ts. */
import { atomicList, bool, enm, i32, kind, ref, req, str, strMap, strs, type TypeSchema, type } from './schema-dsl.ts';

export const SCHEMA_MISC: TypeSchema[] = [
  kind(
    'coordination.Lease',
    'Lease defines a lease concept: a holder identity and renewal times, used for leader election and node heartbeats.',
    {
      spec: ref('coordination.LeaseSpec', 'Specification of the Lease.', { default: {} }),
    },
  ),
  type('coordination.LeaseSpec', 'LeaseSpec is a specification of a Lease.', {
    acquireTime: ref('meta.MicroTime', 'When the current lease was acquired.'),
    holderIdentity: str('The identity of the holder of the current lease.'),
    leaseDurationSeconds: i32(
      'How long candidates wait before they may force-acquire the lease, counted from the last renewTime.',
    ),
    leaseTransitions: i32('How many times the lease changed holders.'),
    preferredHolder: str('Signals to the holder that another candidate should hold the lease.'),
    renewTime: ref('meta.MicroTime', 'When the holder last renewed the lease.'),
    strategy: str('The strategy used to pick a leader in coordinated leader election.'),
  }),
  kind(
    'discovery.EndpointSlice',
    'EndpointSlice represents a subset of the endpoints that implement a service. A service may have several slices; together they hold all of its endpoints.',
    {
      addressType: enm(
        ['FQDN', 'IPv4', 'IPv6'],
        'The type of address the slice carries: IPv4, IPv6 or FQDN. Cannot be changed.',
        req,
      ),
      endpoints: atomicList('discovery.Endpoint', 'A list of unique endpoints in this slice. At most 1000.', req),
      ports: atomicList(
        'discovery.EndpointPort',
        'The network ports exposed by each endpoint of the slice. At most 100.',
      ),
    },
  ),
  type('discovery.Endpoint', 'Endpoint represents a single logical backend implementing a service.', {
    addresses: strs("The addresses of the endpoint, of the slice's addressType. Consumers use the first.", {
      listType: 'set',
      required: true,
    }),
    conditions: ref('discovery.EndpointConditions', 'The current state of the endpoint.', { default: {} }),
    deprecatedTopology: strMap('Deprecated topology information.'),
    hints: ref('discovery.EndpointHints', 'Information about how the endpoint should be consumed.'),
    hostname: str('Hostname of the endpoint.'),
    nodeName: str('The node hosting the endpoint.'),
    targetRef: ref('core.ObjectReference', 'The object (usually a pod) the endpoint belongs to.'),
    zone: str('The zone the endpoint is in.'),
  }),
  type('discovery.EndpointConditions', 'The current condition of an endpoint.', {
    ready: bool('Whether the endpoint is ready to receive traffic. Unknown state counts as ready.'),
    serving: bool('Like ready, but also true while the endpoint is terminating.'),
    terminating: bool('Whether the endpoint is terminating.'),
  }),
  type('discovery.EndpointHints', 'Hints for consuming an endpoint.', {
    forNodes: atomicList('discovery.ForNode', 'Nodes this endpoint should serve.'),
    forZones: atomicList('discovery.ForZone', 'Zones this endpoint should serve with topology aware routing.'),
  }),
  type('discovery.ForZone', 'A zone an endpoint should serve.', { name: str('Name of the zone.', req) }),
  type('discovery.ForNode', 'A node an endpoint should serve.', { name: str('Name of the node.', req) }),
  type(
    'discovery.EndpointPort',
    'EndpointPort represents a port used by an endpoint.',
    {
      appProtocol: str('The application protocol of the port.'),
      name: str('The name of the port; must match the service port name, or be empty for an unnamed port.'),
      port: i32('The port number. Empty (null) means all ports.'),
      protocol: enm(['SCTP', 'TCP', 'UDP'], 'The IP protocol of the port. Defaults to TCP.'),
    },
    { mapType: 'atomic' },
  ),
  kind(
    'events.Event',
    'Event is a report of an event somewhere in the cluster, in the events.k8s.io schema: regarding an object, emitted by a reporting controller.',
    {
      action: str('What action was taken or failed regarding the object.'),
      deprecatedCount: i32('Deprecated field kept for compatibility with core/v1 Event.'),
      deprecatedFirstTimestamp: ref('meta.Time', 'Deprecated field kept for compatibility with core/v1 Event.'),
      deprecatedLastTimestamp: ref('meta.Time', 'Deprecated field kept for compatibility with core/v1 Event.'),
      deprecatedSource: ref('core.EventSource', 'Deprecated field kept for compatibility with core/v1 Event.', {
        default: {},
      }),
      eventTime: ref('meta.MicroTime', 'When the event was first observed.', req),
      note: str('A human readable description of the status of this operation.'),
      reason: str('Why the action was taken, in CamelCase.'),
      regarding: ref('core.ObjectReference', 'The object this event is about.', { default: {} }),
      related: ref('core.ObjectReference', 'A second object involved, if any.'),
      reportingController: str('The controller that emitted the event, such as kubernetes.io/kubelet.'),
      reportingInstance: str('The instance of that controller, such as kubelet-xyzf.'),
      series: ref('events.EventSeries', 'Data about a series of repeated events.'),
      type: str('Normal or Warning.'),
    },
  ),
  type('events.EventSeries', 'A series of repeated events.', {
    count: i32('Occurrences in the series so far.', req),
    lastObservedTime: ref('meta.MicroTime', 'Time of the last occurrence.', req),
  }),
];
