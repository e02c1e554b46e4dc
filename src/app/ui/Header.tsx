import { useT } from '../state/context.tsx';
import { LanguageSwitch } from './LanguageSwitch.tsx';
import { TimeControls } from './TimeControls.tsx';

export function Header() {
  const t = useT();
  return (
    <header className="topbar">
      <a className="skip-link" href="#console-input">
        {t.app.skipToConsole}
      </a>
      <div className="brand">
        <img src="/favicon.svg" alt="" width={30} height={30} />
        <div>
          <h1>{t.app.product}</h1>
          <p className="tagline">{t.app.tagline}</p>
        </div>
      </div>
      <TimeControls />
      <LanguageSwitch />
    </header>
  );
}
