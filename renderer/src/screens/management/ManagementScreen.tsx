// The management area: the tabs of a local authority's ContactPoint team (figures,
// shields, accounts, organisations, alerts, audit, transfers) or of a data manager
// (archive first; organisations to accredit).
// Each tab's view asks the national index through main when it opens and keeps what it
// shows in its own state only.
import { useState } from 'react';
import type { SignedInUser } from '../../../../domain/ipc-contract.js';
import { PageHeading } from '../../components/PageHeading.js';
import { AccountsView } from './Accounts.js';
import { AlertsView } from './Alerts.js';
import { ArchiveView } from './Archive.js';
import { AuditView } from './Audit.js';
import { HelpdeskView } from './Helpdesk.js';
import { InformationView } from './Information.js';
import { OrganisationsView } from './Organisations.js';
import { PractitionersView } from './Practitioners.js';
import { RolloutView } from './Rollout.js';
import { ShieldsView } from './Shields.js';
import { TransfersView } from './Transfers.js';

type Tab =
  | 'information'
  | 'shields'
  | 'accounts'
  | 'helpdesk'
  | 'organisations'
  | 'practitioners'
  | 'rollout'
  | 'alerts'
  | 'audit'
  | 'transfers'
  | 'archive';
const labels: Record<Tab, string> = {
  information: 'Management information',
  shields: 'Shields',
  accounts: 'Accounts',
  helpdesk: 'Helpdesk',
  organisations: 'Organisations',
  practitioners: 'Practitioners to ready',
  rollout: 'Roll-out progress',
  alerts: 'Override alerts',
  audit: 'Audit',
  transfers: 'Transfers',
  archive: 'Archive',
};

/** The management area: the team's tabs, or a data manager's. */
export function ManagementScreen({ user }: { user: SignedInUser }) {
  const team = user.roles.includes('la-team');
  const tabs: Tab[] = team
    ? [
        'information',
        'shields',
        'accounts',
        'helpdesk',
        'organisations',
        'practitioners',
        'rollout',
        'alerts',
        'audit',
        'transfers',
      ]
    : ['archive', 'audit', 'alerts', 'organisations', 'practitioners', 'rollout', 'helpdesk', 'information'];
  const [tab, setTab] = useState<Tab>(tabs[0]!);
  return (
    <>
      <PageHeading caption="ContactPoint management">{labels[tab]}</PageHeading>
      <nav className="cp-subnav" aria-label="Management">
        <ul className="cp-tabs__list">
          {tabs.map((t) => (
            <li key={t} className="cp-tabs__item">
              <button
                type="button"
                className="cp-link-button cp-tabs__link"
                aria-current={tab === t ? 'page' : undefined}
                onClick={() => setTab(t)}
              >
                {labels[t]}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      {tab === 'information' ? <InformationView user={user} /> : null}
      {tab === 'shields' ? <ShieldsView user={user} /> : null}
      {tab === 'accounts' ? <AccountsView user={user} /> : null}
      {tab === 'helpdesk' ? <HelpdeskView user={user} /> : null}
      {tab === 'organisations' ? <OrganisationsView user={user} /> : null}
      {tab === 'practitioners' ? <PractitionersView user={user} /> : null}
      {tab === 'rollout' ? <RolloutView user={user} /> : null}
      {tab === 'alerts' ? <AlertsView /> : null}
      {tab === 'audit' ? <AuditView user={user} /> : null}
      {tab === 'transfers' ? <TransfersView /> : null}
      {tab === 'archive' ? <ArchiveView /> : null}
    </>
  );
}
