// Roll-out progress: how far the authority has come in accrediting its partners and
// readying its practitioners, month by month (accredited partners; practitioners
// identified, trained and with access), as a chart with the table behind it, and each
// organisation as it stands now; saved as CSV. A data manager sees every authority side
// by side. The chart is drawn for the eye only: the tables carry the same figures.
import { useEffect, useState } from 'react';
import type { RolloutMonth, RolloutView } from '../../../../domain/api/rollout.js';
import type { SignedInUser } from '../../../../domain/ipc-contract.js';
import { getApi } from '../../api.js';
import { TableHead } from '../../components/TableHead.js';
import { useFeedback } from '../../feedback.js';
import { formatNumber } from '../../format.js';
import { TableScroll } from '../../components/TableScroll.js';

const MEASURES: [keyof Omit<RolloutMonth, 'month'>, string][] = [
  ['accreditedPartners', 'Accredited partners'],
  ['identified', 'Practitioners identified'],
  ['trained', 'Trained'],
  ['withAccess', 'With access'],
];

/** Columns of bars, one group a month, each bar a measure: for the eye (the table says the same). */
function Chart({ series }: { series: RolloutMonth[] }) {
  const max = Math.max(1, ...series.flatMap((m) => MEASURES.map(([k]) => m[k])));
  return (
    <div className="cp-rollout-chart" aria-hidden="true">
      {series.map((m) => (
        <div className="cp-rollout-chart__month" key={m.month}>
          <div className="cp-rollout-chart__bars">
            {MEASURES.map(([k], i) => (
              <div
                key={k}
                className={`cp-rollout-chart__bar cp-rollout-chart__bar--${i}`}
                style={{ height: `${(100 * m[k]) / max}%` }}
              />
            ))}
          </div>
          <div className="cp-rollout-chart__label">{m.month.slice(2)}</div>
        </div>
      ))}
    </div>
  );
}

export function RolloutView({ user }: { user: SignedInUser }) {
  const f = useFeedback('rollout-notice');
  const [view, setView] = useState<RolloutView | null>(null);
  const national = !user.roles.includes('la-team');
  useEffect(() => {
    void (async () => {
      const r = await getApi().manage.rollout({});
      if (!r.ok) return f.fail(r.error, 'rollout-heading');
      setView(r.value);
    })();
  }, []);

  const save = async () => {
    if (!view) return;
    const rows = view.authorities.flatMap((a) =>
      a.series.map((m) => [a.localAuthority, m.month, ...MEASURES.map(([k]) => String(m[k]))]),
    );
    const r = await getApi().manage.saveCsv({
      suggestedName: 'rollout-progress.csv',
      header: ['local authority', 'month', ...MEASURES.map(([, label]) => label.toLowerCase())],
      rows,
    });
    if (!r.ok) return f.fail(r.error, 'rollout-save');
    if (r.value.saved) f.done(`Saved as ${r.value.name ?? 'a CSV file'}.`);
  };

  return (
    <section aria-labelledby="rollout-heading" data-testid="rollout">
      <h2 className="govuk-heading-m" id="rollout-heading" tabIndex={-1}>
        {national ? 'Every authority, side by side' : 'The authority, month by month'}
      </h2>
      {f.view}
      <p className="govuk-body">
        Each figure is as it stood at the end of the month: partner organisations accredited, and practitioners
        identified, trained (course passed) and with access (account activated).
      </p>
      {view === null ? <p className="govuk-body">Counting…</p> : null}
      {view?.authorities.map((a) => {
        const now = a.series.at(-1);
        return (
          <div key={a.localAuthority} data-testid={`rollout-${a.localAuthority}`}>
            {national ? <h3 className="govuk-heading-s">{a.localAuthority}</h3> : null}
            <ul className="cp-rollout-key govuk-list" aria-hidden="true">
              {MEASURES.map(([k, label], i) => (
                <li key={k}>
                  <span className={`cp-rollout-key__swatch cp-rollout-chart__bar--${i}`} /> {label}
                  {now ? `: ${formatNumber(now[k])}` : ''}
                </li>
              ))}
            </ul>
            <Chart series={a.series} />
            <TableScroll>
              <table className="govuk-table cp-table--compact" data-testid="rollout-months">
                <caption className="govuk-table__caption govuk-table__caption--s">
                  Month by month{national ? ` in ${a.localAuthority}` : ''}
                </caption>
                <TableHead columns={['Month', ...MEASURES.map(([, label]) => ({ label, numeric: true as const }))]} />
                <tbody className="govuk-table__body">
                  {a.series.map((m) => (
                    <tr className="govuk-table__row" key={m.month}>
                      <th scope="row" className="govuk-table__header">
                        {m.month}
                      </th>
                      {MEASURES.map(([k]) => (
                        <td className="govuk-table__cell govuk-table__cell--numeric" key={k}>
                          {formatNumber(m[k])}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
            <TableScroll>
              <table className="govuk-table cp-table--compact" data-testid="rollout-organisations">
                <caption className="govuk-table__caption govuk-table__caption--s">
                  Partner organisations now{national ? ` in ${a.localAuthority}` : ''}
                </caption>
                <TableHead
                  columns={[
                    'Organisation',
                    'Stage',
                    { label: 'Identified', numeric: true },
                    { label: 'Trained', numeric: true },
                    { label: 'With access', numeric: true },
                  ]}
                />
                <tbody className="govuk-table__body">
                  {a.organisations.map((o) => (
                    <tr className="govuk-table__row" key={o.id}>
                      <th scope="row" className="govuk-table__header">
                        {o.name}
                      </th>
                      <td className="govuk-table__cell">{o.stage ?? 'not recorded'}</td>
                      <td className="govuk-table__cell govuk-table__cell--numeric">{formatNumber(o.identified)}</td>
                      <td className="govuk-table__cell govuk-table__cell--numeric">{formatNumber(o.trained)}</td>
                      <td className="govuk-table__cell govuk-table__cell--numeric">{formatNumber(o.withAccess)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          </div>
        );
      })}
      {view ? (
        <button
          type="button"
          className="govuk-button govuk-button--secondary"
          id="rollout-save"
          onClick={() => void save()}
        >
          Save as CSV
        </button>
      ) : null}
    </section>
  );
}
