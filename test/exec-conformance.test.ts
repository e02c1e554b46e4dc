/**
 * Real kubectl exec against the headless runner: kubectl ≥ 1.30 upgrades the exec request to a
 * WebSocket (v5.channel.k8s.io), reads stdout and stderr from channels 1 and 2 and the final Status
 * from channel 3, and exits with the command's exit code. Inside a busybox pod, Services answer:
 * nslookup through CoreDNS, wget through the node's rules to an nginx pod, ping to a ClusterIP
 * lost (it is virtual) and to a pod answered.
 *
 * The runner runs at 5× real time, so a ping that waits 10 simulated seconds takes two.
 */
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Runner, startRunner } from './headless.ts';
import { requireTool } from './real-tools.ts';

const KUBECTL = '/usr/bin/kubectl';
const hasKubectl = requireTool('kubectl', KUBECTL, 'install kubectl (the Kubernetes CLI), v1.30 or later');

let runner: Runner;

function kubectl(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    execFile(
      KUBECTL,
      ['--server', runner.api, ...args],
      { env: { ...process.env, KUBECONFIG: '/dev/null' }, timeout: 60_000 },
      (err, stdout, stderr) => {
        resolve({ stdout, stderr, code: err ? ((err as { code?: number }).code ?? 1) : 0 });
      },
    );
  });
}

async function until(what: () => Promise<boolean>, ms: number, label: string): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await what()) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`not in time: ${label}`);
}

const ready = async (ns: string, selector: string, n: number) => {
  const r = await kubectl(
    'get',
    'pods',
    '-n',
    ns,
    '-l',
    selector,
    '-o',
    'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}',
  );
  return r.stdout.split('\n').filter((l) => l === 'True').length === n;
};

describe.skipIf(!hasKubectl)('real kubectl exec against the headless runner', () => {
  let clusterIP = '';
  let webPods: string[] = [];
  let webIPs: string[] = [];

  beforeAll(async () => {
    runner = await startRunner(['--nodes', '2', '--speed', '5']);
    expect((await kubectl('create', 'deployment', 'web', '--image', 'nginx', '--replicas', '2')).code).toBe(0);
    expect((await kubectl('expose', 'deployment', 'web', '--port', '80')).code).toBe(0);
    expect((await kubectl('run', 'busybox', '--image', 'busybox', '--', 'sleep', '3600')).code).toBe(0);
    await until(
      async () =>
        (await ready('default', 'app=web', 2)) &&
        (await ready('default', 'run=busybox', 1)) &&
        (await ready('kube-system', 'k8s-app=kube-dns', 2)),
      60_000,
      'web, busybox and CoreDNS ready',
    );
    // kube-proxy follows the endpoints within its minimum sync period (1 s simulated).
    await new Promise((r) => setTimeout(r, 1000));
    clusterIP = (await kubectl('get', 'service', 'web', '-o', 'jsonpath={.spec.clusterIP}')).stdout;
    const pods = await kubectl(
      'get',
      'pods',
      '-l',
      'app=web',
      '-o',
      'jsonpath={range .items[*]}{.metadata.name} {.status.podIP}{"\\n"}{end}',
    );
    const rows = pods.stdout
      .trim()
      .split('\n')
      .map((l) => l.split(' '));
    webPods = rows.map((r) => r[0] as string);
    webIPs = rows.map((r) => r[1] as string);
  }, 120_000);

  afterAll(async () => {
    await runner?.stop();
  });

  it('nslookup web shows the ClusterIP, as busybox prints it', async () => {
    const r = await kubectl('exec', 'busybox', '--', 'nslookup', 'web');
    expect(r.stdout).toContain('Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n');
    expect(r.stdout).toContain(`Name:\tweb.default.svc.cluster.local\nAddress: ${clusterIP}\n`);
    // busybox asks every search domain; the ones that do not exist make it exit 1.
    expect(r.stdout).toContain("** server can't find web.svc.cluster.local: NXDOMAIN");
    expect(r.stderr).toBe('command terminated with exit code 1\n');
    expect(r.code).toBe(1);
  });

  it('nslookup nosuch: NXDOMAIN for every search domain', async () => {
    const r = await kubectl('exec', 'busybox', '--', 'nslookup', 'nosuch');
    expect(r.stdout).toContain("** server can't find nosuch.default.svc.cluster.local: NXDOMAIN");
    expect(r.stdout).not.toContain('Name:');
    expect(r.code).toBe(1);
  });

  it('wget -qO- http://web prints nginx’s welcome page', async () => {
    const r = await kubectl('exec', 'busybox', '--', 'wget', '-qO-', 'http://web');
    expect(r.stdout).toMatch(/^<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!<\/title>/);
    expect(r.stdout).toContain('<p><em>Thank you for using nginx.</em></p>');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('ping to the ClusterIP gets no reply; ping to a pod IP does', async () => {
    const svc = await kubectl('exec', 'busybox', '--', 'ping', '-c', '1', clusterIP);
    expect(svc.stdout).toBe(
      `PING ${clusterIP} (${clusterIP}): 56 data bytes\n\n--- ${clusterIP} ping statistics ---\n1 packets transmitted, 0 packets received, 100% packet loss\n`,
    );
    expect(svc.code).toBe(1);
    const ip = webIPs[0] as string;
    const pod = await kubectl('exec', 'busybox', '--', 'ping', '-c', '1', ip);
    expect(pod.stdout).toMatch(
      new RegExp(`^PING ${ip} \\(${ip}\\): 56 data bytes\\n64 bytes from ${ip}: seq=0 ttl=6[23] time=`),
    );
    expect(pod.stdout).toContain('1 packets transmitted, 1 packets received, 0% packet loss');
    expect(pod.code).toBe(0);
  });

  it('POST /debug/packet walks the busybox pod’s packet to web through its node’s rules', async () => {
    const post = async (body: unknown) => {
      const r = await fetch(`${runner.api}/debug/packet`, { method: 'POST', body: JSON.stringify(body) });
      return { status: r.status, body: (await r.json()) as unknown };
    };
    const r = await post({ source: 'default/busybox', destination: 'web', port: 80, protocol: 'tcp' });
    expect(r.status).toBe(200);
    const b = r.body as {
      resolution: { ip: string };
      path: {
        hops: { hooks: { hook: string; steps: { rule: string; matched: boolean }[] }[]; dnat?: { ip: string } }[];
      };
      destinations: { arrival: { ip: string }; probability: number }[];
      delivery: { result: string; pod: string };
    };
    expect(b.resolution.ip).toBe(clusterIP);
    expect(b.path.hops[0]?.hooks[0]?.hook).toBe('nat PREROUTING');
    expect(webIPs).toContain(b.path.hops[0]?.dnat?.ip);
    expect(b.destinations.map((d) => d.arrival.ip).sort()).toEqual([...webIPs].sort());
    for (const d of b.destinations) expect(d.probability).toBe(0.5);
    expect(b.delivery.result).toBe('delivered');
    expect(b.delivery.pod).toMatch(/^default\/web-/);
    await kubectl('create', 'service', 'clusterip', 'empty', '--tcp=80:80');
    await new Promise((res) => setTimeout(res, 1000));
    const refused = await post({ source: 'default/busybox', destination: 'empty', port: 80 });
    expect((refused.body as { delivery: { result: string } }).delivery.result).toBe('refused');
    const icmp = await post({ source: 'kind-worker', destination: clusterIP, protocol: 'icmp' });
    expect((icmp.body as { delivery: { result: string } }).delivery.result).toBe('no answer');
    expect((await post({ source: 'default/nosuch', destination: 'web' })).status).toBe(404);
  });

  it('kubectl logs of an nginx pod prints its startup lines', async () => {
    const r = await kubectl('logs', webPods[0] as string);
    expect(r.stdout).toContain('/docker-entrypoint.sh: Configuration complete; ready for start up\n');
    expect(r.code).toBe(0);
  });

  it('exit codes and errors: the shell’s, and the runtime’s for a missing binary', async () => {
    const three = await kubectl('exec', 'busybox', '--', 'sh', '-c', 'echo out; exit 3');
    expect(three.stdout).toBe('out\n');
    expect(three.stderr).toBe('command terminated with exit code 3\n');
    expect(three.code).toBe(3);
    const missing = await kubectl('exec', 'busybox', '--', 'foo');
    expect(missing.stderr).toMatch(
      /^error: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "[0-9a-f]{64}": OCI runtime exec failed: exec failed: unable to start container process: exec: "foo": executable file not found in \$PATH: unknown\n$/,
    );
    expect(missing.code).toBe(1);
    const cat = await kubectl('exec', 'busybox', '--', 'cat', '/etc/resolv.conf');
    expect(cat.stdout).toBe(
      'search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n',
    );
    const wrong = await kubectl('exec', '-c', 'nope', 'busybox', '--', 'true');
    expect(wrong.stderr).toBe('error: unable to upgrade connection: container not found ("nope")\n');
  });
});
