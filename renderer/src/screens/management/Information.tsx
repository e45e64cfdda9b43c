// Management information for one local authority: children held, shielded, archived;
// the NHS number match rate against the successor's target; open involvements by
// service; for a team, its working set's cleansing queues. Saved as CSV on request.
import { useCallback, useEffect, useState } from 'react';
import type { SignedInUser } from '../../../../domain/ipc-contract.js';
import type { ManagementInformationView } from '../../../../domain/management/views.js';
import { getApi } from '../../api.js';
import { TableHead } from '../../components/TableHead.js';
import { TextField } from '../../components/TextField.js';
import { useFeedback } from '../../feedback.js';
import { formatDateTimeShort, formatNumber, formatPercent } from '../../format.js';
import { InformationHistory } from './InformationHistory.js';
import { TableScroll } from '../../components/TableScroll.js';

function Bar({
  label,
  value,
  max,
  target,
  unit = '',
}: {
  label: string;
  value: number;
  max: number;
  target?: number;
  unit?: string;
}) {
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

export function InformationView({ user }: { user: SignedInUser }) {
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
    const r = await getApi().manage.saveCsv({
      suggestedName: `management-information-${mi.localAuthority}.csv`,
      header: ['measure', 'value'],
      rows,
    });
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
          <TextField
            id="mi-authority"
            label="Local authority (ONS code)"
            labelSize="s"
            hint="For example E08000015 (Wirral)"
            value={la}
            onChange={(e) => setLa(e.target.value)}
            width={10}
          />
          <button type="submit" className="govuk-button govuk-button--secondary">
            Show
          </button>
        </form>
      ) : null}
      {mi ? (
        <>
          <p className="govuk-body-s">
            As at {formatDateTimeShort(mi.at)} for {mi.localAuthority}.
          </p>
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
            {mi.nhs.matchRate >= mi.nhs.target ? 'At or above' : 'Below'} the {formatPercent(mi.nhs.target)} the NHS
            successor required before going live.
          </p>
          <div className="cp-chart" aria-hidden="true">
            <Bar
              label={`Matched (target ${formatPercent(mi.nhs.target)})`}
              value={Math.round(mi.nhs.matchRate * 1000) / 10}
              max={100}
              target={100 * mi.nhs.target}
              unit="%"
            />
          </div>
          <h2 className="govuk-heading-s">Open involvements by service</h2>
          <div className="cp-chart" aria-hidden="true">
            {mi.involvementsByService.slice(0, 12).map((s) => (
              <Bar key={s.service} label={s.service} value={s.open} max={max} />
            ))}
          </div>
          <TableScroll>
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
          </TableScroll>
          {queues ? (
            <>
              <h2 className="govuk-heading-s">Cleansing tasks waiting, by rule (this computer’s working set)</h2>
              <div className="cp-chart" aria-hidden="true">
                {queues.map((q) => (
                  <Bar key={q.title} label={q.title} value={q.open} max={maxQueue} />
                ))}
              </div>
              <TableScroll>
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
              </TableScroll>
            </>
          ) : null}
          <button
            type="button"
            className="govuk-button govuk-button--secondary"
            id="mi-save"
            onClick={() => void save()}
          >
            Save as CSV
          </button>
          <InformationHistory localAuthority={mi.localAuthority === 'all' ? null : mi.localAuthority} team={team} />
        </>
      ) : (
        <p className="govuk-body">{la ? 'Loading…' : 'Give a local authority to see its figures.'}</p>
      )}
    </section>
  );
}
