/** What the UI can do: each action updates the store and, where needed, tells the cluster. */
import type { ClusterController } from '../cluster/controller.ts';
import type { Fault, Inspection, InspectTarget, SpeedChoice } from '../cluster/protocol.ts';
import { applyLocale, type Locale, persistLocale } from '../i18n/index.ts';
import { forgetSession } from './persist.ts';
import { type AppStore, addCommand, commandDone, commandFailed, type Selection } from './store.ts';

export interface Actions {
  setLocale(locale: Locale): void;
  togglePlay(): void;
  setSpeed(speed: SpeedChoice): void;
  step(): Promise<void>;
  /** Runs a console line; `stdin` is what `-f -` reads (the YAML editor's text). */
  submit(line: string, stdin?: string): Promise<void>;
  cancelWatch(watch: number): void;
  kill(host: string): Promise<void>;
  fault(f: Fault): Promise<string>;
  setFilter(filter: Partial<{ component: string; kind: string }>): void;
  clearLog(): void;
  setShellNode(node: string): void;
  select(selection: Selection | null): void;
  inspect(target: InspectTarget): Promise<Inspection>;
  /** Rebuilds the cluster as it was at simulated ms `to`, paused there. */
  rewind(to: number): Promise<void>;
  /** A fresh cluster; the saved session is forgotten. */
  reset(): Promise<void>;
}

/** How long "nothing queued" stays visible after an empty Step. */
const STEP_EMPTY_MS = 2500;

export function createActions(store: AppStore, cluster: ClusterController): Actions {
  let stepEmptyTimer: ReturnType<typeof setTimeout> | undefined;
  return {
    setLocale(locale) {
      persistLocale(locale);
      applyLocale(locale);
      store.setState({ locale });
    },
    togglePlay() {
      const { playing, speed } = store.getState();
      store.setState({ playing: !playing });
      cluster.setSpeed(!playing, speed);
    },
    setSpeed(speed) {
      const { playing } = store.getState();
      store.setState({ speed });
      cluster.setSpeed(playing, speed);
    },
    async step() {
      const { playing, speed } = store.getState();
      if (playing) {
        store.setState({ playing: false });
        cluster.setSpeed(false, speed);
      }
      const delivered = await cluster.step();
      clearTimeout(stepEmptyTimer);
      store.setState({ stepEmpty: delivered === null });
      if (delivered === null) stepEmptyTimer = setTimeout(() => store.setState({ stepEmpty: false }), STEP_EMPTY_MS);
    },
    async submit(line, stdin) {
      const node = store.getState().shellNode;
      const id = addCommand(store, line, node === '' ? undefined : node);
      try {
        commandDone(store, id, line, await cluster.run(line, node === '' ? undefined : node, stdin));
      } catch (e) {
        commandFailed(store, id, line, e instanceof Error ? e.message : String(e));
      }
    },
    cancelWatch(watch) {
      cluster.cancelWatch(watch);
    },
    kill(host) {
      return cluster.kill(host);
    },
    fault(f) {
      return cluster.fault(f);
    },
    setFilter(change) {
      const filter = { ...store.getState().filter, ...change };
      store.setState({ filter });
      cluster.setLogFilter(filter);
    },
    setShellNode(node) {
      store.setState({ shellNode: node });
    },
    select(selection) {
      store.setState({ selection, sideTab: selection ? 'inspector' : store.getState().sideTab });
    },
    inspect(target) {
      return cluster.inspect(target);
    },
    async rewind(to) {
      store.setState({ playing: false });
      await cluster.rewind(to);
    },
    async reset() {
      await forgetSession();
      await cluster.reset();
    },
    clearLog() {
      store.setState((s) => ({ clearedThrough: s.rows.at(-1)?.n ?? s.clearedThrough }));
    },
  };
}
