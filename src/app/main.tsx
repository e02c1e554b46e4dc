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
import { createAppStore } from './state/store.ts';

const locale = initialLocale();
applyLocale(locale);
const store = createAppStore(locale);
// The cluster is started once per page, outside React, so StrictMode's double effects can't boot it twice.
// `?workers=N` boots a bigger (or smaller) cluster, `?seed=N` another seed (for demos and benchmarks).
const params = new URLSearchParams(location.search);
const workersParam = Number(params.get('workers'));
const seedParam = Number(params.get('seed'));
const cluster = startCluster(
  store,
  Number.isInteger(seedParam) && seedParam > 0 ? seedParam : 1,
  Number.isInteger(workersParam) && workersParam >= 0 && workersParam <= MAX_PAGE_WORKERS && params.has('workers')
    ? workersParam
    : undefined,
);
const actions = createActions(store, cluster);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <AppProvider store={store} actions={actions}>
      <App />
    </AppProvider>
  </StrictMode>,
);
