/**
 * Shared helpers with upstream's semantics: toleration matching (core/v1 `Toleration.ToleratesTaint`,
 * `FindMatchingUntoleratedTaint`), node selectors and node affinity
 * (component-helpers/scheduling/corev1/nodeaffinity), and `DefaultNormalizeScore`
 * (framework/plugins/helper/normalize_score.go).
 */
import type {
  Node,
  NodeSelectorRequirement,
  NodeSelectorTerm,
  Pod,
  PreferredSchedulingTerm,
  Taint,
  Toleration,
} from './api.ts';
import { MAX_NODE_SCORE } from './types.ts';

// ---- taints and tolerations ----------------------------------------------------------------------

/** `Toleration.ToleratesTaint`. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? '') {
    case '':
    case 'Equal':
      return (t.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

/** `TolerationsTolerateTaint`. */
export function tolerationsTolerateTaint(tolerations: readonly Toleration[] | null | undefined, taint: Taint): boolean {
  return (tolerations ?? []).some((t) => toleratesTaint(t, taint));
}

/** `FindMatchingUntoleratedTaint`: the first taint passing `filter` that no toleration tolerates. */
export function findMatchingUntoleratedTaint(
  taints: readonly Taint[],
  tolerations: readonly Toleration[] | null | undefined,
  filter: (t: Taint) => boolean,
): Taint | undefined {
  for (const taint of taints) {
    if (!filter(taint)) continue;
    if (!tolerationsTolerateTaint(tolerations, taint)) return taint;
  }
  return undefined;
}

// ---- node selectors -------------------------------------------------------------------------------

function requirementMatches(r: NodeSelectorRequirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, r.key);
  const v = labels[r.key];
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return has && values.includes(v as string);
    case 'NotIn':
      return !has || !values.includes(v as string);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      if (!has || values.length !== 1) return false;
      const a = Number.parseInt(v as string, 10);
      const b = Number.parseInt(values[0] as string, 10);
      if (Number.isNaN(a) || Number.isNaN(b)) return false;
      return r.operator === 'Gt' ? a > b : a < b;
    }
    default:
      return false;
  }
}

function fieldMatches(r: NodeSelectorRequirement, node: Node): boolean {
  if (r.key !== 'metadata.name') return false;
  const name = node.metadata.name ?? '';
  const values = r.values ?? [];
  if (r.operator === 'In') return values.includes(name);
  if (r.operator === 'NotIn') return !values.includes(name);
  return false;
}

/** One NodeSelectorTerm: all expressions and fields hold. A term with neither matches nothing. */
export function termMatchesNode(term: NodeSelectorTerm, node: Node): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata.labels ?? {};
  return exprs.every((e) => requirementMatches(e, labels)) && fields.every((f) => fieldMatches(f, node));
}

/**
 * `nodeaffinity.GetRequiredNodeAffinity(pod).Match(node)`: `spec.nodeSelector` (every label equal)
 * and `requiredDuringSchedulingIgnoredDuringExecution` (any term).
 */
export function requiredNodeAffinityMatches(pod: Pod, node: Node): boolean {
  const sel = pod.spec?.nodeSelector;
  if (sel) {
    const labels = node.metadata.labels ?? {};
    for (const [k, v] of Object.entries(sel)) if (labels[k] !== v) return false;
  }
  const req = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (req) return (req.nodeSelectorTerms ?? []).some((t) => termMatchesNode(t, node));
  return true;
}

/** `PreferredSchedulingTerms.Score`: the sum of the weights of matching terms. */
export function preferredSchedulingScore(terms: readonly PreferredSchedulingTerm[], node: Node): number {
  let sum = 0;
  for (const t of terms) if (t.weight !== 0 && termMatchesNode(t.preference ?? {}, node)) sum += t.weight;
  return sum;
}

// ---- scores --------------------------------------------------------------------------------------

export interface NodeScore {
  name: string;
  score: number;
}

/**
 * `helper.DefaultNormalizeScore`: scales scores to [0, maxPriority] by the highest one (integer
 * arithmetic); reversed, `maxPriority - score`. All zero: every node gets maxPriority if reversed.
 */
export function defaultNormalizeScore(maxPriority: number, reverse: boolean, scores: NodeScore[]): void {
  let maxCount = 0;
  for (const s of scores) if (s.score > maxCount) maxCount = s.score;
  if (maxCount === 0) {
    if (reverse) for (const s of scores) s.score = maxPriority;
    return;
  }
  for (const s of scores) {
    let score = Math.trunc((maxPriority * s.score) / maxCount);
    if (reverse) score = maxPriority - score;
    s.score = score;
  }
}

export { MAX_NODE_SCORE };

/** `normalizedImageName`: a name whose last `:` is not after its last `/` (no tag) gets `:latest`. */
export function normalizedImageName(name: string): string {
  return name.lastIndexOf(':') <= name.lastIndexOf('/') ? `${name}:latest` : name;
}
