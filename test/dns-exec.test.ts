/**
 * Services that answer, on the simulated clock: `exec` in a busybox pod runs nslookup, wget and
 * ping; the DNS query travels from the pod's node to CoreDNS after the node's rules DNAT'd the
 * kube-dns ClusterIP to a CoreDNS pod, and wget's connection is walked through the same rules to an
 * nginx pod, which answers with its welcome page. Assertions read the exec output and a readable
 * projection of the trace (the dns. and net. messages).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { KObject } from '../src/machinery/api/types.ts';
import { kubectlIO } from '../src/machinery/cluster/kubectl-io.ts';
import { runKubectl } from '../src/machinery/kubectl/kubectl.ts';
import { type TestCluster, testCluster } from './harness.ts';

let c: TestCluster | undefined;
afterEach(async () => {
  await c?.shutdown();
  c = undefined;
});

interface ExecOut {
  stdout: string;
  stderr: string;
  exitCode?: number;
  status: {
    status: string;
    reason?: string;
    message?: string;
    details?: { causes?: { reason?: string; message: string }[] };
  };
}

async function exec(cl: TestCluster, pod: string, command: string[], ns = 'default'): Promise<ExecOut> {
  const r = await cl.api(
    'POST',
    `/api/v1/namespaces/${ns}/pods/${pod}/exec`,
    { command },
    {
      query: { command: command.join(' '), stdout: 'true', stderr: 'true' },
    },
  );
  if (r.status !== 200) throw new Error(`exec: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as ExecOut;
}

async function until(cl: TestCluster, pred: () => Promise<boolean>, maxMs: number, what: string): Promise<void> {
  const start = cl.relay.now;
  while (!(await pred())) {
    if (cl.relay.now - start > maxMs) throw new Error(`not within ${maxMs} ms: ${what}`);
    await cl.relay.advance(500);
  }
}

async function pods(cl: TestCluster, ns: string, selector: string): Promise<KObject[]> {
  const r = await cl.api('GET', `/api/v1/namespaces/${ns}/pods`, undefined, { query: { labelSelector: selector } });
  return (r.body as { items: KObject[] }).items;
}

const running = (p: KObject) =>
  (p.status as { phase?: string; conditions?: { type: string; status: string }[] } | undefined)?.conditions?.some(
    (x) => x.type === 'Ready' && x.status === 'True',
  ) === true;

async function setup(): Promise<{ cl: TestCluster; clusterIP: string; webIPs: string[] }> {
  c = await testCluster({ workers: 2 });
  const cl = c;
  await cl.api('POST', '/apis/apps/v1/namespaces/default/deployments', {
    metadata: { name: 'web', labels: { app: 'web' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } },
    },
  });
  const svc = await cl.api('POST', '/api/v1/namespaces/default/services', {
    metadata: { name: 'web', labels: { app: 'web' } },
    spec: { selector: { app: 'web' }, ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }] },
  });
  const clusterIP = (svc.body as { spec: { clusterIP: string } }).spec.clusterIP;
  await cl.api('POST', '/api/v1/namespaces/default/pods', {
    metadata: { name: 'busybox' },
    spec: { containers: [{ name: 'busybox', image: 'busybox', command: ['sleep', '3600'] }] },
  });
  await until(
    cl,
    async () =>
      (await pods(cl, 'default', 'app=web')).filter(running).length === 2 &&
      (await pods(cl, 'kube-system', 'k8s-app=kube-dns')).filter(running).length === 2 &&
      running((await cl.api('GET', '/api/v1/namespaces/default/pods/busybox')).body as KObject),
    120_000,
    'web, CoreDNS and busybox ready',
  );
  // kube-proxy's rules follow the endpoints within its sync period.
  await cl.relay.advance(3000);
  const webIPs = (await pods(cl, 'default', 'app=web')).map((p) => (p.status as { podIP: string }).podIP);
  return { cl, clusterIP, webIPs };
}

describe('CoreDNS, the packet walk and exec', () => {
  it('nslookup, wget and ping from a busybox pod answer as they would in a kind cluster', async () => {
    const { cl, clusterIP, webIPs } = await setup();

    const ns = await exec(cl, 'busybox', ['nslookup', 'web']);
    expect(ns.stdout).toContain('Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n');
    expect(ns.stdout).toContain(`Name:\tweb.default.svc.cluster.local\nAddress: ${clusterIP}\n`);
    expect(ns.stdout).toContain("** server can't find web.svc.cluster.local: NXDOMAIN\n");
    // busybox queried every search domain: some were not found, so it exits 1.
    expect(ns.exitCode).toBe(1);
    expect(ns.status.reason).toBe('NonZeroExitCode');
    expect(ns.status.details?.causes?.[0]).toEqual({ reason: 'ExitCode', message: '1' });

    const fq = await exec(cl, 'busybox', ['nslookup', 'web.default.svc.cluster.local']);
    expect(fq.stdout).toBe(
      `Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\nName:\tweb.default.svc.cluster.local\nAddress: ${clusterIP}\n\n\n`,
    );
    expect(fq.exitCode).toBe(0);
    expect(fq.status).toEqual({ metadata: {}, status: 'Success' });

    const nx = await exec(cl, 'busybox', ['nslookup', 'nosuch']);
    expect(nx.stdout).toContain("** server can't find nosuch.default.svc.cluster.local: NXDOMAIN");
    expect(nx.stdout).not.toContain('Name:');

    // The query went from the busybox pod's node to CoreDNS, DNAT'd to a CoreDNS pod on the way.
    const dns = cl.relay.trace.since(-1).filter((r) => r.kind === 'dns.query');
    expect(dns.length).toBeGreaterThan(0);
    const q = dns[0]?.payload as { server: string; endpoint: string; rules: string[] };
    expect(q.server).toBe('10.96.0.10');
    expect(q.endpoint).toMatch(/^10\.244\.\d+\.\d+$/);
    expect(q.rules.some((l) => l.includes('-j DNAT --to-destination') && l.includes('kube-system/kube-dns:dns'))).toBe(
      true,
    );
    expect(dns[0]?.from).toMatch(/^containerd@kind-/);

    const page = await exec(cl, 'busybox', ['wget', '-qO-', 'http://web']);
    expect(page.stdout).toContain('<title>Welcome to nginx!</title>');
    expect(page.exitCode).toBe(0);
    const conn = cl.relay.trace.since(-1).filter((r) => r.kind === 'net.connect');
    const cp = conn[conn.length - 1]?.payload as { packet: { dst: string; dport: number } };
    expect(webIPs).toContain(cp.packet.dst);
    expect(cp.packet.dport).toBe(80);

    const pingSvc = await exec(cl, 'busybox', ['ping', '-c', '1', clusterIP]);
    expect(pingSvc.stdout).toBe(
      `PING ${clusterIP} (${clusterIP}): 56 data bytes\n\n--- ${clusterIP} ping statistics ---\n1 packets transmitted, 0 packets received, 100% packet loss\n`,
    );
    expect(pingSvc.exitCode).toBe(1);

    const pingPod = await exec(cl, 'busybox', ['ping', '-c', '1', webIPs[0] as string]);
    expect(pingPod.stdout).toMatch(
      new RegExp(
        `^PING ${webIPs[0]} \\(${webIPs[0]}\\): 56 data bytes\\n64 bytes from ${webIPs[0]}: seq=0 ttl=6[23] time=\\d+\\.\\d{3} ms\\n\\n--- ${webIPs[0]} ping statistics ---\\n1 packets transmitted, 1 packets received, 0% packet loss\\nround-trip min/avg/max = [\\d./]+ ms\\n$`,
      ),
    );
    expect(pingPod.exitCode).toBe(0);

    const resolv = await exec(cl, 'busybox', ['cat', '/etc/resolv.conf']);
    expect(resolv.stdout).toBe(
      'search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n',
    );
    const hosts = await exec(cl, 'busybox', ['cat', '/etc/hosts']);
    expect(hosts.stdout).toMatch(
      /^# Kubernetes-managed hosts file\.\n127\.0\.0\.1\tlocalhost\n[\s\S]*\n10\.244\.\d+\.\d+\tbusybox\n$/,
    );
    expect((await exec(cl, 'busybox', ['hostname'])).stdout).toBe('busybox\n');
    expect((await exec(cl, 'busybox', ['sh', '-c', 'echo hi && foo'])).stderr).toBe('sh: foo: not found\n');
    const missing = await exec(cl, 'busybox', ['curl', 'http://web']);
    expect(missing.status.reason).toBe('InternalError');
    expect(missing.status.message).toMatch(
      /^Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "[0-9a-f]{64}": OCI runtime exec failed: exec failed: unable to start container process: exec: "curl": executable file not found in \$PATH: unknown$/,
    );

    const refused = await exec(cl, 'busybox', ['wget', '-qO-', `http://${webIPs[0]}:81/`]);
    expect(refused.stderr).toBe(`wget: can't connect to remote host (${webIPs[0]}): Connection refused\n`);
    expect(refused.exitCode).toBe(1);
    const nginx = (await pods(cl, 'default', 'app=web'))[0]?.metadata?.name as string;
    const self = await exec(cl, nginx, ['curl', '-s', 'http://localhost/']);
    expect(self.stdout).toContain('<title>Welcome to nginx!</title>');
    const nf = await exec(cl, nginx, ['curl', '-s', 'http://web/nope']);
    expect(nf.stdout).toContain('<center><h1>404 Not Found</h1></center>');

    // The project's own kubectl (the browser console) over the same API path.
    const k = (...argv: string[]) => cl.relay.settle(runKubectl(argv, kubectlIO(cl.relay)));
    const own = await k('exec', 'busybox', '--', 'wget', '-qO-', 'http://web');
    expect(own.stdout).toContain('<h1>Welcome to nginx!</h1>');
    expect(own.exitCode).toBe(0);
    const own1 = await k('exec', 'busybox', '--', 'nslookup', 'web');
    expect(own1.stdout).toContain(`Address: ${clusterIP}\n`);
    expect(own1.stderr).toBe('command terminated with exit code 1\n');
    expect(own1.exitCode).toBe(1);
    const own2 = await k('exec', 'busybox', '--', 'foo');
    expect(own2.stderr).toMatch(
      /^error: Internal error occurred: error executing command in container: .*"foo": executable file not found in \$PATH: unknown\n$/,
    );
    const own3 = await k('exec', 'busybox', '-c', 'nope', '--', 'true');
    expect(own3.stderr).toBe('error: container nope is not valid for pod busybox\n');
  }, 120_000);

  it('with no CoreDNS running, queries are refused by the rules and time out', async () => {
    const { cl } = await setup();
    await cl.api(
      'PATCH',
      '/apis/apps/v1/namespaces/kube-system/deployments/coredns',
      { spec: { replicas: 0 } },
      { headers: { 'content-type': 'application/merge-patch+json' } },
    );
    await until(
      cl,
      async () => (await pods(cl, 'kube-system', 'k8s-app=kube-dns')).length === 0,
      120_000,
      'CoreDNS gone',
    );
    await cl.relay.advance(3000);
    const t0 = cl.relay.now;
    const r = await exec(cl, 'busybox', ['nslookup', 'web']);
    expect(r.stdout).toBe(';; connection timed out; no servers could be reached\n\n');
    expect(r.stderr).toBe('nslookup: read: Connection refused\nnslookup: read: Connection refused\n');
    expect(r.exitCode).toBe(1);
    expect(cl.relay.now - t0).toBeGreaterThanOrEqual(5000);
    const w = await exec(cl, 'busybox', ['wget', '-qO-', 'http://web']);
    expect(w.stderr).toBe("wget: bad address 'web'\n");
  }, 120_000);
});
