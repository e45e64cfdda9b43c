// Shields: a team member shields a child whose whereabouts becoming known would put them
// at risk; removing a shield is asked for by one member and decided by another (four eyes).
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { SignedInUser } from '../../../../domain/ipc-contract.js';
import type { UnshieldRequestView } from '../../../../domain/management/views.js';
import { getApi } from '../../api.js';
import { TableHead } from '../../components/TableHead.js';
import { TextField } from '../../components/TextField.js';
import { useFeedback } from '../../feedback.js';
import { formatDateTimeShort } from '../../format.js';
import { TableScroll } from '../../components/TableScroll.js';

export function ShieldsView({ user }: { user: SignedInUser }) {
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
    const r =
      what === 'shield' ? await getApi().manage.shield(request) : await getApi().manage.requestUnshield(request);
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
    const r = await getApi().manage.decideUnshield({
      id: request.id,
      decision,
      ...(decision === 'reject' && rejectReason ? { reason: rejectReason } : {}),
    });
    if (!r.ok) return f.fail(r.error, 'unshield-requests');
    f.done(
      decision === 'approve'
        ? `The shield on ${request.cpNumber} is removed.`
        : `The request for ${request.cpNumber} is turned down; the shield stays.`,
    );
    void refresh();
  };

  return (
    <section aria-label="Shields">
      {f.view}
      <p className="govuk-body">
        Shield a child whose whereabouts becoming known would put them at risk of significant harm. Removing a shield
        needs a second member of the team to approve it.
      </p>
      <form
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          void act('shield');
        }}
      >
        <TextField
          id="shield-cp"
          label="ContactPoint number"
          labelSize="s"
          value={cp}
          onChange={(e) => setCp(e.target.value)}
          width={10}
        />
        <div className="govuk-form-group">
          <label className="govuk-label govuk-label--s" htmlFor="shield-reason">
            Reason
          </label>
          <div className="govuk-hint" id="shield-reason-hint">
            Why, in a sentence, for the audit and for whoever reviews it. Not case details.
          </div>
          <textarea
            className="govuk-textarea"
            id="shield-reason"
            rows={2}
            maxLength={500}
            aria-describedby="shield-reason-hint"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
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
          <TableScroll>
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
                          <button
                            type="button"
                            className="govuk-button govuk-button--warning govuk-!-margin-bottom-0"
                            onClick={() => void decide(q, 'approve')}
                          >
                            Approve removing the shield on {q.cpNumber}
                          </button>
                          <button
                            type="button"
                            className="govuk-button govuk-button--secondary govuk-!-margin-bottom-0"
                            onClick={() => void decide(q, 'reject')}
                          >
                            Keep the shield
                          </button>
                        </div>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
          <TextField
            id="reject-reason"
            label="Why the shield stays (optional, when you keep it)"
            labelSize="s"
            value={rejectReason}
            onChange={(e) => setRejectReason(e.target.value)}
            width={20}
          />
        </>
      )}
    </section>
  );
}
