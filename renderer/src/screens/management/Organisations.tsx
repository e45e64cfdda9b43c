// The Organisations tab: the directory of partner organisations with their stage of
// accreditation, filtered by stage and kind; proposing one (the team); and a page per
// organisation with its history and next steps. The service decides who may do what
// (domain/organisation-stages.ts); this tab shows what it says.
import { useCallback, useEffect, useState } from 'react';
import type { SignedInUser } from '../../../../domain/ipc-contract.js';
import type { OrganisationDetail, OrganisationEntry } from '../../../../domain/management/views.js';
import {
  organisationKindLabels,
  organisationKinds,
  organisationStages,
  stageLabels,
  type OrganisationKind,
  type OrganisationStage,
} from '../../../../domain/organisation-stages.js';
import { getApi } from '../../api.js';
import { Select } from '../../components/Select.js';
import { TableHead } from '../../components/TableHead.js';
import { Notice, useFeedback } from '../../feedback.js';
import { formatDate } from '../../format.js';
import { OrganisationPage } from './OrganisationPage.js';
import { ProposeOrganisation } from './ProposeOrganisation.js';
import { TableScroll } from '../../components/TableScroll.js';

type View = { page: 'list' } | { page: 'propose' } | { page: 'organisation'; organisation: OrganisationDetail };

export function OrganisationsView({ user }: { user: SignedInUser }) {
  const f = useFeedback('organisations-notice');
  const [orgs, setOrgs] = useState<OrganisationEntry[]>([]);
  const [stage, setStage] = useState<OrganisationStage | ''>('');
  const [kind, setKind] = useState<OrganisationKind | ''>('');
  const [view, setView] = useState<View>({ page: 'list' });
  const [proposed, setProposed] = useState<string | null>(null);
  // The team proposes for its own authority; the national administrator has no desktop home yet.
  const mayPropose = user.roles.includes('la-team');

  const refresh = useCallback(async () => {
    const r = await getApi().manage.organisations();
    if (r.ok) setOrgs(r.value.organisations);
    else f.fail(r.error, 'organisation-filter-stage');
    // f is remade each render, its setters stay the same: the list is read once per visit.
  }, []);
  useEffect(() => {
    void refresh();
  }, [refresh]);

  const open = async (id: string) => {
    const r = await getApi().manage.organisation(id);
    if (!r.ok) return f.fail(r.error, `organisation-${id}`);
    f.clear();
    setView({ page: 'organisation', organisation: r.value.organisation });
  };

  if (view.page === 'propose')
    return (
      <section aria-label="Propose an organisation">
        <p className="govuk-body">
          <button type="button" className="cp-link-button govuk-link" onClick={() => setView({ page: 'list' })}>
            Back to the directory
          </button>
        </p>
        <ProposeOrganisation
          authority={user.localAuthority}
          onProposed={(o) => {
            setProposed(`${o.name} is proposed. Mark it in progress once its responsible officer is named.`);
            setView({ page: 'organisation', organisation: o });
            void refresh();
          }}
        />
      </section>
    );
  if (view.page === 'organisation')
    return (
      <>
        {proposed ? <Notice text={proposed} testId="organisation-proposed" /> : null}
        <OrganisationPage
          key={view.organisation.id}
          organisation={view.organisation}
          onChanged={(o) => {
            setProposed(null);
            setView({ page: 'organisation', organisation: o });
            void refresh();
          }}
          onBack={() => {
            setProposed(null);
            setView({ page: 'list' });
          }}
        />
      </>
    );

  const shown = orgs.filter((o) => (stage === '' || o.stage === stage) && (kind === '' || o.kind === kind));
  const counts = organisationStages.map((s) => [s, orgs.filter((o) => o.stage === s).length] as const);
  return (
    <section aria-label="Organisations">
      {f.view}
      <p className="govuk-body" data-testid="organisation-counts">
        {counts.map(([s, n]) => `${stageLabels[s]}: ${n}`).join(' · ')}
      </p>
      {mayPropose ? (
        <button
          type="button"
          className="govuk-button govuk-button--secondary"
          onClick={() => setView({ page: 'propose' })}
        >
          Propose an organisation
        </button>
      ) : null}
      <div className="cp-filters">
        <Select
          id="organisation-filter-stage"
          label="Stage"
          value={stage}
          options={[
            { value: '', label: 'Any stage' },
            ...organisationStages.map((s) => ({ value: s, label: stageLabels[s] })),
          ]}
          onChange={setStage}
        />
        <Select
          id="organisation-filter-kind"
          label="Kind"
          value={kind}
          options={[
            { value: '', label: 'Any kind' },
            ...organisationKinds.map((k) => ({ value: k, label: organisationKindLabels[k] })),
          ]}
          onChange={setKind}
        />
      </div>
      <TableScroll>
        <table className="govuk-table" data-testid="organisations">
          <caption className="govuk-table__caption govuk-table__caption--s">
            {shown.length === orgs.length
              ? `${orgs.length} organisations`
              : `${shown.length} of ${orgs.length} organisations`}
          </caption>
          <TableHead
            columns={[
              'Organisation',
              'Kind',
              'ODS code or URN',
              'Stage',
              'Since',
              { label: 'Accounts', numeric: true },
            ]}
          />
          <tbody className="govuk-table__body">
            {shown.map((o) => (
              <tr className="govuk-table__row" key={o.id}>
                <td className="govuk-table__cell cp-wrap">
                  <button
                    type="button"
                    className="cp-link-button govuk-link"
                    id={`organisation-${o.id}`}
                    onClick={() => void open(o.id)}
                  >
                    {o.name}
                  </button>
                </td>
                <td className="govuk-table__cell">{organisationKindLabels[o.kind]}</td>
                <td className="govuk-table__cell">{o.odsCode ?? o.urn ?? '—'}</td>
                <td className="govuk-table__cell">
                  <strong className={`govuk-tag ${tagColour[o.stage]}`}>{stageLabels[o.stage]}</strong>
                </td>
                <td className="govuk-table__cell">{o.stageSince ? formatDate(o.stageSince.slice(0, 10)) : '—'}</td>
                <td className="govuk-table__cell govuk-table__cell--numeric">{o.users}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      {shown.length === 0 ? <p className="govuk-body">No organisation is at that stage and of that kind.</p> : null}
    </section>
  );
}

const tagColour: Record<OrganisationStage, string> = {
  proposed: 'govuk-tag--grey',
  'in-progress': 'govuk-tag--blue',
  accredited: 'govuk-tag--green',
  suspended: 'govuk-tag--orange',
  withdrawn: 'govuk-tag--red',
};
