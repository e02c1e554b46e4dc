/**
 * The headless runner: boots the cluster's components in Node worker_threads behind the relay and
 * serves etcd's JSON gateway (--etcd-port) and the debug endpoints (--port) on 127.0.0.1 until
 * SIGINT or SIGTERM.
 *
 *   npm run serve -- [--port 6443] [--etcd-port 2379] [--seed N] [--speed max|<factor>]
 *                    [--nodes N | --config kind.yaml] [--only etcd] [--proxy-mode iptables|ipvs]
 */

import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { registry } from '../../workers/registry.ts';
import { bootCluster } from '../machinery/cluster/cluster.ts';
import { KindConfigError, parseKindConfig } from '../machinery/cluster/kind-config.ts';
import { ArgError, parseServeArgs } from './args.ts';
import { handleDebug, setEpoch } from './debug.ts';
import { EtcdGateway } from './etcd-gateway.ts';
import { sendText } from './http.ts';
import { KubeGateway } from './kube-gateway.ts';
import { threadLink } from './threads.ts';

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

async function main(): Promise<void> {
  let args: ReturnType<typeof parseServeArgs>;
  try {
    args = parseServeArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof ArgError) {
      process.stderr.write(`error: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const epoch = Date.now();
  setEpoch(epoch);
  const cluster = await bootCluster(
    // Simulated time 0 is now, so real kubectl's AGE column reads true.
    {
      workers: args.workers,
      ...(args.config ? parseKindConfig(readFileSync(args.config, 'utf8'), args.config) : {}),
      seed: args.seed,
      epoch,
      ...(args.only ? { only: args.only } : {}),
      ...(args.proxyMode ? { proxyMode: args.proxyMode } : {}),
    },
    (plan) => threadLink(plan.name),
    registry,
  );
  const relay = cluster.relay;
  // Booting took real time: bring the simulated clock level with the wall clock, so timestamps
  // (and real kubectl's AGE column) read true.
  await relay.advance(Math.max(0, Date.now() - epoch));
  relay.setSpeed(args.speed === 'max' ? { mode: 'max' } : { mode: 'realtime', factor: args.speed });
  relay.start();

  const gateway = new EtcdGateway(relay);
  const etcdServer = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (gateway.handles(url.pathname)) {
      gateway.handle(req, res, url.pathname).catch((e: unknown) => {
        if (!res.headersSent) sendText(res, 500, `internal error: ${(e as Error).message}\n`);
        else res.end();
      });
    } else sendText(res, 404, 'Not Found\n');
  });
  const hasApi = cluster.hosts.some((h) => h.name === 'kube-apiserver');
  const kube = hasApi ? new KubeGateway(relay) : undefined;
  const apiServer = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    handleDebug(relay, req, res, url, cluster)
      .then(async (handled) => {
        if (handled) return;
        if (kube) await kube.handle(req, res, url);
        else sendText(res, 404, `${url.pathname}: this cluster runs etcd only (--only etcd)\n`);
      })
      .catch((e: unknown) => {
        if (!res.headersSent) sendText(res, 500, `internal error: ${(e as Error).message}\n`);
        else res.end();
      });
  });
  const etcdPort = await listen(etcdServer, args.etcdPort);
  process.stdout.write(`etcd at http://127.0.0.1:${etcdPort}\n`);
  const port = await listen(apiServer, args.port);
  if (kube) {
    await kube.ready();
    process.stdout.write(`Kubernetes API at http://127.0.0.1:${port}\n`);
  }
  process.stdout.write(`debug endpoints at http://127.0.0.1:${port}/debug/trace\n`);

  let closing = false;
  const close = async (signal: string) => {
    if (closing) return;
    closing = true;
    process.stdout.write(`${signal}: shutting down\n`);
    etcdServer.closeAllConnections();
    apiServer.closeAllConnections();
    etcdServer.close();
    apiServer.close();
    await cluster.shutdown();
    process.exit(0);
  };
  process.on('SIGINT', () => void close('SIGINT'));
  process.on('SIGTERM', () => void close('SIGTERM'));
}

main().catch((e: unknown) => {
  if (e instanceof KindConfigError || (e as { code?: string }).code === 'ENOENT') {
    process.stderr.write(`error: ${(e as Error).message}\n`);
    process.exit(2);
  }
  process.stderr.write(`error: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
