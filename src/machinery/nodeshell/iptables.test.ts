import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { iptablesCommand, iptablesSaveCommand, parseRule } from './iptables.ts';
import { fixtureRestoreInput } from './testing.ts';

const dir = join(import.meta.dirname, 'testdata');
const restore = readFileSync(join(dir, 'restore.txt'), 'utf8');

/** The blocks of testdata/iptables-1.8.9.txt: what the real iptables printed for each command. */
function recorded(): { cmd: string; args: string[]; text: string; exit: number }[] {
  const t = readFileSync(join(dir, 'iptables-1.8.9.txt'), 'utf8');
  return t
    .split(/^=== /m)
    .slice(1)
    .map((b) => {
      const nl = b.indexOf('\n');
      const cmd = b.slice(0, nl).replace(' (rc follows)', '');
      const body = b.slice(nl + 1);
      const m = /rc=(\d+)\n?$/.exec(body) as RegExpExecArray;
      return { cmd, args: cmd.split(' ').slice(1), text: body.slice(0, m.index), exit: Number(m[1]) };
    });
}

describe('iptables on a node: byte for byte what iptables v1.8.9 (nf_tables) printed for the same rules', () => {
  it('the recorded restore input is what kube-proxy writes for the fixture', () => {
    expect(fixtureRestoreInput()).toBe(restore);
  });

  const blocks = recorded();
  for (const b of blocks) {
    if (b.cmd.includes(' -A ')) continue; // writing commands: this shell is read-only
    it(b.cmd.replace('iptables-nft', 'iptables'), () => {
      const save = b.cmd.startsWith('iptables-nft-save');
      const r = save
        ? iptablesSaveCommand(b.args, { restoreInput: restore, now: 0 })
        : iptablesCommand(b.args, { restoreInput: restore, now: 0 });
      const norm = (s: string) => (save ? s.replace(/ on .* \d{4}$/gm, ' on <date>') : s);
      expect(norm(r.stdout + r.stderr)).toBe(norm(b.text));
      expect(r.exit).toBe(b.exit);
    });
  }
  it('covers the listing forms', () => {
    expect(blocks.length).toBeGreaterThan(50);
  });
});

describe('iptables on a node: hand-checked cases', () => {
  const env = { restoreInput: restore, now: Date.UTC(2025, 0, 1, 12, 30, 5) };

  it('-t nat -L KUBE-SERVICES -n: comments, tcp dpt, the last rule’s ADDRTYPE match', () => {
    const out = iptablesCommand(['-t', 'nat', '-L', 'KUBE-SERVICES', '-n'], env).stdout.split('\n');
    expect(out[0]).toBe('Chain KUBE-SERVICES (2 references)');
    expect(out[1]).toBe('target     prot opt source               destination         ');
    expect(out[2]).toBe(
      'KUBE-SVC-NPX46M4PTMTKRN6Y  6    --  0.0.0.0/0            10.96.0.1            /* default/kubernetes:https cluster IP */ tcp dpt:443',
    );
    expect(out.at(-2)).toBe(
      'KUBE-NODEPORTS  0    --  0.0.0.0/0            0.0.0.0/0            /* kubernetes service nodeports; NOTE: this must be the last rule in this chain */ ADDRTYPE match dst-type LOCAL',
    );
  });

  it('the probability cascade as the kernel stores it, and DNAT as to:ip:port', () => {
    const svc = iptablesCommand(['-t', 'nat', '-L', 'KUBE-SVC-LOLE4ISW44XBNF3G', '-n'], env).stdout;
    expect(svc).toContain('/* default/web -> 10.244.1.2:80 */ statistic mode random probability 0.33333333349\n');
    expect(svc).toContain('/* default/web -> 10.244.1.3:80 */ statistic mode random probability 0.50000000000\n');
    const sep = iptablesCommand(['-t', 'nat', '-L', 'KUBE-SEP-MQ4W7Q2CV67URU6Q', '-n'], env).stdout;
    expect(sep).toContain(
      'DNAT       6    --  0.0.0.0/0            0.0.0.0/0            /* default/web */ tcp to:10.244.1.2:80\n',
    );
  });

  it('without -n: anywhere, port names from /etc/services, the node names a kind node resolves', () => {
    const withNames = {
      ...env,
      resolve: (ip: string) => (ip === '172.18.0.2' ? 'kind-control-plane.kind' : undefined),
    };
    const out = iptablesCommand(['-t', 'nat', '-L', 'KUBE-SEP-V2PECCYPB6X2GSCW'], withNames).stdout;
    expect(out).toBe(
      'Chain KUBE-SEP-V2PECCYPB6X2GSCW (1 references)\n' +
        'target     prot opt source               destination         \n' +
        'KUBE-MARK-MASQ  all  --  kind-control-plane.kind  anywhere             /* default/kubernetes:https */\n' +
        'DNAT       tcp  --  anywhere             anywhere             /* default/kubernetes:https */ tcp to:172.18.0.2:6443\n',
    );
    expect(iptablesCommand(['-t', 'nat', '-L', 'KUBE-SERVICES'], env).stdout).toContain(' tcp dpt:https\n');
  });

  it('errors: a chain that does not exist, stray arguments, no command', () => {
    expect(iptablesCommand(['-t', 'nat', '-L', 'KUBE-SVC-NOPE', '-n'], env)).toEqual({
      stdout: '',
      stderr: "iptables v1.8.9 (nf_tables): chain `KUBE-SVC-NOPE' in table `nat' is incompatible, use 'nft' tool.\n",
      exit: 1,
    });
    expect(iptablesCommand(['-t', 'nat', '-L', '-n', 'KUBE-SERVICES'], env)).toEqual({
      stdout: '',
      stderr: "Bad argument `KUBE-SERVICES'\nTry `iptables -h' or 'iptables --help' for more information.\n",
      exit: 2,
    });
    expect(iptablesCommand([], env).exit).toBe(2);
    expect(iptablesCommand(['-t', 'nat', '-A', 'KUBE-SERVICES', '-j', 'ACCEPT'], env).exit).toBe(4);
  });

  it('iptables-save: the whole ruleset with the node’s clock in the header; -t picks one table; -c counters', () => {
    const all = iptablesSaveCommand([], env).stdout;
    expect(all.split('\n')[0]).toBe('# Generated by iptables-nft-save v1.8.9 (nf_tables) on Wed Jan  1 12:30:05 2025');
    expect(all).toContain('*filter\n');
    expect(all).toContain('*nat\n');
    const nat = iptablesSaveCommand(['-t', 'nat'], env).stdout;
    expect(
      nat.startsWith('# Generated by iptables-nft-save v1.8.9 (nf_tables) on Wed Jan  1 12:30:05 2025\n*nat\n'),
    ).toBe(true);
    expect(nat).not.toContain('*filter');
    expect(nat.endsWith('COMMIT\n# Completed on Wed Jan  1 12:30:05 2025\n')).toBe(true);
    expect(iptablesSaveCommand(['-t', 'nat', '-c'], env).stdout).toContain(
      '[0:0] -A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000\n',
    );
  });

  it('before kube-proxy’s first sync: empty iptables-save, bare built-in chains', () => {
    const none = { restoreInput: undefined, now: 0 };
    expect(iptablesSaveCommand([], none).stdout).toBe('');
    expect(iptablesCommand(['-t', 'nat', '-S'], none).stdout).toBe(
      '-P PREROUTING ACCEPT\n-P INPUT ACCEPT\n-P OUTPUT ACCEPT\n-P POSTROUTING ACCEPT\n',
    );
  });

  it('parseRule takes a saved rule apart', () => {
    const r = parseRule(
      '-A KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block incoming localnet connections" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP',
    );
    expect(r.s).toEqual({ v: '127.0.0.0/8', inv: true });
    expect(r.matches.map((m) => m.name)).toEqual(['comment', 'conntrack']);
    expect(r.matches[1]?.opts[0]).toEqual({ name: '--ctstate', values: ['RELATED,ESTABLISHED,DNAT'], inv: true });
    expect(r.target?.name).toBe('DROP');
  });
});
