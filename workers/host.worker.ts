/**
 * Browser entry of a generic host worker: it can run any component in the registry. The page uses
 * it for hosts that have no dedicated entry (src/app/cluster/entries.ts), so a component added to
 * workers/registry.ts appears in the browser without a new entry file.
 */
import { serveOnFirstPort } from '../src/machinery/runtime/host.ts';
import { registry } from './registry.ts';

serveOnFirstPort(self, registry);
