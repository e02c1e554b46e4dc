import { useApp, useT } from './state/context.tsx';
import { Console } from './ui/Console.tsx';
import { Canvas } from './ui/canvas/Canvas.tsx';
import { Header } from './ui/Header.tsx';
import { SidePanel } from './ui/inspector/SidePanel.tsx';
import { MessageLog } from './ui/MessageLog.tsx';
import { Timeline } from './ui/Timeline.tsx';

function BootBanner() {
  const t = useT();
  const boot = useApp((s) => s.boot);
  const restoring = useApp((s) => s.restoring);
  if (boot.phase === 'failed')
    return (
      <div className="banner banner-error" role="alert">
        {t.app.bootFailed(boot.error)}
      </div>
    );
  return (
    <div className="banner-slot" role="status">
      {boot.phase === 'booting' ? (
        <div className="banner">{restoring > 0 ? t.app.restoring(restoring) : t.app.booting}</div>
      ) : null}
    </div>
  );
}

export function App() {
  const t = useT();
  return (
    <>
      <Header />
      <Timeline />
      <BootBanner />
      <main className="layout" aria-label={t.app.main}>
        <Canvas />
        <Console />
        <MessageLog />
        <SidePanel />
      </main>
    </>
  );
}
