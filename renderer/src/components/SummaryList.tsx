// A GOV.UK summary list: keys and values, one row each. Values wrap, since names,
// addresses and hashes can be longer than the column.
import type { ReactNode } from 'react';

export interface SummaryRow {
  key: string;
  value: ReactNode;
}

export function SummaryList({ rows }: { rows: readonly SummaryRow[] }) {
  return (
    <dl className="govuk-summary-list">
      {rows.map((row, i) => (
        <div className="govuk-summary-list__row" key={`${row.key}-${i}`}>
          <dt className="govuk-summary-list__key">{row.key}</dt>
          <dd className="govuk-summary-list__value cp-wrap">{row.value}</dd>
        </div>
      ))}
    </dl>
  );
}
