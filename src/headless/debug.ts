/** The headless runner's debug endpoints: trace, topology and clock. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { iptablesSave } from '../../workers/kube-proxy/iptables.ts';
import { lastIptablesSync, type NodeTool, nodeToolOutput } from '../../workers/kube-proxy/node-views.ts';
import { latestSchedulingDecision } from '../../workers/kube-scheduler/decisions.ts';
import type { Relay } from '../machinery/bus/relay.ts';
import type { Cluster } from '../machinery/cluster/cluster.ts';
import { applyFault, type Fault, FaultError, parseState } from '../machinery/cluster/faults.ts';
import { handlePacketDebug } from './debug-packet.ts';
import { readBody, sendJson, sendText } from './http.ts';

export async function handleDebug(
  relay: Relay,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  cluster?: Pick<Cluster, 'addNode' | 'removeNode'>,
): Promise<boolean> {
  const path = url.pathname;
  if (cluster && path === '/debug/nodes' && req.method === 'POST') {
    try {
      const name = await cluster.addNode();
      sendJson(res, 201, { ok: `node ${name} added`, name });
    } catch (e) {
      sendJson(res, 400, { error: (e as Error).message });
    }
    return true;
  }
  const removing = /^\/debug\/nodes\/([^/]+)$/.exec(path);
  if (cluster && removing && req.method === 'DELETE') {
    try {
      await cluster.removeNode(decodeURIComponent(removing[1] ?? ''));
      sendJson(res, 200, { ok: `node ${removing[1]} removed` });
    } catch (e) {
      sendJson(res, e instanceof FaultError ? 404 : 400, { error: (e as Error).message });
    }
    return true;
  }
  if (path === '/debug/trace' && req.method === 'GET') {
    const sinceRaw = url.searchParams.get('since') ?? '-1';
    if (!/^-?\d+$/.test(sinceRaw)) {
      sendJson(res, 400, { error: `since must be an integer sequence number, got "${sinceRaw}"` });
      return true;
    }
    const since = Number(sinceRaw);
    const records = relay.trace.since(since);
    const dropped = relay.trace.first > since + 1 && since >= 0;
    res.writeHead(200, {
      'Content-Type': 'application/x-ndjson',
      'X-Trace-First': String(relay.trace.first),
      'X-Trace-Last': String(relay.trace.last),
      'X-Trace-Dropped': String(dropped),
    });
    for (const r of records) res.write(`${JSON.stringify(r)}\n`);
    res.end();
    return true;
  }
  if (path === '/debug/topology' && req.method === 'GET') {
    sendJson(res, 200, { now: relay.now, mode: relay.mode, hosts: relay.topology, stats: relay.stats });
    return true;
  }
  if (path === '/debug/clock' && req.method === 'POST') {
    let body: { action?: string; speed?: number | 'max'; ms?: number };
    try {
      body = JSON.parse((await readBody(req, 4096)).toString('utf8') || '{}');
    } catch (e) {
      sendJson(res, 400, { error: `malformed JSON: ${(e as Error).message}` });
      return true;
    }
    switch (body.action) {
      case 'pause':
        relay.setSpeed({ mode: 'paused' });
        break;
      case 'resume':
      case 'speed': {
        const s = body.speed ?? 1;
        if (s === 'max') relay.setSpeed({ mode: 'max' });
        else if (typeof s === 'number' && s > 0) relay.setSpeed({ mode: 'realtime', factor: s });
        else {
          sendJson(res, 400, { error: `speed must be "max" or a positive number, got ${JSON.stringify(s)}` });
          return true;
        }
        break;
      }
      case 'advance': {
        const ms = body.ms;
        if (typeof ms !== 'number' || ms < 0) {
          sendJson(res, 400, { error: 'advance needs "ms": a non-negative number of simulated milliseconds' });
          return true;
        }
        await relay.advance(ms);
        break;
      }
      case 'step':
        await relay.step();
        break;
      default:
        sendJson(res, 400, {
          error: `action must be pause, resume, speed, advance or step, got ${JSON.stringify(body.action)}`,
        });
        return true;
    }
    sendJson(res, 200, { now: relay.now, mode: relay.mode });
    return true;
  }
  const sched = /^\/debug\/scheduler\/pods\/([^/]+)\/([^/]+)$/.exec(path);
  if (sched && req.method === 'GET') {
    const ns = decodeURIComponent(sched[1] ?? '');
    const name = decodeURIComponent(sched[2] ?? '');
    const d = latestSchedulingDecision(relay.trace.since(-1), ns, name);
    if (!d) sendJson(res, 404, { error: `no scheduling decision for pod ${ns}/${name} in the trace` });
    else sendJson(res, 200, d);
    return true;
  }
  const rules = /^\/debug\/nodes\/([^/]+)\/iptables-save$/.exec(path);
  if (rules && req.method === 'GET') {
    const node = decodeURIComponent(rules[1] ?? '');
    // The node's kube-proxy announces every sync in the trace with the complete ruleset.
    const last = lastIptablesSync(relay.trace, node);
    if (!last?.ruleset) {
      sendText(
        res,
        404,
        `no iptables sync from kube-proxy on node "${node}" in the trace (is it a node, and running in iptables mode?)\n`,
      );
      return true;
    }
    sendText(res, 200, iptablesSave(last.ruleset, { date: epochOf(relay) + relay.now }));
    return true;
  }
  // IPVS mode's tools on a node: `ipvsadm -Ln` (`?stats` for --stats), `ipset list`, `ip addr show kube-ipvs0`.
  const ipvsTool = /^\/debug\/nodes\/([^/]+)\/(ipvsadm|ipset|kube-ipvs0)$/.exec(path);
  if (ipvsTool && req.method === 'GET') {
    const tool = ipvsTool[2] === 'ipvsadm' && url.searchParams.has('stats') ? 'ipvsadm-stats' : ipvsTool[2];
    const out = nodeToolOutput(relay.trace.since(-1), decodeURIComponent(ipvsTool[1] ?? ''), tool as NodeTool);
    sendText(res, out.status, out.text);
    return true;
  }
  if (path === '/debug/packet' && req.method === 'POST') {
    await handlePacketDebug(relay, req, res);
    return true;
  }
  const fault = /^\/debug\/(?:nodes\/([^/]+)(\/kubelet)?|components\/([^/]+))$/.exec(path);
  if (fault && req.method === 'POST') {
    let body: { state?: unknown };
    try {
      body = JSON.parse((await readBody(req, 4096)).toString('utf8') || '{}');
    } catch (e) {
      sendJson(res, 400, { error: `malformed JSON: ${(e as Error).message}` });
      return true;
    }
    try {
      const state = parseState(body.state);
      const f: Fault = fault[3]
        ? { kind: 'component', component: decodeURIComponent(fault[3]), state }
        : fault[2]
          ? { kind: 'kubelet', node: decodeURIComponent(fault[1] ?? ''), state }
          : { kind: 'node', node: decodeURIComponent(fault[1] ?? ''), state };
      const what = await applyFault(relay, f);
      sendJson(res, 200, { ok: what, now: relay.now });
    } catch (e) {
      if (!(e instanceof FaultError)) throw e;
      sendJson(res, e.message.startsWith('no ') ? 404 : 400, { error: e.message });
    }
    return true;
  }
  if (path.startsWith('/debug/')) {
    sendText(res, 404, `no debug endpoint ${req.method ?? ''} ${path}\n`);
    return true;
  }
  return false;
}

/** The epoch of simulated time 0, as the runner set it (Date.now() at boot). */
let epochMs = 0;
export function setEpoch(ms: number): void {
  epochMs = ms;
}
function epochOf(_relay: Relay): number {
  return epochMs;
}
