/**
 * Patches as kube-apiserver applies them: JSON merge patch (RFC 7386), JSON patch (RFC 6902),
 * strategic merge patch (Kubernetes' list-merge rules) and server-side apply with managedFields.
 * The implementation lives in ./patch/; each module's header names its upstream source.
 */
export { PatchError } from './patch/errors.ts';
export { jsonPatch } from './patch/json-patch.ts';
export {
  type ApplyConflict,
  type ApplyOptions,
  fieldsV1Paths,
  LAST_APPLIED_ANNOTATION,
  managerOrUserAgent,
  type ServerSideApplyResult,
  serverSideApply,
  updateManagedFields,
} from './patch/managed-fields.ts';
export { mergePatch } from './patch/merge-patch.ts';
export { strategicMergeMapPatch, strategicMergePatch } from './patch/strategic.ts';
