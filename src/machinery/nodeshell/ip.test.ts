import { describe, expect, it } from 'vitest';
import type { CriSandbox } from './crictl.ts';
import { formatIPv6, ipCommand, netnsName, vethName } from './ip.ts';

const nodes = [
  { name: 'kind-control-plane', ip: '172.18.0.2', podCIDR: '10.244.0.0/24' },
  { name: 'kind-worker', ip: '172.18.0.3', podCIDR: '10.244.1.0/24' },
  { name: 'kind-worker2', ip: '172.18.0.4', podCIDR: '10.244.2.0/24' },
];
const sb = (id: string, ip: string, createdAt: number, extra: Partial<CriSandbox> = {}): CriSandbox => ({
  id,
  name: `pod-${id.slice(0, 4)}`,
  namespace: 'default',
  ip,
  state: 'SANDBOX_READY',
  createdAt,
  ...extra,
});
const sandboxes = [
  sb('b'.repeat(64), '10.244.1.3', 2000),
  sb('a'.repeat(64), '10.244.1.2', 1000),
  sb('c'.repeat(64), '172.18.0.3', 500, { hostNetwork: true }),
  sb('d'.repeat(64), '10.244.1.4', 3000, { state: 'SANDBOX_NOTREADY' }),
];
const env = { node: 'kind-worker', nodes, sandboxes };
const A = vethName('a'.repeat(64));
const B = vethName('b'.repeat(64));

describe('ip on a kind node', () => {
  it('veth and netns names look like the CNI’s and containerd’s', () => {
    expect(A).toMatch(/^veth[0-9a-f]{8}$/);
    expect(A).not.toBe(B);
    expect(netnsName('a'.repeat(64))).toMatch(/^cni-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('ip route: docker’s default and subnet, kindnet’s routes to other nodes, ptp host routes, in FIB order', () => {
    // Layout recorded from iproute2 6.1 with the same routes in a network namespace.
    expect(ipCommand(['route'], env).stdout).toBe(
      'default via 172.18.0.1 dev eth0 \n' +
        '10.244.0.0/24 via 172.18.0.2 dev eth0 \n' +
        `10.244.1.2 dev ${A} scope host \n` +
        `10.244.1.3 dev ${B} scope host \n` +
        '10.244.2.0/24 via 172.18.0.4 dev eth0 \n' +
        '172.18.0.0/16 dev eth0 proto kernel scope link src 172.18.0.3 \n',
    );
    expect(ipCommand(['r', 'show'], env).stdout).toBe(ipCommand(['route'], env).stdout);
  });

  it('ip addr: lo, eth0 on the kind network, one veth per running pod sandbox with the pod gateway', () => {
    const out = ipCommand(['addr'], env).stdout.split('\n');
    expect(out.slice(0, 14)).toEqual([
      '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000',
      '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00',
      '    inet 127.0.0.1/8 scope host lo',
      '       valid_lft forever preferred_lft forever',
      '    inet6 ::1/128 scope host ',
      '       valid_lft forever preferred_lft forever',
      '2: eth0@if7: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default ',
      '    link/ether 02:42:ac:12:00:03 brd ff:ff:ff:ff:ff:ff link-netnsid 0',
      '    inet 172.18.0.3/16 brd 172.18.255.255 scope global eth0',
      '       valid_lft forever preferred_lft forever',
      '    inet6 fc00:f853:ccd:e793::3/64 scope global nodad ',
      '       valid_lft forever preferred_lft forever',
      '    inet6 fe80::42:acff:fe12:3/64 scope link ',
      '       valid_lft forever preferred_lft forever',
    ]);
    expect(out[14]).toBe(
      `3: ${A}@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000`,
    );
    expect(out[15]).toMatch(/^ {4}link\/ether [0-9a-f:]{17} brd ff:ff:ff:ff:ff:ff link-netns cni-[0-9a-f-]{36}$/);
    expect(out[16]).toBe(`    inet 10.244.1.1/32 scope global ${A}`);
    expect(out[18]).toMatch(/^ {4}inet6 fe80::[0-9a-f:]+\/64 scope link $/);
    expect(out[20]).toMatch(new RegExp(`^4: ${B}@if2: `));
    expect(out).toHaveLength(27); // two veths, nothing for the host-network or stopped sandbox
  });

  it('ip -4 a, ip -br a, ip link, ip a show DEV', () => {
    expect(ipCommand(['-4', 'a'], env).stdout.split('\n')[3]).toBe(
      '2: eth0@if7: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default  link-netnsid 0',
    );
    expect(ipCommand(['-br', 'a'], env).stdout.split('\n').slice(0, 2)).toEqual([
      'lo               UNKNOWN        127.0.0.1/8 ::1/128 ',
      'eth0@if7         UP             172.18.0.3/16 fc00:f853:ccd:e793::3/64 fe80::42:acff:fe12:3/64 ',
    ]);
    expect(ipCommand(['link'], env).stdout.split('\n')[2]).toBe(
      '2: eth0@if7: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default ',
    );
    expect(ipCommand(['a', 's', 'eth0'], env).stdout.split('\n')).toHaveLength(9);
    expect(ipCommand(['addr', 'show', 'dev', 'eth1'], env)).toEqual({
      stdout: '',
      stderr: 'Device "eth1" does not exist.\n',
      exit: 1,
    });
  });

  it('errors as iproute2 words them', () => {
    expect(ipCommand(['foo'], env)).toEqual({
      stdout: '',
      stderr: 'Object "foo" is unknown, try "ip help".\n',
      exit: 1,
    });
    expect(ipCommand(['a', 'foo'], env).stderr).toBe('Command "foo" is unknown, try "ip address help".\n');
    expect(ipCommand(['route', 'foo'], env).exit).toBe(255);
    expect(ipCommand(['-x', 'a'], env).stderr).toBe('Option "-x" is unknown, try "ip -help".\n');
  });

  it('inet_ntop compresses the longest zero run', () => {
    expect(formatIPv6([0xfe80, 0, 0, 0, 0x42, 0xacff, 0xfe12, 3])).toBe('fe80::42:acff:fe12:3');
    expect(formatIPv6([0, 0, 0, 0, 0, 0, 0, 1])).toBe('::1');
    expect(formatIPv6([1, 0, 2, 0, 0, 3, 0, 0])).toBe('1:0:2::3:0:0');
  });
});
