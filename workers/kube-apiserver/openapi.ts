/** /openapi/v2 and /openapi/v3: the schema documents kubectl explain and apply read. */
import { openapiV2, openapiV3, openapiV3Index } from '../../src/machinery/api/openapi.ts';
import type { ApiRequest, ApiResponse } from '../../src/machinery/api/types.ts';

export function openapiResponse(req: ApiRequest): ApiResponse {
  const p = req.path.replace(/\/+$/, '');
  const ok = (body: unknown): ApiResponse => ({ status: 200, headers: { 'content-type': 'application/json' }, body });
  if (p === '/openapi/v2') {
    // Served as JSON only: a client that accepts nothing but the protobuf form gets 406, as from
    // a server without it, and falls back.
    const accept = req.headers.accept ?? '';
    if (accept && !/json|\*\/\*/.test(accept)) {
      return {
        status: 406,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: 'only application/json is served\n',
      };
    }
    return ok(openapiV2());
  }
  if (p === '/openapi/v3') return ok(openapiV3Index());
  if (p.startsWith('/openapi/v3/')) {
    const doc = openapiV3(p.slice('/openapi/v3/'.length));
    if (doc) return ok(doc);
  }
  return { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: '404 page not found\n' };
}
