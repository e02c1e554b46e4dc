/**
 * The benchmark page. Parameters come in the query string (`?params=<json>`, `&relay=page` to run
 * the relay on this thread instead of a dedicated worker); the result lands in
 * window.__benchResult as { ok: true, result } or { ok: false, error }.
 */
import { DEFAULT_LAYOUT } from '../lib/flows.ts';
import { DEFAULT_PAIR } from '../lib/pair.ts';
import { type BrowserParams, runBrowserPair } from './pair-browser.ts';

type Outcome = { ok: true; result: unknown } | { ok: false; error: string };

declare global {
  interface Window {
    __benchResult?: Outcome;
  }
}

const query = new URLSearchParams(location.search);
const params: BrowserParams = query.has('params')
  ? (JSON.parse(query.get('params') as string) as BrowserParams)
  : { layout: DEFAULT_LAYOUT, pair: DEFAULT_PAIR };

function done(o: Outcome): void {
  window.__benchResult = o;
  const out = document.getElementById('out');
  if (out) out.textContent = JSON.stringify(o, null, 2);
}

if (query.get('relay') === 'page') {
  runBrowserPair(params).then(
    (result) => done({ ok: true, result }),
    (e: unknown) => done({ ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
  );
} else {
  const driver = new Worker(new URL('./driver.worker.ts', import.meta.url), { type: 'module', name: 'relay' });
  driver.onmessage = (ev: MessageEvent<Outcome>) => {
    done(ev.data);
    driver.terminate();
  };
  driver.onerror = (ev) => done({ ok: false, error: `driver worker: ${ev.message}` });
  driver.postMessage(params);
}
