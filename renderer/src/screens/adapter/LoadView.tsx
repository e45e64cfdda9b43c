// One load of a file, checked or sent: what was read, valid and rejected, what the
// national index did with each row, the problems by row and field, the rows with their
// match in the working set (a row can be left out before sending), and the report.
import { useCallback, useEffect, useState } from 'react';
import type { AdapterStatusView, LoadRowsView, LoadSummaryView } from '../../../../domain/adapter/views.js';
import { getApi } from '../../api.js';
import type { FieldError } from '../../components/ErrorSummary.js';
import { TableHead } from '../../components/TableHead.js';
import { problem } from '../../feedback.js';
import { formatNumber } from '../../format.js';
import { Dropped } from './Dropped.js';
import { PAGE, Pager } from './Pager.js';
import { TableScroll } from '../../components/TableScroll.js';

const outcomeLabel: Record<string, string> = {
  matched: 'matched to a child already held',
  created: 'new children',
  'possible-duplicate': 'possible duplicates, for the team to review',
  invalid: 'refused as invalid',
  forbidden: 'refused',
  excluded: 'left out',
  unanswered: 'not answered',
};

export function LoadView({
  id,
  running,
  onStatus,
  onError,
  onNotice,
}: {
  id: number;
  running: boolean;
  onStatus: (s: AdapterStatusView) => void;
  onError: (e: FieldError[]) => void;
  onNotice: (n: string | null) => void;
}) {
  const [load, setLoad] = useState<LoadSummaryView | null>(null);
  const [problems, setProblems] = useState<{
    offset: number;
    total: number;
    items: {
      row: number;
      reference: string | null;
      field: string;
      column: string | null;
      message: string;
      severity: string;
    }[];
  } | null>(null);
  const [filter, setFilter] = useState<'possible' | 'match' | 'new' | 'all'>('possible');
  const [rows, setRows] = useState<{ offset: number; data: LoadRowsView } | null>(null);

  const refresh = useCallback(async () => {
    const l = await getApi().adapter.load(id);
    if (!l.ok) return onError(problem(l.error, 'check-file'));
    setLoad(l.value);
  }, [id, onError]);
  const loadProblems = useCallback(
    async (offset: number) => {
      const r = await getApi().adapter.problems({ id, offset, limit: PAGE });
      if (r.ok) setProblems({ offset, total: r.value.total, items: r.value.problems });
    },
    [id],
  );
  const loadRows = useCallback(
    async (offset: number) => {
      const r = await getApi().adapter.rows({ id, filter, offset, limit: PAGE });
      if (r.ok) setRows({ offset, data: r.value });
    },
    [id, filter],
  );
  useEffect(() => {
    void refresh();
    void loadProblems(0);
  }, [refresh, loadProblems]);
  useEffect(() => {
    void loadRows(0);
  }, [loadRows]);

  const exclude = async (row: number, excluded: boolean) => {
    const r = await getApi().adapter.exclude({ id, rows: [row], excluded });
    if (!r.ok) return onError(problem(r.error, 'send-load'));
    void loadRows(rows?.offset ?? 0);
  };
  const submit = async () => {
    onError([]);
    const r = await getApi().adapter.submit(id);
    if (!r.ok) return onError(problem(r.error, 'send-load'));
    onStatus(r.value);
  };
  const exportReport = async () => {
    const r = await getApi().adapter.exportReport(id);
    if (!r.ok) return onError(problem(r.error, 'export-report'));
    if (r.value.saved) onNotice(`The report was saved as ${r.value.name ?? 'a CSV file'}.`);
  };

  if (!load) return <p className="govuk-body">Opening the load…</p>;
  const sendable = load.state === 'checked' || load.state === 'interrupted';
  const caseColumns = load.dropped.filter((d) => d.reason === 'case-information').map((d) => d.column);
  const unmapped = load.dropped.filter((d) => d.reason === 'not-mapped').map((d) => d.column);
  return (
    <section aria-labelledby="load-heading" data-testid="load">
      <h2 className="govuk-heading-m" id="load-heading" tabIndex={-1}>
        {load.state === 'submitted' ? '4. Sent' : '3. Review and send'}: {load.fileName}
      </h2>
      <dl className="govuk-summary-list" data-testid="load-summary">
        <div className="govuk-summary-list__row">
          <dt className="govuk-summary-list__key">Rows read</dt>
          <dd className="govuk-summary-list__value">{formatNumber(load.rows)}</dd>
        </div>
        <div className="govuk-summary-list__row">
          <dt className="govuk-summary-list__key">Valid</dt>
          <dd className="govuk-summary-list__value" data-testid="load-valid">
            {formatNumber(load.valid)}
            {load.warnings > 0 ? ` (${formatNumber(load.warnings)} with warnings)` : ''}
          </dd>
        </div>
        <div className="govuk-summary-list__row">
          <dt className="govuk-summary-list__key">Rejected</dt>
          <dd className="govuk-summary-list__value" data-testid="load-rejected">
            {formatNumber(load.rejected)}
          </dd>
        </div>
        <div className="govuk-summary-list__row">
          <dt className="govuk-summary-list__key">Profile</dt>
          <dd className="govuk-summary-list__value">{load.profile}</dd>
        </div>
        {load.outcome ? (
          <div className="govuk-summary-list__row">
            <dt className="govuk-summary-list__key">What the national index did</dt>
            <dd className="govuk-summary-list__value" data-testid="load-outcome">
              <ul className="govuk-list">
                {Object.entries(load.outcome).map(([k, n]) => (
                  <li key={k}>
                    {formatNumber(n)} {outcomeLabel[k] ?? k}
                  </li>
                ))}
              </ul>
            </dd>
          </div>
        ) : null}
      </dl>
      <Dropped caseColumns={caseColumns} unmapped={unmapped} />

      {problems && problems.total > 0 ? (
        <>
          <h3 className="govuk-heading-s">Problems ({formatNumber(problems.total)})</h3>
          <TableScroll>
            <table className="govuk-table cp-table--compact" data-testid="load-problems">
              <caption className="govuk-table__caption govuk-visually-hidden">Problems by row and field</caption>
              <TableHead columns={['Row', 'Reference', 'Field', 'Column', 'Problem']} />
              <tbody className="govuk-table__body">
                {problems.items.map((p, i) => (
                  <tr className="govuk-table__row" key={`${p.row}-${i}`}>
                    <td className="govuk-table__cell">{p.row}</td>
                    <td className="govuk-table__cell">{p.reference ?? '—'}</td>
                    <td className="govuk-table__cell">{p.field}</td>
                    <td className="govuk-table__cell">{p.column ?? '—'}</td>
                    <td className="govuk-table__cell cp-wrap">
                      <strong
                        className={`govuk-tag ${p.severity === 'error' ? 'govuk-tag--red' : 'govuk-tag--yellow'}`}
                      >
                        {p.severity === 'error' ? 'Rejected' : 'Warning'}
                      </strong>{' '}
                      {p.message}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
          <Pager
            offset={problems.offset}
            total={problems.total}
            onPage={(o) => void loadProblems(o)}
            label="problems"
          />
        </>
      ) : null}

      <h3 className="govuk-heading-s">Rows to send</h3>
      <div className="govuk-form-group">
        <label className="govuk-label" htmlFor="row-filter">
          Show
        </label>
        <select
          className="govuk-select"
          id="row-filter"
          value={filter}
          onChange={(e) => setFilter(e.target.value as typeof filter)}
        >
          <option value="possible">Possible matches in the working set (review these)</option>
          <option value="match">Children already held</option>
          <option value="new">New children</option>
          <option value="all">Every valid row</option>
        </select>
      </div>
      {rows ? (
        rows.data.total === 0 ? (
          <p className="govuk-body">None.</p>
        ) : (
          <>
            <TableScroll>
              <table className="govuk-table cp-table--compact" data-testid="load-rows">
                <caption className="govuk-table__caption govuk-visually-hidden">
                  Valid rows with their match in the working set
                </caption>
                <TableHead columns={['Row', 'Reference', 'In the working set', 'Outcome', 'Send']} />
                <tbody className="govuk-table__body">
                  {rows.data.rows.map((r) => (
                    <tr className="govuk-table__row" key={r.row} data-testid="load-row">
                      <td className="govuk-table__cell">{r.row}</td>
                      <td className="govuk-table__cell">{r.reference}</td>
                      <td className="govuk-table__cell">
                        {r.match === 'match'
                          ? `Held: ${r.matchCpNumber}`
                          : r.match === 'possible'
                            ? `Possibly ${r.matchCpNumber} (${Math.round((r.matchScore ?? 0) * 100)}% alike)`
                            : r.match === 'new'
                              ? 'New'
                              : '—'}
                      </td>
                      <td className="govuk-table__cell cp-wrap">
                        {r.status
                          ? `${outcomeLabel[r.status] ?? r.status}${r.cpNumber ? `: ${r.cpNumber}` : ''}${r.message ? ` (${r.message})` : ''}`
                          : r.excluded
                            ? 'Left out'
                            : '—'}
                      </td>
                      <td className="govuk-table__cell">
                        {load.state === 'checked' && r.status === null ? (
                          <div className="govuk-checkboxes govuk-checkboxes--small">
                            <div className="govuk-checkboxes__item">
                              <input
                                className="govuk-checkboxes__input"
                                id={`send-${r.row}`}
                                type="checkbox"
                                checked={!r.excluded}
                                onChange={(e) => void exclude(r.row, !e.target.checked)}
                              />
                              <label className="govuk-label govuk-checkboxes__label" htmlFor={`send-${r.row}`}>
                                <span className="govuk-visually-hidden">Send row {r.row}</span>
                              </label>
                            </div>
                          </div>
                        ) : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
            <Pager offset={rows.offset} total={rows.data.total} onPage={(o) => void loadRows(o)} label="rows" />
          </>
        )
      ) : null}

      <div className="govuk-button-group">
        {sendable ? (
          <button
            type="button"
            className="govuk-button"
            id="send-load"
            disabled={running || load.valid === 0}
            onClick={() => void submit()}
          >
            {load.state === 'interrupted'
              ? 'Go on sending'
              : `Send ${formatNumber(load.valid)} valid rows to the national index`}
          </button>
        ) : null}
        <button
          type="button"
          className="govuk-button govuk-button--secondary"
          id="export-report"
          onClick={() => void exportReport()}
        >
          Save the report (CSV)
        </button>
      </div>
    </section>
  );
}
