import { describe, expect, it } from 'vitest';
import { NODE_SHELL_COMMANDS, type NodeShellEnv, runNodeShell } from './shell.ts';
import { fixtureRestoreInput } from './testing.ts';

function env(extra: Partial<NodeShellEnv> = {}): NodeShellEnv {
  return {
    node: 'kind-worker',
    now: () => Date.UTC(2025, 0, 1, 0, 5),
    cri: async () => ({ ok: [] }),
    iptablesRestoreInput: () => fixtureRestoreInput(),
    nodes: () => [{ name: 'kind-worker', ip: '172.18.0.3', podCIDR: '10.244.1.0/24' }],
    ...extra,
  };
}

describe('the node shell', () => {
  it('anything it does not have is bash’s command not found, exit 127', async () => {
    expect(await runNodeShell(['kubectl', 'get', 'pods'], env())).toEqual({
      stdout: '',
      stderr: 'bash: kubectl: command not found\n',
      exit: 127,
    });
  });

  it('hostname, /etc/hostname, uname, help', async () => {
    expect((await runNodeShell(['hostname'], env())).stdout).toBe('kind-worker\n');
    expect((await runNodeShell(['cat', '/etc/hostname'], env())).stdout).toBe('kind-worker\n');
    expect(await runNodeShell(['cat', '/nope'], env())).toEqual({
      stdout: '',
      stderr: 'cat: /nope: No such file or directory\n',
      exit: 1,
    });
    expect((await runNodeShell(['uname', '-a'], env())).stdout).toMatch(
      /^Linux kind-worker \S+ .* x86_64 GNU\/Linux\n$/,
    );
    expect((await runNodeShell(['help'], env())).stdout).toContain('iptables-save');
    expect(NODE_SHELL_COMMANDS).toContain('crictl');
  });

  it('pipes into grep, head, tail and wc -l', async () => {
    const grep = await runNodeShell(['iptables-save', '-t', 'nat', '|', 'grep', 'default/web cluster IP'], env());
    expect(grep.stdout).toBe(
      '-A KUBE-SERVICES -d 10.96.120.7/32 -p tcp -m comment --comment "default/web cluster IP" -m tcp --dport 80 -j KUBE-SVC-LOLE4ISW44XBNF3G\n' +
        '-A KUBE-SVC-LOLE4ISW44XBNF3G ! -s 10.244.0.0/16 -d 10.96.120.7/32 -p tcp -m comment --comment "default/web cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ\n',
    );
    expect((await runNodeShell(['iptables-save', '|', 'grep', '-c', 'KUBE-SEP'], env())).stdout).toBe('56\n');
    expect((await runNodeShell(['iptables', '-t', 'nat', '-S', '|', 'head', '-n', '2'], env())).stdout).toBe(
      '-P PREROUTING ACCEPT\n-P INPUT ACCEPT\n',
    );
    expect((await runNodeShell(['iptables-save', '|', 'grep', 'nothing-like-this'], env())).exit).toBe(1);
    expect((await runNodeShell(['hostname', '|', 'wc', '-l'], env())).stdout).toBe('1\n');
    expect((await runNodeShell(['hostname', '|'], env())).exit).toBe(2);
  });

  it('ipvsadm and ipset: what an iptables-mode node prints, or what IPVS mode hands in', async () => {
    expect((await runNodeShell(['ipvsadm', '-Ln'], env())).stdout).toBe(
      'IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n',
    );
    expect(await runNodeShell(['ipset', 'list'], env())).toEqual({ stdout: '', stderr: '', exit: 0 });
    expect((await runNodeShell(['ipset'], env())).stderr).toBe(
      "ipset v7.17: No command specified.\nTry `ipset help' for more information.\n",
    );
    const ipvs = env({ ipvsadm: (a) => `ipvs ${a.join(' ')}\n`, ipset: () => 'Name: KUBE-CLUSTER-IP\n' });
    expect((await runNodeShell(['ipvsadm', '-Ln'], ipvs)).stdout).toBe('ipvs -Ln\n');
    expect((await runNodeShell(['ipset', 'list'], ipvs)).stdout).toBe('Name: KUBE-CLUSTER-IP\n');
  });

  it('ip asks containerd for the sandboxes; iptables names the other nodes as Docker’s DNS does', async () => {
    const calls: string[] = [];
    const e = env({
      cri: async (m) => {
        calls.push(m);
        return { ok: [] };
      },
      nodes: () => [
        { name: 'kind-control-plane', ip: '172.18.0.2', podCIDR: '10.244.0.0/24' },
        { name: 'kind-worker', ip: '172.18.0.3', podCIDR: '10.244.1.0/24' },
      ],
    });
    expect((await runNodeShell(['ip', 'route'], e)).stdout).toContain('10.244.0.0/24 via 172.18.0.2 dev eth0 \n');
    expect(calls).toEqual(['cri.ListPodSandbox']);
    const out = (await runNodeShell(['iptables', '-t', 'nat', '-L', 'KUBE-SEP-V2PECCYPB6X2GSCW'], e)).stdout;
    expect(out).toContain('KUBE-MARK-MASQ  all  --  kind-control-plane.kind  anywhere ');
  });
});
