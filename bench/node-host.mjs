// Entry of a benchmark worker_thread: registers the TypeScript loader in this thread, then runs
// the bench host (relay host or bare host, chosen by workerData.mode).
import { register } from 'tsx/esm/api';

register();
await import('./node-host.ts');
