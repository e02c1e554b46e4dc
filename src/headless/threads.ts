/** Hosts in Node worker_threads: the headless runner's placement. */
import { Worker } from 'node:worker_threads';
import type { HostLink } from '../machinery/bus/links.ts';
import type { FromHost } from '../machinery/bus/protocol.ts';

const entry = new URL('./thread-host.mjs', import.meta.url);

export function threadLink(name: string): HostLink {
  const w = new Worker(entry, { name });
  let listener: (m: FromHost) => void = () => {};
  let exit: (reason: string) => void = () => {};
  let terminated = false;
  w.on('message', (m: FromHost) => listener(m));
  w.on('error', (e) => {
    if (!terminated) exit(`worker error: ${e.message}`);
  });
  w.on('exit', (code) => {
    if (!terminated) exit(`worker exited with code ${code}`);
  });
  return {
    post: (m) => w.postMessage(m),
    onMessage(cb) {
      listener = cb;
    },
    onExit(cb) {
      exit = cb;
    },
    terminate() {
      terminated = true;
      void w.terminate();
    },
    kill() {
      void w.terminate();
    },
  };
}
