/**
 * The scheduler cache (pkg/scheduler/backend/cache/cache.go, node_tree.go): NodeInfo per node with
 * the pods on it, and the assume protocol that lets back-to-back scheduling cycles see each
 * other's choices before the binding is observed.
 *
 *   schedulingCycle → assumePod (pod counted on its node now)
 *   bindingCycle    → finishBinding, or forgetPod if the bind failed
 *   informer        → addPod for the bound pod confirms the assumed one
 *
 * Nodes are listed in the order of the node tree: zones round-robin, each zone in the order its
 * nodes were added, which is the order `findNodesThatPassFilters` walks them.
 *
 * Simplification: assumed pods never expire (upstream's default `durationToExpireAssumedPod` is 0,
 * which also disables expiry).
 */
import type { Node } from './api.ts';
import { NodeInfo, type PodInfo, zoneKeyOf } from './types.ts';

interface PodState {
  info: PodInfo;
  nodeName: string;
  assumed: boolean;
  bindingFinished: boolean;
}

export class Cache {
  private nodes = new Map<string, NodeInfo>();
  private pods = new Map<string, PodState>();
  /** node tree: zone key → node names in insertion order. */
  private zones = new Map<string, string[]>();
  private zoneOf = new Map<string, string>();
  private ordered: NodeInfo[] | undefined;
  /** Image name → nodes that have it (ImageStateSummary.NumNodes). */
  private imageNodes = new Map<string, Set<string>>();

  // ---- nodes -------------------------------------------------------------------------------------

  addNode(node: Node): NodeInfo {
    const name = node.metadata.name ?? '';
    let ni = this.nodes.get(name);
    if (ni?.node) return this.updateNode(ni.node, node);
    if (!ni) {
      ni = new NodeInfo();
      this.nodes.set(name, ni);
    }
    ni.setNode(node);
    this.treeAdd(name, zoneKeyOf(node));
    this.indexImages(name, undefined, ni);
    return ni;
  }

  updateNode(_old: Node, node: Node): NodeInfo {
    const name = node.metadata.name ?? '';
    const ni = this.nodes.get(name);
    if (!ni?.node) return this.addNode(node);
    const before = new Set(ni.images.keys());
    ni.setNode(node);
    const zone = zoneKeyOf(node);
    if (this.zoneOf.get(name) !== zone) {
      this.treeRemove(name);
      this.treeAdd(name, zone);
    }
    this.indexImages(name, before, ni);
    return ni;
  }

  removeNode(node: Node): void {
    const name = node.metadata.name ?? '';
    const ni = this.nodes.get(name);
    if (!ni) return;
    this.indexImages(name, new Set(ni.images.keys()), undefined);
    this.treeRemove(name);
    // Upstream keeps a NodeInfo with no node while pods still point at it; they are gone from the
    // node list either way.
    if (ni.pods.length === 0) this.nodes.delete(name);
    else (ni as { node: Node | undefined }).node = undefined;
  }

  getNode(name: string): NodeInfo | undefined {
    const ni = this.nodes.get(name);
    return ni?.node ? ni : undefined;
  }

  get numNodes(): number {
    return this.list().length;
  }

  /** Nodes in node-tree order (zones round-robin). */
  list(): NodeInfo[] {
    if (this.ordered) return this.ordered;
    const out: NodeInfo[] = [];
    const zoneLists = [...this.zones.values()];
    let i = 0;
    for (let added = true; added; i++) {
      added = false;
      for (const names of zoneLists) {
        const n = names[i];
        if (n === undefined) continue;
        const ni = this.nodes.get(n);
        if (ni?.node) out.push(ni);
        added = true;
      }
    }
    this.ordered = out;
    return out;
  }

  /** Nodes that have the image, for ImageLocality's spread factor. */
  imageNumNodes(image: string): number {
    return this.imageNodes.get(image)?.size ?? 0;
  }

  private treeAdd(name: string, zone: string): void {
    let names = this.zones.get(zone);
    if (!names) this.zones.set(zone, (names = []));
    if (!names.includes(name)) names.push(name);
    this.zoneOf.set(name, zone);
    this.ordered = undefined;
  }

  private treeRemove(name: string): void {
    const zone = this.zoneOf.get(name);
    if (zone === undefined) return;
    const names = this.zones.get(zone) ?? [];
    const i = names.indexOf(name);
    if (i >= 0) names.splice(i, 1);
    if (names.length === 0) this.zones.delete(zone);
    this.zoneOf.delete(name);
    this.ordered = undefined;
  }

  private indexImages(node: string, before: Set<string> | undefined, ni: NodeInfo | undefined): void {
    for (const img of before ?? []) {
      if (ni?.images.has(img)) continue;
      const s = this.imageNodes.get(img);
      s?.delete(node);
      if (s && s.size === 0) this.imageNodes.delete(img);
    }
    for (const img of ni?.images.keys() ?? []) {
      let s = this.imageNodes.get(img);
      if (!s) this.imageNodes.set(img, (s = new Set()));
      s.add(node);
    }
  }

  private nodeInfoFor(name: string): NodeInfo {
    let ni = this.nodes.get(name);
    if (!ni) {
      ni = new NodeInfo();
      ni.name = name;
      this.nodes.set(name, ni);
    }
    return ni;
  }

  // ---- pods --------------------------------------------------------------------------------------

  isAssumed(key: string): boolean {
    return this.pods.get(key)?.assumed === true;
  }

  /** Where the cache has the pod, assumed or confirmed. */
  nodeOfPod(key: string): string | undefined {
    return this.pods.get(key)?.nodeName;
  }

  /** `AssumePod`: counts the pod on `nodeName` before the binding is observed. */
  assumePod(info: PodInfo, nodeName: string): void {
    if (this.pods.has(info.key))
      throw new Error(`pod ${info.namespace}/${info.name} is in the cache, so can't be assumed`);
    this.nodeInfoFor(nodeName).addPod(info);
    this.pods.set(info.key, { info, nodeName, assumed: true, bindingFinished: false });
  }

  finishBinding(key: string): void {
    const s = this.pods.get(key);
    if (s?.assumed) s.bindingFinished = true;
  }

  /** `ForgetPod`: the binding failed; the pod's resources are released. */
  forgetPod(key: string): void {
    const s = this.pods.get(key);
    if (!s?.assumed) return;
    this.removeFromNode(s);
    this.pods.delete(key);
  }

  /** `AddPod` (informer saw a bound pod): confirms an assumed pod, moving it if it landed elsewhere. */
  addPod(info: PodInfo, nodeName: string): void {
    const s = this.pods.get(info.key);
    if (s) {
      this.removeFromNode(s);
    }
    this.nodeInfoFor(nodeName).addPod(info);
    this.pods.set(info.key, { info, nodeName, assumed: false, bindingFinished: false });
  }

  updatePod(info: PodInfo, nodeName: string): void {
    this.addPod(info, nodeName);
  }

  removePod(key: string): PodInfo | undefined {
    const s = this.pods.get(key);
    if (!s) return undefined;
    this.removeFromNode(s);
    this.pods.delete(key);
    return s.info;
  }

  private removeFromNode(s: PodState): void {
    const ni = this.nodes.get(s.nodeName);
    if (!ni) return;
    ni.removePod(s.info.key);
    if (!ni.node && ni.pods.length === 0) this.nodes.delete(s.nodeName);
  }

  get podCount(): number {
    return this.pods.size;
  }
}
