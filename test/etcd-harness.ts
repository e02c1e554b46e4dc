/**
 * Test harness shared by the etcd conformance tests: starts a real etcd (random loopback ports,
 * temporary data directory) and the simulated one (the headless runner with `--only etcd`), and
 * talks to either through the v3 JSON gateway: unary POSTs and streaming watches.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, type ClientRequest, type IncomingMessage, request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ETCD_BIN = '/usr/bin/etcd';
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface Server {
  name: string;
  url: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Keeps the last lines a child printed, for error messages. */
function tail(child: ChildProcess): () => string {
  let buf = '';
  const add = (d: Buffer) => {
    buf = (buf + d.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', add);
  child.stderr?.on('data', add);
  return () => buf;
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Starts `etcd` on free loopback ports with a fresh data directory (on tmpfs when there is one). */
export async function startRealEtcd(): Promise<Server> {
  const base = process.platform === 'linux' ? '/dev/shm' : tmpdir();
  let dir: string;
  try {
    dir = mkdtempSync(join(base, 'wheelhouse-etcd-'));
  } catch {
    dir = mkdtempSync(join(tmpdir(), 'wheelhouse-etcd-'));
  }
  // Two ports picked at once can still collide with another process; retry a few times.
  for (let attempt = 0; ; attempt++) {
    const client = await freePort();
    const peer = await freePort();
    const url = `http://127.0.0.1:${client}`;
    const peerUrl = `http://127.0.0.1:${peer}`;
    const child = spawn(
      ETCD_BIN,
      [
        '--name',
        'default',
        '--data-dir',
        join(dir, `data-${attempt}`),
        '--listen-client-urls',
        url,
        '--advertise-client-urls',
        url,
        '--listen-peer-urls',
        peerUrl,
        '--initial-advertise-peer-urls',
        peerUrl,
        '--initial-cluster',
        `default=${peerUrl}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const out = tail(child);
    const ready = await waitReady(url, child, 20_000);
    if (ready) {
      return {
        name: 'etcd',
        url,
        stop: async () => {
          await stopChild(child);
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    await stopChild(child);
    if (attempt >= 2) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`etcd did not start:\n${out()}`);
    }
  }
}

async function waitReady(url: string, child: ChildProcess, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) return false;
    try {
      const r = await post({ name: 'etcd', url, stop: async () => {} }, '/v3/kv/range', '{"key":"AA=="}');
      if (r.status === 200) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/** Starts the headless runner with only etcd, and waits for its "etcd at <url>" line. */
export function startSimEtcd(): Promise<Server> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/headless/serve.ts', '--port', '0', '--etcd-port', '0', '--only', 'etcd', '--speed', 'max'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const out = tail(child);
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => {
      void stopChild(child);
      reject(new Error(`the headless runner did not print its etcd address in 30 s:\n${out()}`));
    }, 30_000);
    child.stdout?.on('data', (d: Buffer) => {
      seen += d.toString('utf8');
      const m = /etcd at (http:\/\/\S+)/.exec(seen);
      if (!m) return;
      clearTimeout(timer);
      seen = '';
      child.stdout?.removeAllListeners('data');
      child.stdout?.resume();
      resolve({ name: 'simulated etcd', url: m[1] as string, stop: () => stopChild(child) });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the headless runner exited (${code}) before serving etcd:\n${out()}`));
    });
  });
}

export interface Reply {
  status: number;
  /** The parsed body, or the raw text when it is not JSON. */
  body: unknown;
}

/** Keep-alive connections: much faster than fetch for many small requests in a row. */
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function send(url: string, body: string): { req: ClientRequest; res: Promise<IncomingMessage> } {
  const u = new URL(url);
  let req!: ClientRequest;
  const res = new Promise<IncomingMessage>((resolve, reject) => {
    req = request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: 'POST',
        agent,
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
      },
      resolve,
    );
    req.on('error', reject);
  });
  req.end(body);
  return { req, res };
}

export async function post(server: Server, path: string, body: string): Promise<Reply> {
  const res = await send(`${server.url}${path}`, body).res;
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status: res.statusCode ?? 0, body: parsed };
}

/** A streaming POST /v3/watch: collects the newline-delimited JSON messages as they arrive. */
export class WatchStream {
  readonly lines: unknown[] = [];
  status = 0;
  private last = Date.now();
  private closed = false;
  private req: ClientRequest;
  private done: Promise<void>;

  constructor(server: Server, body: string) {
    const { req, res } = send(`${server.url}/v3/watch`, body);
    this.req = req;
    this.done = this.pump(res).catch((e: unknown) => {
      if (!this.closed) this.lines.push({ streamError: String(e) });
    });
  }

  private async pump(response: Promise<IncomingMessage>): Promise<void> {
    const res = await response;
    this.status = res.statusCode ?? 0;
    this.last = Date.now();
    let buf = '';
    res.setEncoding('utf8');
    for await (const chunk of res) {
      buf += chunk as string;
      let nl = buf.indexOf('\n');
      while (nl >= 0) {
        this.take(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
        nl = buf.indexOf('\n');
      }
    }
    this.take(buf);
  }

  /** One message of the stream (an error answer has no newline after it). */
  private take(text: string): void {
    const line = text.trim();
    if (!line) return;
    let parsed: unknown = line;
    try {
      parsed = JSON.parse(line);
    } catch {
      // keep the text
    }
    this.lines.push(parsed);
    this.last = Date.now();
  }

  /** Milliseconds since the last message (or since the response started). */
  quietFor(): number {
    return Date.now() - this.last;
  }

  /** Waits until at least `min` messages arrived and none arrived for `quietMs` (at most `maxMs`). */
  async settle(min: number, quietMs: number, maxMs = 5000): Promise<void> {
    const start = Date.now();
    for (;;) {
      const now = Date.now();
      if (this.lines.length >= min && now - this.last >= quietMs) return;
      if (now - start > maxMs) return;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.req.destroy();
    await this.done;
  }
}

// ---- comparing responses ---------------------------------------------------------------------------

const MEMBER_FIELDS = new Set(['cluster_id', 'member_id', 'raft_term']);

/** Drops the fields that differ between any two clusters (cluster_id, member_id, raft_term), wherever they are. */
export function stripMemberFields(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripMemberFields);
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (!MEMBER_FIELDS.has(k)) o[k] = stripMemberFields(x);
    return o;
  }
  return v;
}

/** The path to the first place where a and b differ, or null when they are deep-equal. */
export function firstDiff(a: unknown, b: unknown, path = '$'): string | null {
  if (Object.is(a, b)) return null;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (i >= a.length || i >= b.length) return `${path}[${i}] (lengths ${a.length} vs ${b.length})`;
      const d = firstDiff(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of [...keys].sort()) {
      const x = (a as Record<string, unknown>)[k];
      const y = (b as Record<string, unknown>)[k];
      if (x === undefined || y === undefined) return `${path}.${k} (only in ${x === undefined ? 'second' : 'first'})`;
      const d = firstDiff(x, y, `${path}.${k}`);
      if (d) return d;
    }
    return null;
  }
  return path;
}

/** A byte string (one char per byte) as base64, as the gateway carries bytes. */
export const b64 = (s: string): string => Buffer.from(s, 'latin1').toString('base64');

/** Base64 back to a readable byte string (control and high bytes escaped), for reports. */
export function showBytes(b: string): string {
  const s = Buffer.from(b, 'base64').toString('latin1');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: escaping control bytes is the point
  const shown = s.replace(/[\x00-\x1f\x7f-\xff"\\]/g, (c) =>
    c === '"' || c === '\\' ? `\\${c}` : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
  return `"${shown}"`;
}
