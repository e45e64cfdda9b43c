// Usage and data quality over time (issue 21, item 5), below the management information:
// week by week, searches and records opened by the kind of organisation the user works
// for, and supplier loads with their match outcomes; day by day, the NHS number match rate
// against its target (the service's daily snapshot) and, for a team, the cleansing
// queues of this computer's working set. Each chart is for the eye only (aria-hidden):
// the table beneath it carries the same figures, and Save as CSV writes them all.
import { useEffect, useState } from 'react';
import type { HistoryView } from '../../../../domain/api/mi-history.js';
import type { CleanseQueueHistory } from '../../../../domain/cleanse/views.js';
import { getApi } from '../../api.js';
import { TableHead } from '../../components/TableHead.js';
import { useFeedback } from '../../feedback.js';
import { formatNumber, formatPercent } from '../../format.js';
import { TableScroll } from '../../components/TableScroll.js';

interface Column {
  label: string;
  values: number[];
}

/** Groups of bars, one group a period, one bar a measure (the rollout chart's colours); a target line if given. */
function Chart({ periods, columns, target }: { periods: string[]; columns: Column[]; target?: number }) {
  const max = target !== undefined ? 1 : Math.max(1, ...columns.flatMap((c) => c.values));
  return (
    <div aria-hidden="true">
      <ul className="cp-rollout-key govuk-list">
        {columns.map((c, i) => (
          <li key={c.label}>
            <span className={`cp-rollout-key__swatch cp-rollout-chart__bar--${i % 4}`} /> {c.label}
          </li>
        ))}
        {target !== undefined ? <li>Line: target {formatPercent(target)}</li> : null}
      </ul>
      <div className="cp-rollout-chart cp-history-chart">
        {target !== undefined ? (
          <div className="cp-history-chart__target" style={{ bottom: `${100 * target}%` }} />
        ) : null}
        {periods.map((p, j) => (
          <div className="cp-rollout-chart__month" key={p}>
            <div className="cp-rollout-chart__bars">
              {columns.map((c, i) => (
                <div
                  key={c.label}
                  className={`cp-rollout-chart__bar cp-rollout-chart__bar--${i % 4}`}
                  style={{ height: `${(100 * (c.values[j] ?? 0)) / max}%` }}
                />
              ))}
            </div>
            <div className="cp-rollout-chart__label">
              {periods.length <= 16 || j % Math.ceil(periods.length / 12) === 0 ? p.slice(5) : ''}
            </div>
          </div>
        ))}
      </div>
    </div>
  );
}

function Table({
  id,
  caption,
  head,
  rows,
  text = 1,
}: {
  id: string;
  caption: string;
  head: string[];
  rows: (string | number)[][];
  /** How many leading columns are words, not figures (the first is the row's header). */
  text?: number;
}) {
  return (
    <TableScroll>
      <table className="govuk-table cp-table--compact" data-testid={id}>
        <caption className="govuk-table__caption govuk-table__caption--s">{caption}</caption>
        <TableHead
          columns={[...head.slice(0, text), ...head.slice(text).map((label) => ({ label, numeric: true as const }))]}
        />
        <tbody className="govuk-table__body">
          {rows.length === 0 ? (
            <tr className="govuk-table__row">
              <td className="govuk-table__cell" colSpan={head.length}>
                Nothing recorded in this period.
              </td>
            </tr>
          ) : (
            rows.map((r) => (
              <tr className="govuk-table__row" key={String(r[0]) + String(r[1])}>
                <th scope="row" className="govuk-table__header">
                  {r[0]}
                </th>
                {r.slice(1).map((v, i) => (
                  <td className={`govuk-table__cell${i + 1 < text ? '' : ' govuk-table__cell--numeric'}`} key={i}>
                    {typeof v === 'number' ? formatNumber(v) : v}
                  </td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </TableScroll>
  );
}

const SUPPLY: [keyof Omit<HistoryView['supply'][number], 'week'>, string][] = [
  ['loads', 'Loads'],
  ['records', 'Records'],
  ['matched', 'Matched'],
  ['created', 'New records'],
  ['possibleDuplicate', 'Possible duplicates'],
  ['invalid', 'Invalid'],
  ['forbidden', 'Refused'],
];

export function InformationHistory({ localAuthority, team }: { localAuthority: string | null; team: boolean }) {
  const f = useFeedback('mi-history-notice');
  const [view, setView] = useState<HistoryView | null>(null);
  const [queues, setQueues] = useState<CleanseQueueHistory | null>(null);
  useEffect(() => {
    void (async () => {
      const r = await getApi().manage.informationHistory(localAuthority ? { localAuthority } : {});
      if (!r.ok) return f.fail(r.error, 'mi-history-heading');
      setView(r.value);
      if (team) {
        const q = await getApi().cleanse.queueHistory({});
        if (q.ok) setQueues(q.value);
      }
    })();
  }, [localAuthority, team]);

  if (view === null)
    return (
      <section aria-labelledby="mi-history-heading">
        <h2 className="govuk-heading-m" id="mi-history-heading" tabIndex={-1}>
          History
        </h2>
        {f.view}
        <p className="govuk-body">Counting…</p>
      </section>
    );

  const weekTotal = (w: string, k: 'searches' | 'reads') =>
    view.usage.filter((u) => u.week === w).reduce((a, u) => a + u[k], 0);
  const usageRows = view.usage
    .filter((u) => u.searches + u.reads > 0)
    .map((u) => [u.week, u.kind, u.searches, u.reads]);
  const rules = [...new Map((queues?.days ?? []).flatMap((d) => d.queues).map((q) => [q.rule, q.title])).entries()]
    .filter(([rule]) => queues!.days.some((d) => d.queues.some((q) => q.rule === rule && q.open > 0)))
    .map(([rule, title]) => ({ rule, title }));
  const openOn = (d: CleanseQueueHistory['days'][number], rule: string) =>
    d.queues.find((q) => q.rule === rule)?.open ?? 0;

  const save = async () => {
    const rows: (string | number)[][] = [
      ...view.usage.flatMap((u) => [
        ['searches', u.week, u.kind, u.searches],
        ['records opened', u.week, u.kind, u.reads],
      ]),
      ...view.supply.flatMap((s) =>
        SUPPLY.map(([k, label]) => [`supplier loads: ${label.toLowerCase()}`, s.week, '', s[k]]),
      ),
      ...view.snapshots.flatMap((s) => [
        ['active records', s.day, '', s.active],
        ['with an NHS number', s.day, '', s.withNhsNumber],
        ['NHS number match rate', s.day, '', s.matchRate],
        ['shielded', s.day, '', s.shielded],
        ['open match reviews', s.day, '', s.openMatchReviews],
      ]),
      ...(queues?.days ?? []).flatMap((d) => d.queues.map((q) => ['cleansing tasks open', d.day, q.title, q.open])),
    ];
    const r = await getApi().manage.saveCsv({
      suggestedName: `management-history-${view.localAuthority}.csv`,
      header: ['measure', 'week or day', 'kind or rule', 'value'],
      rows: rows.map((r) => r.map(String)),
    });
    if (!r.ok) return f.fail(r.error, 'mi-history-save');
    if (r.value.saved) f.done(`Saved as ${r.value.name ?? 'a CSV file'}.`);
  };

  return (
    <section aria-labelledby="mi-history-heading" data-testid="mi-history">
      <h2 className="govuk-heading-m" id="mi-history-heading" tabIndex={-1}>
        History
      </h2>
      {f.view}
      <p className="govuk-body">
        The last {view.weeks.length} weeks for {view.localAuthority}, each week named by its Monday.
      </p>
      <h3 className="govuk-heading-s">Searches and records opened</h3>
      <Chart
        periods={view.weeks}
        columns={[
          { label: 'Searches', values: view.weeks.map((w) => weekTotal(w, 'searches')) },
          { label: 'Records opened', values: view.weeks.map((w) => weekTotal(w, 'reads')) },
        ]}
      />
      <Table
        id="mi-history-usage"
        caption="Searches and records opened by week and kind of organisation"
        head={['Week', 'Kind of organisation', 'Searches', 'Records opened']}
        rows={usageRows}
        text={2}
      />
      <h3 className="govuk-heading-s">Supplier loads and their match outcomes</h3>
      <Chart
        periods={view.weeks}
        columns={SUPPLY.slice(2, 6).map(([k, label]) => ({ label, values: view.supply.map((s) => s[k]) }))}
      />
      <Table
        id="mi-history-supply"
        caption="Supplier loads by week"
        head={['Week', ...SUPPLY.map(([, label]) => label)]}
        rows={view.supply.map((s) => [s.week, ...SUPPLY.map(([k]) => s[k])])}
      />
      <h3 className="govuk-heading-s">NHS number match rate, day by day</h3>
      <Chart
        periods={view.snapshots.map((s) => s.day)}
        columns={[{ label: 'Match rate', values: view.snapshots.map((s) => s.matchRate) }]}
        target={view.target}
      />
      <Table
        id="mi-history-snapshots"
        caption={`Daily snapshots: NHS number match rate against the ${formatPercent(view.target)} target`}
        head={['Day', 'Active records', 'With an NHS number', 'Match rate', 'Shielded', 'Open match reviews']}
        rows={view.snapshots.map((s) => [
          s.day,
          s.active,
          s.withNhsNumber,
          formatPercent(s.matchRate),
          s.shielded,
          s.openMatchReviews,
        ])}
      />
      {queues ? (
        <>
          <h3 className="govuk-heading-s">Cleansing tasks waiting, day by day (this computer’s working set)</h3>
          <Chart
            periods={queues.days.map((d) => d.day)}
            columns={[
              {
                label: 'Open tasks, every rule',
                values: queues.days.map((d) => d.queues.reduce((a, q) => a + q.open, 0)),
              },
            ]}
          />
          <Table
            id="mi-history-queues"
            caption="Open cleansing tasks by day and rule"
            head={['Day', ...rules.map((r) => r.title)]}
            rows={queues.days.map((d) => [d.day, ...rules.map((r) => openOn(d, r.rule))])}
          />
        </>
      ) : null}
      <button
        type="button"
        className="govuk-button govuk-button--secondary"
        id="mi-history-save"
        onClick={() => void save()}
      >
        Save the history as CSV
      </button>
    </section>
  );
}
