/** Per-invocation state: IO, output buffers, namespace, discovery, and request helpers. */
import type { ApiRequest, ApiResponse, HttpMethod, KObject, Status } from '../api/types.ts';
import { CommandError, StatusError } from '../printers/errors.ts';
import { discover, type RESTMapper } from './discovery.ts';
import type { KubectlIO, WatchEvent, WatchHandle } from './types.ts';

export const KUBECTL_VERSION = 'v1.32.4';
export const USER_AGENT = `kubectl/${KUBECTL_VERSION} (linux/amd64) kubernetes/59526cd`;

function isStatus(body: unknown): body is Status {
  return typeof body === 'object' && body !== null && (body as { kind?: string }).kind === 'Status';
}

/** The error client-go builds for a non-2xx response. */
export function errorFromResponse(r: ApiResponse, _method?: HttpMethod): StatusError {
  if (isStatus(r.body) && r.body.status === 'Failure') return new StatusError(r.body);
  // No Status body: client-go's newUnstructuredResponseError.
  const reasons: Record<number, [string, string]> = {
    400: ['BadRequest', 'the server rejected our request for an unknown reason'],
    401: ['Unauthorized', 'the server has asked for the client to provide credentials'],
    403: ['Forbidden', 'the server does not allow access to the requested resource'],
    404: ['NotFound', 'the server could not find the requested resource'],
    405: ['MethodNotAllowed', 'the server does not allow this method on the requested resource'],
    409: ['Conflict', 'the server reported a conflict'],
    410: ['Expired', 'the server could not find the requested resource'],
    422: ['Invalid', 'the server rejected our request due to an error in our request'],
    429: ['TooManyRequests', 'the server has received too many requests and has asked us to try again later'],
    500: ['InternalError', 'an error on the server has prevented the request from succeeding'],
    503: ['ServiceUnavailable', 'the server is currently unable to handle the request'],
    504: [
      'Timeout',
      'the server was unable to return a response in the time allotted, but may still be processing the request',
    ],
  };
  const [reason, message] = reasons[r.status] ?? [
    '',
    `an error on the server ("${typeof r.body === 'string' ? r.body : ''}") has prevented the request from succeeding`,
  ];
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code: r.status,
  });
}

export class Ctx {
  private out: string[] = [];
  private err: string[] = [];
  private mapperP: Promise<RESTMapper> | undefined;
  /** The namespace to use (-n, else the context's, else `default`). */
  namespace: string;
  /** Whether -n was given. */
  explicitNamespace = false;
  private nextWatch = 0;

  constructor(
    readonly io: KubectlIO,
    readonly command: string,
  ) {
    this.namespace = io.namespace || 'default';
  }

  print(s: string): void {
    if (s === '') return;
    this.out.push(s);
    this.io.onStdout?.(s);
  }

  printErr(s: string): void {
    if (s === '') return;
    this.err.push(s);
    this.io.onStderr?.(s);
  }

  /** `Warning: ...` lines, as client-go's warning handler prints server warnings. */
  warn(s: string): void {
    this.printErr(`Warning: ${s}\n`);
  }

  stdout(): string {
    return this.out.join('');
  }

  stderr(): string {
    return this.err.join('');
  }

  now(): number {
    return this.io.now();
  }

  mapper(): Promise<RESTMapper> {
    this.mapperP ??= discover(this).then((m) => {
      m.onWarning = (msg) => this.warn(msg);
      return m;
    });
    return this.mapperP;
  }

  /** Sends a request as is, adding kubectl's User-Agent. */
  async send(req: ApiRequest): Promise<ApiResponse> {
    const r = await this.io.request({
      ...req,
      query: sortedQuery(req.query),
      headers: { ...req.headers, 'user-agent': USER_AGENT },
    });
    const warning = r.headers.warning;
    if (warning) for (const w of warning.split(/\n/)) if (w.trim()) this.warn(w.replace(/^299 - "?|"$/g, ''));
    return r;
  }

  /** Sends a request and throws the Status error for a non-2xx response. */
  async call(
    method: HttpMethod,
    path: string,
    opts: { query?: Record<string, string>; body?: unknown; contentType?: string | null; accept?: string } = {},
  ): Promise<ApiResponse> {
    const headers: Record<string, string> = { accept: opts.accept ?? 'application/json' };
    const req: ApiRequest = { method, path, query: opts.query ?? {}, headers };
    if (opts.body !== undefined) {
      // null: send no Content-Type (client-go's scale client does that; the server assumes JSON).
      if (opts.contentType !== null) headers['content-type'] = opts.contentType ?? 'application/json';
      req.body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    }
    const r = await this.send(req);
    if (r.status < 200 || r.status > 299) throw errorFromResponse(r, method);
    return r;
  }

  async getJSON<T = KObject>(path: string, query: Record<string, string> = {}, accept?: string): Promise<T> {
    const opts: { query: Record<string, string>; accept?: string } = { query };
    if (accept) opts.accept = accept;
    return (await this.call('GET', path, opts)).body as T;
  }

  /** Opens a watch through io.watch; resolves the handle and an async iterator of events. */
  watch(path: string, query: Record<string, string>, accept = 'application/json'): WatchStream {
    if (!this.io.watch) throw new CommandError('watch is not available in this console');
    const stream = new WatchStream();
    const req: ApiRequest = {
      method: 'GET',
      path,
      query: sortedQuery({ ...query, watch: 'true' }),
      headers: { accept, 'user-agent': USER_AGENT },
      watchId: `kubectl-${this.now()}-${++this.nextWatch}`,
    };
    stream.handle = this.io.watch(
      req,
      (e) => stream.push(e),
      (err) => stream.close(err),
    );
    return stream;
  }
}

/** Watch events as an async queue, ending when the server closes the stream or on stop(). */
export class WatchStream {
  handle: WatchHandle | undefined;
  private queue: WatchEvent[] = [];
  private waiters: ((v: IteratorResult<WatchEvent>) => void)[] = [];
  private closed = false;
  error: unknown;

  push(e: WatchEvent): void {
    if (this.closed) return;
    const w = this.waiters.shift();
    if (w) w({ value: e, done: false });
    else this.queue.push(e);
  }

  close(err?: unknown): void {
    if (this.closed) return;
    this.closed = true;
    this.error = err;
    for (const w of this.waiters.splice(0)) w({ value: undefined, done: true });
  }

  stop(): void {
    this.handle?.stop();
    this.close();
  }

  next(): Promise<IteratorResult<WatchEvent>> {
    const e = this.queue.shift();
    if (e) return Promise.resolve({ value: e, done: false });
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
    return { next: () => this.next() };
  }
}

/** client-go encodes query parameters with url.Values.Encode, which sorts them by key. */
export function sortedQuery(query: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(query).sort()) out[k] = query[k] as string;
  return out;
}
