/** The relay's thread in the browser benchmark: a dedicated worker, as in the app. */
import { type BrowserParams, runBrowserPair } from './pair-browser.ts';

const scope = self as unknown as {
  postMessage(m: unknown): void;
  addEventListener(t: 'message', cb: (ev: { data: unknown }) => void): void;
};

scope.addEventListener('message', (ev) => {
  runBrowserPair(ev.data as BrowserParams).then(
    (result) => scope.postMessage({ ok: true, result }),
    (e: unknown) => scope.postMessage({ ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
  );
});
