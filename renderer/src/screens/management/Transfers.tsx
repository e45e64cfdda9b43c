// Transfers: a child who moves goes to the authority they move to when its team accepts;
// the team proposes transfers out, and accepts or turns down transfers in.
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { TransferView } from '../../../../domain/management/views.js';
import { getApi } from '../../api.js';
import { TableHead } from '../../components/TableHead.js';
import { TextField } from '../../components/TextField.js';
import { useFeedback } from '../../feedback.js';
import { formatDateTimeShort } from '../../format.js';
import { TableScroll } from '../../components/TableScroll.js';

export function TransfersView() {
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
    const r = await getApi().manage.requestTransfer({
      cpNumber: form.cpNumber.trim().toUpperCase(),
      toLocalAuthority: form.toLocalAuthority.trim().toUpperCase(),
      reason: form.reason,
    });
    if (!r.ok) return f.fail(r.error, 'transfer-cp');
    f.done(
      `Transfer of ${r.value.transfer.cpNumber} to ${r.value.transfer.toLocalAuthority} proposed: that authority’s team must accept it.`,
    );
    setForm({ cpNumber: '', toLocalAuthority: '', reason: '' });
    void refresh();
  };
  const decide = async (t: TransferView, decision: 'accept' | 'reject' | 'cancel') => {
    const r = await getApi().manage.decideTransfer({ id: t.id, decision });
    if (!r.ok) return f.fail(r.error, 'transfers');
    f.done(
      decision === 'accept'
        ? `${t.cpNumber} is now your authority’s.`
        : decision === 'reject'
          ? `Transfer of ${t.cpNumber} turned down.`
          : `Transfer of ${t.cpNumber} withdrawn.`,
    );
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
          <TableScroll>
            <table className="govuk-table cp-table--compact" data-testid={`transfers-${direction}`}>
              <caption className="govuk-table__caption govuk-visually-hidden">{title}</caption>
              <TableHead
                columns={[
                  'ContactPoint number',
                  direction === 'incoming' ? 'From' : 'To',
                  'Asked by',
                  'When',
                  'Reason',
                  'Decide',
                ]}
              />
              <tbody className="govuk-table__body">
                {rows.map((t) => (
                  <tr className="govuk-table__row" key={t.id}>
                    <td className="govuk-table__cell">{t.cpNumber}</td>
                    <td className="govuk-table__cell">
                      {direction === 'incoming' ? t.fromLocalAuthority : t.toLocalAuthority}
                    </td>
                    <td className="govuk-table__cell">{t.requestedBy}</td>
                    <td className="govuk-table__cell">{formatDateTimeShort(t.requestedAt)}</td>
                    <td className="govuk-table__cell cp-wrap">{t.reason}</td>
                    <td className="govuk-table__cell">
                      <div className="govuk-button-group">
                        {direction === 'incoming' ? (
                          <>
                            <button
                              type="button"
                              className="govuk-button govuk-!-margin-bottom-0"
                              onClick={() => void decide(t, 'accept')}
                            >
                              Accept {t.cpNumber}
                            </button>
                            <button
                              type="button"
                              className="govuk-button govuk-button--secondary govuk-!-margin-bottom-0"
                              onClick={() => void decide(t, 'reject')}
                            >
                              Turn down
                            </button>
                          </>
                        ) : (
                          <button
                            type="button"
                            className="govuk-button govuk-button--secondary govuk-!-margin-bottom-0"
                            onClick={() => void decide(t, 'cancel')}
                          >
                            Withdraw
                          </button>
                        )}
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
      </>
    );
  };
  return (
    <section aria-label="Transfers">
      {f.view}
      <p className="govuk-body">
        A child who moves is transferred to the authority they move to, when its ContactPoint team accepts.
      </p>
      <form onSubmit={(e) => void propose(e)}>
        <TextField
          id="transfer-cp"
          label="ContactPoint number"
          labelSize="s"
          value={form.cpNumber}
          onChange={(e) => setForm({ ...form, cpNumber: e.target.value })}
          width={10}
        />
        <TextField
          id="transfer-to"
          label="To the local authority (ONS code)"
          labelSize="s"
          hint="For example E06000050 (Cheshire West and Chester)"
          value={form.toLocalAuthority}
          onChange={(e) => setForm({ ...form, toLocalAuthority: e.target.value })}
          width={10}
        />
        <TextField
          id="transfer-reason"
          label="Reason"
          labelSize="s"
          value={form.reason}
          onChange={(e) => setForm({ ...form, reason: e.target.value })}
          width={20}
        />
        <button type="submit" className="govuk-button">
          Propose the transfer
        </button>
      </form>
      {table('incoming', 'Coming to your authority')}
      {table('outgoing', 'Going to another authority')}
    </section>
  );
}
