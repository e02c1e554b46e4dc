/** --overrides for kubectl run: a JSON document merged into the generated object (strategic by default). */
import type { KObject } from '../../api/types.ts';
import { CommandError } from '../../printers/errors.ts';

function merge(base: unknown, over: unknown): unknown {
  if (over === null) return undefined;
  if (
    typeof over !== 'object' ||
    Array.isArray(over) ||
    typeof base !== 'object' ||
    base === null ||
    Array.isArray(base)
  )
    return over;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over as Record<string, unknown>)) {
    const m = merge(out[k], v);
    if (m === undefined) delete out[k];
    else out[k] = m;
  }
  return out;
}

export function strategicOverride(obj: KObject, overrides: string): KObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(overrides);
  } catch (e) {
    throw new CommandError(`error parsing overrides: ${(e as Error).message}`);
  }
  return merge(obj, parsed) as KObject;
}
