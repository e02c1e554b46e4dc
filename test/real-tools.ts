/**
 * Conformance tests run the real tools (etcd, kubectl, iptables, ...) next to the simulation. On a
 * developer machine a missing tool skips those tests with a message saying what to install; on CI
 * (the CI environment variable is set) a missing tool is an error, so a broken image cannot turn a
 * conformance suite into a silent pass.
 *
 *   const hasEtcd = requireTool('etcd', '/usr/bin/etcd');
 *   describe.skipIf(!hasEtcd)('etcd conformance', () => { ... });
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/** Where a tool is: `path` if it is executable, else the first executable `name` on PATH, else null. */
export function findTool(name: string, path?: string): string | null {
  const candidates: string[] = [];
  if (path) candidates.push(path);
  if (!isAbsolute(name) && !name.includes('/'))
    for (const dir of (process.env.PATH ?? '').split(delimiter)) if (dir) candidates.push(join(dir, name));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      if (statSync(c).isFile()) return c;
    } catch {
      // not there or not executable; try the next one
    }
  }
  return null;
}

/**
 * Whether the tool `name` is available (at `path`, or on PATH). When it is not: with CI set this
 * throws, failing the test file; otherwise it logs why the dependent tests are skipped and
 * returns false. `hint` says how to get the tool.
 */
export function requireTool(name: string, path?: string, hint?: string): boolean {
  if (findTool(name, path)) return true;
  const where = path ? `${path} (or ${name} on PATH)` : `${name} on PATH`;
  const reason = `${name} not found at ${where}${hint ? `; ${hint}` : ''}`;
  if (process.env.CI) throw new Error(`${reason}. CI is set, so a missing tool is an error, not a skip.`);
  console.warn(`[skip] tests that need ${name} are skipped: ${reason}`);
  return false;
}
