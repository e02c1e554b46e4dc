// Entry of a Node worker_thread: registers the TypeScript loader in this thread, then runs the host.
import { register } from 'tsx/esm/api';

register();
await import('./thread-host.ts');
