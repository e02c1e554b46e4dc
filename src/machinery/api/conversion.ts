/**
 * Conversion between the two served Event schemas, which share one storage (`/registry/events`):
 * core/v1 Event and events.k8s.io/v1 Event (pkg/apis/events/v1/conversion.go). A server that
 * stores one shape converts on the way in and out of the other API.
 */
import type { KObject } from './types.ts';

const MOVED: [core: string, v1: string][] = [
  ['involvedObject', 'regarding'],
  ['message', 'note'],
  ['source', 'deprecatedSource'],
  ['firstTimestamp', 'deprecatedFirstTimestamp'],
  ['lastTimestamp', 'deprecatedLastTimestamp'],
  ['count', 'deprecatedCount'],
  ['reportingComponent', 'reportingController'],
];

function move(obj: KObject, pairs: [string, string][], apiVersion: string): KObject {
  const out: KObject = { ...obj, apiVersion, kind: 'Event' };
  for (const [from, to] of pairs) {
    if (from in out) {
      if (out[from] !== undefined && out[from] !== '') out[to] = out[from];
      delete out[from];
    }
  }
  return out;
}

/** core/v1 Event → events.k8s.io/v1 Event. */
export function eventToEventsV1(ev: KObject): KObject {
  return move(ev, MOVED, 'events.k8s.io/v1');
}

/** events.k8s.io/v1 Event → core/v1 Event. */
export function eventToCoreV1(ev: KObject): KObject {
  return move(
    ev,
    MOVED.map(([a, b]) => [b, a]),
    'v1',
  );
}
