/** etcd's keys with their revisions, read from the replica; a key's value and earlier revisions. */
import { useId, useState } from 'react';
import { useT } from '../../state/context.tsx';
import { useInspection } from './useInspection.ts';

export function EtcdBrowser() {
  const t = useT();
  const prefixId = useId();
  const [prefix, setPrefix] = useState('/registry/');
  const [key, setKey] = useState<string | undefined>();
  const data = useInspection(key === undefined ? { type: 'etcd', prefix } : { type: 'etcd', prefix, key }, 800);
  const etcd = data?.etcd;
  return (
    <div className="etcd-browser">
      <div className="field">
        <label htmlFor={prefixId}>{t.etcd.prefix}</label>
        <input
          id={prefixId}
          className="mono"
          value={prefix}
          onChange={(e) => {
            setPrefix(e.target.value);
            setKey(undefined);
          }}
          spellCheck={false}
        />
      </div>
      {etcd && (
        <p className="small muted">
          {t.etcd.summary(etcd.revision, etcd.keys.length)}
          {etcd.truncated ? ` ${t.etcd.truncated}` : ''}
        </p>
      )}
      <div className="table-scroll etcd-keys">
        <table>
          <caption className="visually-hidden">{t.etcd.caption}</caption>
          <thead>
            <tr>
              <th scope="col">{t.etcd.key}</th>
              <th scope="col" title="create_revision">
                {t.etcd.created}
              </th>
              <th scope="col" title="mod_revision">
                {t.etcd.modified}
              </th>
              <th scope="col" title="version">
                {t.etcd.version}
              </th>
            </tr>
          </thead>
          <tbody>
            {etcd?.keys.map((k) => (
              <tr key={k.key} className={k.key === key ? 'chosen' : undefined}>
                <td>
                  <button type="button" className="linkish mono" onClick={() => setKey(k.key)}>
                    {k.key}
                  </button>
                </td>
                <td>{k.createRevision}</td>
                <td>{k.modRevision}</td>
                <td>{k.version}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {key !== undefined && etcd?.value !== undefined && (
        <section aria-label={t.etcd.valueOf(key)}>
          <h4 className="mono small">{key}</h4>
          {etcd.history && etcd.history.length > 0 && (
            <p className="small muted">{t.etcd.history(etcd.history.map((h) => h.modRevision).join(', '))}</p>
          )}
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard */}
          <pre className="yaml" tabIndex={0}>
            {etcd.value}
          </pre>
        </section>
      )}
    </div>
  );
}
