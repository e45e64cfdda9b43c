// The "Practitioners to ready" tab (issue 21, item 2): the people of the authority's
// partner organisations who will need access, in the order they will be trained, each
// with what they still need; a form to add or update one; an import from the team's
// spreadsheet; "Request the account" for a person who is ready, which opens the
// two-person account request (a second member of the team confirms it in Accounts); and
// the tasks of items lapsing within 30 days. A data manager sees the list to read.
import { useEffect, useState } from 'react';
import type { SignedInUser } from '../../../../domain/ipc-contract.js';
import type { Practitioner } from '../../../../domain/management/practitioners.js';
import type { OrganisationEntry } from '../../../../domain/management/views.js';
import {
  missingItemLabels,
  readinessLabels,
  readinessRoleLabels,
  readinessStates,
  type Readiness,
} from '../../../../domain/practitioners-to-ready.js';
import { getApi } from '../../api.js';
import { Select } from '../../components/Select.js';
import { TableHead } from '../../components/TableHead.js';
import { useFeedback } from '../../feedback.js';
import { PractitionerForm } from './PractitionerForm.js';
import { PractitionerImport } from './PractitionerImport.js';
import { PractitionerTasks } from './PractitionerTasks.js';
import { TableScroll } from '../../components/TableScroll.js';

type View = { page: 'list' } | { page: 'form'; practitioner: Practitioner | null };

const tagColour: Record<Readiness, string> = {
  'needs-items': 'govuk-tag--grey',
  ready: 'govuk-tag--green',
  'account-requested': 'govuk-tag--blue',
  'has-account': 'govuk-tag--purple',
};

export function PractitionersView({ user }: { user: SignedInUser }) {
  const team = user.roles.includes('la-team');
  const f = useFeedback('practitioners-notice');
  const [list, setList] = useState<Practitioner[] | null>(null);
  const [organisations, setOrganisations] = useState<OrganisationEntry[]>([]);
  const [organisationId, setOrganisationId] = useState('');
  const [readiness, setReadiness] = useState<Readiness | ''>('');
  const [view, setView] = useState<View>({ page: 'list' });
  const [version, setVersion] = useState(0);
  const changed = () => setVersion((v) => v + 1);

  useEffect(() => {
    void getApi()
      .manage.organisations()
      .then((r) => {
        if (r.ok) setOrganisations(r.value.organisations);
      });
  }, []);
  useEffect(() => {
    let live = true;
    void getApi()
      .manage.practitioners({
        ...(organisationId ? { organisationId } : {}),
        ...(readiness ? { readiness } : {}),
      })
      .then((r) => {
        if (!live) return;
        if (r.ok) setList(r.value.practitioners);
        else f.fail(r.error, 'practitioners');
      });
    return () => {
      live = false;
    };
    // f is a new object each render; the list is asked for again when a filter or the list changes.
  }, [organisationId, readiness, version]);

  const requestAccount = async (p: Practitioner) => {
    const r = await getApi().manage.requestPractitionerAccount({ id: p.id });
    if (!r.ok) return f.fail(r.error, `practitioner-request-${p.id}`);
    f.done(
      `Account ${r.value.request.account} asked for ${p.name}. Give them the first half of their activation code, ${r.value.firstHalf} (shown this once). A second member of the team confirms the request in Accounts and gives them the second half.`,
    );
    changed();
  };

  if (view.page === 'form')
    return (
      <PractitionerForm
        practitioner={view.practitioner}
        organisations={organisations}
        onCancel={() => setView({ page: 'list' })}
        onSaved={(p) => {
          setView({ page: 'list' });
          f.done(view.practitioner ? `${p.name} is updated.` : `${p.name} is added to the list.`);
          changed();
        }}
      />
    );

  return (
    <section aria-label="Practitioners to ready">
      {f.view}
      <p className="govuk-body">
        The people of your partner organisations who will need access, in the order they will be trained. An account is
        asked for once their enhanced check, course, agreement and organisation are all in order.
      </p>
      {team ? (
        <div className="govuk-button-group">
          <button
            type="button"
            className="govuk-button govuk-button--secondary"
            onClick={() => setView({ page: 'form', practitioner: null })}
          >
            Add a person
          </button>
        </div>
      ) : null}
      {team ? <PractitionerImport feedback={f} onImported={changed} /> : null}
      <div className="cp-filters">
        <Select
          id="practitioners-filter-organisation"
          label="Organisation"
          value={organisationId}
          options={[
            { value: '', label: 'Every organisation' },
            ...organisations.map((o) => ({ value: o.id, label: o.name })),
          ]}
          onChange={setOrganisationId}
        />
        <Select
          id="practitioners-filter-readiness"
          label="Readiness"
          value={readiness}
          options={[
            { value: '' as const, label: 'Anyone' },
            ...readinessStates.map((s) => ({ value: s, label: readinessLabels[s] })),
          ]}
          onChange={setReadiness}
        />
      </div>
      {list === null ? (
        <p className="govuk-body">Loading the list…</p>
      ) : (
        <TableScroll>
          <table className="govuk-table" data-testid="practitioners" id="practitioners">
            <caption className="govuk-table__caption govuk-table__caption--s">
              {list.length} {list.length === 1 ? 'person' : 'people'}, in training order
            </caption>
            <TableHead
              columns={[
                { label: 'Priority', numeric: true },
                'Person',
                'Organisation',
                'Role',
                'Still needs',
                'Action',
              ]}
            />
            <tbody className="govuk-table__body">
              {list.map((p) => (
                <tr className="govuk-table__row" key={p.id} data-testid="practitioner-row">
                  <td className="govuk-table__cell govuk-table__cell--numeric">{p.trainingPriority}</td>
                  <td className="govuk-table__cell cp-wrap">
                    {p.name}
                    <br />
                    <span className="govuk-hint govuk-!-margin-0">{p.workEmail}</span>
                  </td>
                  <td className="govuk-table__cell cp-wrap">{p.organisation.name}</td>
                  <td className="govuk-table__cell">{readinessRoleLabels[p.role]}</td>
                  <td className="govuk-table__cell cp-wrap" id={`practitioner-request-${p.id}`} tabIndex={-1}>
                    <strong className={`govuk-tag ${tagColour[p.readiness]}`}>{readinessLabels[p.readiness]}</strong>
                    {p.missing.length > 0 ? (
                      <ul className="govuk-list govuk-!-font-size-16 govuk-!-margin-top-1">
                        {p.missing.map((m) => (
                          <li key={m}>{missingItemLabels[m]}</li>
                        ))}
                      </ul>
                    ) : null}
                    {p.userId ? <p className="govuk-body-s govuk-!-margin-0">Account {p.userId}</p> : null}
                  </td>
                  <td className="govuk-table__cell">
                    {team ? (
                      <>
                        <button
                          type="button"
                          className="cp-link-button govuk-link"
                          onClick={() => setView({ page: 'form', practitioner: p })}
                        >
                          Update<span className="govuk-visually-hidden"> {p.name}</span>
                        </button>
                        {p.readiness === 'ready' ? (
                          <button
                            type="button"
                            className="govuk-button govuk-!-margin-bottom-0 govuk-!-margin-top-2"
                            onClick={() => void requestAccount(p)}
                          >
                            Request the account<span className="govuk-visually-hidden"> for {p.name}</span>
                          </button>
                        ) : null}
                      </>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {list !== null && list.length === 0 ? <p className="govuk-body">No one on the list matches.</p> : null}
      <PractitionerTasks feedback={f} version={version} />
    </section>
  );
}
