/**
 * JSON patch (RFC 6902) as kube-apiserver applies `application/json-patch+json`:
 * gopkg.in/evanphx/json-patch.v4 (v4.12) semantics, which differ from the RFC in a few places
 * kubectl users can see:
 *  - `replace` of a missing object member adds it (only arrays check the index);
 *  - negative array indexes count from the end;
 *  - `test` of a missing member passes when the value is null.
 *
 * A patch that does not decode is a 400 with the decoder's text; an operation that fails is a 422
 * whose message hides the cause ("the server rejected our request due to an error in our
 * request"); the cause is kept in PatchError.detail.
 */
import { badRequest, genericInvalid, PatchError } from './errors.ts';
import { clone, deepEqual, isObject, type JsonObject } from './json.ts';

/** handlers/patch.go maxJSONPatchOperations. */
const MAX_OPERATIONS = 10000;

type Container = JsonObject | unknown[];

function goJsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (isObject(v)) return 'object';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  return 'string';
}

/** RFC 6901 unescaping: `~1` is `/`, `~0` is `~`. */
function decodePatchKey(k: string): string {
  return k.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** strconv.Atoi. */
function atoi(key: string): number {
  if (!/^[+-]?\d+$/.test(key)) throw new Error(`strconv.Atoi: parsing ${JSON.stringify(key)}: invalid syntax`);
  const n = Number(key);
  if (!Number.isSafeInteger(n)) throw new Error(`strconv.Atoi: parsing ${JSON.stringify(key)}: value out of range`);
  return n;
}

function invalidIndex(idx: number): Error {
  return new Error(`Unable to access invalid index: ${idx}: invalid index referenced`);
}

function get(con: Container, key: string): unknown {
  if (!Array.isArray(con)) return Object.hasOwn(con, key) ? con[key] : undefined;
  let idx = atoi(key);
  if (idx < 0) {
    if (idx < -con.length) throw invalidIndex(idx);
    idx += con.length;
  }
  if (idx >= con.length) throw invalidIndex(idx);
  return con[idx];
}

function has(con: Container, key: string): boolean {
  return Array.isArray(con) || Object.hasOwn(con, key);
}

function set(con: Container, key: string, val: unknown): void {
  if (!Array.isArray(con)) {
    con[key] = val;
    return;
  }
  let idx = atoi(key);
  if (idx < 0) {
    if (idx < -con.length) throw invalidIndex(idx);
    idx += con.length;
  }
  con[idx] = val;
}

function add(con: Container, key: string, val: unknown): void {
  if (!Array.isArray(con)) {
    con[key] = val;
    return;
  }
  if (key === '-') {
    con.push(val);
    return;
  }
  let idx: number;
  try {
    idx = atoi(key);
  } catch (e) {
    throw new Error(`value was not a proper array index: '${key}': ${(e as Error).message}`);
  }
  const size = con.length + 1;
  if (idx >= size) throw invalidIndex(idx);
  if (idx < 0) {
    if (idx < -size) throw invalidIndex(idx);
    idx += size;
  }
  con.splice(idx, 0, val);
}

function remove(con: Container, key: string): void {
  if (!Array.isArray(con)) {
    if (!Object.hasOwn(con, key)) throw new Error(`Unable to remove nonexistent key: ${key}: missing value`);
    delete con[key];
    return;
  }
  let idx = atoi(key);
  if (idx >= con.length) throw invalidIndex(idx);
  if (idx < 0) {
    if (idx < -con.length) throw invalidIndex(idx);
    idx += con.length;
  }
  con.splice(idx, 1);
}

/** findObject: walks to the parent of the last path segment; undefined when the path is missing. */
function findObject(doc: Container, path: string): [Container, string] | undefined {
  const split = path.split('/');
  if (split.length < 2) return undefined;
  let cur: Container = doc;
  for (const part of split.slice(1, -1)) {
    let next: unknown;
    try {
      next = get(cur, decodePatchKey(part));
    } catch {
      return undefined;
    }
    if (Array.isArray(next) || isObject(next)) cur = next;
    else return undefined;
  }
  return [cur, decodePatchKey(split[split.length - 1] as string)];
}

interface Op {
  raw: JsonObject;
}

function kind(op: Op): string {
  const k = op.raw.op;
  return typeof k === 'string' ? k : 'unknown';
}

function stringField(op: Op, name: 'path' | 'from', what: string): string {
  const v = op.raw[name];
  if (v === undefined || v === null) {
    throw new Error(
      name === 'path' ? `${what} operation failed to decode path` : `${what} operation failed to decode from`,
    );
  }
  if (typeof v !== 'string') throw new Error(`json: cannot unmarshal ${goJsonKind(v)} into Go value of type string`);
  return v;
}

/** The operation's value; a missing value is JSON null. */
function value(op: Op): unknown {
  const v = op.raw.value;
  return v === undefined ? null : clone(v);
}

function applyOp(root: { doc: Container }, op: Op): void {
  const k = kind(op);
  switch (k) {
    case 'add': {
      const path = stringField(op, 'path', 'add');
      const found = findObject(root.doc, path);
      if (!found) throw new Error(`add operation does not apply: doc is missing path: "${path}": missing value`);
      try {
        add(found[0], found[1], value(op));
      } catch (e) {
        throw new Error(`error in add for path: '${path}': ${(e as Error).message}`);
      }
      return;
    }
    case 'remove': {
      const path = stringField(op, 'path', 'remove');
      const found = findObject(root.doc, path);
      if (!found) throw new Error(`remove operation does not apply: doc is missing path: "${path}": missing value`);
      try {
        remove(found[0], found[1]);
      } catch (e) {
        throw new Error(`error in remove for path: '${path}': ${(e as Error).message}`);
      }
      return;
    }
    case 'replace': {
      const path = stringField(op, 'path', 'replace');
      if (path === '') {
        const v = value(op);
        if (!Array.isArray(v) && !isObject(v)) throw new Error('replace operation value must be object or array');
        root.doc = v;
        return;
      }
      const found = findObject(root.doc, path);
      if (!found) throw new Error(`replace operation does not apply: doc is missing path: ${path}: missing value`);
      try {
        get(found[0], found[1]);
      } catch {
        throw new Error(`replace operation does not apply: doc is missing key: ${path}: missing value`);
      }
      try {
        set(found[0], found[1], value(op));
      } catch (e) {
        throw new Error(`error in remove for path: '${path}': ${(e as Error).message}`);
      }
      return;
    }
    case 'move': {
      const from = stringField(op, 'from', 'move');
      const src = findObject(root.doc, from);
      if (!src) throw new Error(`move operation does not apply: doc is missing from path: ${from}: missing value`);
      let val: unknown;
      try {
        val = get(src[0], src[1]);
        remove(src[0], src[1]);
      } catch (e) {
        throw new Error(`error in move for path: '${src[1]}': ${(e as Error).message}`);
      }
      const path = stringField(op, 'path', 'move');
      const dst = findObject(root.doc, path);
      if (!dst)
        throw new Error(`move operation does not apply: doc is missing destination path: ${path}: missing value`);
      try {
        add(dst[0], dst[1], val === undefined ? null : val);
      } catch (e) {
        throw new Error(`error in move for path: '${path}': ${(e as Error).message}`);
      }
      return;
    }
    case 'copy': {
      const from = stringField(op, 'from', 'copy');
      const src = findObject(root.doc, from);
      if (!src) throw new Error(`copy operation does not apply: doc is missing from path: ${from}: missing value`);
      let val: unknown;
      try {
        val = get(src[0], src[1]);
      } catch (e) {
        throw new Error(`error in copy for from: '${from}': ${(e as Error).message}`);
      }
      const path = stringField(op, 'path', 'copy');
      const dst = findObject(root.doc, path);
      if (!dst)
        throw new Error(`copy operation does not apply: doc is missing destination path: ${path}: missing value`);
      try {
        add(dst[0], dst[1], val === undefined ? null : clone(val));
      } catch (e) {
        throw new Error(`error while adding value during copy: ${(e as Error).message}`);
      }
      return;
    }
    case 'test': {
      const path = stringField(op, 'path', 'test');
      const expected = value(op);
      if (path === '') {
        if (deepEqual(root.doc, expected)) return;
        throw new Error(`testing value ${path} failed: test failed`);
      }
      const found = findObject(root.doc, path);
      if (!found) throw new Error(`test operation does not apply: is missing path: ${path}: missing value`);
      let actual: unknown;
      try {
        actual = get(found[0], found[1]);
      } catch (e) {
        throw new Error(`error in test for path: '${path}': ${(e as Error).message}`);
      }
      if (actual === undefined || !has(found[0], found[1])) {
        if (expected === null) return;
        throw new Error(`testing value ${path} failed: test failed`);
      }
      if (deepEqual(actual, expected)) return;
      throw new Error(`testing value ${path} failed: test failed`);
    }
    default:
      throw new Error(`Unexpected kind: ${k}`);
  }
}

/**
 * Applies an RFC 6902 patch (the decoded JSON array of operations) to `target` (not modified) and
 * returns the result. Throws PatchError: 400 when the patch does not decode, 413 past 10000
 * operations, 422 when an operation fails.
 */
export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (ops === null || ops === undefined) return clone(target);
  if (!Array.isArray(ops))
    throw badRequest(`json: cannot unmarshal ${goJsonKind(ops)} into Go value of type jsonpatch.Patch`);
  const decoded: Op[] = [];
  for (const o of ops) {
    if (o === null) {
      decoded.push({ raw: {} });
      continue;
    }
    if (!isObject(o))
      throw badRequest(`json: cannot unmarshal ${goJsonKind(o)} into Go value of type jsonpatch.Operation`);
    decoded.push({ raw: o });
  }
  if (decoded.length > MAX_OPERATIONS) {
    throw new PatchError(
      `Request entity too large: The allowed maximum operations in a JSON patch is ${MAX_OPERATIONS}, got ${decoded.length}`,
      {
        code: 413,
        reason: 'RequestEntityTooLarge',
      },
    );
  }
  const root = { doc: (Array.isArray(target) || isObject(target) ? clone(target) : {}) as Container };
  for (const op of decoded) {
    try {
      applyOp(root, op);
    } catch (e) {
      if (e instanceof PatchError) throw e;
      throw genericInvalid((e as Error).message);
    }
  }
  return root.doc;
}
