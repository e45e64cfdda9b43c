// A data manager's home: the management area (archive, audit, alerts, figures) and
// finding a child in the national index, as two tabs.
import { useState } from 'react';
import type { SignedInUser } from '../../../../domain/ipc-contract.js';
import { Journey } from '../journey/Journey.js';
import { ManagementScreen } from './ManagementScreen.js';

/** A data manager's home: the archive, audit, alerts and figures, and finding a child. */
export function DataManagerHome({ user }: { user: SignedInUser }) {
  const [tab, setTab] = useState<'manage' | 'find'>('manage');
  return (
    <>
      <nav className="cp-tabs" aria-label="Data manager">
        <ul className="cp-tabs__list">
          {(
            [
              ['manage', 'Management'],
              ['find', 'Find a child (national index)'],
            ] as const
          ).map(([id, label]) => (
            <li key={id} className="cp-tabs__item">
              <button
                type="button"
                className="cp-link-button cp-tabs__link"
                aria-current={tab === id ? 'page' : undefined}
                onClick={() => setTab(id)}
              >
                {label}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      {tab === 'manage' ? <ManagementScreen user={user} /> : <Journey user={user} />}
    </>
  );
}
