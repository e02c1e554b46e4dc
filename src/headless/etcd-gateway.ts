/**
 * etcd's v3 JSON gateway over the simulated etcd: `POST /v3/kv/range|put|deleterange|txn|compaction`
 * and streaming `POST /v3/watch`, with real etcd's JSON shapes, so `curl` scripts and the
 * differential test talk to it exactly as to a real etcd. Requests enter the bus as `etcdctl`
 * (an operator's client on the control-plane node), so they appear in the trace like any other.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type EtcdReply, printable } from '../../workers/etcd/etcd.ts';
import {
  decodeRequest,
  decodeWatchRequest,
  encodeResponse,
  encodeWatchResponse,
  errorBody,
  GatewayError,
  httpStatusFor,
  parseJson,
  type Verb,
} from '../../workers/etcd/json.ts';
import type { WatchResponse } from '../../workers/etcd/types.ts';
import type { Client, Relay } from '../machinery/bus/relay.ts';
import { BodyTooLarge, readBody, sendJson } from './http.ts';

const VERBS: Record<string, Verb> = {
  '/v3/kv/range': 'range',
  '/v3/kv/put': 'put',
  '/v3/kv/deleterange': 'deleterange',
  '/v3/kv/txn': 'txn',
  '/v3/kv/compaction': 'compaction',
};

/** The gateway reads at most this much; etcd itself refuses requests over 1.5 MiB with its own error. */
const BODY_LIMIT = 16 * 1024 * 1024;

export class EtcdGateway {
  private client: Client;
  private streams = 0;
  private watchSinks = new Map<string, (r: WatchResponse) => void>();

  constructor(relay: Relay) {
    this.client = relay.client('etcdctl');
    this.client.onMessage((env) => {
      if (env.kind !== 'etcd.watch.event') return;
      const p = env.payload as { stream: string; response: WatchResponse };
      this.watchSinks.get(p.stream)?.(p.response);
    });
  }

  handles(path: string): boolean {
    return path in VERBS || path === '/v3/watch';
  }

  async handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (req.method !== 'POST') {
      sendJson(res, 405, errorBody(12, `Method Not Allowed: ${req.method ?? ''} ${path} (use POST)`));
      return;
    }
    let body: unknown;
    try {
      const raw = await readBody(req, BODY_LIMIT);
      body = parseJson(raw.toString('utf8'));
    } catch (e) {
      if (e instanceof BodyTooLarge) sendJson(res, 413, errorBody(8, e.message));
      else if (e instanceof GatewayError) sendJson(res, 400, errorBody(3, e.message));
      else throw e;
      return;
    }
    if (path === '/v3/watch') {
      await this.watch(req, res, body);
      return;
    }
    const verb = VERBS[path] as Verb;
    let decoded: unknown;
    try {
      decoded = decodeRequest(verb, body);
    } catch (e) {
      if (!(e instanceof GatewayError)) throw e;
      sendJson(res, 400, errorBody(3, e.message));
      return;
    }
    const reply = await this.client.request<EtcdReply<unknown>>(
      'etcd',
      `etcd.${verb}`,
      decoded,
      summarize(verb, decoded),
    );
    const p = reply.payload;
    if (p.error) sendJson(res, httpStatusFor(p.error.code), errorBody(p.error.code, p.error.message));
    else sendJson(res, 200, encodeResponse(verb, p.ok));
  }

  private async watch(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
    let w: ReturnType<typeof decodeWatchRequest>;
    try {
      w = decodeWatchRequest(body);
    } catch (e) {
      if (!(e instanceof GatewayError)) throw e;
      sendJson(res, 400, errorBody(3, e.message));
      return;
    }
    if (!('create_request' in w)) {
      sendJson(res, 400, errorBody(3, 'a watch stream over the gateway starts with create_request'));
      return;
    }
    const stream = `http-${++this.streams}`;
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    const write = (r: WatchResponse) => res.write(`${JSON.stringify(encodeWatchResponse(r))}\n`);
    const queued: WatchResponse[] = [];
    let created = false;
    this.watchSinks.set(stream, (r) => (created ? write(r) : queued.push(r)));
    let watchId = 0;
    const close = () => {
      this.watchSinks.delete(stream);
      this.client.send('etcd', 'etcd.watch.cancel', { watch_id: watchId, stream }, `cancel watch ${watchId}`);
    };
    req.on('close', close);
    const reply = await this.client.request<EtcdReply<WatchResponse>>('etcd', 'etcd.watch', {
      ...w.create_request,
      stream,
    });
    if (reply.payload.error) {
      res.end(`${JSON.stringify({ error: errorBody(reply.payload.error.code, reply.payload.error.message) })}\n`);
      return;
    }
    const ok = reply.payload.ok as WatchResponse;
    watchId = ok.watch_id;
    write(ok);
    created = true;
    for (const r of queued.splice(0)) write(r);
  }
}

/** One line for the message log: the verb and the key or range it touches. */
export function summarize(verb: Verb, req: unknown): string {
  const r = req as { key?: string; range_end?: string; revision?: number; compare?: unknown[]; success?: unknown[] };
  switch (verb) {
    case 'txn':
      return `TXN ${r.compare?.length ?? 0} compare(s), ${r.success?.length ?? 0} op(s) on success`;
    case 'compaction':
      return `COMPACT to rev ${r.revision ?? 0}`;
    default: {
      const end = r.range_end ? (r.range_end === '\0' ? ' ..' : ` .. ${printable(r.range_end)}`) : '';
      return `${verb === 'deleterange' ? 'DELETE' : verb.toUpperCase()} ${printable(r.key ?? '')}${end}`;
    }
  }
}
