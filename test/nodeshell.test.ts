/**
 * The node shell on a whole cluster, on the simulated clock: a Deployment and a Service are
 * created through the API, and once the pods run and kube-proxy has synced, `crictl ps`,
 * `crictl pods`, `ip route` and `iptables -t nat -L KUBE-SERVICES -n` run on kind-worker through
 * an environment built from the relay (CRI calls as `crictl@kind-worker`, the ruleset from the
 * trace's last `iptables sync` note), and are checked against the cluster's pods and Service.
 *
 * When real iptables and unshare are here, the same ruleset is loaded into a private network
 * namespace as kube-proxy loads it, and the kernel's own `iptables -S` / `-L -n` / `-L -n -v`
 * output is compared with the shell's, byte for byte.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_EPOCH } from '../src/machinery/api/time.ts';
import type { KObject } from '../src/machinery/api/types.ts';
import { lastIptablesRuleset, type NodeShellEnv, runNodeShell, vethName } from '../src/machinery/nodeshell/index.ts';
import {
  canaryTables,
  iptablesJumpChains,
  iptablesKubeletJumpChains,
  jumpRuleArgs,
} from '../workers/kube-proxy/iptables.ts';
import { type TestCluster, testCluster } from './harness.ts';
import { findTool, requireTool } from './real-tools.ts';

let c: TestCluster | undefined;
afterEach(async () => {
  await c?.shutdown();
  c = undefined;
});

const NODE = 'kind-worker';

type Pod = KObject & { spec: { nodeName?: string }; status: { phase?: string; podIP?: string } };
type Node = KObject & { spec: { podCIDR?: string }; status: { addresses?: { type: string; address: string }[] } };

async function until(cl: TestCluster, pred: () => Promise<boolean> | boolean, maxMs: number, what: string) {
  const start = cl.relay.now;
  while (!(await pred())) {
    if (cl.relay.now - start > maxMs) throw new Error(`not within ${maxMs} ms: ${what}`);
    await cl.relay.advance(250);
  }
}

async function shellEnv(cl: TestCluster, node: string): Promise<NodeShellEnv> {
  const nodes = ((await cl.api('GET', '/api/v1/nodes')).body as { items: Node[] }).items.map((n) => ({
    name: n.metadata?.name ?? '',
    ip: n.status.addresses?.find((a) => a.type === 'InternalIP')?.address ?? '',
    podCIDR: n.spec.podCIDR ?? '',
  }));
  const crictl = cl.relay.client(`crictl@${node}`);
  return {
    node,
    now: () => DEFAULT_EPOCH + cl.relay.now,
    epoch: DEFAULT_EPOCH,
    cri: async (method, payload) =>
      (await cl.relay.settle(crictl.request(`containerd@${node}`, method, payload))).payload,
    iptablesRestoreInput: () => lastIptablesRuleset(cl.relay.trace, node),
    nodes: () => nodes,
  };
}

/** The rows of a crictl table as cells (columns are separated by 3 or more spaces). */
function rows(table: string): string[][] {
  return table
    .trimEnd()
    .split('\n')
    .slice(1)
    .map((l) => l.split(/ {3,}/));
}

let ruleset: string | undefined;
/** The scenario's kind-worker shell, kept for the kernel comparisons below. */
let scenarioEnv: NodeShellEnv | undefined;

describe('node shell on a running cluster', () => {
  it('crictl, ip route and iptables on kind-worker agree with the cluster’s pods and Service', async () => {
    c = await testCluster({ workers: 2 });
    const cl = c;
    await cl.relay.advance(15_000);
    await cl.api('POST', '/apis/apps/v1/namespaces/default/deployments', {
      metadata: { name: 'web' },
      spec: {
        replicas: 4,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] },
        },
      },
    });
    const svc = (
      await cl.api('POST', '/api/v1/namespaces/default/services', {
        metadata: { name: 'web' },
        spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 80 }] },
      })
    ).body as KObject & { spec: { clusterIP: string } };
    const webPods = async () =>
      ((await cl.api('GET', '/api/v1/namespaces/default/pods')).body as { items: Pod[] }).items.filter((p) =>
        p.metadata?.name?.startsWith('web-'),
      );
    await until(
      cl,
      async () => {
        const pods = await webPods();
        return pods.length === 4 && pods.every((p) => p.status.phase === 'Running' && p.status.podIP);
      },
      120_000,
      'four web pods running',
    );
    await until(
      cl,
      async () => {
        const want = (await webPods()).length;
        const rules = lastIptablesRuleset(cl.relay.trace, NODE) ?? '';
        return (rules.match(/--comment "default\/web:http -> /g) ?? []).length === want;
      },
      30_000,
      'kube-proxy on kind-worker balancing over every web pod',
    );

    const env = await shellEnv(cl, NODE);
    const pods = await webPods();
    const mine = pods.filter((p) => p.spec.nodeName === NODE);
    expect(mine.length).toBeGreaterThan(0);

    // crictl ps: one running nginx container per web pod on this node, with its pod and namespace.
    const ps = await runNodeShell(['crictl', 'ps'], env);
    expect(ps.exit).toBe(0);
    expect(ps.stdout.split('\n')[0]).toMatch(
      /^CONTAINER {11}IMAGE {15}CREATED {13}STATE {15}NAME {16}ATTEMPT {13}POD ID {14}POD +NAMESPACE$/,
    );
    const psRows = rows(ps.stdout);
    const nginxRows = psRows.filter((r) => r[4] === 'nginx');
    expect(nginxRows.map((r) => r[7]).sort()).toEqual(mine.map((p) => p.metadata?.name).sort());
    for (const r of nginxRows) {
      expect(r[0]).toMatch(/^[0-9a-f]{13}$/);
      expect(r[1]).toMatch(/^[0-9a-f]{13}$/);
      expect(r[2]).toMatch(/ ago$/);
      expect(r[3]).toBe('Running');
      expect(r[8]).toBe('default');
    }

    // crictl pods: a Ready sandbox per pod.
    const podRows = rows((await runNodeShell(['crictl', 'pods'], env)).stdout);
    for (const p of mine) {
      const row = podRows.find((r) => r[3] === p.metadata?.name);
      expect(row?.[2]).toBe('Ready');
      expect(row?.[4]).toBe('default');
      expect(row?.[6]).toBe('(default)');
    }

    // ip route: the docker network, kindnet's routes to the other nodes, a host route per local pod.
    const route = (await runNodeShell(['ip', 'route'], env)).stdout;
    const nodes = env.nodes();
    const me = nodes.find((n) => n.name === NODE);
    expect(route.startsWith('default via 172.18.0.1 dev eth0 \n')).toBe(true);
    expect(route).toContain(`172.18.0.0/16 dev eth0 proto kernel scope link src ${me?.ip} \n`);
    for (const n of nodes.filter((x) => x.name !== NODE))
      expect(route).toContain(`${n.podCIDR} via ${n.ip} dev eth0 \n`);
    const sandboxes = ((await env.cri('cri.ListPodSandbox', {})) as { ok: { id: string; name: string }[] }).ok;
    for (const p of mine) {
      const sb = sandboxes.find((s) => s.name === p.metadata?.name);
      expect(route).toContain(`${p.status.podIP} dev ${vethName(sb?.id ?? '')} scope host \n`);
    }
    const addr = (
      await runNodeShell(
        ['ip', 'addr', 'show', vethName(sandboxes.find((s) => s.name === mine[0]?.metadata?.name)?.id ?? '')],
        env,
      )
    ).stdout;
    expect(addr).toMatch(
      /^\d+: veth[0-9a-f]{8}@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000\n/,
    );
    expect(addr).toContain(`    inet ${me?.podCIDR.replace(/0\/24$/, '1')}/32 scope global veth`);

    // iptables: the Service's cluster IP rule in KUBE-SERVICES, its chain balancing over every pod.
    const services = (await runNodeShell(['iptables', '-t', 'nat', '-L', 'KUBE-SERVICES', '-n'], env)).stdout;
    const line = services.split('\n').find((l) => l.includes('/* default/web:http cluster IP */'));
    expect(line).toMatch(
      new RegExp(
        `^KUBE-SVC-[A-Z2-7]{16}  6    --  0\\.0\\.0\\.0/0 +${svc.spec.clusterIP.replace(/\./g, '\\.')} +/\\* default/web:http cluster IP \\*/ tcp dpt:80$`,
      ),
    );
    const chain = line?.split(' ')[0] ?? '';
    const svcChain = (await runNodeShell(['iptables', '-t', 'nat', '-L', chain, '-n'], env)).stdout;
    for (const p of pods) expect(svcChain).toContain(`/* default/web:http -> ${p.status.podIP}:80 */`);
    expect(svcChain).toContain('statistic mode random probability 0.25000000000');

    // Every CRI call went over the crictl → containerd edge, and was answered.
    const crictlTraffic = cl.relay.trace
      .since(-1)
      .filter((r) => r.from === `crictl@${NODE}` || r.to === `crictl@${NODE}`);
    expect(crictlTraffic.some((r) => r.kind === 'cri.ListContainers' && r.to === `containerd@${NODE}`)).toBe(true);
    expect(crictlTraffic.some((r) => r.kind === 'cri.ListContainers.result')).toBe(true);
    expect(crictlTraffic.every((r) => !r.kind.startsWith('@bus.refused'))).toBe(true);

    ruleset = lastIptablesRuleset(cl.relay.trace, NODE);
    // A snapshot for the kernel comparison of `ip` (the cluster is shut down after this test).
    const frozenSandboxes = await env.cri('cri.ListPodSandbox', {});
    scenarioEnv = { ...env, cri: async () => frozenSandboxes };
  });
});

// ---- the same rules in a real kernel ---------------------------------------------------------------------

const hint = 'apt-get install -y iptables iproute2 util-linux';
const haveTools =
  requireTool('unshare', '/usr/bin/unshare', hint) && requireTool('iptables-nft', '/usr/sbin/iptables-nft', hint);
const nsWorks =
  haveTools && spawnSync('unshare', ['-rn', 'iptables-nft', '-t', 'nat', '-S'], { encoding: 'utf8' }).status === 0;
if (haveTools && !nsWorks) {
  const why = 'iptables-nft does not work in a private network namespace (unshare -rn) here';
  if (process.env.CI) throw new Error(`${why}. CI is set, so this is an error, not a skip.`);
  console.warn(`[skip] node shell kernel comparison: ${why}`);
}
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

describe.skipIf(!nsWorks)(
  'node shell iptables output equals the kernel’s (iptables-nft in a network namespace)',
  () => {
    it('-S, -L -n, -L -n -v and --line-numbers for nat and filter, for the scenario’s ruleset', async () => {
      expect(ruleset, 'the scenario above ran and left a ruleset').toBeTruthy();
      const dir = mkdtempSync(join(tmpdir(), 'nodeshell-'));
      dirs.push(dir);
      writeFileSync(join(dir, 'restore.txt'), ruleset ?? '');
      const commands = [
        ['-t', 'nat', '-S'],
        ['-t', 'filter', '-S'],
        ['-t', 'nat', '-L', '-n'],
        ['-t', 'filter', '-L', '-n'],
        ['-t', 'nat', '-L', '-n', '-v'],
        ['-t', 'filter', '-L', '-n', '-v', '--line-numbers'],
        ['-t', 'nat', '-L', 'KUBE-SERVICES', '-n'],
        ['-t', 'mangle', '-L', '-n'],
      ];
      const ensure: string[] = [];
      for (const t of canaryTables) ensure.push(`iptables-nft -w -t ${t} -N KUBE-PROXY-CANARY`);
      for (const j of [...iptablesJumpChains, ...iptablesKubeletJumpChains]) {
        const args = jumpRuleArgs(j).map(q).join(' ');
        ensure.push(`iptables-nft -w -t ${j.table} -N ${j.dstChain} 2>/dev/null || true`);
        ensure.push(
          `iptables-nft -w -t ${j.table} -C ${j.srcChain} ${args} 2>/dev/null || iptables-nft -w -t ${j.table} -I ${j.srcChain} ${args}`,
        );
      }
      const script = [
        'set -eu',
        ...ensure,
        `iptables-nft-restore -w --noflush --counters < ${q(join(dir, 'restore.txt'))}`,
        ...commands.map((a, i) => `iptables-nft ${a.join(' ')} > ${q(join(dir, `out${i}.txt`))}`),
      ].join('\n');
      const r = spawnSync('unshare', ['-rn', 'bash', '-c', script], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const env: NodeShellEnv = {
        node: NODE,
        now: () => DEFAULT_EPOCH,
        cri: async () => ({ ok: [] }),
        iptablesRestoreInput: () => ruleset,
        nodes: () => [],
      };
      const { readFileSync } = await import('node:fs');
      let compared = 0;
      for (const [i, a] of commands.entries()) {
        const kernel = readFileSync(join(dir, `out${i}.txt`), 'utf8');
        const mine = await runNodeShell(['iptables', ...a], env);
        expect(mine.stdout, `iptables ${a.join(' ')}`).toBe(kernel);
        compared += kernel.split('\n').length;
      }
      console.log(`node shell: ${commands.length} iptables listings, ${compared} lines, identical to iptables-nft's`);
      expect(findTool('iptables-nft')).not.toBeNull();
    });
  },
);

const ipWorks =
  nsWorks &&
  requireTool('ip', '/usr/sbin/ip', hint) &&
  requireTool('nsenter', '/usr/bin/nsenter', hint) &&
  spawnSync('unshare', ['-rnm', 'sh', '-c', 'mount -t tmpfs none /run && mkdir -p /run/netns && ip netns add x'], {
    encoding: 'utf8',
  }).status === 0;

describe.skipIf(!ipWorks)('node shell ip output equals iproute2’s for a namespace wired like the node', () => {
  it('ip addr, ip link, ip route, ip -br a, ip -4 a', async () => {
    const env = scenarioEnv as NodeShellEnv;
    expect(env, 'the scenario above ran').toBeTruthy();
    const run = async (...a: string[]) => (await runNodeShell(['ip', ...a], env)).stdout;
    const links = (await run('link')).split('\n');
    // Rebuild the node's interfaces from what the shell shows: names, indexes, MACs, peers, addresses.
    const cmds: string[] = [
      'set -eu',
      'mount -t tmpfs none /run && mkdir -p /run/netns',
      'echo 0 > /proc/sys/net/ipv6/conf/default/accept_dad; echo 0 > /proc/sys/net/ipv6/conf/all/accept_dad',
      'ip link set lo up',
      'unshare -n sleep 60 & H=$!',
      'trap "kill $H" EXIT',
      'for i in $(seq 1 200); do [ "$(readlink /proc/$H/ns/net)" != "$(readlink /proc/self/ns/net)" ] && break; sleep 0.01; done',
    ];
    for (let k = 0; k < links.length; k++) {
      const m = /^(\d+): ([^@:]+)@if(\d+): /.exec(links[k] as string);
      if (!m) continue;
      const [, index, name, peer] = m as unknown as [string, string, string, string];
      const ether = /link\/ether (\S+) .*link-net(?:ns|nsid) (\S+)/.exec(links[k + 1] as string) as RegExpExecArray;
      const [mac, ns] = [ether[1] as string, ether[2] as string];
      if (name === 'eth0') {
        cmds.push(
          `ip link add eth0 index ${index} txqueuelen 0 address ${mac} type veth peer name h0 index ${peer} netns $H`,
        );
        cmds.push('nsenter -t $H -n ip link set h0 up');
      } else {
        cmds.push(`ip netns add ${ns}`);
        cmds.push(
          `ip link add ${name} index ${index} address ${mac} type veth peer name eth0 index ${peer} netns ${ns}`,
        );
        cmds.push(`ip -n ${ns} link set eth0 up`);
      }
      cmds.push(`ip link set ${name} up`);
    }
    for (const l of (await run('-br', 'a')).trim().split('\n')) {
      const [dev, , ...addrs] = l.trim().split(/\s+/) as [string, string, ...string[]];
      const name = dev.split('@')[0] as string;
      if (name === 'lo') continue;
      for (const a of addrs) {
        if (a.startsWith('fe80:')) continue; // the kernel makes these from the MAC
        if (a.includes(':')) cmds.push(`ip addr add ${a} dev ${name} nodad`);
        else cmds.push(`ip addr add ${a}${a.endsWith('/16') ? ' brd 172.18.255.255' : ''} dev ${name}`);
      }
    }
    for (const r of (await run('route')).trim().split('\n')) {
      if (r.includes('proto kernel')) continue;
      cmds.push(`ip route add ${r.trim()}`);
    }
    const shows = [['addr'], ['link'], ['route'], ['-br', 'a'], ['-4', 'a']];
    cmds.push(...shows.map((a) => `ip ${a.join(' ')}; echo '=== end'`));
    const r = spawnSync('unshare', ['-rnm', 'bash', '-c', cmds.join('\n')], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const kernel = r.stdout.split('=== end\n');
    for (const [i, a] of shows.entries()) expect(await run(...a), `ip ${a.join(' ')}`).toBe(kernel[i]);
  });
});
