/**
 * Server-side printing: when a client asks for `as=Table;v=v1;g=meta.k8s.io`, lists and gets
 * come back as metav1.Table with the columns kubectl prints (pkg/printers/internalversion).
 */
import type { ApiRequest, ApiResponse, KObject, ResourceInfo } from '../../src/machinery/api/types.ts';
import { toTable } from '../../src/machinery/printers/table.ts';

export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}

export function toTableResponse(
  info: ResourceInfo,
  objects: KObject[],
  resourceVersion: string,
  nowMs: number,
  req: ApiRequest,
): ApiResponse {
  const includeObject = (req.query.includeObject as 'None' | 'Metadata' | 'Object' | undefined) ?? 'Metadata';
  const table = toTable(info, objects, { now: nowMs, resourceVersion, includeObject });
  const v1 =
    /as=Table;v=v1;g=meta\.k8s\.io/.test(req.headers.accept ?? '') || !/v=v1beta1/.test(req.headers.accept ?? '');
  return {
    status: 200,
    headers: { 'content-type': `application/json;as=Table;v=${v1 ? 'v1' : 'v1beta1'};g=meta.k8s.io` },
    body: v1 ? table : { ...(table as object), apiVersion: 'meta.k8s.io/v1beta1' },
  };
}
