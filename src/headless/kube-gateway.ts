/**
 * The Kubernetes REST API over HTTP on 127.0.0.1, in front of the simulated kube-apiserver.
 * Thin on purpose: the apiserver's internal request is the HTTP request, so this only turns
 * HTTP into a bus message from `kubectl` (the user) and the reply back into HTTP. Watches stream
 * chunked JSON lines, one watch event per line.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { apiKind, apiSummary, isWatch } from '../machinery/api/request-info.ts';
import type { ApiRequest, ApiResponse, HttpMethod, WatchEventWire } from '../machinery/api/types.ts';
import type { Client, Relay } from '../machinery/bus/relay.ts';
import { serveUpgrade } from './exec-stream.ts';
import { BodyTooLarge, readBody, sendText } from './http.ts';

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
/** Read a little more than the apiserver's 3 MiB limit, so it can answer 413 itself. */
const BODY_LIMIT = 4 * 1024 * 1024;

export function toApiRequest(req: IncomingMessage, url: URL, body: string | undefined): ApiRequest {
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = v;
  const headers: Record<string, string> = {};
  for (const h of ['accept', 'content-type', 'user-agent']) {
    const v = req.headers[h];
    if (typeof v === 'string') headers[h] = v;
  }
  const r: ApiRequest = { method: (req.method ?? 'GET') as HttpMethod, path: decodeURI(url.pathname), query, headers };
  if (body !== undefined && body.length > 0) r.body = body;
  return r;
}

export function writeResponse(res: ServerResponse, r: ApiResponse): void {
  const text = typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
  res.writeHead(r.status, { ...r.headers, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export class KubeGateway {
  private client: Client;
  private streams = new Map<string, (events: WatchEventWire[], end: boolean) => void>();
  private nextWatch = 0;

  constructor(relay: Relay) {
    this.client = relay.client('kubectl');
    this.client.onMessage((env) => {
      if (env.kind !== 'api.watch.event') return;
      const p = env.payload as { watchId: string; events: WatchEventWire[]; end?: boolean };
      this.streams.get(p.watchId)?.(p.events, p.end === true);
    });
  }

  /** Resolves once kube-apiserver answers (it queues requests until its caches are primed). */
  async ready(): Promise<void> {
    await this.client.request(
      'kube-apiserver',
      'api.get',
      { method: 'GET', path: '/readyz', query: {}, headers: {} },
      'GET /readyz',
    );
  }

  private hooked = new WeakSet<Server>();

  /**
   * kubectl exec upgrades its connection to a WebSocket (exec-stream.ts), which Node's HTTP server
   * hands to its `upgrade` listeners. The listener is attached on the first request through the
   * gateway: kubectl always reads the pod before it asks for an exec.
   */
  private hookUpgrades(req: IncomingMessage): void {
    const server = (req.socket as unknown as { server?: Server }).server;
    if (!server || this.hooked.has(server)) return;
    this.hooked.add(server);
    server.on('upgrade', (r: IncomingMessage, socket) => {
      serveUpgrade(this.client, r, socket).catch(() => socket.destroy());
    });
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    this.hookUpgrades(req);
    if (!METHODS.has(req.method ?? '')) {
      sendText(res, 405, `405: method ${req.method ?? ''} is not allowed\n`);
      return;
    }
    let body: string | undefined;
    try {
      // Protobuf bodies are binary: carried as a byte string (one char per byte).
      const binary = (req.headers['content-type'] ?? '').startsWith('application/vnd.kubernetes.protobuf');
      body = (await readBody(req, BODY_LIMIT)).toString(binary ? 'latin1' : 'utf8');
    } catch (e) {
      if (e instanceof BodyTooLarge) {
        writeResponse(res, {
          status: 413,
          headers: { 'content-type': 'application/json' },
          body: {
            kind: 'Status',
            apiVersion: 'v1',
            metadata: {},
            status: 'Failure',
            message: 'Request entity too large: limit is 3145728',
            reason: 'RequestEntityTooLarge',
            code: 413,
          },
        });
        return;
      }
      throw e;
    }
    const apiReq = toApiRequest(req, url, body);
    if (isWatch(apiReq) && apiReq.method === 'GET') {
      await this.watch(apiReq, req, res);
      return;
    }
    const reply = await this.client.request<ApiResponse>('kube-apiserver', apiKind(apiReq), apiReq, apiSummary(apiReq));
    writeResponse(res, reply.payload);
  }

  private async watch(apiReq: ApiRequest, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const watchId = `http-${++this.nextWatch}`;
    apiReq.watchId = watchId;
    let open = true;
    const pending: [WatchEventWire[], boolean][] = [];
    let started = false;
    const write = (events: WatchEventWire[], end: boolean) => {
      if (!open) return;
      for (const e of events) res.write(`${JSON.stringify(e)}\n`);
      if (end) {
        open = false;
        this.streams.delete(watchId);
        res.end();
      }
    };
    this.streams.set(watchId, (events, end) => (started ? write(events, end) : pending.push([events, end])));
    req.on('close', () => {
      if (!open) return;
      open = false;
      this.streams.delete(watchId);
      this.client.send('kube-apiserver', 'api.watch.cancel', { watchId }, `cancel watch ${watchId}`);
    });
    const reply = await this.client.request<ApiResponse>('kube-apiserver', 'api.watch', apiReq, apiSummary(apiReq));
    if (reply.payload.status !== 200) {
      this.streams.delete(watchId);
      writeResponse(res, reply.payload);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    // Send the headers now: a client waiting on a quiet watch must know it has started.
    res.flushHeaders();
    started = true;
    for (const [events, end] of pending.splice(0)) write(events, end);
  }
}
