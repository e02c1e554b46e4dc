/**
 * What both proxiers (iptables and IPVS) keep of Services and EndpointSlices, and how an informer
 * event reaches them: upstream's ServiceChangeTracker and EndpointsChangeTracker
 * (pkg/proxy/servicechangetracker.go, endpointschangetracker.go), shared by every proxy mode.
 * Each proxier says what a change to one Service (namespace/name) means for its own state.
 */
import type { EndpointSlice, Service } from './types.ts';

export abstract class ChangeTracker {
  /** namespace/name → Service. */
  protected services = new Map<string, Service>();
  /** namespace/name of the Service → its EndpointSlices by name. */
  protected slices = new Map<string, Map<string, EndpointSlice>>();

  /** A Service changed (or went): recompute it. Returns whether anything the proxier writes changed. */
  protected abstract refreshService(nsn: string): boolean;
  /** A Service's EndpointSlices changed: recompute its endpoints. */
  protected abstract refreshEndpoints(nsn: string): boolean;

  /** OnServiceAdd / OnServiceUpdate. Returns whether anything kube-proxy cares about changed. */
  onServiceUpdate(svc: Service): boolean {
    const nsn = `${svc.metadata?.namespace ?? ''}/${svc.metadata?.name ?? ''}`;
    this.services.set(nsn, svc);
    return this.refreshService(nsn);
  }

  onServiceDelete(svc: Service): boolean {
    const nsn = `${svc.metadata?.namespace ?? ''}/${svc.metadata?.name ?? ''}`;
    this.services.delete(nsn);
    return this.refreshService(nsn);
  }

  /** OnEndpointSliceAdd / OnEndpointSliceUpdate. */
  onEndpointSliceUpdate(slice: EndpointSlice): boolean {
    const svcName = slice.metadata?.labels?.['kubernetes.io/service-name'];
    if (!svcName) return false;
    const nsn = `${slice.metadata?.namespace ?? ''}/${svcName}`;
    let m = this.slices.get(nsn);
    if (!m) this.slices.set(nsn, (m = new Map()));
    m.set(slice.metadata?.name ?? '', slice);
    return this.refreshEndpoints(nsn);
  }

  onEndpointSliceDelete(slice: EndpointSlice): boolean {
    const svcName = slice.metadata?.labels?.['kubernetes.io/service-name'];
    if (!svcName) return false;
    const nsn = `${slice.metadata?.namespace ?? ''}/${svcName}`;
    const m = this.slices.get(nsn);
    if (!m) return false;
    m.delete(slice.metadata?.name ?? '');
    if (m.size === 0) this.slices.delete(nsn);
    return this.refreshEndpoints(nsn);
  }
}
