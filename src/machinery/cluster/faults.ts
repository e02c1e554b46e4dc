/**
 * Faults a user can inject, the same from the app's buttons, the headless runner's debug
 * endpoints and scenario steps: stop or start a node's kubelet, power a node off or on (every
 * agent on it stops, and its containers die with it), stop or start a control-plane component.
 */
import type { Relay } from '../bus/relay.ts';

export type Fault =
  | { kind: 'kubelet'; node: string; state: 'stopped' | 'running' }
  | { kind: 'node'; node: string; state: 'stopped' | 'running' }
  | { kind: 'component'; component: string; state: 'stopped' | 'running' };

export class FaultError extends Error {}

/** The agents that run on a node. */
export function nodeAgents(relay: Relay, node: string): string[] {
  const suffix = `@${node}`;
  return relay.topology.flatMap((h) => h.addresses).filter((a) => a.endsWith(suffix));
}

export async function applyFault(relay: Relay, f: Fault): Promise<string> {
  const change = (address: string) =>
    f.state === 'stopped' ? relay.stopComponent(address) : relay.startComponent(address);
  switch (f.kind) {
    case 'kubelet': {
      const address = `kubelet@${f.node}`;
      if (!nodeAgents(relay, f.node).includes(address)) throw new FaultError(`no node "${f.node}" with a kubelet`);
      await change(address);
      return `kubelet on ${f.node} ${f.state}`;
    }
    case 'node': {
      const agents = nodeAgents(relay, f.node);
      if (agents.length === 0) throw new FaultError(`no node "${f.node}"`);
      // Powering on starts the runtime before the kubelet, as systemd orders them.
      const order = f.state === 'running' ? [...agents].sort((a) => (a.startsWith('containerd@') ? -1 : 1)) : agents;
      for (const a of order) await change(a);
      return `node ${f.node} powered ${f.state === 'stopped' ? 'off' : 'on'}`;
    }
    case 'component': {
      const all = relay.topology.flatMap((h) => h.addresses);
      if (!all.includes(f.component))
        throw new FaultError(
          `no component "${f.component}" (one of: ${all.filter((a) => !a.includes('@')).join(', ')})`,
        );
      await change(f.component);
      return `${f.component} ${f.state}`;
    }
  }
}

/** Parses `{"state":"stopped"|"running"}` (or `"off"`/`"on"`) from a request body or scenario step. */
export function parseState(v: unknown): 'stopped' | 'running' {
  if (v === 'stopped' || v === 'off' || v === 'stop') return 'stopped';
  if (v === 'running' || v === 'on' || v === 'start') return 'running';
  throw new FaultError(`state must be "stopped" or "running", got ${JSON.stringify(v)}`);
}
