// The management team's screens: management information, shields (four eyes to remove
// one), accounts and accreditation, override alerts, audit review with misuse signals,
// transfers between authorities, and (for data managers) the archive. Everything comes
// from the national index through main on request and lives in component state only.
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { RecordView } from '../../../domain/api/records.js';
import type { SignedInUser } from '../../../domain/ipc-contract.js';
import { ALERT_OUTCOMES, ARCHIVE_PURPOSES } from '../../../domain/management/choices.js';
import type {
  AccountRequestItemView,
  AccountView,
  AlertItemView,
  ArchivedView,
  AuditCheckpointView,
  AuditEntryView,
  ManagementInformationView,
  SignalView,
  TransferView,
  UnshieldRequestView,
} from '../../../domain/management/views.js';
import { getApi } from '../api.js';
import { Banner } from '../components/Banner.js';
import { TextField } from '../components/TextField.js';
import { PageHeading } from '../components/PageHeading.js';
import { TableHead } from '../components/TableHead.js';
import { useFeedback } from '../feedback.js';
import { formatDate, formatDateTimeShort, formatNumber, formatPercent } from '../format.js';
import { Journey } from './Journey.js';
import { RecordDetails } from './RecordView.js';

const entriesText = (n: number) => `${formatNumber(n)} ${n === 1 ? 'entry' : 'entries'}`;

type Tab = 'information' | 'shields' | 'accounts' | 'alerts' | 'audit' | 'transfers' | 'archive';
const labels: Record<Tab, string> = {
  information: 'Management information',
  shields: 'Shields',
  accounts: 'Accounts',
  alerts: 'Override alerts',
  audit: 'Audit',
  transfers: 'Transfers',
  archive: 'Archive',
};

/** The management area: the team's tabs, or a data manager's. */
export function ManagementScreen({ user }: { user: SignedInUser }) {
  const team = user.roles.includes('la-team');
  const tabs: Tab[] = team ? ['information', 'shields', 'accounts', 'alerts', 'audit', 'transfers'] : ['archive', 'audit', 'alerts', 'information'];
  const [tab, setTab] = useState<Tab>(tabs[0]!);
  return (
    <>
      <PageHeading caption="ContactPoint management">{labels[tab]}</PageHeading>
      <nav className="cp-subnav" aria-label="Management">
        <ul className="cp-tabs__list">
          {tabs.map((t) => (
            <li key={t} className="cp-tabs__item">
              <button type="button" className="cp-link-button cp-tabs__link" aria-current={tab === t ? 'page' : undefined} onClick={() => setTab(t)}>
                {labels[t]}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      {tab === 'information' ? <InformationView user={user} /> : null}
      {tab === 'shields' ? <ShieldsView user={user} /> : null}
      {tab === 'accounts' ? <AccountsView user={user} /> : null}
      {tab === 'alerts' ? <AlertsView /> : null}
      {tab === 'audit' ? <AuditView user={user} /> : null}
      {tab === 'transfers' ? <TransfersView /> : null}
      {tab === 'archive' ? <ArchiveView /> : null}
    </>
  );
}

// ---------------------------------------------------------------------------------
// Management information

function Bar({ label, value, max, target, unit = '' }: { label: string; value: number; max: number; target?: number; unit?: string }) {
  const width = max > 0 ? Math.max(0.5, (100 * value) / max) : 0;
  return (
    <div className="cp-bar">
      <div className="cp-bar__label">{label}</div>
      <div className="cp-bar__track" aria-hidden="true">
        <div className="cp-bar__fill" style={{ width: `${width}%` }} />
        {target !== undefined ? <div className="cp-bar__target" style={{ left: `${(100 * target) / max}%` }} /> : null}
      </div>
      <div className="cp-bar__value">
        {formatNumber(value)}
        {unit}
      </div>
    </div>
  );
}

function InformationView({ user }: { user: SignedInUser }) {
  const f = useFeedback('manage-notice');
  const [mi, setMi] = useState<ManagementInformationView | null>(null);
  const [queues, setQueues] = useState<{ title: string; open: number }[] | null>(null);
  const [la, setLa] = useState(user.localAuthority ?? '');
  const team = user.roles.includes('la-team');
  const load = useCallback(async () => {
    const r = await getApi().manage.information(la ? { localAuthority: la } : {});
    if (!r.ok) return f.fail(r.error, 'mi-authority');
    setMi(r.value);
    if (team) {
      const q = await getApi().cleanse.status();
      if (q.ok) setQueues(q.value.queues.map((x) => ({ title: x.title, open: x.open })));
    }
  }, [la, team]);
  useEffect(() => {
    if (la) void load();
  }, []);

  const save = async () => {
    if (!mi) return;
    const rows: (string | number)[][] = [
      ['Active children', mi.children.active],
      ['Shielded', mi.children.shielded],
      ['Treated as shielded until a match is resolved', mi.children.shieldPending],
      ['Archived', mi.children.archived],
      ['With an NHS number', mi.nhs.withNumber],
      ['NHS number match rate', mi.nhs.matchRate],
      ['Open match reviews', mi.openMatchReviews],
      ['Open override alerts', mi.openAlerts],
      ['Open unshield requests', mi.openUnshieldRequests],
      ['Transfers in', mi.transfers.incoming],
      ['Transfers out', mi.transfers.outgoing],
      ...mi.involvementsByService.map((s) => [`Open involvements: ${s.service}`, s.open]),
      ...(queues ?? []).map((q) => [`Cleansing tasks: ${q.title}`, q.open]),
    ];
    const r = await getApi().manage.saveCsv({ suggestedName: `management-information-${mi.localAuthority}.csv`, header: ['measure', 'value'], rows });
    if (!r.ok) return f.fail(r.error, 'mi-save');
    if (r.value.saved) f.done(`Saved as ${r.value.name ?? 'a CSV file'}.`);
  };

  const max = Math.max(1, ...(mi?.involvementsByService.map((s) => s.open) ?? [1]));
  const maxQueue = Math.max(1, ...(queues?.map((q) => q.open) ?? [1]));
  return (
    <section aria-label="Management information">
      {f.view}
      {!team ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void load();
          }}
        >
          <TextField id="mi-authority" label="Local authority (ONS code)" labelSize="s" hint="For example E08000015 (Wirral)" value={la} onChange={(e) => setLa(e.target.value)} width={10} />
          <button type="submit" className="govuk-button govuk-button--secondary">
            Show
          </button>
        </form>
      ) : null}
      {mi ? (
        <>
          <p className="govuk-body-s">As at {formatDateTimeShort(mi.at)} for {mi.localAuthority}.</p>
          <div className="cp-cards" data-testid="mi-cards">
            {[
              ['Active children', mi.children.active],
              ['Shielded', mi.children.shielded],
              ['Shield pending', mi.children.shieldPending],
              ['Archived', mi.children.archived],
              ['Open match reviews', mi.openMatchReviews],
              ['Open override alerts', mi.openAlerts],
              ['Unshield requests', mi.openUnshieldRequests],
              ['Transfers in / out', `${mi.transfers.incoming} / ${mi.transfers.outgoing}`],
            ].map(([k, v]) => (
              <div className="cp-card" key={String(k)}>
                <p className="govuk-body-s cp-card__label">{k}</p>
                <p className="govuk-heading-m cp-card__value">{typeof v === 'number' ? formatNumber(v) : v}</p>
              </div>
            ))}
          </div>
          <h2 className="govuk-heading-s">Records matched to an NHS number</h2>
          <p className="govuk-body" data-testid="mi-nhs">
            {formatPercent(mi.nhs.matchRate)} ({formatNumber(mi.nhs.withNumber)} of {formatNumber(mi.nhs.active)}).{' '}
            {mi.nhs.matchRate >= mi.nhs.target ? 'At or above' : 'Below'} the {formatPercent(mi.nhs.target)} the NHS successor required before going live.
          </p>
          <div className="cp-chart" aria-hidden="true">
            <Bar label={`Matched (target ${formatPercent(mi.nhs.target)})`} value={Math.round(mi.nhs.matchRate * 1000) / 10} max={100} target={100 * mi.nhs.target} unit="%" />
          </div>
          <h2 className="govuk-heading-s">Open involvements by service</h2>
          <div className="cp-chart" aria-hidden="true">
            {mi.involvementsByService.slice(0, 12).map((s) => (
              <Bar key={s.service} label={s.service} value={s.open} max={max} />
            ))}
          </div>
          <table className="govuk-table cp-table--compact" data-testid="mi-services">
            <caption className="govuk-table__caption govuk-table__caption--s">Open involvements by service</caption>
            <TableHead columns={['Service', { label: 'Open', numeric: true }]} />
            <tbody className="govuk-table__body">
              {mi.involvementsByService.map((s) => (
                <tr className="govuk-table__row" key={s.service}>
                  <td className="govuk-table__cell">{s.service}</td>
                  <td className="govuk-table__cell govuk-table__cell--numeric">{formatNumber(s.open)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {queues ? (
            <>
              <h2 className="govuk-heading-s">Cleansing tasks waiting, by rule (this computer’s working set)</h2>
              <div className="cp-chart" aria-hidden="true">
                {queues.map((q) => (
                  <Bar key={q.title} label={q.title} value={q.open} max={maxQueue} />
                ))}
              </div>
              <table className="govuk-table cp-table--compact" data-testid="mi-queues">
                <caption className="govuk-table__caption govuk-visually-hidden">Cleansing tasks by rule</caption>
                <TableHead columns={['Rule', { label: 'Open tasks', numeric: true }]} />
                <tbody className="govuk-table__body">
                  {queues.length === 0 ? (
                    <tr className="govuk-table__row">
                      <td className="govuk-table__cell" colSpan={2}>
                        No open tasks (run the checks on the Cleansing tab).
                      </td>
                    </tr>
                  ) : (
                    queues.map((q) => (
                      <tr className="govuk-table__row" key={q.title}>
                        <td className="govuk-table__cell">{q.title}</td>
                        <td className="govuk-table__cell govuk-table__cell--numeric">{formatNumber(q.open)}</td>
                      </tr>
                    ))
                  )}
                </tbody>
              </table>
            </>
          ) : null}
          <button type="button" className="govuk-button govuk-button--secondary" id="mi-save" onClick={() => void save()}>
            Save as CSV
          </button>
        </>
      ) : (
        <p className="govuk-body">{la ? 'Loading…' : 'Give a local authority to see its figures.'}</p>
      )}
    </section>
  );
}

// ---------------------------------------------------------------------------------
// Shields

function ShieldsView({ user }: { user: SignedInUser }) {
  const f = useFeedback('manage-notice');
  const [cp, setCp] = useState('');
  const [reason, setReason] = useState('');
  const [open, setOpen] = useState<UnshieldRequestView[]>([]);
  const [rejectReason, setRejectReason] = useState('');
  const refresh = useCallback(async () => {
    const r = await getApi().manage.unshieldRequests({ status: 'open' });
    if (r.ok) setOpen(r.value.requests);
  }, []);
  useEffect(() => {
    void refresh();
  }, [refresh]);

  const act = async (what: 'shield' | 'unshield') => {
    const request = { cpNumber: cp.trim().toUpperCase(), reason };
    const r = what === 'shield' ? await getApi().manage.shield(request) : await getApi().manage.requestUnshield(request);
    if (!r.ok) return f.fail(r.error, 'shield-cp');
    f.done(
      what === 'shield'
        ? `${request.cpNumber} is shielded. Every working set gets the shield at its next sync.`
        : `Asked for the shield on ${request.cpNumber} to be removed. A second member of the team must approve it.`,
    );
    setCp('');
    setReason('');
    void refresh();
  };
  const decide = async (request: UnshieldRequestView, decision: 'approve' | 'reject') => {
    const r = await getApi().manage.decideUnshield({ id: request.id, decision, ...(decision === 'reject' && rejectReason ? { reason: rejectReason } : {}) });
    if (!r.ok) return f.fail(r.error, 'unshield-requests');
    f.done(decision === 'approve' ? `The shield on ${request.cpNumber} is removed.` : `The request for ${request.cpNumber} is turned down; the shield stays.`);
    void refresh();
  };

  return (
    <section aria-label="Shields">
      {f.view}
      <p className="govuk-body">
        Shield a child whose whereabouts becoming known would put them at risk of significant harm. Removing a shield needs a second member of the team to
        approve it.
      </p>
      <form
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          void act('shield');
        }}
      >
        <TextField id="shield-cp" label="ContactPoint number" labelSize="s" value={cp} onChange={(e) => setCp(e.target.value)} width={10} />
        <div className="govuk-form-group">
          <label className="govuk-label govuk-label--s" htmlFor="shield-reason">
            Reason
          </label>
          <div className="govuk-hint" id="shield-reason-hint">
            Why, in a sentence, for the audit and for whoever reviews it. Not case details.
          </div>
          <textarea className="govuk-textarea" id="shield-reason" rows={2} maxLength={500} aria-describedby="shield-reason-hint" value={reason} onChange={(e) => setReason(e.target.value)} />
        </div>
        <div className="govuk-button-group">
          <button type="submit" className="govuk-button govuk-button--warning">
            Shield this child
          </button>
          <button type="button" className="govuk-button govuk-button--secondary" onClick={() => void act('unshield')}>
            Ask for the shield to be removed
          </button>
        </div>
      </form>

      <h2 className="govuk-heading-m" id="unshield-requests" tabIndex={-1}>
        Waiting for a second member of the team
      </h2>
      {open.length === 0 ? (
        <p className="govuk-body">No requests to remove a shield.</p>
      ) : (
        <>
          <table className="govuk-table cp-table--compact" data-testid="unshield-requests">
            <caption className="govuk-table__caption govuk-visually-hidden">Requests to remove a shield</caption>
            <TableHead columns={['ContactPoint number', 'Asked by', 'When', 'Reason', 'Decide']} />
            <tbody className="govuk-table__body">
              {open.map((q) => (
                <tr className="govuk-table__row" key={q.id}>
                  <td className="govuk-table__cell">{q.cpNumber}</td>
                  <td className="govuk-table__cell">{q.requestedBy}</td>
                  <td className="govuk-table__cell">{formatDateTimeShort(q.requestedAt)}</td>
                  <td className="govuk-table__cell cp-wrap">{q.reason}</td>
                  <td className="govuk-table__cell">
                    {q.requestedBy === user.id ? (
                      <span className="govuk-body-s">Your request: another member decides.</span>
                    ) : (
                      <div className="govuk-button-group">
                        <button type="button" className="govuk-button govuk-button--warning govuk-!-margin-bottom-0" onClick={() => void decide(q, 'approve')}>
                          Approve removing the shield on {q.cpNumber}
                        </button>
                        <button type="button" className="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" onClick={() => void decide(q, 'reject')}>
                          Keep the shield
                        </button>
                      </div>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <TextField id="reject-reason" label="Why the shield stays (optional, when you keep it)" labelSize="s" value={rejectReason} onChange={(e) => setRejectReason(e.target.value)} width={20} />
        </>
      )}
    </section>
  );
}

// ---------------------------------------------------------------------------------
// Accounts and accreditation

const requestKindLabels: Record<AccountRequestItemView['kind'], string> = {
  'account-create': 'New account',
  'token-reset': 'Replacement token',
  'card-enrol': 'Smartcard',
  'role-grant': 'Added roles',
};

const roleLabels: Record<string, string> = { practitioner: 'Practitioner', 'child-protection': 'Child protection', 'la-team': 'ContactPoint team', 'data-manager': 'Data manager' };

function accountState(a: AccountView): string {
  if (a.closedAt) return 'Closed';
  if (a.suspended) return 'Suspended';
  if (a.lockedUntil && new Date(a.lockedUntil) > new Date()) return 'Locked out';
  return 'Active';
}

function AccountsView({ user }: { user: SignedInUser }) {
  const f = useFeedback('manage-notice');
  const [users, setUsers] = useState<AccountView[]>([]);
  const [lapsing, setLapsing] = useState<{ id: string; name: string; reasons: { kind: string; date?: string | undefined }[] }[]>([]);
  const [orgs, setOrgs] = useState<{ id: string; name: string }[]>([]);
  // A half of a holder's activation code, shown once to the person who must hand it over in person.
  const [handOver, setHandOver] = useState<{ account: string; half: 'first' | 'second'; code: string } | null>(null);
  const [requests, setRequests] = useState<AccountRequestItemView[]>([]);
  const [form, setForm] = useState({ id: '', name: '', organisationId: '', practitioner: true, childProtection: false, team: false, enhancedCheckDate: '', trainingCompleted: false, agreementSigned: false });
  const [checkDate, setCheckDate] = useState<Record<string, string>>({});
  const [closing, setClosing] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    const [u, l, q] = await Promise.all([getApi().manage.users(), getApi().manage.lapsing({ days: 30 }), getApi().manage.accountRequests()]);
    if (u.ok) setUsers(u.value.users);
    if (l.ok) setLapsing(l.value.users);
    if (q.ok) setRequests(q.value.requests);
  }, []);
  useEffect(() => {
    void refresh();
    void getApi()
      .manage.organisations()
      .then((r) => {
        if (r.ok) setOrgs(r.value.organisations.filter((o) => o.accredited));
      });
  }, [refresh]);

  const update = async (a: AccountView, changes: Parameters<ReturnType<typeof getApi>['manage']['updateUser']>[0]['changes'], what: string) => {
    const r = await getApi().manage.updateUser({ id: a.id, changes });
    if (!r.ok) return f.fail(r.error, `account-${a.id}`);
    f.done(`${a.name} (${a.id}): ${what}.`);
    setClosing(null);
    void refresh();
  };
  const create = async (e: FormEvent) => {
    e.preventDefault();
    const roles = [form.practitioner ? 'practitioner' : null, form.childProtection ? 'child-protection' : null, form.team ? 'la-team' : null].filter((r): r is 'practitioner' | 'child-protection' | 'la-team' => r !== null);
    const r = await getApi().manage.createUser({
      id: form.id.trim(),
      name: form.name,
      organisationId: form.organisationId,
      roles,
      enhancedCheckDate: form.enhancedCheckDate,
      trainingCompleted: form.trainingCompleted,
      agreementSigned: form.agreementSigned,
    });
    if (!r.ok) return f.fail(r.error, 'new-id');
    setHandOver({ account: r.value.user.id, half: 'first', code: r.value.firstHalf });
    f.done(`The account ${r.value.user.id} is made. It signs in once a second person confirms it and its holder activates it.`);
    setForm({ ...form, id: '', name: '' });
    void refresh();
  };

  const confirmRequest = async (q: AccountRequestItemView) => {
    const r = await getApi().manage.confirmAccountRequest({ id: q.id });
    if (!r.ok) return f.fail(r.error, `account-request-${q.id}`);
    if (r.value.secondHalf) setHandOver({ account: q.account, half: 'second', code: r.value.secondHalf });
    f.done(r.value.secondHalf ? `Confirmed: give ${q.account} the second half of the code.` : `Confirmed: ${q.account} now holds the roles asked for.`);
    void refresh();
  };
  const cancelRequest = async (q: AccountRequestItemView) => {
    const r = await getApi().manage.cancelAccountRequest({ id: q.id });
    if (!r.ok) return f.fail(r.error, `account-request-${q.id}`);
    f.done(`The request for ${q.account} is cancelled.`);
    void refresh();
  };

  return (
    <section aria-label="Accounts">
      {f.view}
      {handOver ? (
        <div className="govuk-panel cp-credentials" data-testid="hand-over" role="region" aria-label="Half of an activation code to hand over">
          <h2 className="govuk-heading-m">
            Give this {handOver.half} half of the activation code to {handOver.account}, in person
          </h2>
          <p className="govuk-body">
            {handOver.half === 'first'
              ? 'A second member of the team, or a data manager, confirms the account and gives the holder the second half. '
              : 'Whoever asked for it gave the holder the first half. '}
            The holder activates the account on the sign-in screen with both halves and chooses their own password: nobody else ever holds it. Shown this once and kept nowhere on this computer.
          </p>
          <p className="govuk-body cp-code" data-testid="hand-over-code">
            {handOver.code}
          </p>
          <button type="button" className="govuk-button govuk-button--secondary" onClick={() => setHandOver(null)}>
            I have handed it over
          </button>
        </div>
      ) : null}

      <h2 className="govuk-heading-m">Waiting for a second person</h2>
      {requests.length === 0 ? (
        <p className="govuk-body" data-testid="account-requests-none">
          No account, token, card or role is waiting for a second person.
        </p>
      ) : (
        <table className="govuk-table cp-table--compact" data-testid="account-requests">
          <caption className="govuk-table__caption govuk-visually-hidden">Requests that a second, independent person confirms</caption>
          <TableHead columns={['Account', 'What', 'Asked by', 'State', 'Decide']} />
          <tbody className="govuk-table__body">
            {requests.map((q) => (
              <tr className="govuk-table__row" key={q.id} id={`account-request-${q.id}`} tabIndex={-1}>
                <td className="govuk-table__cell">{q.account}</td>
                <td className="govuk-table__cell">
                  {requestKindLabels[q.kind]}
                  {q.roles ? ` (${q.roles.map((r) => roleLabels[r] ?? r).join(', ')})` : ''}
                </td>
                <td className="govuk-table__cell">{q.requestedBy === user.id ? 'You' : q.requestedBy}</td>
                <td className="govuk-table__cell">{q.status === 'awaiting-activation' ? `Confirmed by ${q.confirmedBy ?? 'a second person'}: waiting for the holder` : 'Waiting for a second person'}</td>
                <td className="govuk-table__cell">
                  <div className="govuk-button-group">
                    {q.status === 'awaiting-confirmation' && q.requestedBy !== user.id && q.account !== user.id ? (
                      <button type="button" className="govuk-button govuk-!-margin-bottom-0" onClick={() => void confirmRequest(q)}>
                        Confirm {requestKindLabels[q.kind].toLowerCase()} for {q.account}
                      </button>
                    ) : null}
                    {q.requestedBy === user.id && q.status === 'awaiting-confirmation' ? <span className="govuk-body-s">Your request: another person confirms.</span> : null}
                    <button type="button" className="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" onClick={() => void cancelRequest(q)}>
                      Cancel the request for {q.account}
                    </button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2 className="govuk-heading-m">Accreditation lapsing in the next 30 days</h2>
      {lapsing.length === 0 ? (
        <p className="govuk-body" data-testid="lapsing-none">
          Nobody’s accreditation lapses in the next 30 days.
        </p>
      ) : (
        <table className="govuk-table cp-table--compact" data-testid="lapsing">
          <caption className="govuk-table__caption govuk-visually-hidden">Accounts whose accreditation lapses soon or is incomplete</caption>
          <TableHead columns={['Account', 'What', 'When']} />
          <tbody className="govuk-table__body">
            {lapsing.map((u) => (
              <tr className="govuk-table__row" key={u.id}>
                <td className="govuk-table__cell">
                  {u.name} ({u.id})
                </td>
                <td className="govuk-table__cell">
                  {u.reasons
                    .map((r) =>
                      r.kind === 'enhanced-check' ? 'Enhanced check lapses' : r.kind === 'training-missing' ? 'Training not recorded' : r.kind === 'agreement-missing' ? 'Agreement not signed' : 'No enhanced check recorded',
                    )
                    .join('; ')}
                </td>
                <td className="govuk-table__cell">{u.reasons.find((r) => r.date)?.date ? formatDate(u.reasons.find((r) => r.date)!.date!) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2 className="govuk-heading-m">Accounts</h2>
      <table className="govuk-table cp-table--compact" data-testid="accounts">
        <caption className="govuk-table__caption govuk-visually-hidden">The accounts of your authority</caption>
        <TableHead columns={['Account', 'Roles', 'Organisation', 'Enhanced check', 'Training, agreement', 'State', 'Change']} />
        <tbody className="govuk-table__body">
          {users.map((a) => {
            const own = a.id === user.id;
            const closed = !!a.closedAt;
            return (
              <tr className="govuk-table__row" key={a.id} id={`account-${a.id}`} tabIndex={-1} data-testid="account-row">
                <td className="govuk-table__cell cp-wrap">
                  {a.name}
                  <br />
                  <span className="govuk-body-s">{a.id}</span>
                </td>
                <td className="govuk-table__cell">{a.roles.map((r) => roleLabels[r] ?? r).join(', ')}</td>
                <td className="govuk-table__cell cp-wrap">{a.organisation.name}</td>
                <td className="govuk-table__cell">
                  {a.enhancedCheckDate ? formatDate(a.enhancedCheckDate) : 'None recorded'}
                  {!own && !closed ? (
                    <div className="cp-inline">
                      <input
                        className="govuk-input govuk-input--width-10"
                        type="date"
                        aria-label={`New enhanced check date for ${a.id}`}
                        value={checkDate[a.id] ?? ''}
                        onChange={(e) => setCheckDate({ ...checkDate, [a.id]: e.target.value })}
                      />
                      <button
                        type="button"
                        className="govuk-button govuk-button--secondary govuk-!-margin-bottom-0"
                        disabled={!checkDate[a.id]}
                        onClick={() => void update(a, { enhancedCheckDate: checkDate[a.id]! }, 'enhanced check recorded')}
                      >
                        Record check for {a.id}
                      </button>
                    </div>
                  ) : null}
                </td>
                <td className="govuk-table__cell">
                  {a.trainingCompleted ? 'Trained' : 'Not trained'}, {a.agreementSigned ? 'signed' : 'not signed'}
                  {!own && !closed && (!a.trainingCompleted || !a.agreementSigned) ? (
                    <div>
                      <button
                        type="button"
                        className="govuk-button govuk-button--secondary govuk-!-margin-bottom-0"
                        onClick={() => void update(a, { trainingCompleted: true, agreementSigned: true }, 'training and agreement recorded')}
                      >
                        Record training and agreement for {a.id}
                      </button>
                    </div>
                  ) : null}
                </td>
                <td className="govuk-table__cell" data-testid={`state-${a.id}`}>
                  {accountState(a)}
                </td>
                <td className="govuk-table__cell">
                  {own ? (
                    <span className="govuk-body-s">Your own account: another member changes it.</span>
                  ) : closed ? null : (
                    <div className="govuk-button-group">
                      <button type="button" className="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" onClick={() => void update(a, { suspended: !a.suspended }, a.suspended ? 'reinstated' : 'suspended')}>
                        {a.suspended ? 'Reinstate' : 'Suspend'} {a.id}
                      </button>
                      {closing === a.id ? (
                        <button type="button" className="govuk-button govuk-button--warning govuk-!-margin-bottom-0" onClick={() => void update(a, { closed: true }, 'closed for good')}>
                          Yes, close {a.id} for good
                        </button>
                      ) : (
                        <button type="button" className="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" onClick={() => setClosing(a.id)}>
                          Close {a.id}
                        </button>
                      )}
                    </div>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>

      <h2 className="govuk-heading-m">Make an account</h2>
      <form onSubmit={(e) => void create(e)} data-testid="new-account">
        <TextField id="new-id" label="User ID" labelSize="s" hint="Letters, digits, dots, hyphens; it cannot be changed later" value={form.id} onChange={(e) => setForm({ ...form, id: e.target.value })} width={20} />
        <TextField id="new-name" label="Full name" labelSize="s" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} width={20} />
        <div className="govuk-form-group">
          <label className="govuk-label govuk-label--s" htmlFor="new-organisation">
            Organisation
          </label>
          <select className="govuk-select" id="new-organisation" value={form.organisationId} onChange={(e) => setForm({ ...form, organisationId: e.target.value })}>
            <option value="">Choose the organisation</option>
            {orgs.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
        </div>
        <fieldset className="govuk-fieldset govuk-form-group">
          <legend className="govuk-fieldset__legend govuk-fieldset__legend--s">Roles</legend>
          <div className="govuk-checkboxes govuk-checkboxes--small">
            {(
              [
                ['practitioner', 'Practitioner'],
                ['childProtection', 'Child protection (may override a shield)'],
                ['team', 'ContactPoint team'],
              ] as const
            ).map(([k, label]) => (
              <div className="govuk-checkboxes__item" key={k}>
                <input className="govuk-checkboxes__input" id={`new-role-${k}`} type="checkbox" checked={form[k]} onChange={(e) => setForm({ ...form, [k]: e.target.checked })} />
                <label className="govuk-label govuk-checkboxes__label" htmlFor={`new-role-${k}`}>
                  {label}
                </label>
              </div>
            ))}
          </div>
        </fieldset>
        <TextField id="new-check" label="Enhanced check date (optional)" labelSize="s" type="date" value={form.enhancedCheckDate} onChange={(e) => setForm({ ...form, enhancedCheckDate: e.target.value })} width={10} />
        <div className="govuk-checkboxes govuk-checkboxes--small govuk-form-group">
          {(
            [
              ['trainingCompleted', 'Mandatory training completed'],
              ['agreementSigned', 'End-user agreement signed'],
            ] as const
          ).map(([k, label]) => (
            <div className="govuk-checkboxes__item" key={k}>
              <input className="govuk-checkboxes__input" id={`new-${k}`} type="checkbox" checked={form[k]} onChange={(e) => setForm({ ...form, [k]: e.target.checked })} />
              <label className="govuk-label govuk-checkboxes__label" htmlFor={`new-${k}`}>
                {label}
              </label>
            </div>
          ))}
        </div>
        <button type="submit" className="govuk-button">
          Make the account
        </button>
      </form>
    </section>
  );
}

// ---------------------------------------------------------------------------------
// Override alerts

const outcomeLabels: Record<(typeof ALERT_OUTCOMES)[number], string> = {
  justified: 'The override was justified',
  'advice-given': 'Advice given to the practitioner',
  'referred-for-investigation': 'Referred for investigation',
  'account-suspended': 'Account suspended',
};

function AlertsView() {
  const f = useFeedback('manage-notice');
  const [status, setStatus] = useState<'open' | 'investigating' | 'closed' | 'all'>('open');
  const [alerts, setAlerts] = useState<AlertItemView[]>([]);
  const [outcome, setOutcome] = useState<Record<string, (typeof ALERT_OUTCOMES)[number]>>({});
  const [note, setNote] = useState<Record<string, string>>({});
  const refresh = useCallback(async () => {
    const r = await getApi().manage.alerts({ status });
    if (r.ok) setAlerts(r.value.alerts);
  }, [status]);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  const investigate = async (a: AlertItemView) => {
    const r = await getApi().manage.acknowledgeAlert(a.id);
    if (!r.ok) return f.fail(r.error, 'alert-status');
    f.done(`Investigating the override of ${a.cpNumber ?? 'a record'} by ${a.userId ?? 'a user'}.`);
    void refresh();
  };
  const close = async (a: AlertItemView) => {
    const chosen = outcome[a.id];
    if (!chosen) return f.fail({ code: 'invalid-payload', message: 'Choose the outcome before closing the alert.' }, `outcome-${a.id}`);
    const r = await getApi().manage.closeAlert({ id: a.id, outcome: chosen, ...(note[a.id] ? { note: note[a.id] } : {}) });
    if (!r.ok) return f.fail(r.error, `outcome-${a.id}`);
    f.done(`Alert closed: ${outcomeLabels[chosen].toLowerCase()}.`);
    void refresh();
  };
  return (
    <section aria-label="Override alerts">
      {f.view}
      <p className="govuk-body">Every shield override lands here. Investigate it, then close it with what you found.</p>
      <div className="govuk-form-group">
        <label className="govuk-label" htmlFor="alert-status">
          Show
        </label>
        <select className="govuk-select" id="alert-status" value={status} onChange={(e) => setStatus(e.target.value as typeof status)}>
          <option value="open">New</option>
          <option value="investigating">Being investigated</option>
          <option value="closed">Closed</option>
          <option value="all">All</option>
        </select>
      </div>
      {alerts.length === 0 ? (
        <p className="govuk-body">No alerts.</p>
      ) : (
        <table className="govuk-table cp-table--compact" data-testid="alerts">
          <caption className="govuk-table__caption govuk-visually-hidden">Shield override alerts</caption>
          <TableHead columns={['When', 'Who', 'Record', 'State', 'Action']} />
          <tbody className="govuk-table__body">
            {alerts.map((a) => (
              <tr className="govuk-table__row" key={a.id} data-testid="alert-row">
                <td className="govuk-table__cell">{formatDateTimeShort(a.at)}</td>
                <td className="govuk-table__cell">{a.userId ?? '—'}</td>
                <td className="govuk-table__cell">{a.cpNumber ?? '—'}</td>
                <td className="govuk-table__cell">
                  {a.status === 'closed' ? `Closed: ${outcomeLabels[a.outcome as keyof typeof outcomeLabels] ?? a.outcome ?? ''}` : a.status === 'investigating' ? 'Being investigated' : 'New'}
                </td>
                <td className="govuk-table__cell">
                  {a.status === 'open' ? (
                    <button type="button" className="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" onClick={() => void investigate(a)}>
                      Investigate
                    </button>
                  ) : a.status === 'investigating' ? (
                    <div>
                      <label className="govuk-label govuk-label--s" htmlFor={`outcome-${a.id}`}>
                        Outcome
                      </label>
                      <select className="govuk-select" id={`outcome-${a.id}`} value={outcome[a.id] ?? ''} onChange={(e) => setOutcome({ ...outcome, [a.id]: e.target.value as (typeof ALERT_OUTCOMES)[number] })}>
                        <option value="">Choose</option>
                        {ALERT_OUTCOMES.map((o) => (
                          <option key={o} value={o}>
                            {outcomeLabels[o]}
                          </option>
                        ))}
                      </select>
                      <label className="govuk-label govuk-label--s" htmlFor={`note-${a.id}`}>
                        Note (optional; nothing about the child)
                      </label>
                      <input className="govuk-input" id={`note-${a.id}`} maxLength={300} value={note[a.id] ?? ''} onChange={(e) => setNote({ ...note, [a.id]: e.target.value })} />
                      <button type="button" className="govuk-button govuk-!-margin-bottom-0 govuk-!-margin-top-2" onClick={() => void close(a)}>
                        Close the alert
                      </button>
                    </div>
                  ) : (
                    (a.note ?? '')
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

// ---------------------------------------------------------------------------------
// Audit review

/** The audit's actions a reviewer most often looks for (the service records these names). */
const ACTIONS = [
  'search',
  'read',
  'shield-override',
  'shield-applied',
  'shield-removed',
  'unshield-requested',
  'unshield-approved',
  'unshield-rejected',
  'sign-in',
  'sign-in-refused',
  'record-created',
  'involvement-recorded',
  'account-changed',
  'alert-closed',
  'archived',
  'archive-read',
  'archive-read-refused',
  'destroyed',
  'transfer-requested',
  'transfer-accepted',
  'transfer-rejected',
];

function AuditView({ user }: { user: SignedInUser }) {
  const f = useFeedback('manage-notice');
  const [q, setQ] = useState({ userId: '', cpNumber: '', action: '', from: '', to: '' });
  const [entries, setEntries] = useState<AuditEntryView[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [verify, setVerify] = useState<string | null>(null);
  const [signals, setSignals] = useState<SignalView[] | null>(null);
  // undefined: still asking; null: the service publishes no checkpoints.
  const [checkpoint, setCheckpoint] = useState<AuditCheckpointView | null | undefined>(undefined);
  const [rangeFrom, setRangeFrom] = useState('');
  const [rangeResult, setRangeResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [checkingRange, setCheckingRange] = useState(false);
  // The whole chain can be downloaded only by data managers and the national administrator (an LA team sees only its own children's entries).
  const mayDownloadRange = user.roles.includes('data-manager') || user.roles.includes('national-admin');

  const search = async (after?: string) => {
    const r = await getApi().manage.audit({ ...q, ...(after ? { after } : {}) });
    if (!r.ok) return f.fail(r.error, 'audit-user');
    f.clear();
    setEntries(after && entries ? [...entries, ...r.value.entries] : r.value.entries);
    setNext(r.value.next === null ? null : String(r.value.next));
  };
  const check = async () => {
    const r = await getApi().manage.auditVerify();
    if (!r.ok) return f.fail(r.error, 'audit-verify');
    setVerify(r.value.intact ? `The audit chain is intact${r.value.entries !== undefined ? `: ${entriesText(r.value.entries)} checked` : ''}.` : 'The audit chain is BROKEN: tell your data manager at once.');
  };
  const loadSignals = async () => {
    const r = await getApi().manage.auditSignals({});
    if (!r.ok) return f.fail(r.error, 'audit-signals');
    setSignals(r.value.signals);
  };
  const loadCheckpoint = async () => {
    const r = await getApi().manage.auditCheckpoint();
    if (!r.ok) return f.fail(r.error, 'audit-verify-range');
    setCheckpoint(r.value.checkpoint);
  };
  const checkRange = async () => {
    const from = rangeFrom.trim() === '' ? undefined : Number(rangeFrom);
    if (from !== undefined && (!Number.isInteger(from) || from < 1)) {
      return f.fail({ code: 'invalid-request', message: 'Enter the first entry to check as a whole number, 1 or more, or leave it empty to check from the start.' }, 'audit-range-from');
    }
    setCheckingRange(true);
    setRangeResult(null);
    const r = await getApi().manage.auditVerifyRange(from !== undefined ? { from } : {});
    setCheckingRange(false);
    if (!r.ok) return f.fail(r.error, 'audit-verify-range');
    f.clear();
    const v = r.value;
    setCheckpoint(v.checkpoint);
    setRangeResult(
      v.ok && v.to === 0
        ? { ok: true, text: `The signed checkpoint of ${formatDateTimeShort(v.checkpoint.at)} covers no entries yet: there is nothing to check.` }
        : v.ok
        ? { ok: true, text: `Entries ${formatNumber(v.from)} to ${formatNumber(v.to)} are intact and lead to the signed checkpoint of ${formatDateTimeShort(v.checkpoint.at)}.` }
        : { ok: false, text: `The audit does NOT match the signed checkpoint${v.seq !== null ? ` at entry ${formatNumber(v.seq)}` : ''}: ${v.message ?? v.problem ?? 'unknown problem'} Tell your data manager at once.` },
    );
  };
  useEffect(() => {
    void loadSignals();
    void loadCheckpoint();
  }, []);
  const save = async () => {
    if (!entries) return;
    const r = await getApi().manage.saveCsv({
      suggestedName: 'audit.csv',
      header: ['seq', 'at', 'user', 'action', 'cp_number', 'reason'],
      rows: entries.map((e) => [e.seq, e.at, e.userId, e.action, e.cpNumber, e.reason]),
    });
    if (!r.ok) return f.fail(r.error, 'audit-save');
    if (r.value.saved) f.done(`Saved ${entriesText(entries.length)} as ${r.value.name ?? 'a CSV file'}.`);
  };

  return (
    <section aria-label="Audit">
      {f.view}
      <h2 className="govuk-heading-m">For a person to judge</h2>
      <p className="govuk-body-s">Patterns in the last 30 days that can mean misuse. None of them proves anything by itself.</p>
      {signals === null ? (
        <p className="govuk-body">Looking…</p>
      ) : signals.length === 0 ? (
        <p className="govuk-body" data-testid="signals-none">
          Nothing to look at.
        </p>
      ) : (
        <table className="govuk-table cp-table--compact" data-testid="signals">
          <caption className="govuk-table__caption govuk-visually-hidden">Possible misuse, for a person to judge</caption>
          <TableHead columns={['User', 'What', { label: 'How many', numeric: true }, 'When']} />
          <tbody className="govuk-table__body">
            {signals.map((s, i) => (
              <tr className="govuk-table__row" key={`${s.kind}-${s.userId}-${i}`}>
                <td className="govuk-table__cell">{s.userId}</td>
                <td className="govuk-table__cell cp-wrap">{s.description}</td>
                <td className="govuk-table__cell govuk-table__cell--numeric">{formatNumber(s.count)}</td>
                <td className="govuk-table__cell">{s.from === s.to ? formatDate(s.from.slice(0, 10)) : `${formatDate(s.from.slice(0, 10))} to ${formatDate(s.to.slice(0, 10))}`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2 className="govuk-heading-m">Search the audit</h2>
      <form
        className="cp-filters"
        onSubmit={(e) => {
          e.preventDefault();
          void search();
        }}
      >
        <TextField id="audit-user" label="User ID" labelSize="s" value={q.userId} onChange={(e) => setQ({ ...q, userId: e.target.value })} width={10} />
        <TextField id="audit-cp" label="ContactPoint number" labelSize="s" value={q.cpNumber} onChange={(e) => setQ({ ...q, cpNumber: e.target.value.toUpperCase() })} width={10} />
        <div className="govuk-form-group">
          <label className="govuk-label govuk-label--s" htmlFor="audit-action">
            Action
          </label>
          <select className="govuk-select" id="audit-action" value={q.action} onChange={(e) => setQ({ ...q, action: e.target.value })}>
            <option value="">Any</option>
            {ACTIONS.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </div>
        <TextField id="audit-from" label="From" labelSize="s" type="date" value={q.from} onChange={(e) => setQ({ ...q, from: e.target.value })} width={10} />
        <TextField id="audit-to" label="To" labelSize="s" type="date" value={q.to} onChange={(e) => setQ({ ...q, to: e.target.value })} width={10} />
        <button type="submit" className="govuk-button">
          Search the audit
        </button>
      </form>
      {entries ? (
        <>
          <table className="govuk-table cp-table--compact" data-testid="audit-entries">
            <caption className="govuk-table__caption govuk-visually-hidden">Audit entries, oldest first</caption>
            <TableHead columns={['#', 'When', 'User', 'Action', 'Record', 'Reason']} />
            <tbody className="govuk-table__body">
              {entries.map((e) => (
                <tr className="govuk-table__row" key={e.seq}>
                  <td className="govuk-table__cell">{e.seq}</td>
                  <td className="govuk-table__cell">{formatDateTimeShort(e.at)}</td>
                  <td className="govuk-table__cell">{e.userId ?? '—'}</td>
                  <td className="govuk-table__cell">{e.action}</td>
                  <td className="govuk-table__cell">{e.cpNumber ?? '—'}</td>
                  <td className="govuk-table__cell cp-wrap">{e.reason ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="govuk-body-s">{entriesText(entries.length)} shown.</p>
          <div className="govuk-button-group">
            {next !== null ? (
              <button type="button" className="govuk-button govuk-button--secondary" onClick={() => void search(next)}>
                More entries
              </button>
            ) : null}
            <button type="button" className="govuk-button govuk-button--secondary" id="audit-save" onClick={() => void save()}>
              Save as CSV
            </button>
          </div>
        </>
      ) : null}
      <h2 className="govuk-heading-m">The audit chain</h2>
      <p className="govuk-body-s">Every entry is chained to the one before by its hash: a changed or missing entry breaks the chain.</p>
      <button type="button" className="govuk-button govuk-button--secondary" id="audit-verify" onClick={() => void check()}>
        Check the audit chain
      </button>
      {verify ? (
        <p className="govuk-body" role="status" data-testid="audit-verify-result">
          {verify}
        </p>
      ) : null}

      <h2 className="govuk-heading-m">Signed checkpoints</h2>
      <p className="govuk-body-s">
        At least every hour the service signs the chain’s length and last hash, and keeps each checkpoint outside its database. A chain rewritten since cannot lead to
        a checkpoint already made.
      </p>
      {checkpoint === undefined ? (
        <p className="govuk-body">Looking…</p>
      ) : checkpoint === null ? (
        <p className="govuk-body" data-testid="audit-checkpoint-none">
          This service publishes no checkpoints.
        </p>
      ) : (
        <dl className="govuk-summary-list" data-testid="audit-checkpoint">
          <div className="govuk-summary-list__row">
            <dt className="govuk-summary-list__key">Entries</dt>
            <dd className="govuk-summary-list__value">{formatNumber(checkpoint.size)}</dd>
          </div>
          <div className="govuk-summary-list__row">
            <dt className="govuk-summary-list__key">Signed</dt>
            <dd className="govuk-summary-list__value">{formatDateTimeShort(checkpoint.at)}</dd>
          </div>
          <div className="govuk-summary-list__row">
            <dt className="govuk-summary-list__key">Last hash</dt>
            <dd className="govuk-summary-list__value cp-wrap">
              <code>{checkpoint.head}</code>
            </dd>
          </div>
          <div className="govuk-summary-list__row">
            <dt className="govuk-summary-list__key">Signature</dt>
            <dd className="govuk-summary-list__value cp-wrap">
              {checkpoint.signatureValid ? 'Valid' : 'NOT VALID: tell your data manager at once'}, key <code>{checkpoint.signingKeyId.slice(0, 16)}</code>
            </dd>
          </div>
        </dl>
      )}
      {checkpoint && mayDownloadRange ? (
        <form
          className="cp-filters"
          onSubmit={(e) => {
            e.preventDefault();
            void checkRange();
          }}
        >
          <TextField id="audit-range-from" label="From entry (empty: the start)" labelSize="s" value={rangeFrom} onChange={(e) => setRangeFrom(e.target.value)} width={10} />
          <button type="submit" className="govuk-button govuk-button--secondary" id="audit-verify-range" disabled={checkingRange}>
            {checkingRange ? 'Downloading and checking…' : 'Download and check against the checkpoint'}
          </button>
        </form>
      ) : null}
      {rangeResult ? (
        <p className={rangeResult.ok ? 'govuk-body' : 'govuk-body govuk-!-font-weight-bold'} role="status" data-testid="audit-range-result">
          {rangeResult.text}
        </p>
      ) : null}
    </section>
  );
}

// ---------------------------------------------------------------------------------
// Transfers

function TransfersView() {
  const f = useFeedback('manage-notice');
  const [transfers, setTransfers] = useState<TransferView[]>([]);
  const [form, setForm] = useState({ cpNumber: '', toLocalAuthority: '', reason: '' });
  const refresh = useCallback(async () => {
    const r = await getApi().manage.transfers({ status: 'open' });
    if (r.ok) setTransfers(r.value.transfers);
  }, []);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  const propose = async (e: FormEvent) => {
    e.preventDefault();
    const r = await getApi().manage.requestTransfer({ cpNumber: form.cpNumber.trim().toUpperCase(), toLocalAuthority: form.toLocalAuthority.trim().toUpperCase(), reason: form.reason });
    if (!r.ok) return f.fail(r.error, 'transfer-cp');
    f.done(`Transfer of ${r.value.transfer.cpNumber} to ${r.value.transfer.toLocalAuthority} proposed: that authority’s team must accept it.`);
    setForm({ cpNumber: '', toLocalAuthority: '', reason: '' });
    void refresh();
  };
  const decide = async (t: TransferView, decision: 'accept' | 'reject' | 'cancel') => {
    const r = await getApi().manage.decideTransfer({ id: t.id, decision });
    if (!r.ok) return f.fail(r.error, 'transfers');
    f.done(decision === 'accept' ? `${t.cpNumber} is now your authority’s.` : decision === 'reject' ? `Transfer of ${t.cpNumber} turned down.` : `Transfer of ${t.cpNumber} withdrawn.`);
    void refresh();
  };
  const table = (direction: 'incoming' | 'outgoing', title: string) => {
    const rows = transfers.filter((t) => t.direction === direction);
    return (
      <>
        <h2 className="govuk-heading-m" id={direction === 'incoming' ? 'transfers' : undefined} tabIndex={-1}>
          {title}
        </h2>
        {rows.length === 0 ? (
          <p className="govuk-body">None.</p>
        ) : (
          <table className="govuk-table cp-table--compact" data-testid={`transfers-${direction}`}>
            <caption className="govuk-table__caption govuk-visually-hidden">{title}</caption>
            <TableHead columns={['ContactPoint number', direction === 'incoming' ? 'From' : 'To', 'Asked by', 'When', 'Reason', 'Decide']} />
            <tbody className="govuk-table__body">
              {rows.map((t) => (
                <tr className="govuk-table__row" key={t.id}>
                  <td className="govuk-table__cell">{t.cpNumber}</td>
                  <td className="govuk-table__cell">{direction === 'incoming' ? t.fromLocalAuthority : t.toLocalAuthority}</td>
                  <td className="govuk-table__cell">{t.requestedBy}</td>
                  <td className="govuk-table__cell">{formatDateTimeShort(t.requestedAt)}</td>
                  <td className="govuk-table__cell cp-wrap">{t.reason}</td>
                  <td className="govuk-table__cell">
                    <div className="govuk-button-group">
                      {direction === 'incoming' ? (
                        <>
                          <button type="button" className="govuk-button govuk-!-margin-bottom-0" onClick={() => void decide(t, 'accept')}>
                            Accept {t.cpNumber}
                          </button>
                          <button type="button" className="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" onClick={() => void decide(t, 'reject')}>
                            Turn down
                          </button>
                        </>
                      ) : (
                        <button type="button" className="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" onClick={() => void decide(t, 'cancel')}>
                          Withdraw
                        </button>
                      )}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </>
    );
  };
  return (
    <section aria-label="Transfers">
      {f.view}
      <p className="govuk-body">A child who moves is transferred to the authority they move to, when its ContactPoint team accepts.</p>
      <form onSubmit={(e) => void propose(e)}>
        <TextField id="transfer-cp" label="ContactPoint number" labelSize="s" value={form.cpNumber} onChange={(e) => setForm({ ...form, cpNumber: e.target.value })} width={10} />
        <TextField
          id="transfer-to"
          label="To the local authority (ONS code)"
          labelSize="s"
          hint="For example E06000050 (Cheshire West and Chester)"
          value={form.toLocalAuthority}
          onChange={(e) => setForm({ ...form, toLocalAuthority: e.target.value })}
          width={10}
        />
        <TextField id="transfer-reason" label="Reason" labelSize="s" value={form.reason} onChange={(e) => setForm({ ...form, reason: e.target.value })} width={20} />
        <button type="submit" className="govuk-button">
          Propose the transfer
        </button>
      </form>
      {table('incoming', 'Coming to your authority')}
      {table('outgoing', 'Going to another authority')}
    </section>
  );
}

// ---------------------------------------------------------------------------------
// Archive (data managers)

const purposeLabels: Record<(typeof ARCHIVE_PURPOSES)[number], string> = {
  's47-enquiry': 'A child protection enquiry (section 47)',
  'serious-case-review': 'A serious case review',
  'child-death-review': 'A child death review',
};

function ArchiveView() {
  const f = useFeedback('manage-notice');
  const [records, setRecords] = useState<ArchivedView[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [opening, setOpening] = useState<ArchivedView | null>(null);
  const [reason, setReason] = useState('');
  const [purpose, setPurpose] = useState<(typeof ARCHIVE_PURPOSES)[number] | ''>('');
  const [record, setRecord] = useState<RecordView | null>(null);
  const page = async (after?: string) => {
    const r = await getApi().manage.archive(after ? { after } : {});
    if (!r.ok) return f.fail(r.error, 'archive');
    setRecords(after ? [...records, ...r.value.records] : r.value.records);
    setNext(r.value.next === null ? null : String(r.value.next));
  };
  useEffect(() => {
    void page();
  }, []);
  const open = async (e: FormEvent) => {
    e.preventDefault();
    if (!opening) return;
    const r = await getApi().manage.archiveRead({ cpNumber: opening.cpNumber, reason, ...(purpose ? { purpose } : {}) });
    if (!r.ok) return f.fail(r.error, 'archive-reason');
    f.clear();
    setRecord(r.value);
  };
  if (record) {
    return (
      <section aria-label="Archived record">
        <Banner title="Archived record">
          <p className="govuk-notification-banner__heading">This record is in the archive. Your access is recorded with its reason{purpose ? ' and purpose' : ''}.</p>
        </Banner>
        <h2 className="govuk-heading-l">
          {record.name.given} {record.name.family}
        </h2>
        <RecordDetails record={record} actions={{ render: () => null }} />
        <button
          type="button"
          className="govuk-button govuk-button--secondary"
          onClick={() => {
            setRecord(null);
            setOpening(null);
            setReason('');
            setPurpose('');
          }}
        >
          Close the record
        </button>
      </section>
    );
  }
  return (
    <section aria-label="Archive">
      {f.view}
      <p className="govuk-body">
        Records leave the directory at their archive age and are destroyed six years later. In their first year a data manager may open them; after that only
        for a child protection enquiry, a serious case review or a child death review, with the purpose recorded.
      </p>
      {opening ? (
        <form onSubmit={(e) => void open(e)} data-testid="archive-open">
          <h2 className="govuk-heading-m">Open {opening.cpNumber}</h2>
          <div className="govuk-form-group">
            <label className="govuk-label govuk-label--s" htmlFor="archive-reason">
              Reason for access
            </label>
            <textarea className="govuk-textarea" id="archive-reason" rows={2} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
          </div>
          {opening.access === 'restricted' ? (
            <div className="govuk-form-group">
              <fieldset className="govuk-fieldset">
                <legend className="govuk-fieldset__legend govuk-fieldset__legend--s">Purpose (required more than a year after archiving)</legend>
                <div className="govuk-radios govuk-radios--small">
                  {ARCHIVE_PURPOSES.map((p) => (
                    <div className="govuk-radios__item" key={p}>
                      <input className="govuk-radios__input" id={`purpose-${p}`} type="radio" name="purpose" checked={purpose === p} onChange={() => setPurpose(p)} />
                      <label className="govuk-label govuk-radios__label" htmlFor={`purpose-${p}`}>
                        {purposeLabels[p]}
                      </label>
                    </div>
                  ))}
                </div>
              </fieldset>
            </div>
          ) : null}
          <div className="govuk-button-group">
            <button type="submit" className="govuk-button">
              Open the archived record
            </button>
            <button type="button" className="govuk-button govuk-button--secondary" onClick={() => setOpening(null)}>
              Back to the archive
            </button>
          </div>
        </form>
      ) : (
        <>
          {records.length === 0 ? (
            <p className="govuk-body">The archive is empty.</p>
          ) : (
            <table className="govuk-table cp-table--compact" data-testid="archive">
              <caption className="govuk-table__caption govuk-visually-hidden">Archived records</caption>
              <TableHead columns={['ContactPoint number', 'Authority', 'Archived', 'Destroyed after', 'Who may open it', '']} />
              <tbody className="govuk-table__body">
                {records.map((r) => (
                  <tr className="govuk-table__row" key={r.cpNumber} data-testid="archive-row">
                    <td className="govuk-table__cell">{r.cpNumber}</td>
                    <td className="govuk-table__cell">{r.localAuthority ?? '—'}</td>
                    <td className="govuk-table__cell">{formatDate(r.archivedAt.slice(0, 10))}</td>
                    <td className="govuk-table__cell">{formatDate(r.destroyAfter.slice(0, 10))}</td>
                    <td className="govuk-table__cell">{r.access === 'restricted' ? 'Restricted: s.47, serious case or child death review' : 'A data manager'}</td>
                    <td className="govuk-table__cell">
                      <button type="button" className="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" onClick={() => setOpening(r)}>
                        Open {r.cpNumber}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {next !== null ? (
            <button type="button" className="govuk-button govuk-button--secondary" onClick={() => void page(next)}>
              More
            </button>
          ) : null}
        </>
      )}
    </section>
  );
}


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
              <button type="button" className="cp-link-button cp-tabs__link" aria-current={tab === id ? 'page' : undefined} onClick={() => setTab(id)}>
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
