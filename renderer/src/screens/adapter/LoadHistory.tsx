// The files loaded on this computer, latest first: each opens its load again.
import { useMemo } from 'react';
import type { LoadSummaryView } from '../../../../domain/adapter/views.js';
import { TableHead } from '../../components/TableHead.js';
import { formatDateTimeShort, formatNumber } from '../../format.js';
import { TableScroll } from '../../components/TableScroll.js';

export function LoadHistory({ loads, onOpen }: { loads: LoadSummaryView[]; onOpen: (id: number) => void }) {
  const sorted = useMemo(() => loads.filter((l) => l.state !== 'checking'), [loads]);
  if (sorted.length === 0) return null;
  return (
    <section aria-labelledby="history-heading">
      <h2 className="govuk-heading-m" id="history-heading">
        Past loads
      </h2>
      <TableScroll>
        <table className="govuk-table cp-table--compact" data-testid="load-history">
          <caption className="govuk-table__caption govuk-visually-hidden">
            Files loaded on this computer, latest first
          </caption>
          <TableHead
            columns={[
              'File',
              'Profile',
              'Checked',
              { label: 'Rows', numeric: true },
              { label: 'Valid', numeric: true },
              { label: 'Rejected', numeric: true },
              'State',
            ]}
          />
          <tbody className="govuk-table__body">
            {sorted.map((l) => (
              <tr className="govuk-table__row" key={l.id}>
                <td className="govuk-table__cell cp-wrap">
                  <button type="button" className="cp-link-button" onClick={() => onOpen(l.id)}>
                    {l.fileName}
                  </button>
                </td>
                <td className="govuk-table__cell">{l.profile}</td>
                <td className="govuk-table__cell">{formatDateTimeShort(l.checkedAt)}</td>
                <td className="govuk-table__cell govuk-table__cell--numeric">{formatNumber(l.rows)}</td>
                <td className="govuk-table__cell govuk-table__cell--numeric">{formatNumber(l.valid)}</td>
                <td className="govuk-table__cell govuk-table__cell--numeric">{formatNumber(l.rejected)}</td>
                <td className="govuk-table__cell">
                  {
                    {
                      checked: 'checked, not sent',
                      submitting: 'sending',
                      submitted: 'sent',
                      interrupted: 'cut off: send again to go on',
                      checking: 'checking',
                    }[l.state]
                  }
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </section>
  );
}
