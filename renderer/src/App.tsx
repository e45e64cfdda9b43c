import { useEffect, useState } from 'react';
import type { AppInfo, ServiceStatus } from '../../domain/ipc-contract.js';
import { getApi } from './api.js';
import { Header } from './components/Header.js';
import { TrainingBanner } from './components/TrainingBanner.js';
import { SignIn } from './screens/SignIn.js';

export type ServiceState =
  | { state: 'checking' }
  | { state: 'connected'; status: ServiceStatus }
  | { state: 'unreachable'; message: string };

export function App() {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [service, setService] = useState<ServiceState>({ state: 'checking' });

  useEffect(() => {
    const api = getApi();
    let live = true;
    void api.app.info().then((r) => {
      if (live && r.ok) setInfo(r.value);
    });
    void api.service.status().then((r) => {
      if (!live) return;
      setService(r.ok ? { state: 'connected', status: r.value } : { state: 'unreachable', message: r.error.message });
    });
    return () => {
      live = false;
    };
  }, []);

  return (
    <>
      <div className="cp-page">
        <a href="#main-content" className="govuk-skip-link">
          Skip to main content
        </a>
        <Header />
        <div className="govuk-width-container">
          {info?.trainingMode ? <TrainingBanner /> : null}
          <main className="govuk-main-wrapper" id="main-content" tabIndex={-1}>
            <SignIn service={service} />
          </main>
        </div>
      </div>
      <footer className="cp-footer">
        <div className="govuk-width-container">
          <p className="govuk-body-s">
            ContactPoint{info ? ` version ${info.version}` : ''}. Every search and every record you open is recorded.
          </p>
        </div>
      </footer>
    </>
  );
}
