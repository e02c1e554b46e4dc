import { useId, useState } from 'react';
import type { HostView } from '../cluster/protocol.ts';
import { useActions, useApp, useT } from '../state/context.tsx';

/**
 * One component. Components can share a worker (a node's kubelet and containerd); the worker's
 * kill button is shown once, on its first component, and named after the worker.
 */
function ComponentItem({
  host,
  address,
  kind,
  first,
}: {
  host: HostView;
  address: string;
  kind: string;
  first: boolean;
}) {
  const t = useT();
  const nameId = useId();
  const { kill, fault } = useActions();
  const [killing, setKilling] = useState(false);
  const [busy, setBusy] = useState(false);
  const stopped = host.stopped?.includes(address) ?? false;
  const at = address.indexOf('@');
  const node = at >= 0 ? address.slice(at + 1) : '';
  const nodeOff =
    node !== '' && host.addresses.filter((a) => a.endsWith(`@${node}`)).every((a) => host.stopped?.includes(a));
  // What can be stopped on its own: a node's kubelet, and the control-plane components but etcd
  // and kube-apiserver (stopping those stops the cluster; kill their worker instead).
  const stoppable = kind === 'kubelet' || kind === 'kube-scheduler' || kind === 'kube-controller-manager';
  const run = (f: Parameters<typeof fault>[0]) => {
    setBusy(true);
    fault(f).finally(() => setBusy(false));
  };
  const description = t.components.kinds[kind];
  const onKill = () => {
    setKilling(true);
    kill(host.host).finally(() => setKilling(false));
  };
  return (
    <li
      aria-labelledby={nameId}
      className="component"
      data-component={address}
      data-status={stopped ? 'stopped' : host.phase}
    >
      <div className="component-head">
        <span className={`dot dot-${stopped ? 'stopped' : host.phase}`} aria-hidden="true" />
        <h3 id={nameId} className="mono">
          {address}
        </h3>
      </div>
      <p className="status">
        <span className={`phase phase-${stopped ? 'stopped' : host.phase}`}>
          {t.components.phase[stopped ? 'stopped' : host.phase]}
        </span>
        {host.restarts > 0 && <span className="restarts">{t.components.restarted(host.restarts)}</span>}
      </p>
      {description && <p className="desc">{description}</p>}
      <div className="component-foot">
        <span className="muted small">{t.components.worker(host.host)}</span>
        {stoppable && (
          <button
            type="button"
            className="btn small"
            aria-label={stopped ? t.components.startFor(address) : t.components.stopFor(address)}
            title={t.components.stopHint}
            disabled={busy || host.phase !== 'running' || nodeOff}
            onClick={() =>
              run(
                kind === 'kubelet'
                  ? { kind: 'kubelet', node, state: stopped ? 'running' : 'stopped' }
                  : { kind: 'component', component: address, state: stopped ? 'running' : 'stopped' },
              )
            }
          >
            {stopped ? t.components.start : t.components.stop}
          </button>
        )}
        {first && node && (
          <button
            type="button"
            className="btn small"
            aria-label={nodeOff ? t.components.powerOnFor(node) : t.components.powerOffFor(node)}
            title={t.components.powerHint}
            disabled={busy || host.phase !== 'running'}
            onClick={() => run({ kind: 'node', node, state: nodeOff ? 'running' : 'stopped' })}
          >
            {nodeOff ? t.components.powerOn : t.components.powerOff}
          </button>
        )}
        {first && (
          <button
            type="button"
            className="btn small danger"
            aria-label={t.components.killFor(host.host)}
            title={t.components.killHint}
            disabled={host.phase !== 'running' || killing}
            onClick={onKill}
          >
            {t.components.kill}
          </button>
        )}
      </div>
    </li>
  );
}

export function ComponentsPanel() {
  const t = useT();
  const headingId = useId();
  const hosts = useApp((s) => s.hosts);
  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{t.components.heading}</h2>
      <ul className="components" aria-label={t.components.listLabel}>
        {hosts.flatMap((h) =>
          h.addresses.map((address, i) => (
            <ComponentItem key={address} host={h} address={address} kind={h.kinds[i] ?? address} first={i === 0} />
          )),
        )}
      </ul>
    </section>
  );
}

export function About() {
  const t = useT();
  const headingId = useId();
  return (
    <section className="panel about" aria-labelledby={headingId}>
      <h2 id={headingId}>{t.about.heading}</h2>
      {t.about.body.map((p) => (
        <p key={p}>{p}</p>
      ))}
    </section>
  );
}
