// The home of a local authority's ContactPoint team: its tabs (the working set,
// cleansing, loading local data, management, and searching the working set or the
// national index), each keeping its state while the others are open.
import { useState } from 'react';
import type { SignedInUser } from '../../../domain/ipc-contract.js';
import { AdapterScreen } from './adapter/AdapterScreen.js';
import { CleansingScreen } from './cleansing/CleansingScreen.js';
import { Journey } from './journey/Journey.js';
import { ManagementScreen } from './management/ManagementScreen.js';
import { LocalSearch } from './working-set/LocalSearch.js';
import { WorkingSetScreen } from './working-set/WorkingSetScreen.js';

type Tab = 'working-set' | 'cleansing' | 'adapter' | 'management' | 'local-search' | 'national-search';
const tabs: { id: Tab; label: string }[] = [
  { id: 'working-set', label: 'Working set' },
  { id: 'cleansing', label: 'Cleansing' },
  { id: 'adapter', label: 'Load local data' },
  { id: 'management', label: 'Management' },
  { id: 'local-search', label: 'Search the working set' },
  { id: 'national-search', label: 'Find a child (national index)' },
];

/** The team's home: its own tabs, each keeping its state while the others are open. */
export function TeamHome({ user }: { user: SignedInUser }) {
  const [tab, setTab] = useState<Tab>('working-set');
  return (
    <>
      <nav className="cp-tabs" aria-label="ContactPoint team">
        <ul className="cp-tabs__list">
          {tabs.map((t) => (
            <li key={t.id} className="cp-tabs__item">
              <button
                type="button"
                className="cp-link-button cp-tabs__link"
                aria-current={tab === t.id ? 'page' : undefined}
                onClick={() => setTab(t.id)}
              >
                {t.label}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <div hidden={tab !== 'working-set'}>{tab === 'working-set' ? <WorkingSetScreen /> : null}</div>
      <div hidden={tab !== 'cleansing'}>{tab === 'cleansing' ? <CleansingScreen /> : null}</div>
      <div hidden={tab !== 'adapter'}>{tab === 'adapter' ? <AdapterScreen /> : null}</div>
      <div hidden={tab !== 'management'}>{tab === 'management' ? <ManagementScreen user={user} /> : null}</div>
      <div hidden={tab !== 'local-search'}>
        <LocalSearch active={tab === 'local-search'} />
      </div>
      <div hidden={tab !== 'national-search'}>{tab === 'national-search' ? <Journey user={user} /> : null}</div>
    </>
  );
}
