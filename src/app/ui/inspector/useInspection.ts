import { useEffect, useState } from 'react';
import type { Inspection, InspectTarget } from '../../cluster/protocol.ts';
import { useActions, useApp } from '../../state/context.tsx';

/**
 * Reads an inspection and reads it again whenever etcd's revision moves or the trace grows (at
 * most every `ms`), so what the inspector shows is live without a message on the bus.
 */
export function useInspection(target: InspectTarget | null, ms = 600): Inspection | undefined {
  const { inspect } = useActions();
  const revision = useApp((s) => s.world.revision);
  const now = useApp((s) => Math.floor(s.clock.now / ms));
  const key = target ? JSON.stringify(target) : '';
  const [result, setResult] = useState<{ key: string; value: Inspection } | undefined>();
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-read when the cluster moves
  useEffect(() => {
    if (!target) return;
    let live = true;
    void inspect(target).then((value) => {
      if (live) setResult({ key, value });
    });
    return () => {
      live = false;
    };
  }, [key, revision, now, inspect]);
  return result && result.key === key ? result.value : undefined;
}
