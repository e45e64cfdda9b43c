// A data manager's home: the management area (archive, audit, alerts, figures), the
// national match reviews of every authority, a child's subject-access report, and
// finding a child in the national index.
import { useState } from 'react';
import type { SignedInUser } from '../../../../domain/ipc-contract.js';
import { MatchReviews } from '../cleansing/MatchReviews.js';
import { Journey } from '../journey/Journey.js';
import { ManagementScreen } from './ManagementScreen.js';
import { SubjectAccessView } from './SubjectAccess.js';

/** A data manager's home: the archive, audit, alerts and figures, match reviews, subject access, and finding a child. */
export function DataManagerHome({ user }: { user: SignedInUser }) {
  const [tab, setTab] = useState<'manage' | 'reviews' | 'sar' | 'find'>('manage');
  return (
    <>
      <nav className="cp-tabs" aria-label="Data manager">
        <ul className="cp-tabs__list">
          {(
            [
              ['manage', 'Management'],
              ['reviews', 'Match reviews'],
              ['sar', 'Subject-access report'],
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
      {tab === 'manage' ? <ManagementScreen user={user} /> : null}
      {tab === 'reviews' ? <MatchReviews dataManager /> : null}
      {tab === 'sar' ? <SubjectAccessView /> : null}
      {tab === 'find' ? <Journey user={user} /> : null}
    </>
  );
}
