/**
 * Shared by the tests that load generated rules into the real kernel: which iptables backend
 * works in an unprivileged network namespace, the TCP server and client scripts run inside it,
 * shell quoting and a small seeded random (Math.random would make a failure unrepeatable).
 */
import { spawnSync } from 'node:child_process';

/** Which iptables backend works inside a private network namespace, if any. */
export function pickBackend(): 'nft' | 'legacy' | null {
  for (const b of ['nft', 'legacy'] as const) {
    const r = spawnSync('unshare', [
      '-rn',
      'sh',
      '-c',
      `iptables-${b} -t nat -N KUBE-PROBE && iptables-${b}-save -t nat >/dev/null`,
    ]);
    if (r.status === 0) return b;
  }
  return null;
}

/** A small seeded generator (mulberry32): the same seed, the same cluster. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Single-quotes a word for sh. */
export function q(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Listens on the given ports and answers each connection with the address it reached. */
export const SERVER = `
import net from 'node:net';
import fs from 'node:fs';
const ports = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
let n = 0;
for (const port of ports) {
  net.createServer((s) => s.end(s.localAddress + ':' + s.localPort + '\\n')).listen(port, '0.0.0.0', () => {
    if (++n === ports.length) fs.writeFileSync(process.argv[3], 'ready');
  });
}
`;

/** Makes each planned number of connections and counts what answered (or refused, or timed out). */
export const CLIENT = `
import net from 'node:net';
import fs from 'node:fs';
const plan = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
function one(p) {
  return new Promise((resolve) => {
    let data = '';
    let done = false;
    const finish = (r) => { if (!done) { done = true; clearTimeout(t); s.destroy(); resolve(r); } };
    const opts = { host: p.host, port: p.port };
    if (p.localAddress) opts.localAddress = p.localAddress;
    const s = net.connect(opts);
    const t = setTimeout(() => finish('timeout'), p.timeoutMs);
    s.on('data', (d) => { data += d; });
    s.on('end', () => finish(data.trim() || 'empty'));
    s.on('error', (e) => finish(e.code === 'ECONNREFUSED' ? 'refused' : 'error:' + e.code));
  });
}
const results = {};
for (const p of plan) {
  const counts = {};
  let next = 0;
  const worker = async () => { while (next < p.count) { next++; const r = await one(p); counts[r] = (counts[r] || 0) + 1; } };
  await Promise.all(Array.from({ length: Math.min(p.concurrency || 32, p.count) }, worker));
  results[p.id] = counts;
}
process.stdout.write(JSON.stringify(results));
`;
