/**
 * The packet walk: pick a source (a pod or a node) and a destination (a Service name or an IP),
 * and see what the source node's rules — the ones kube-proxy actually wrote — do to the first
 * packet: every table, chain and rule met, the DNAT chosen, the hop to the node that owns the
 * address, whether something answers, and how the reply is translated back. Every possible
 * destination is listed with its probability. Reading the rules sends no message.
 */
import { type FormEvent, useId, useState } from 'react';
import type { Inspection } from '../../cluster/protocol.ts';
import { useActions, useApp, useStoreApi, useT } from '../../state/context.tsx';

export function PacketWalk() {
  const t = useT();
  const ids = { source: useId(), destination: useId(), port: useId(), protocol: useId() };
  const { inspect } = useActions();
  const store = useStoreApi();
  const podsKey = useApp((s) =>
    s.world.pods
      .filter((p) => p.ip && p.status === 'Running')
      .map((p) => `${p.namespace}/${p.name}`)
      .sort()
      .join('\n'),
  );
  const nodesKey = useApp((s) => s.world.nodes.map((n) => n.name).join('\n'));
  const pods = podsKey === '' ? [] : podsKey.split('\n');
  const nodes = nodesKey === '' ? [] : nodesKey.split('\n');
  const [source, setSource] = useState('');
  const [destination, setDestination] = useState('kubernetes.default');
  const [port, setPort] = useState('443');
  const [protocol, setProtocol] = useState<'tcp' | 'udp' | 'icmp'>('tcp');
  const [result, setResult] = useState<Inspection | undefined>();
  const src = source || pods.find((p) => p.startsWith('default/')) || pods[0] || nodes[0] || '';

  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    const n = Number(port);
    const r = await inspect({
      type: 'walk',
      source: src,
      destination: destination.trim(),
      protocol,
      ...(protocol !== 'icmp' && Number.isInteger(n) && n > 0 ? { port: n } : {}),
    });
    setResult(r);
    // Point at the two ends on the map (the walk itself sent nothing, so nothing travels).
    const to = r.walk?.delivery.pod;
    store.setState({ walkEnds: { source: src, destination: to ?? '' } });
  };

  const w = result?.walk;
  return (
    <div className="walk">
      <p className="small muted">{t.walk.intro}</p>
      <form className="walk-form" onSubmit={submit}>
        <label htmlFor={ids.source}>{t.walk.source}</label>
        <select id={ids.source} value={src} onChange={(e) => setSource(e.target.value)}>
          {pods.map((p) => (
            <option key={p} value={p}>
              {t.walk.podOption(p)}
            </option>
          ))}
          {nodes.map((n) => (
            <option key={n} value={n}>
              {t.walk.nodeOption(n)}
            </option>
          ))}
        </select>
        <label htmlFor={ids.destination}>{t.walk.destination}</label>
        <input
          id={ids.destination}
          className="mono"
          value={destination}
          onChange={(e) => setDestination(e.target.value)}
          spellCheck={false}
        />
        <label htmlFor={ids.port}>{t.walk.port}</label>
        <input
          id={ids.port}
          className="mono"
          inputMode="numeric"
          value={port}
          disabled={protocol === 'icmp'}
          onChange={(e) => setPort(e.target.value)}
        />
        <label htmlFor={ids.protocol}>{t.walk.protocol}</label>
        <select
          id={ids.protocol}
          value={protocol}
          onChange={(e) => setProtocol(e.target.value as 'tcp' | 'udp' | 'icmp')}
        >
          <option value="tcp">TCP</option>
          <option value="udp">UDP</option>
          <option value="icmp">ICMP (ping)</option>
        </select>
        <button type="submit" className="btn primary" disabled={src === '' || destination.trim() === ''}>
          {t.walk.run}
        </button>
      </form>
      {result?.walkError && (
        <p className="small out-error-light" role="alert">
          {result.walkError}
        </p>
      )}
      {w && (
        <section aria-label={t.walk.result} className="walk-result">
          <p className={`walk-outcome outcome-${w.delivery.result.replace(' ', '-')}`} role="status">
            <strong>{t.walk.results[w.delivery.result]}</strong> — {w.delivery.detail}
          </p>
          {w.resolution && (
            <>
              <h4>{t.walk.dns}</h4>
              <ol className="walk-list mono small">
                {w.resolution.tried.map((x) => (
                  <li key={x.name}>
                    {x.name} → {x.rcode}
                    {x.ip ? ` ${x.ip}` : ''}
                  </li>
                ))}
              </ol>
            </>
          )}
          {w.path?.hops.map((hop) => (
            <div key={`${hop.node}-${hop.in.dst}`} className="walk-hop">
              <h4>{t.walk.hop(hop.node, `${hop.in.src} → ${hop.in.dst}${hop.in.dport ? `:${hop.in.dport}` : ''}`)}</h4>
              {hop.hooks.map((h) => (
                <details key={h.hook} open={h.steps.some((s) => s.matched && s.action)}>
                  <summary className="mono small">
                    {h.hook} → {h.verdict}
                  </summary>
                  <ol className="walk-steps mono">
                    {h.steps.map((s, i) => (
                      // biome-ignore lint/suspicious/noArrayIndexKey: steps are listed in order and never reordered
                      <li key={i} className={s.matched ? 'matched' : 'skipped'}>
                        <span className="visually-hidden">{s.matched ? t.walk.matched : t.walk.notMatched} </span>
                        <span className="walk-chain">{s.chain}</span> {s.rule}
                        {s.action ? <span className="walk-action"> ⇒ {s.action}</span> : null}
                        {s.note ? <span className="walk-note"> ({s.note})</span> : null}
                      </li>
                    ))}
                  </ol>
                </details>
              ))}
              {hop.dnat && (
                <p className="small">{t.walk.dnat(`${hop.dnat.ip}${hop.dnat.port ? `:${hop.dnat.port}` : ''}`)}</p>
              )}
              {hop.route && <p className="small mono">{hop.route.text}</p>}
            </div>
          ))}
          {w.path?.reply && (
            <p className="small">{t.walk.reply(w.path.reply.from, w.path.reply.to, w.path.reply.seenFrom)}</p>
          )}
          {w.destinations && w.destinations.length > 0 && (
            <>
              <h4>{t.walk.possible}</h4>
              <table className="decision-table">
                <caption className="visually-hidden">{t.walk.possible}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t.walk.where}</th>
                    <th scope="col">{t.walk.probability}</th>
                  </tr>
                </thead>
                <tbody>
                  {w.destinations.map((d, i) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: the list is computed once per walk
                    <tr key={i}>
                      <td className="mono">{describeArrival(d.arrival)}</td>
                      <td>{(d.probability * 100).toFixed(1)}%</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </section>
      )}
    </div>
  );
}

function describeArrival(a: { kind: string; node?: string; ip?: string; port?: number; with?: string }): string {
  const at = a.ip ? `${a.ip}${a.port ? `:${a.port}` : ''}` : '';
  return [a.kind, at, a.node ? `@${a.node}` : '', a.with ?? ''].filter(Boolean).join(' ');
}
