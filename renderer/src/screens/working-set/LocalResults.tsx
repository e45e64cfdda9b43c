// The children of the working set that match a search, best match first, with why each
// matches and the button that opens its record.
import type { LocalSearchResultView } from '../../../../domain/working-set.js';
import { Name } from '../../components/Name.js';
import { TableHead } from '../../components/TableHead.js';
import { formatDate } from '../../format.js';
import { TableScroll } from '../../components/TableScroll.js';

export function LocalResults({
  answer,
  onOpen,
}: {
  answer: { results: LocalSearchResultView[]; truncated: boolean };
  onOpen: (cpNumber: string) => void;
}) {
  const n = answer.results.length;
  return (
    <section aria-labelledby="local-results-heading">
      <h2 className="govuk-heading-m" id="local-results-heading">
        Results
      </h2>
      <p className="govuk-body" aria-live="polite" data-testid="local-results-count">
        {n === 0
          ? 'No children in the working set match these details.'
          : answer.truncated
            ? `Many children match: the best ${n} are shown. Add a date of birth or postcode to narrow the search.`
            : `${n} ${n === 1 ? 'child matches' : 'children match'}, best match first.`}
      </p>
      {n > 0 ? (
        <TableScroll>
          <table className="govuk-table">
            <caption className="govuk-table__caption govuk-visually-hidden">
              Children in the working set matching the search, best match first
            </caption>
            <TableHead
              columns={['Name', 'Date of birth', 'Postcode', { label: 'Match', numeric: true }, 'Why', 'Record']}
            />
            <tbody className="govuk-table__body">
              {answer.results.map((c) => (
                <tr className="govuk-table__row" key={c.cpNumber} data-testid="local-result-row">
                  <td className="govuk-table__cell cp-wrap">
                    <Name given={c.given} family={c.family} />
                    <span className="govuk-body-s cp-line">{c.cpNumber}</span>
                    {c.shielded || c.shieldPending ? (
                      <strong className="govuk-tag govuk-tag--red cp-tag-gap">Shielded</strong>
                    ) : null}
                  </td>
                  <td className="govuk-table__cell">{c.dob ? formatDate(c.dob) : 'Not known'}</td>
                  <td className="govuk-table__cell">
                    {c.postcode ?? (c.shielded || c.shieldPending ? 'Hidden by the shield' : '')}
                  </td>
                  <td className="govuk-table__cell govuk-table__cell--numeric">{c.score}%</td>
                  <td className="govuk-table__cell cp-wrap">
                    {c.reasons.length > 0 ? c.reasons.join('; ') : 'Every detail given matches'}
                  </td>
                  <td className="govuk-table__cell">
                    <button
                      type="button"
                      id={`open-${c.cpNumber}`}
                      className="cp-link-button"
                      onClick={() => onOpen(c.cpNumber)}
                    >
                      Open<span className="govuk-visually-hidden"> the record of {`${c.given} ${c.family}`}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      ) : null}
    </section>
  );
}
