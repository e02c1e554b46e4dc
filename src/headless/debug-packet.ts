/**
 * POST /debug/packet: the packet walk for a source, a destination, a port and a protocol, over each
 * node's latest rules in the trace (src/machinery/net/trace-walk.ts). Pods, Services,
 * EndpointSlices and Nodes are read through the API, as kubectl would.
 *
 *   curl -X POST localhost:6443/debug/packet -d '{"source":"default/busybox","destination":"web","port":80}'
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { apiKind, apiSummary } from '../machinery/api/request-info.ts';
import type { ApiRequest, ApiResponse } from '../machinery/api/types.ts';
import type { Relay } from '../machinery/bus/relay.ts';
import { clusterObjects, type PacketRequest, PacketRequestError, packetWalk } from '../machinery/net/trace-walk.ts';
import { readBody, sendJson } from './http.ts';

const PROTOCOLS = ['tcp', 'udp', 'sctp', 'icmp'];

export async function handlePacketDebug(relay: Relay, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let body: Partial<PacketRequest>;
  try {
    body = JSON.parse((await readBody(req, 16 * 1024)).toString('utf8') || '{}');
  } catch (e) {
    sendJson(res, 400, { error: `malformed JSON: ${(e as Error).message}` });
    return;
  }
  const protocol = String(body.protocol ?? 'tcp').toLowerCase();
  if (typeof body.source !== 'string' || typeof body.destination !== 'string' || !PROTOCOLS.includes(protocol)) {
    sendJson(res, 400, {
      error:
        'body: {"source": "<namespace>/<pod> | <node> | <IP>", "destination": "<IP or DNS name>", "port": 80, "protocol": "tcp|udp|sctp|icmp"}',
    });
    return;
  }
  if (body.port !== undefined && !(Number.isInteger(body.port) && body.port > 0 && body.port < 65536)) {
    sendJson(res, 400, { error: `port must be 1-65535, got ${JSON.stringify(body.port)}` });
    return;
  }
  const client = relay.client('kubectl');
  const get = async (path: string) => {
    const r: ApiRequest = {
      method: 'GET',
      path,
      query: {},
      headers: { accept: 'application/json', 'user-agent': 'wheelhouse-debug' },
    };
    const reply = await client.request<ApiResponse>('kube-apiserver', apiKind(r), r, apiSummary(r));
    return reply.payload.body;
  };
  try {
    const objs = await clusterObjects(get);
    const request: PacketRequest = {
      source: body.source,
      destination: body.destination,
      protocol: protocol as PacketRequest['protocol'] & string,
      ...(body.port !== undefined ? { port: body.port } : {}),
      ...(typeof body.seed === 'number' ? { seed: body.seed } : {}),
    };
    sendJson(res, 200, packetWalk(relay.trace.since(-1), request, objs));
  } catch (e) {
    if (e instanceof PacketRequestError) sendJson(res, 404, { error: e.message });
    else throw e;
  }
}
