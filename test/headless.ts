/** Starts the headless runner as a child process, as a user would, and stops it. */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface Runner {
  api: string;
  etcd: string;
  proc: ChildProcess;
  stop(): Promise<void>;
}

const root = fileURLToPath(new URL('..', import.meta.url));

export async function startRunner(args: string[] = [], timeoutMs = 60_000): Promise<Runner> {
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/headless/serve.ts', '--port', '0', '--etcd-port', '0', ...args],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  proc.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const urls = await new Promise<{ api: string; etcd: string }>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`runner not ready after ${timeoutMs} ms:\n${out}\n${err}`)),
      timeoutMs,
    );
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const etcd = /etcd at (http:\/\/\S+)/.exec(out)?.[1];
      const api = /Kubernetes API at (http:\/\/\S+)/.exec(out)?.[1];
      const etcdOnly = args.includes('--only');
      if (etcd && (api || (etcdOnly && /debug endpoints/.test(out)))) {
        clearTimeout(timer);
        resolve({ api: api ?? '', etcd });
      }
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`runner exited with ${code}:\n${out}\n${err}`));
    });
  });
  return {
    ...urls,
    proc,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}
