// Override alerts: every time a practitioner overrides a shield the management team is
// alerted; it investigates and closes the alert with what it found.
import { useCallback, useEffect, useState } from 'react';
import { ALERT_OUTCOMES } from '../../../../domain/management/choices.js';
import type { AlertItemView } from '../../../../domain/management/views.js';
import { getApi } from '../../api.js';
import { TableHead } from '../../components/TableHead.js';
import { useFeedback } from '../../feedback.js';
import { formatDateTimeShort } from '../../format.js';
import { TableScroll } from '../../components/TableScroll.js';

const outcomeLabels: Record<(typeof ALERT_OUTCOMES)[number], string> = {
  justified: 'The override was justified',
  'advice-given': 'Advice given to the practitioner',
  'referred-for-investigation': 'Referred for investigation',
  'account-suspended': 'Account suspended',
};

export function AlertsView() {
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
    if (!chosen)
      return f.fail(
        { code: 'invalid-payload', message: 'Choose the outcome before closing the alert.' },
        `outcome-${a.id}`,
      );
    const r = await getApi().manage.closeAlert({
      id: a.id,
      outcome: chosen,
      ...(note[a.id] ? { note: note[a.id] } : {}),
    });
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
        <select
          className="govuk-select"
          id="alert-status"
          value={status}
          onChange={(e) => setStatus(e.target.value as typeof status)}
        >
          <option value="open">New</option>
          <option value="investigating">Being investigated</option>
          <option value="closed">Closed</option>
          <option value="all">All</option>
        </select>
      </div>
      {alerts.length === 0 ? (
        <p className="govuk-body">No alerts.</p>
      ) : (
        <TableScroll>
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
                    {a.status === 'closed'
                      ? `Closed: ${outcomeLabels[a.outcome as keyof typeof outcomeLabels] ?? a.outcome ?? ''}`
                      : a.status === 'investigating'
                        ? 'Being investigated'
                        : 'New'}
                  </td>
                  <td className="govuk-table__cell">
                    {a.status === 'open' ? (
                      <button
                        type="button"
                        className="govuk-button govuk-button--secondary govuk-!-margin-bottom-0"
                        onClick={() => void investigate(a)}
                      >
                        Investigate
                      </button>
                    ) : a.status === 'investigating' ? (
                      <div>
                        <label className="govuk-label govuk-label--s" htmlFor={`outcome-${a.id}`}>
                          Outcome
                        </label>
                        <select
                          className="govuk-select"
                          id={`outcome-${a.id}`}
                          value={outcome[a.id] ?? ''}
                          onChange={(e) =>
                            setOutcome({ ...outcome, [a.id]: e.target.value as (typeof ALERT_OUTCOMES)[number] })
                          }
                        >
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
                        <input
                          className="govuk-input"
                          id={`note-${a.id}`}
                          maxLength={300}
                          value={note[a.id] ?? ''}
                          onChange={(e) => setNote({ ...note, [a.id]: e.target.value })}
                        />
                        <button
                          type="button"
                          className="govuk-button govuk-!-margin-bottom-0 govuk-!-margin-top-2"
                          onClick={() => void close(a)}
                        >
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
        </TableScroll>
      )}
    </section>
  );
}
