/** Runs a scenario on a fresh cluster, in worker_threads or in this thread, and returns its trace. */
import { registry } from '../../workers/registry.ts';
import { inProcessLink } from '../machinery/bus/links.ts';
import type { TraceRecord } from '../machinery/bus/trace.ts';
import { bootCluster } from '../machinery/cluster/cluster.ts';
import { parseScenario, runSteps, type StepResult } from '../machinery/scenario/scenario.ts';
import { threadLink } from './threads.ts';

export interface ScenarioRun {
  seed: number;
  trace: string[];
  results: StepResult[];
}

export async function runScenario(
  text: string,
  opts: { seed?: number; placement?: 'threads' | 'in-process'; onRecord?: (line: string) => void } = {},
): Promise<ScenarioRun> {
  const sc = parseScenario(text);
  const seed = opts.seed ?? sc.seed ?? 1;
  const placement = opts.placement ?? 'threads';
  const cluster = await bootCluster(
    { ...sc.cluster, seed },
    (plan) => (placement === 'threads' ? threadLink(plan.name) : inProcessLink(registry)),
    registry,
    // The scenario's own copy of the trace is complete; the ring only needs to be large enough for the UI.
    { traceCapacity: 10_000 },
  );
  const trace: string[] = [];
  const unsubscribe = cluster.relay.trace.subscribe((r: TraceRecord) => {
    const line = JSON.stringify(r);
    trace.push(line);
    opts.onRecord?.(line);
  });
  try {
    const results = await runSteps(cluster.relay, sc.steps, sc.cluster.epoch);
    return { seed, trace, results };
  } finally {
    unsubscribe();
    await cluster.shutdown();
  }
}
