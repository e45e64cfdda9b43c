// The team's queue of referrals on the cleansing screen: problems practitioners reported
// with records of this authority (a wrong address or school, a child not known to them,
// a request to broker contact with an unspecified service), each with who reported it,
// their organisation and when. The team looks into it (the record opens in a task
// session, as any other) and closes it with what was done. The national service decides
// which referrals this person may see; the list holds nothing a shield hides.
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { ReferralView } from '../../../../domain/api/referrals.js';
import { referralKindLabels, referralTextMax } from '../../../../domain/referral-kinds.js';
import { getApi } from '../../api.js';
import { ErrorSummary, type FieldError } from '../../components/ErrorSummary.js';
import { Name } from '../../components/Name.js';
import { TableHead } from '../../components/TableHead.js';
import { TextArea } from '../../components/TextArea.js';
import { Notice, problem } from '../../feedback.js';
import { formatDate, formatDateTime } from '../../format.js';
import { TableScroll } from '../../components/TableScroll.js';

export function Referrals() {
  const [referrals, setReferrals] = useState<ReferralView[] | null>(null);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const [closing, setClosing] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    const r = await getApi().referrals.list({ status: 'open' });
    if (r.ok) setReferrals(r.value.referrals);
    else setErrors(problem(r.error, 'referrals-heading'));
  }, []);
  useEffect(() => {
    void refresh();
  }, [refresh]);

  const closed = async (reference: string) => {
    // Drop the closed row in the same render as the notice, so nobody sees
    // "closed" beside a row that still offers to close it.
    setReferrals((rows) => rows?.filter((r) => r.reference !== reference) ?? rows);
    setClosing(null);
    setErrors([]);
    setNotice(`Referral ${reference} closed.`);
    // Focus first, then the list afresh: focus moved after the answer came back would pull
    // a keyboard user back from wherever they had gone on to meanwhile.
    document.getElementById('referrals-heading')?.focus();
    await refresh();
  };

  return (
    <section aria-labelledby="referrals-heading" data-testid="referrals" id="referrals">
      <h2 className="govuk-heading-m" id="referrals-heading" tabIndex={-1}>
        Problems reported by practitioners
      </h2>
      <ErrorSummary errors={errors} />
      {notice ? <Notice text={notice} testId="referral-closed" /> : null}
      <p className="govuk-body">
        Practitioners who read a record can report a problem with it. Look into each one, put the record right if it
        needs it, and close the report with what was done.
      </p>
      {referrals === null ? (
        <p className="govuk-body">Opening the reported problems…</p>
      ) : referrals.length === 0 ? (
        <p className="govuk-body" data-testid="referrals-empty">
          No open reports.
        </p>
      ) : (
        <TableScroll>
          <table className="govuk-table" data-testid="referrals-table">
            <caption className="govuk-table__caption govuk-visually-hidden">Open reports, newest first</caption>
            <TableHead columns={['Reference', 'Child', 'Problem', 'Reported by', 'Received', 'Action']} />
            <tbody className="govuk-table__body">
              {referrals.map((r) => (
                <tr className="govuk-table__row" key={r.reference} data-testid={`referral-${r.reference}`}>
                  <td className="govuk-table__cell">{r.reference}</td>
                  <td className="govuk-table__cell">
                    {r.child ? (
                      <Name given={r.child.given} family={r.child.family} />
                    ) : (
                      'Record no longer held (merged into another)'
                    )}
                    <br />
                    <span className="govuk-body-s">
                      {r.cpNumber}
                      {r.child ? `, born ${formatDate(r.child.dob)}` : ''}
                    </span>
                  </td>
                  <td className="govuk-table__cell">
                    {referralKindLabels[r.kind]}
                    {r.text ? <p className="govuk-body-s govuk-!-margin-bottom-0">{r.text}</p> : null}
                  </td>
                  <td className="govuk-table__cell">
                    {r.reportedBy.name}
                    <br />
                    <span className="govuk-body-s">{r.reportedBy.organisation}</span>
                  </td>
                  <td className="govuk-table__cell">{formatDateTime(r.reportedAt)}</td>
                  <td className="govuk-table__cell">
                    {closing === r.reference ? (
                      <CloseForm
                        reference={r.reference}
                        onCancel={() => setClosing(null)}
                        onClosed={() => void closed(r.reference)}
                      />
                    ) : (
                      <button
                        type="button"
                        className="govuk-button govuk-button--secondary govuk-!-margin-bottom-0"
                        aria-label={`Close referral ${r.reference}`}
                        onClick={() => {
                          setNotice(null);
                          setClosing(r.reference);
                        }}
                      >
                        Close
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </section>
  );
}

/** What was done, then close: the service refuses case information and says why. */
function CloseForm(props: { reference: string; onCancel: () => void; onClosed: () => void }) {
  const { reference, onCancel, onClosed } = props;
  const [outcome, setOutcome] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const id = `outcome-${reference}`;

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (outcome.trim() === '') {
      setError('Enter what was done');
      return;
    }
    setBusy(true);
    const r = await getApi().referrals.close({ reference, outcome: outcome.trim() });
    setBusy(false);
    if (!r.ok) {
      setError(problem(r.error, id)[0]?.message);
      return;
    }
    onClosed();
  };

  return (
    <form noValidate onSubmit={(e) => void onSubmit(e)} aria-label={`Close referral ${reference}`}>
      <TextArea
        id={id}
        label="What was done"
        value={outcome}
        maxLength={referralTextMax}
        onChange={setOutcome}
        error={error}
      />
      <div className="govuk-button-group">
        <button type="submit" className="govuk-button" disabled={busy} aria-disabled={busy}>
          Close with this outcome
        </button>
        <button type="button" className="govuk-button govuk-button--secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
