/**
 * The cluster survives a reload: the page keeps its session (seed, size and recorded inputs, see
 * SavedSession) in IndexedDB and, on the next load, replays it on a fresh cluster. Saving is
 * cheap (inputs are small) and happens after each input and every few seconds while time runs.
 */
import { createStore, del, get, set, type UseStore } from 'idb-keyval';
import type { ClusterController } from '../cluster/controller.ts';
import type { SavedSession } from '../cluster/protocol.ts';
import type { AppStore } from './store.ts';

const KEY = 'session';
/** While the clock runs, the position is saved at most this often. */
const SAVE_MS = 2000;

let db: UseStore | undefined;
function store(): UseStore | undefined {
  try {
    db ??= createStore('wheelhouse', 'sessions');
    return db;
  } catch {
    // No IndexedDB (a sandboxed embed, a privacy mode): the cluster then lasts as long as the page.
    return undefined;
  }
}

function isSession(v: unknown): v is SavedSession {
  const s = v as SavedSession | undefined;
  return !!s && s.version === 1 && Array.isArray(s.inputs) && typeof s.now === 'number';
}

/** The saved session, if any (never throws: a broken store means a fresh cluster). */
export async function loadSession(timeoutMs = 1500): Promise<SavedSession | undefined> {
  const s = store();
  if (!s) return undefined;
  try {
    const v = await Promise.race([get(KEY, s), new Promise((r) => setTimeout(() => r(undefined), timeoutMs))]);
    return isSession(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

export async function forgetSession(): Promise<void> {
  const s = store();
  if (s) await del(KEY, s).catch(() => undefined);
}

/** Saves the session after every input and, while the clock runs, every SAVE_MS. */
export function autosave(app: AppStore, cluster: ClusterController): () => void {
  const s = store();
  if (!s) return () => undefined;
  let lastInputs = -1;
  let lastNow = -1;
  let lastSave = 0;
  let busy = false;
  const save = async () => {
    busy = true;
    try {
      const session = await cluster.session();
      await set(KEY, session, s);
      lastSave = performance.now();
    } catch {
      // Saving is best effort; the next change tries again.
    } finally {
      busy = false;
    }
  };
  return app.subscribe((st) => {
    if (busy || st.boot.phase !== 'ready' || st.timeline.replaying) return;
    const inputsMoved = st.timeline.inputs !== lastInputs;
    const timeMoved = st.clock.now !== lastNow && performance.now() - lastSave > SAVE_MS;
    if (!inputsMoved && !timeMoved) return;
    lastInputs = st.timeline.inputs;
    lastNow = st.clock.now;
    void save();
  });
}
