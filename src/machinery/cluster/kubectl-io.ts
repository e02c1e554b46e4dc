/**
 * Connects the project's kubectl to a cluster's relay: requests go on the bus as `kubectl` (the
 * user), watches stream `api.watch.event` back. The same adapter serves the browser console,
 * scenario steps and tests; whoever calls it decides how the clock runs meanwhile.
 */
import { apiKind, apiSummary } from '../api/request-info.ts';
import { DEFAULT_EPOCH } from '../api/time.ts';
import type { ApiRequest, ApiResponse, WatchEventWire } from '../api/types.ts';
import type { Relay } from '../bus/relay.ts';
import type { KubectlCache, KubectlIO, WatchEvent } from '../kubectl/types.ts';

export function kubectlIO(
  relay: Relay,
  /** `watchPrefix` names this session's watches (two sessions on one bus must not share names). */
  opts: { epoch?: number; cache?: KubectlCache; namespace?: string; watchPrefix?: string } = {},
): KubectlIO {
  const client = relay.client('kubectl');
  const streams = new Map<string, { onEvent: (e: WatchEvent) => void; onClose?: (err?: unknown) => void }>();
  let next = 0;
  client.onMessage((env) => {
    if (env.kind !== 'api.watch.event') return;
    const p = env.payload as { watchId: string; events: WatchEventWire[]; end?: boolean };
    const s = streams.get(p.watchId);
    if (!s) return;
    for (const e of p.events) s.onEvent({ type: e.type, object: e.object });
    if (p.end) {
      streams.delete(p.watchId);
      s.onClose?.();
    }
  });
  const epoch = opts.epoch ?? DEFAULT_EPOCH;
  const io: KubectlIO = {
    async request(req: ApiRequest): Promise<ApiResponse> {
      req.headers['user-agent'] ??= 'kubectl/v1.33.1 (linux/amd64) kubernetes/8adc0f0';
      const r = await client.request<ApiResponse>('kube-apiserver', apiKind(req), req, apiSummary(req));
      return r.payload;
    },
    watch(req, onEvent, onClose) {
      const watchId = `${opts.watchPrefix ?? 'kubectl'}-${++next}`;
      const entry: { onEvent: (e: WatchEvent) => void; onClose?: (err?: unknown) => void } = { onEvent };
      if (onClose) entry.onClose = onClose;
      streams.set(watchId, entry);
      const r: ApiRequest = {
        ...req,
        headers: { 'user-agent': 'kubectl/v1.33.1 (linux/amd64) kubernetes/8adc0f0', ...req.headers },
        watchId,
      };
      void client.request<ApiResponse>('kube-apiserver', 'api.watch', r, apiSummary(r)).then((reply) => {
        if (reply.payload.status !== 200) {
          streams.delete(watchId);
          onClose?.(reply.payload.body);
        }
      });
      return {
        stop() {
          if (streams.delete(watchId))
            client.send('kube-apiserver', 'api.watch.cancel', { watchId }, `cancel watch ${watchId}`);
        },
      };
    },
    now: () => epoch + relay.now,
    server: 'https://127.0.0.1:6443',
  };
  if (opts.cache) io.cache = opts.cache;
  if (opts.namespace) io.namespace = opts.namespace;
  return io;
}
