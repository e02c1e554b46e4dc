/**
 * JSON merge patch (RFC 7386) as kube-apiserver applies `application/merge-patch+json`:
 * gopkg.in/evanphx/json-patch.v4 MergePatch. A null member deletes, an object member merges
 * recursively, anything else replaces. Nulls inside newly added objects are pruned; arrays are
 * replaced whole (nulls directly inside an array stay).
 */
import { badRequest } from './errors.ts';
import { clone, isObject, type JsonObject } from './json.ts';

/** jsonpatch.ErrBadJSONPatch, which the handler returns as a 400. */
const ErrBadJSONPatch = 'Invalid JSON Patch';

function pruneNulls(v: unknown): unknown {
  if (isObject(v)) return pruneDocNulls(v);
  if (Array.isArray(v)) return pruneAryNulls(v);
  return v;
}

function pruneDocNulls(doc: JsonObject): JsonObject {
  for (const [k, v] of Object.entries(doc)) {
    if (v === null) delete doc[k];
    else pruneNulls(v);
  }
  return doc;
}

function pruneAryNulls(ary: unknown[]): unknown[] {
  for (const v of ary) if (v !== null) pruneNulls(v);
  return ary;
}

function mergeValue(cur: unknown, patch: unknown): unknown {
  if (!isObject(cur)) return pruneNulls(patch);
  if (!isObject(patch)) return patch;
  mergeDocs(cur, patch);
  return cur;
}

function mergeDocs(doc: JsonObject, patch: JsonObject): void {
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) {
      delete doc[k];
      continue;
    }
    const cur = doc[k];
    if (cur === undefined || cur === null) doc[k] = pruneNulls(v);
    else doc[k] = mergeValue(cur, v);
  }
}

/**
 * Applies an RFC 7386 merge patch to `target` (not modified) and returns the result. A patch that
 * is null or a scalar is rejected as upstream rejects it (400 `Invalid JSON Patch`); an array patch
 * replaces the whole document.
 */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || patch === undefined) throw badRequest(ErrBadJSONPatch);
  if (Array.isArray(patch)) return pruneAryNulls(clone(patch));
  if (!isObject(patch)) throw badRequest(ErrBadJSONPatch);
  const p = clone(patch);
  if (!isObject(target)) return pruneDocNulls(p);
  const doc = clone(target);
  mergeDocs(doc, p);
  return doc;
}
