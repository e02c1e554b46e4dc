/**
 * `kubectl exec` over WebSocket, as kube-apiserver serves it to kubectl ≥ 1.30: the client asks
 * for an upgrade of GET …/pods/NAME/exec?command=…&container=…&stdout=true&stderr=true with the
 * subprotocols v5.channel.k8s.io and v4.channel.k8s.io (and older ones); the server answers 101,
 * then sends binary messages whose first byte is the channel: 1 stdout, 2 stderr, 3 the final
 * Status as JSON (`{"metadata":{},"status":"Success"}`, or Failure with reason NonZeroExitCode and
 * an ExitCode cause, from which kubectl takes its own exit code), and closes. In v5 the client may
 * also send [255, channel] to close one of its streams.
 *
 * The simulation does not stream: the command runs to its end in the cluster (kubelet → runtime)
 * and its output is sent at once. Errors before the stream opens (no such pod, container not
 * running, stdin/tty asked for) are plain HTTP errors with a Status body, as the kubelet answers.
 * SPDY (what kubectl falls back to) is answered with such an error.
 *
 * RFC 6455 framing, server side: frames to the client unmasked, frames from the client masked.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { apiKind, apiSummary } from '../machinery/api/request-info.ts';
import type { ApiRequest, ApiResponse } from '../machinery/api/types.ts';
import type { Client } from '../machinery/bus/relay.ts';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
const EXEC_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec$/;

/** One WebSocket frame from server to client. */
export function frame(opcode: number, payload: Buffer): Buffer {
  const n = payload.length;
  let head: Buffer;
  if (n < 126) head = Buffer.from([0x80 | opcode, n]);
  else if (n < 65536) {
    head = Buffer.alloc(4);
    head[0] = 0x80 | opcode;
    head[1] = 126;
    head.writeUInt16BE(n, 2);
  } else {
    head = Buffer.alloc(10);
    head[0] = 0x80 | opcode;
    head[1] = 127;
    head.writeBigUInt64BE(BigInt(n), 2);
  }
  return Buffer.concat([head, payload]);
}

/** Complete frames at the start of `buf` (client frames, masked); the rest stays for later. */
export function readFrames(buf: Buffer): { frames: { opcode: number; payload: Buffer }[]; rest: Buffer } {
  const frames: { opcode: number; payload: Buffer }[] = [];
  let off = 0;
  for (;;) {
    if (buf.length - off < 2) break;
    const b0 = buf[off] as number;
    const b1 = buf[off + 1] as number;
    let len = b1 & 0x7f;
    let p = off + 2;
    if (len === 126) {
      if (buf.length - p < 2) break;
      len = buf.readUInt16BE(p);
      p += 2;
    } else if (len === 127) {
      if (buf.length - p < 8) break;
      len = Number(buf.readBigUInt64BE(p));
      p += 8;
    }
    const masked = (b1 & 0x80) !== 0;
    const maskLen = masked ? 4 : 0;
    if (buf.length - p < maskLen + len) break;
    const mask = masked ? buf.subarray(p, p + 4) : undefined;
    p += maskLen;
    const payload = Buffer.from(buf.subarray(p, p + len));
    if (mask) for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] as number) ^ (mask[i % 4] as number);
    frames.push({ opcode: b0 & 0x0f, payload });
    off = p + len;
  }
  return { frames, rest: buf.subarray(off) };
}

/**
 * Errors the kubelet gave a WebSocket exec, by URL, for a few seconds: kubectl retries a failed
 * WebSocket upgrade over SPDY, and that retry must fail with the same message (without running
 * the command a second time).
 */
const recentErrors = new Map<string, { status: number; text: string; type: string; until: number }>();

/**
 * The kubelet's error as it writes it: the message as plain text (kubectl: "unable to upgrade
 * connection: …"); a 400 stays a Status, which kubectl prints as "Error from server (BadRequest)".
 */
function errorText(body: unknown, code: number): string {
  if (typeof body === 'string') return body;
  if (code === 400) return JSON.stringify(body);
  const m = (body as { message?: string } | null)?.message;
  return m !== undefined ? `${m}\n` : JSON.stringify(body);
}

function httpError(socket: Duplex, status: number, body: unknown, type = 'application/json'): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const reason =
    { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error' }[status] ?? 'Error';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
  );
}

function status(code: number, reason: string, message: string) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

/** Serves one upgrade request (the HTTP server's `upgrade` event). */
export async function serveUpgrade(client: Client, req: IncomingMessage, socket: Duplex): Promise<void> {
  socket.on('error', () => socket.destroy());
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const upgrade = String(req.headers.upgrade ?? '').toLowerCase();
  if (!EXEC_PATH.test(url.pathname)) {
    httpError(
      socket,
      400,
      status(400, 'BadRequest', `upgrade of ${url.pathname} is not supported by this simulation (only pods/exec)`),
    );
    return;
  }
  const remembered = recentErrors.get(req.url ?? '');
  if (remembered && remembered.until > Date.now()) {
    httpError(socket, remembered.status, remembered.text, remembered.type);
    return;
  }
  if (upgrade !== 'websocket') {
    httpError(
      socket,
      400,
      status(
        400,
        'BadRequest',
        `${upgrade || 'this'} upgrade is not supported: exec is served over WebSocket (kubectl 1.30 or later)`,
      ),
    );
    return;
  }
  const offered = String(req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((s) => s.trim());
  const protocol = offered.find((p) => PROTOCOLS.includes(p));
  const key = req.headers['sec-websocket-key'];
  if (!protocol || typeof key !== 'string') {
    httpError(
      socket,
      400,
      status(
        400,
        'BadRequest',
        `no supported subprotocol among [${offered.join(', ')}]; want one of ${PROTOCOLS.join(', ')}`,
      ),
    );
    return;
  }
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = v;
  const command = url.searchParams.getAll('command');
  query.command = command.join(' ');
  const apiReq: ApiRequest = {
    method: 'GET',
    path: decodeURI(url.pathname),
    query,
    headers: { accept: '*/*', 'user-agent': String(req.headers['user-agent'] ?? 'kubectl') },
    body: JSON.stringify({ command }),
  };
  // Frames from the client: stdin (ignored: not asked for), v5 close signals, ping, close.
  let buf = Buffer.alloc(0);
  let closed = false;
  socket.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    const r = readFrames(buf);
    buf = Buffer.from(r.rest);
    for (const f of r.frames) {
      if (f.opcode === 0x9) socket.write(frame(0xa, f.payload));
      else if (f.opcode === 0x8) {
        if (!closed) socket.write(frame(0x8, f.payload.subarray(0, 2)));
        closed = true;
        socket.end();
      }
    }
  });
  socket.on('close', () => {
    closed = true;
  });
  const reply = await client.request<ApiResponse>('kube-apiserver', apiKind(apiReq), apiReq, apiSummary(apiReq));
  const r = reply.payload;
  if (closed) return;
  if (r.status !== 200) {
    const text = errorText(r.body, r.status);
    const type = r.status === 400 ? 'application/json' : 'text/plain; charset=utf-8';
    recentErrors.set(req.url ?? '', { status: r.status, text, type, until: Date.now() + 10_000 });
    for (const [k, v] of recentErrors) if (v.until <= Date.now()) recentErrors.delete(k);
    httpError(socket, r.status, text, type);
    return;
  }
  const body = r.body as { stdout?: string; stderr?: string; status?: unknown };
  const accept = createHash('sha1')
    .update(key + GUID)
    .digest('base64');
  const chunks: Buffer[] = [
    Buffer.from(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\nSec-WebSocket-Protocol: ${protocol}\r\n\r\n`,
    ),
  ];
  const channel = (n: number, data: string) => frame(0x2, Buffer.concat([Buffer.from([n]), Buffer.from(data, 'utf8')]));
  if (query.stdout !== 'false' && body.stdout) chunks.push(channel(1, body.stdout));
  if (query.stderr !== 'false' && body.stderr) chunks.push(channel(2, body.stderr));
  chunks.push(channel(3, JSON.stringify(body.status ?? { metadata: {}, status: 'Success' })));
  // Normal closure (1000).
  chunks.push(frame(0x8, Buffer.from([0x03, 0xe8])));
  closed = true;
  socket.end(Buffer.concat(chunks));
}
