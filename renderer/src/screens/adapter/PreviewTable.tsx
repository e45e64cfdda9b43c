// The first rows of a file as the profile being edited maps them, each with what the
// national index's rules say of it, so a profile is right before every row is checked.
import type { PreviewView } from '../../../../domain/adapter/views.js';
import { TableHead } from '../../components/TableHead.js';
import { Dropped } from './Dropped.js';
import type { Loose } from './profile.js';
import { TableScroll } from '../../components/TableScroll.js';

/** A mapped value as text: lists joined, an address as its lines and postcode. */
const show = (v: unknown): string => {
  if (v === undefined || v === null || v === '') return '—';
  if (Array.isArray(v)) return v.map(show).join(', ');
  if (typeof v === 'object') {
    const a = v as { lines?: string[]; postcode?: string | null };
    if (Array.isArray(a.lines)) return [...a.lines, a.postcode ?? ''].filter(Boolean).join(', ');
    return JSON.stringify(v);
  }
  return String(v);
};

export function PreviewTable({ preview }: { preview: PreviewView }) {
  const caseColumns = preview.dropped.filter((d) => d.reason === 'case-information');
  const unmapped = preview.dropped.filter((d) => d.reason === 'not-mapped');
  return (
    <section aria-labelledby="preview-heading" data-testid="preview">
      <h3 className="govuk-heading-s" id="preview-heading">
        The first {preview.rows.length} rows, as the profile maps them
      </h3>
      {preview.encoding ? (
        <p className="govuk-body-s">
          Read as {preview.encoding === 'windows-1252' ? 'Windows-1252 (a Windows export)' : 'UTF-8'}.
        </p>
      ) : null}
      {preview.missingColumns.length > 0 ? (
        <div className="govuk-inset-text" data-testid="missing-columns">
          The file has no column {preview.missingColumns.map((m) => `"${m.column}"`).join(', ')}, which the profile
          maps. Choose the right column above.
        </div>
      ) : null}
      <div className="cp-scroll">
        <TableScroll>
          <table className="govuk-table cp-table--compact">
            <caption className="govuk-table__caption govuk-visually-hidden">
              The file’s first rows as the profile maps them
            </caption>
            <TableHead
              columns={['Row', 'Reference', 'Name', 'Date of birth', 'Gender', 'Address', 'NHS number', 'Check']}
            />
            <tbody className="govuk-table__body">
              {preview.rows.map((r) => {
                const rec = r.record as Loose | null;
                const name = rec?.name as { given?: string; family?: string } | undefined;
                const errors = r.problems.filter((p) => p.severity === 'error');
                return (
                  <tr className="govuk-table__row" key={r.row} data-testid="preview-row">
                    <td className="govuk-table__cell">{r.row}</td>
                    <td className="govuk-table__cell">{show(rec?.supplierRef)}</td>
                    <td className="govuk-table__cell cp-wrap">
                      <bdi>{name ? `${name.given ?? ''} ${name.family ?? ''}` : '—'}</bdi>
                    </td>
                    <td className="govuk-table__cell">{show(rec?.dob)}</td>
                    <td className="govuk-table__cell">{show(rec?.gender)}</td>
                    <td className="govuk-table__cell cp-wrap">{show(rec?.address)}</td>
                    <td className="govuk-table__cell">{show(rec?.nhsNumber)}</td>
                    <td className="govuk-table__cell cp-wrap">
                      {errors.length > 0 ? (
                        <strong className="govuk-tag govuk-tag--red">Rejected</strong>
                      ) : r.problems.length > 0 ? (
                        <strong className="govuk-tag govuk-tag--yellow">Warning</strong>
                      ) : (
                        <strong className="govuk-tag govuk-tag--green">Valid</strong>
                      )}
                      {r.problems.length > 0 ? (
                        <ul className="govuk-list govuk-body-s">
                          {r.problems.map((p, i) => (
                            <li key={i}>
                              {p.field}
                              {p.column ? ` (column ${p.column})` : ''} {p.message}
                            </li>
                          ))}
                        </ul>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableScroll>
      </div>
      <Dropped caseColumns={caseColumns.map((d) => d.column)} unmapped={unmapped.map((d) => d.column)} />
    </section>
  );
}
