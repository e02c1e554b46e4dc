/**
 * Copying a message the way a worker boundary does (structuredClone), fast for what messages are:
 * trees of plain objects, arrays and primitives. Shared by the in-process link and by components
 * that copy plain data they decoded (kube-apiserver's objects).
 */
/** Thrown inside copyMessage when a message is not a tree of plain data (it is then structured-cloned). */
const NOT_A_TREE = new Error('not a tree of plain data');
/** Deeper than this, a message is assumed to hold a cycle and goes to structuredClone. */
const MAX_DEPTH = 100;

function copyValue(v: unknown, depth: number): unknown {
  if (typeof v !== 'object' || v === null) {
    // structuredClone's DataCloneError for functions and symbols.
    if (typeof v === 'function' || typeof v === 'symbol') return structuredClone(v);
    return v;
  }
  if (depth > MAX_DEPTH) throw NOT_A_TREE;
  const proto = Object.getPrototypeOf(v);
  if (proto === Array.prototype) {
    const a = v as unknown[];
    const n = a.length;
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      if (!(i in a)) throw NOT_A_TREE; // a hole: structuredClone keeps it
      out[i] = copyValue(a[i], depth + 1);
    }
    return out;
  }
  if (proto === Object.prototype || proto === null) {
    const o = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k in o) {
      if (k === '__proto__')
        Object.defineProperty(out, k, {
          value: copyValue(o[k], depth + 1),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      else out[k] = copyValue(o[k], depth + 1);
    }
    return out;
  }
  // Typed arrays, Maps, Dates, class instances: exactly what structuredClone makes of them.
  return structuredClone(v);
}

/**
 * A copy of a message as structuredClone makes it, so that sender and receiver share nothing.
 * Messages are trees of plain objects, arrays and primitives, which a plain recursive copy copies
 * about ten times faster than structuredClone's serialise-then-deserialise; anything else (typed
 * arrays, Maps, class instances) is handed to structuredClone, and so is a message with a hole in
 * an array or nesting deep enough to be a cycle. One difference remains: an object reachable
 * twice in one message arrives as two equal copies instead of one shared copy.
 */
export function copyMessage<T>(m: T): T {
  try {
    return copyValue(m, 0) as T;
  } catch (e) {
    if (e === NOT_A_TREE) return structuredClone(m);
    throw e;
  }
}
