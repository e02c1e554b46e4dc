/**
 * What kube-controller-manager's controllers share: one informer per resource (the shared informer
 * factory), controller references, pod readiness and availability, the pod-template hash.
 * Mirrors pkg/controller/controller_utils.go and apimachinery's controller-ref helpers.
 */
import { parseRFC3339 } from '../../src/machinery/api/time.ts';
import type { KObject, OwnerReference } from '../../src/machinery/api/types.ts';
import type { Clientset, GR } from '../../src/machinery/client/clientset.ts';
import { EventRecorder } from '../../src/machinery/client/events.ts';
import { Informer } from '../../src/machinery/client/informer.ts';
import type { Context } from '../../src/machinery/runtime/component.ts';

export class InformerFactory {
  private informers = new Map<string, Informer>();

  constructor(private client: Clientset) {}

  for<T extends KObject = KObject>(gr: GR): Informer<T> {
    const key = `${gr.group}/${gr.resource}`;
    let i = this.informers.get(key);
    if (!i) {
      i = new Informer(this.client, gr);
      this.informers.set(key, i);
    }
    return i as unknown as Informer<T>;
  }

  async start(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => (i.synced ? Promise.resolve() : i.start())));
  }
}

export interface ControllerContext {
  ctx: Context;
  client: Clientset;
  informers: InformerFactory;
  epoch: number;
  recorder(component: string): EventRecorder;
  /** Simulated wall time in epoch ms. */
  nowMs(): number;
}

export function makeControllerContext(ctx: Context, client: Clientset, epoch: number): ControllerContext {
  const informers = new InformerFactory(client);
  const recorders = new Map<string, EventRecorder>();
  return {
    ctx,
    client,
    informers,
    epoch,
    recorder(component) {
      let r = recorders.get(component);
      if (!r) recorders.set(component, (r = new EventRecorder(ctx, client, { component }, epoch)));
      return r;
    },
    nowMs: () => epoch + ctx.now(),
  };
}

export interface Controller {
  name: string;
  /** Registers informer handlers; called before informers start. */
  setup(): void;
  /** Called once informers have synced. */
  run(): void;
}

export function controllerRef(obj: KObject): OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((r) => r.controller === true);
}

export function newControllerRef(owner: KObject, apiVersion: string, kind: string): OwnerReference {
  return {
    apiVersion,
    kind,
    name: owner.metadata?.name ?? '',
    uid: owner.metadata?.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

type PodLike = KObject & {
  status?: { phase?: string; conditions?: { type: string; status: string; lastTransitionTime?: string }[] };
  spec?: { nodeName?: string };
};

/** IsPodActive: not terminal and not being deleted. */
export function isPodActive(p: PodLike): boolean {
  const phase = p.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !p.metadata?.deletionTimestamp;
}

export function isPodReady(p: PodLike): boolean {
  return p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
}

/** IsPodAvailable: ready for at least minReadySeconds. */
export function isPodAvailable(p: PodLike, minReadySeconds: number, nowMs: number): boolean {
  const c = p.status?.conditions?.find((x) => x.type === 'Ready' && x.status === 'True');
  if (!c) return false;
  if (minReadySeconds === 0) return true;
  const t = c.lastTransitionTime ? parseRFC3339(c.lastTransitionTime) : Number.NaN;
  return !Number.isNaN(t) && t + minReadySeconds * 1000 <= nowMs;
}

export function selectorMatches(
  selector:
    | {
        matchLabels?: Record<string, string>;
        matchExpressions?: { key: string; operator: string; values?: string[] }[];
      }
    | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (!selector) return false;
  const l = labels ?? {};
  const ml = selector.matchLabels ?? {};
  const me = selector.matchExpressions ?? [];
  if (Object.keys(ml).length === 0 && me.length === 0) return true;
  for (const [k, v] of Object.entries(ml)) if (l[k] !== v) return false;
  for (const e of me) {
    const v = l[e.key];
    switch (e.operator) {
      case 'In':
        if (v === undefined || !(e.values ?? []).includes(v)) return false;
        break;
      case 'NotIn':
        if (v !== undefined && (e.values ?? []).includes(v)) return false;
        break;
      case 'Exists':
        if (v === undefined) return false;
        break;
      case 'DoesNotExist':
        if (v !== undefined) return false;
        break;
    }
  }
  return true;
}

/** FNV-1a 32-bit over a string's UTF-16 code units (ASCII input in practice). */
export function fnv32a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i) & 0xff;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** rand.SafeEncodeString: each character mapped into `bcdfghjklmnpqrstvwxz2456789`. */
export function safeEncodeString(s: string): string {
  const alphanums = 'bcdfghjklmnpqrstvwxz2456789';
  let out = '';
  for (let i = 0; i < s.length; i++) out += alphanums[s.charCodeAt(i) % alphanums.length];
  return out;
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * ComputeHash: FNV-32a of the pod template (and the collision count), printed in decimal and
 * safe-encoded, so hashes look like upstream's (`7c4c8d5d4f`). Upstream hashes a Go dump of the
 * template; this hashes its canonical JSON, so the values differ from a real cluster's.
 */
export function computeHash(template: unknown, collisionCount?: number): string {
  let s = canonical(template);
  if (collisionCount !== undefined) s += `#${collisionCount}`;
  return safeEncodeString(String(fnv32a(s)));
}

export function jsonEqual(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

/**
 * ClaimPods (pkg/controller/controller_ref_manager.go): the pods an owner controls. Pods it owns
 * that still match are kept; pods it owns that stopped matching are released (their
 * ownerReference removed); matching orphans are adopted, unless the owner or the pod is being
 * deleted. `adoptFinalizer` is added to adopted pods (the Job controller's tracking finalizer).
 */
export async function claimPods<P extends KObject>(
  c: ControllerContext,
  owner: KObject,
  apiVersion: string,
  kind: string,
  pods: P[],
  matches: (p: P) => boolean,
  adoptFinalizer?: string,
): Promise<P[]> {
  const out: P[] = [];
  const uid = owner.metadata?.uid;
  const deleting = !!owner.metadata?.deletionTimestamp;
  for (const p of pods) {
    const ref = controllerRef(p);
    const match = matches(p);
    const m = p.metadata ?? {};
    if (ref) {
      if (ref.uid !== uid) continue;
      if (match || deleting) {
        out.push(p);
        continue;
      }
      await c.client
        .patch(GR_PODS, m.namespace ?? '', m.name ?? '', 'merge', {
          metadata: { ownerReferences: (m.ownerReferences ?? []).filter((r) => r.uid !== uid), uid: m.uid },
        })
        .catch(() => undefined);
    } else if (match && !deleting && !m.deletionTimestamp) {
      const metadata: Record<string, unknown> = {
        ownerReferences: [...(m.ownerReferences ?? []), newControllerRef(owner, apiVersion, kind)],
        uid: m.uid,
      };
      if (adoptFinalizer) metadata.finalizers = [...new Set([...(m.finalizers ?? []), adoptFinalizer])];
      try {
        out.push(await c.client.patch<P>(GR_PODS, m.namespace ?? '', m.name ?? '', 'merge', { metadata }));
      } catch {
        // changed or gone meanwhile; the next sync sees it
      }
    }
  }
  return out;
}

const GR_PODS = { group: '', resource: 'pods' };
