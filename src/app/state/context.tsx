/**
 * React access to the app: the store and the actions come through context (one instance per
 * mounted app), and components subscribe with narrow selectors so a trace batch re-renders only
 * what shows trace rows.
 */
import { createContext, type ReactNode, useCallback, useContext, useSyncExternalStore } from 'react';
import { useStore } from 'zustand';
import { type Messages, messages } from '../i18n/index.ts';
import type { Actions } from './actions.ts';
import type { AppState, AppStore } from './store.ts';

interface AppContextValue {
  store: AppStore;
  actions: Actions;
}

const AppContext = createContext<AppContextValue | null>(null);

export function AppProvider({ store, actions, children }: AppContextValue & { children: ReactNode }) {
  return <AppContext.Provider value={{ store, actions }}>{children}</AppContext.Provider>;
}

function useAppContext(): AppContextValue {
  const ctx = useContext(AppContext);
  if (!ctx) throw new Error('useApp must be used inside <AppProvider>');
  return ctx;
}

/** Subscribes to one slice of the app state. */
export function useApp<T>(selector: (s: AppState) => T): T {
  return useStore(useAppContext().store, selector);
}

/**
 * Like useApp, but re-renders at most once per `ms` while the store changes quickly (the message
 * log at maximum speed), and at once when it changes after a quiet spell (a single Step). `ms` may
 * be a function, read at each change, so a component can slow down when its renders are costly.
 * The selector must return a stable reference for unchanged state (a slice, not a new object).
 */
export function useThrottledApp<T>(selector: (s: AppState) => T, ms: number | (() => number)): T {
  const { store } = useAppContext();
  const subscribe = useCallback(
    (notify: () => void) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      let last = Number.NEGATIVE_INFINITY;
      const unsubscribe = store.subscribe(() => {
        if (timer !== undefined) return;
        timer = setTimeout(
          () => {
            timer = undefined;
            last = performance.now();
            notify();
          },
          Math.max(0, last + (typeof ms === 'number' ? ms : ms()) - performance.now()),
        );
      });
      return () => {
        unsubscribe();
        clearTimeout(timer);
      };
    },
    [store, ms],
  );
  return useSyncExternalStore(subscribe, () => selector(store.getState()));
}

/** The store itself, for effects that follow it outside React's render (the canvas's packets). */
export function useStoreApi(): AppStore {
  return useAppContext().store;
}

export function useActions(): Actions {
  return useAppContext().actions;
}

const localeSelector = (s: AppState) => s.locale;

/** The dictionary of the current locale. */
export function useT(): Messages {
  return messages(useApp(localeSelector));
}
