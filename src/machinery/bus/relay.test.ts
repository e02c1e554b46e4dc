import { describe, expect, it } from 'vitest';
import type { Component, Context, Registry } from '../runtime/component.ts';
import type { Envelope } from './protocol.ts';
import { Relay } from './relay.ts';

/** A tiny pair of components on an allowed edge (kube-scheduler ↔ kube-apiserver) for bus tests. */
const echo = (): Component => ({
  receive(env: Envelope, ctx: Context) {
    if (env.kind === 'api.ping') ctx.reply(env, 'api.pong', { n: (env.payload as { n: number }).n, at: ctx.now() });
    if (env.kind === 'api.boom') throw new Error('boom');
  },
});

const pinger = (): Component => ({
  start(ctx) {
    ctx.setTimer(100, async () => {
      const r = await ctx.request<{ n: number }>('kube-apiserver', 'api.ping', { n: 1 });
      ctx.annotate(`pong ${r.payload.n} at ${ctx.now()}`);
    });
  },
  receive() {},
});

const registry: Registry = { echo, pinger };

async function pair(seed = 1) {
  const relay = new Relay({ seed });
  await relay.addLocalHost('kube-apiserver', registry, [{ kind: 'echo', address: 'kube-apiserver' }]);
  await relay.addLocalHost('kube-scheduler', registry, [{ kind: 'pinger', address: 'kube-scheduler' }]);
  return relay;
}

function lines(relay: Relay): string[] {
  return relay.trace.since(-1).map((r) => `${r.at} ${r.from} → ${r.to} ${r.kind}`);
}

describe('relay', () => {
  it('delivers in (time, sequence) order with link latency and timers on the simulated clock', async () => {
    const relay = await pair();
    await relay.advance(1000);
    expect(lines(relay)).toEqual([
      '100 kube-scheduler → kube-scheduler timer',
      '101 kube-scheduler → kube-apiserver api.ping',
      '102 kube-apiserver → kube-scheduler api.pong',
      '102 kube-scheduler → kube-scheduler @bus.note',
    ]);
    expect(relay.now).toBe(1000);
  });

  it('refuses a message on an edge the real architecture does not have, and traces the refusal', async () => {
    const relay = await pair();
    const kubectl = relay.client('kubectl');
    const p = kubectl.request('etcd', 'etcd.range', { key: '/registry/' });
    await expect(relay.settle(p)).rejects.toThrow('kubectl does not talk to etcd in a Kubernetes cluster');
    const refused = relay.trace.since(-1).filter((r) => r.kind === '@bus.refused');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ from: 'kubectl', to: 'etcd' });
    expect(relay.stats.refused).toBe(1);
  });

  it('single-steps exactly one message', async () => {
    const relay = await pair();
    const first = await relay.step();
    expect(first?.kind).toBe('timer');
    expect(relay.trace.size).toBe(1);
    const second = await relay.step();
    expect(second?.kind).toBe('api.ping');
    expect(relay.trace.size).toBe(2);
  });

  it('restarts a component that throws and keeps delivering', async () => {
    const relay = await pair();
    const kubectl = relay.client('kubectl');
    kubectl.send('kube-apiserver', 'api.boom', {});
    const p = kubectl.request<{ n: number }>('kube-apiserver', 'api.ping', { n: 7 });
    const r = await relay.settle(p);
    expect(r.payload.n).toBe(7);
    const kinds = relay.trace.since(-1).map((x) => x.kind);
    expect(kinds).toContain('@bus.crashed');
    expect(kinds).toContain('@bus.restarted');
    expect(relay.stats.crashes).toBe(1);
  });

  it('keeps the trace bounded', async () => {
    const relay = new Relay({ seed: 1, traceCapacity: 16 });
    await relay.addLocalHost('kube-apiserver', registry, [{ kind: 'echo', address: 'kube-apiserver' }]);
    const kubectl = relay.client('kubectl');
    for (let i = 0; i < 100; i++) await relay.settle(kubectl.request('kube-apiserver', 'api.ping', { n: i }));
    expect(relay.trace.size).toBe(16);
    expect(relay.trace.first).toBeGreaterThan(100);
  });
});

describe('route enforcement', () => {
  it('refuses a component that addresses etcd directly, and the component learns it was refused', async () => {
    const sneaky = (): Component => ({
      start(ctx) {
        ctx.setTimer(10, async () => {
          try {
            await ctx.request('etcd', 'etcd.range', { key: '/registry/' });
          } catch (e) {
            ctx.annotate(`refused: ${(e as Error).message}`);
          }
        });
      },
      receive() {},
    });
    const relay = new Relay({ seed: 1 });
    await relay.addLocalHost('kube-scheduler', { sneaky }, [{ kind: 'sneaky', address: 'kube-scheduler' }]);
    await relay.advance(100);
    const records = relay.trace.since(-1);
    const refusal = records.find((r) => r.kind === '@bus.refused');
    expect(refusal).toMatchObject({ from: 'kube-scheduler', to: 'etcd' });
    expect(refusal?.summary).toContain('kube-scheduler does not talk to etcd');
    expect(
      records.some(
        (r) => r.kind === '@bus.note' && r.summary.startsWith('refused: kube-scheduler does not talk to etcd'),
      ),
    ).toBe(true);
    expect(records.some((r) => r.kind === 'etcd.range')).toBe(false);
  });
});
