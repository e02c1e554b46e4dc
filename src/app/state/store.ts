/**
 * The page's state: one zustand vanilla store per app instance, created by a factory (never a
 * module singleton) so tests and embeds get fresh ones. Reducers are plain functions over the
 * state; React reads the store through narrow selectors (see context.tsx).
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { EMPTY_WORLD, type World } from '../../machinery/view/world-types.ts';
import type { Flow, TimelineView } from '../cluster/protocol.ts';
import {
  type Batch,
  type ClockView,
  type ConsoleReply,
  DEFAULT_SPEED,
  type HostView,
  type LogFilter,
  matchesFilter,
  NO_FILTER,
  type SpeedChoice,
  type TraceRow,
} from '../cluster/protocol.ts';
import type { Locale } from '../i18n/index.ts';

/** Trace rows the message log keeps. */
export const LOG_LIMIT = 500;
/** Console blocks kept. */
export const CONSOLE_LIMIT = 200;
/** Commands remembered for ↑/↓. */
export const HISTORY_LIMIT = 100;
/** Characters one streaming watch block keeps (a busy prefix never stops printing). */
export const WATCH_TEXT_LIMIT = 20_000;

/** Keeps the tail of a growing output, cut at a line boundary. */
function tail(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const cut = text.indexOf('\n', text.length - limit);
  return `…\n${text.slice(cut < 0 ? text.length - limit : cut + 1)}`;
}

export type BootState = { phase: 'booting' } | { phase: 'ready' } | { phase: 'failed'; error: string };

export type ConsoleEntry =
  | { id: number; type: 'command'; line: string; node?: string; state: 'pending' }
  | { id: number; type: 'command'; line: string; node?: string; state: 'done'; reply: ConsoleReply }
  | { id: number; type: 'command'; line: string; node?: string; state: 'failed'; error: string }
  | { id: number; type: 'watch'; watch: number; text: string; ended: boolean };

export interface ActiveWatch {
  watch: number;
  line: string;
}

export interface AppState {
  locale: Locale;
  boot: BootState;
  hosts: HostView[];
  clock: ClockView;
  playing: boolean;
  speed: SpeedChoice;
  /** Set for a moment when Step found nothing to deliver. */
  stepEmpty: boolean;
  /** The newest trace rows that match the log's filter (the relay worker filters them). */
  rows: TraceRow[];
  /** Matching records that went by without reaching the page (a batch is capped). */
  skipped: number;
  /** Every address and kind seen, for the log's filters. */
  addresses: string[];
  kinds: string[];
  filter: LogFilter;
  /** Trace position (`n`) of the newest row when the log was cleared; rows up to it are hidden. */
  clearedThrough: number;
  console: { entries: ConsoleEntry[]; history: string[]; watches: ActiveWatch[]; nextId: number };
  /** The cluster's objects as etcd holds them (nodes, pods, services, workloads). */
  world: World;
  /** Messages per canvas edge since boot, keyed "a|b" (a < b). */
  edgeCounts: Record<string, number>;
  /** The node whose shell the console runs commands in ('' for the workstation: kubectl, etcdctl). */
  shellNode: string;
  /** What the inspector shows. */
  selection: Selection | null;
  /** Which tab of the side panel is open. */
  sideTab: SideTab;
  timeline: TimelineView;
  /** Inputs being replayed to bring back the saved session (0 when booting fresh). */
  restoring: number;
  /** The two ends of the last packet walk (`ns/name` of pods, or a node), marked on the map. */
  walkEnds: { source: string; destination: string } | null;
}

export type SideTab = 'inspector' | 'walk' | 'etcd' | 'events' | 'components';

/** Something the user picked on the canvas or in a list. */
export type Selection =
  | { type: 'component'; address: string }
  | { type: 'pod'; namespace: string; name: string }
  | { type: 'node'; name: string };

/** Listeners for message flows (the canvas animates them; they are not kept in the state). */
export type FlowListener = (flows: Flow[]) => void;
const flowListeners = new WeakMap<AppStore, Set<FlowListener>>();

export function onFlows(store: AppStore, fn: FlowListener): () => void {
  let set = flowListeners.get(store);
  if (!set) {
    set = new Set();
    flowListeners.set(store, set);
  }
  set.add(fn);
  return () => set.delete(fn);
}

export function emitFlows(store: AppStore, flows: Flow[]): void {
  for (const fn of flowListeners.get(store) ?? []) fn(flows);
}

export type AppStore = StoreApi<AppState>;

export function createAppStore(locale: Locale): AppStore {
  return createStore<AppState>(() => ({
    locale,
    boot: { phase: 'booting' },
    hosts: [],
    clock: { now: 0, pending: 0, mode: 'paused' },
    playing: true,
    speed: DEFAULT_SPEED,
    stepEmpty: false,
    rows: [],
    skipped: 0,
    // The console's own client is there from the start, so the log can be filtered to it at once.
    addresses: ['etcdctl'],
    kinds: [],
    filter: NO_FILTER,
    clearedThrough: 0,
    console: { entries: [], history: [], watches: [], nextId: 1 },
    world: EMPTY_WORLD,
    edgeCounts: {},
    shellNode: '',
    selection: null,
    sideTab: 'components',
    timeline: { head: 0, inputs: 0, replaying: false, generation: 0 },
    restoring: 0,
    walkEnds: null,
  }));
}

/** Folds one batch from the relay worker into the state. */
export function applyBatch(s: AppState, b: Batch): Partial<AppState> {
  const patch: Partial<AppState> = { clock: b.clock };
  if (b.hosts) patch.hosts = b.hosts;
  if (b.world) patch.world = b.world;
  if (b.timeline) {
    patch.timeline = b.timeline;
    // A new cluster booted (a reset or a replay): the old one's streams are gone.
    if (b.timeline.generation !== s.timeline.generation && s.console.watches.length > 0) {
      const ended = new Set(s.console.watches.map((w) => w.watch));
      patch.console = {
        ...s.console,
        watches: [],
        entries: s.console.entries.map((e) => (e.type === 'watch' && ended.has(e.watch) ? { ...e, ended: true } : e)),
      };
    }
  }
  if (b.edgeCounts) patch.edgeCounts = b.edgeCounts;
  if (b.addresses) patch.addresses = b.addresses;
  if (b.kinds) patch.kinds = b.kinds;
  if (b.reset) {
    patch.rows = b.rows.slice(-LOG_LIMIT);
    patch.skipped = b.skipped;
  } else {
    if (b.rows.length > 0) {
      const rows = s.rows.concat(b.rows);
      patch.rows = rows.length > LOG_LIMIT ? rows.slice(rows.length - LOG_LIMIT) : rows;
    }
    if (b.skipped > 0) patch.skipped = s.skipped + b.skipped;
  }
  return patch;
}

function withEntries(s: AppState, entries: ConsoleEntry[]): AppState['console'] {
  return {
    ...s.console,
    entries: entries.length > CONSOLE_LIMIT ? entries.slice(entries.length - CONSOLE_LIMIT) : entries,
  };
}

/** A command line was submitted: remember it and show it as pending. Returns the entry's id. */
export function addCommand(store: AppStore, line: string, node?: string): number {
  const s = store.getState();
  const id = s.console.nextId;
  const entry: ConsoleEntry = node
    ? { id, type: 'command', line, node, state: 'pending' }
    : { id, type: 'command', line, state: 'pending' };
  const history = s.console.history.at(-1) === line ? s.console.history : [...s.console.history, line];
  store.setState({
    console: {
      ...withEntries(s, [...s.console.entries, entry]),
      history: history.slice(-HISTORY_LIMIT),
      nextId: id + 1,
    },
  });
  return id;
}

function replaceEntry(store: AppStore, id: number, next: ConsoleEntry): void {
  const s = store.getState();
  store.setState({
    console: {
      ...s.console,
      entries: s.console.entries.map((e) =>
        e.id === id
          ? e.type === 'command' && e.node && next.type === 'command'
            ? { ...next, node: e.node }
            : next
          : e,
      ),
    },
  });
}

export function commandDone(store: AppStore, id: number, line: string, reply: ConsoleReply): void {
  replaceEntry(store, id, { id, type: 'command', line, state: 'done', reply });
  if (reply.t === 'watching') {
    const s = store.getState();
    store.setState({ console: { ...s.console, watches: [...s.console.watches, { watch: reply.watch, line }] } });
  }
}

export function commandFailed(store: AppStore, id: number, line: string, error: string): void {
  replaceEntry(store, id, { id, type: 'command', line, state: 'failed', error });
}

/** Watch output. Consecutive output of one watch grows one block, as a terminal would show it. */
export function watchOutput(store: AppStore, watch: number, text: string, ended: boolean): void {
  const s = store.getState();
  const entries = s.console.entries;
  const last = entries.at(-1);
  let next: ConsoleEntry[];
  if (last && last.type === 'watch' && last.watch === watch && !last.ended) {
    next = [...entries.slice(0, -1), { ...last, text: tail(last.text + text, WATCH_TEXT_LIMIT), ended }];
  } else if (text !== '' || ended) {
    next = [...entries, { id: s.console.nextId, type: 'watch', watch, text, ended }];
  } else return;
  store.setState({
    console: {
      ...withEntries(s, next),
      nextId: s.console.nextId + 1,
      watches: ended ? s.console.watches.filter((w) => w.watch !== watch) : s.console.watches,
    },
  });
}

/**
 * The rows the log shows: those since the last Clear that match the filter. The relay worker
 * already sends only matching rows; filtering again covers the moment between choosing a filter
 * and the worker's first batch for it.
 */
export function visibleRows(rows: TraceRow[], filter: LogFilter, clearedThrough: number): TraceRow[] {
  if (clearedThrough === 0 && filter.component === '' && filter.kind === '') return rows;
  return rows.filter((r) => r.n > clearedThrough && matchesFilter(r, filter));
}
