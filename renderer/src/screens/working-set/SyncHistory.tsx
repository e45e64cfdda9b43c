// The syncs of this computer's working set, latest first, and how each ended.
import type { SyncRunView } from '../../../../domain/working-set.js';
import { TableHead } from '../../components/TableHead.js';
import { formatDateTime, formatNumber } from '../../format.js';
import { TableScroll } from '../../components/TableScroll.js';

/** How a sync ended, in words. */
export const syncOutcomes: Record<SyncRunView['outcome'], string> = {
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  interrupted: 'Interrupted (resumed by the next sync)',
  cancelled: 'Stopped',
};

export function SyncHistory({ runs }: { runs: SyncRunView[] }) {
  return (
    <section aria-labelledby="history-heading">
      <h2 className="govuk-heading-m" id="history-heading">
        Sync history
      </h2>
      <TableScroll>
        <table className="govuk-table" data-testid="sync-history">
          <caption className="govuk-table__caption govuk-visually-hidden">
            Syncs of this computer&apos;s working set, latest first
          </caption>
          <TableHead
            columns={[
              'Started',
              'Kind',
              'Outcome',
              { label: 'Records', numeric: true },
              { label: 'Removed', numeric: true },
            ]}
          />
          <tbody className="govuk-table__body">
            {runs.map((r) => (
              <tr className="govuk-table__row" key={r.id}>
                <td className="govuk-table__cell">{formatDateTime(r.startedAt)}</td>
                <td className="govuk-table__cell">{r.kind === 'full' ? 'First sync' : 'Changes'}</td>
                <td className="govuk-table__cell cp-wrap">
                  {syncOutcomes[r.outcome]}
                  {r.error ? `: ${r.error}` : ''}
                </td>
                <td className="govuk-table__cell govuk-table__cell--numeric">{formatNumber(r.upserts)}</td>
                <td className="govuk-table__cell govuk-table__cell--numeric">{formatNumber(r.removed)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </section>
  );
}
