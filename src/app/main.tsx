import '@fontsource-variable/noto-sans-kr';
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { startCluster } from './cluster/controller.ts';
import { MAX_PAGE_WORKERS } from './cluster/protocol.ts';
import { applyLocale, initialLocale } from './i18n/index.ts';
import { createActions } from './state/actions.ts';
import { AppProvider } from './state/context.tsx';
import { autosave, forgetSession, loadSession } from './state/persist.ts';
import { createAppStore } from './state/store.ts';

const locale = initialLocale();
applyLocale(locale);
const store = createAppStore(locale);

// `?workers=N` boots a bigger (or smaller) cluster, `?seed=N` another seed (for demos and
// benchmarks), `?proxy=ipvs` runs kube-proxy in IPVS mode, `?fresh` ignores the saved session.
const params = new URLSearchParams(location.search);
const workersParam = Number(params.get('workers'));
const seedParam = Number(params.get('seed'));
const seed = Number.isInteger(seedParam) && seedParam > 0 ? seedParam : 1;
const workers =
  params.has('workers') && Number.isInteger(workersParam) && workersParam >= 0 && workersParam <= MAX_PAGE_WORKERS
    ? workersParam
    : 2;

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

async function main(): Promise<void> {
  if (params.has('fresh')) await forgetSession();
  const saved = await loadSession();
  // A saved session of another seed or size is not this cluster: start fresh.
  const restore = saved && saved.seed === seed && saved.workers === workers ? saved : undefined;
  if (restore) store.setState({ restoring: restore.inputs.length });
  // The cluster is started once per page, outside React, so StrictMode's double effects can't boot it twice.
  const proxyMode = params.get('proxy') === 'ipvs' ? 'ipvs' : undefined;
  const cluster = startCluster(store, seed, workers, restore, proxyMode);
  autosave(store, cluster);
  const actions = createActions(store, cluster);
  createRoot(root as HTMLElement).render(
    <StrictMode>
      <AppProvider store={store} actions={actions}>
        <App />
      </AppProvider>
    </StrictMode>,
  );
}

void main();
