// Audit review: patterns that can mean misuse (for a person to judge), searching the
// audit and saving it as CSV, checking its hash chain, and the signed checkpoints a data
// manager checks a downloaded range of the chain against.
import { useEffect, useState } from 'react';
import type { SignedInUser } from '../../../../domain/ipc-contract.js';
import type { AuditCheckpointView, AuditEntryView, SignalView } from '../../../../domain/management/views.js';
import { getApi } from '../../api.js';
import { TableHead } from '../../components/TableHead.js';
import { TextField } from '../../components/TextField.js';
import { useFeedback } from '../../feedback.js';
import { formatDate, formatDateTimeShort, formatNumber } from '../../format.js';
import { TableScroll } from '../../components/TableScroll.js';

const entriesText = (n: number) => `${formatNumber(n)} ${n === 1 ? 'entry' : 'entries'}`;

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
  'referral-made',
  'referral-closed',
];

export function AuditView({ user }: { user: SignedInUser }) {
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
    setVerify(
      r.value.intact
        ? `The audit chain is intact${r.value.entries !== undefined ? `: ${entriesText(r.value.entries)} checked` : ''}.`
        : 'The audit chain is BROKEN: tell your data manager at once.',
    );
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
      return f.fail(
        {
          code: 'invalid-request',
          message:
            'Enter the first entry to check as a whole number, 1 or more, or leave it empty to check from the start.',
        },
        'audit-range-from',
      );
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
        ? {
            ok: true,
            text: `The signed checkpoint of ${formatDateTimeShort(v.checkpoint.at)} covers no entries yet: there is nothing to check.`,
          }
        : v.ok && v.chains > 1
          ? {
              ok: true,
              text: `All ${formatNumber(v.chains)} audit chains are intact: ${formatNumber(v.entries)} entries lead to the signed checkpoint of ${formatDateTimeShort(v.checkpoint.at)}.`,
            }
          : v.ok
            ? {
                ok: true,
                text: `Entries ${formatNumber(v.from)} to ${formatNumber(v.to)} are intact and lead to the signed checkpoint of ${formatDateTimeShort(v.checkpoint.at)}.`,
              }
            : {
                ok: false,
                text: `The audit does NOT match the signed checkpoint${v.seq !== null ? ` at entry ${formatNumber(v.seq)}` : ''}: ${v.message ?? v.problem ?? 'unknown problem'} Tell your data manager at once.`,
              },
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
      <p className="govuk-body-s">
        Patterns in the last 30 days that can mean misuse. None of them proves anything by itself.
      </p>
      {signals === null ? (
        <p className="govuk-body">Looking…</p>
      ) : signals.length === 0 ? (
        <p className="govuk-body" data-testid="signals-none">
          Nothing to look at.
        </p>
      ) : (
        <TableScroll>
          <table className="govuk-table cp-table--compact" data-testid="signals">
            <caption className="govuk-table__caption govuk-visually-hidden">
              Possible misuse, for a person to judge
            </caption>
            <TableHead columns={['User', 'What', { label: 'How many', numeric: true }, 'When']} />
            <tbody className="govuk-table__body">
              {signals.map((s, i) => (
                <tr className="govuk-table__row" key={`${s.kind}-${s.userId}-${i}`}>
                  <td className="govuk-table__cell">{s.userId}</td>
                  <td className="govuk-table__cell cp-wrap">{s.description}</td>
                  <td className="govuk-table__cell govuk-table__cell--numeric">{formatNumber(s.count)}</td>
                  <td className="govuk-table__cell">
                    {s.from === s.to
                      ? formatDate(s.from.slice(0, 10))
                      : `${formatDate(s.from.slice(0, 10))} to ${formatDate(s.to.slice(0, 10))}`}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}

      <h2 className="govuk-heading-m">Search the audit</h2>
      <form
        className="cp-filters"
        onSubmit={(e) => {
          e.preventDefault();
          void search();
        }}
      >
        <TextField
          id="audit-user"
          label="User ID"
          labelSize="s"
          value={q.userId}
          onChange={(e) => setQ({ ...q, userId: e.target.value })}
          width={10}
        />
        <TextField
          id="audit-cp"
          label="ContactPoint number"
          labelSize="s"
          value={q.cpNumber}
          onChange={(e) => setQ({ ...q, cpNumber: e.target.value.toUpperCase() })}
          width={10}
        />
        <div className="govuk-form-group">
          <label className="govuk-label govuk-label--s" htmlFor="audit-action">
            Action
          </label>
          <select
            className="govuk-select"
            id="audit-action"
            value={q.action}
            onChange={(e) => setQ({ ...q, action: e.target.value })}
          >
            <option value="">Any</option>
            {ACTIONS.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </div>
        <TextField
          id="audit-from"
          label="From"
          labelSize="s"
          type="date"
          value={q.from}
          onChange={(e) => setQ({ ...q, from: e.target.value })}
          width={10}
        />
        <TextField
          id="audit-to"
          label="To"
          labelSize="s"
          type="date"
          value={q.to}
          onChange={(e) => setQ({ ...q, to: e.target.value })}
          width={10}
        />
        <button type="submit" className="govuk-button">
          Search the audit
        </button>
      </form>
      {entries ? (
        <>
          <TableScroll>
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
          </TableScroll>
          <p className="govuk-body-s">{entriesText(entries.length)} shown.</p>
          <div className="govuk-button-group">
            {next !== null ? (
              <button type="button" className="govuk-button govuk-button--secondary" onClick={() => void search(next)}>
                More entries
              </button>
            ) : null}
            <button
              type="button"
              className="govuk-button govuk-button--secondary"
              id="audit-save"
              onClick={() => void save()}
            >
              Save as CSV
            </button>
          </div>
        </>
      ) : null}
      <h2 className="govuk-heading-m">The audit chain</h2>
      <p className="govuk-body-s">
        Every entry is chained to the one before by its hash: a changed or missing entry breaks the chain.
      </p>
      <button
        type="button"
        className="govuk-button govuk-button--secondary"
        id="audit-verify"
        onClick={() => void check()}
      >
        Check the audit chain
      </button>
      {verify ? (
        <p className="govuk-body" role="status" data-testid="audit-verify-result">
          {verify}
        </p>
      ) : null}

      <h2 className="govuk-heading-m">Signed checkpoints</h2>
      <p className="govuk-body-s">
        At least every hour the service signs the chain’s length and last hash, and keeps each checkpoint outside its
        database. A chain rewritten since cannot lead to a checkpoint already made.
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
            <dd className="govuk-summary-list__value">{formatNumber(checkpoint.entries)}</dd>
          </div>
          {checkpoint.chains > 1 ? (
            <div className="govuk-summary-list__row">
              <dt className="govuk-summary-list__key">Audit chains</dt>
              <dd className="govuk-summary-list__value">{formatNumber(checkpoint.chains)}</dd>
            </div>
          ) : null}
          <div className="govuk-summary-list__row">
            <dt className="govuk-summary-list__key">Signed</dt>
            <dd className="govuk-summary-list__value">{formatDateTimeShort(checkpoint.at)}</dd>
          </div>
          <div className="govuk-summary-list__row">
            <dt className="govuk-summary-list__key">{checkpoint.chains > 1 ? 'Last hash of chain 0' : 'Last hash'}</dt>
            <dd className="govuk-summary-list__value cp-wrap">
              <code>{checkpoint.head}</code>
            </dd>
          </div>
          <div className="govuk-summary-list__row">
            <dt className="govuk-summary-list__key">Signature</dt>
            <dd className="govuk-summary-list__value cp-wrap">
              {checkpoint.signatureValid ? 'Valid' : 'NOT VALID: tell your data manager at once'}, key{' '}
              <code>{checkpoint.signingKeyId.slice(0, 16)}</code>
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
          <TextField
            id="audit-range-from"
            label="From entry (empty: the start)"
            labelSize="s"
            value={rangeFrom}
            onChange={(e) => setRangeFrom(e.target.value)}
            width={10}
          />
          <button
            type="submit"
            className="govuk-button govuk-button--secondary"
            id="audit-verify-range"
            disabled={checkingRange}
          >
            {checkingRange ? 'Downloading and checking…' : 'Download and check against the checkpoint'}
          </button>
        </form>
      ) : null}
      {rangeResult ? (
        <p
          className={rangeResult.ok ? 'govuk-body' : 'govuk-body govuk-!-font-weight-bold'}
          role="status"
          data-testid="audit-range-result"
        >
          {rangeResult.text}
        </p>
      ) : null}
    </section>
  );
}
