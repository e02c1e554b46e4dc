/** The side panel's tabs: the inspector, etcd's keys, the events timeline and the components. */
import { type KeyboardEvent, useId } from 'react';
import { useApp, useStoreApi, useT } from '../../state/context.tsx';
import type { SideTab } from '../../state/store.ts';
import { About, ComponentsPanel } from '../ComponentsPanel.tsx';
import { EtcdBrowser } from './EtcdBrowser.tsx';
import { EventsList } from './EventsList.tsx';
import { Inspector } from './Inspector.tsx';
import { PacketWalk } from './PacketWalk.tsx';
import { useInspection } from './useInspection.ts';

const TABS: SideTab[] = ['inspector', 'walk', 'etcd', 'events', 'components'];

function Events() {
  const data = useInspection({ type: 'events' }, 1000);
  return <EventsList events={data?.events ?? []} />;
}

export function SidePanel() {
  const t = useT();
  const store = useStoreApi();
  const tab = useApp((s) => s.sideTab);
  const base = useId();
  const choose = (next: SideTab) => store.setState({ sideTab: next });
  const onKey = (ev: KeyboardEvent<HTMLButtonElement>) => {
    const i = TABS.indexOf(tab);
    let next: SideTab | undefined;
    if (ev.key === 'ArrowRight') next = TABS[(i + 1) % TABS.length];
    if (ev.key === 'ArrowLeft') next = TABS[(i + TABS.length - 1) % TABS.length];
    if (next) {
      ev.preventDefault();
      choose(next);
      document.getElementById(`${base}-tab-${next}`)?.focus();
    }
  };
  return (
    <div className="side">
      <div className="panel side-panel">
        <div role="tablist" aria-label={t.side.tabs} className="tabs">
          {TABS.map((x) => (
            <button
              key={x}
              id={`${base}-tab-${x}`}
              type="button"
              role="tab"
              aria-selected={tab === x}
              aria-controls={`${base}-panel-${x}`}
              tabIndex={tab === x ? 0 : -1}
              className="tab"
              onClick={() => choose(x)}
              onKeyDown={onKey}
            >
              {t.side.tab[x]}
            </button>
          ))}
        </div>
        <div role="tabpanel" id={`${base}-panel-${tab}`} aria-labelledby={`${base}-tab-${tab}`} className="tabpanel">
          {tab === 'inspector' && <Inspector />}
          {tab === 'walk' && <PacketWalk />}
          {tab === 'etcd' && <EtcdBrowser />}
          {tab === 'events' && <Events />}
          {tab === 'components' && (
            <>
              <ComponentsPanel />
              <About />
            </>
          )}
        </div>
      </div>
    </div>
  );
}
