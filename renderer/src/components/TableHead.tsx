// The head row of a GOV.UK table, which every listing screen has: column labels, with
// numeric columns right-aligned to line up with their cells.

/** A GOV.UK table's head row: column labels, numeric ones right-aligned. */
export function TableHead({ columns }: { columns: readonly (string | { label: string; numeric: true })[] }) {
  return (
    <thead className="govuk-table__head">
      <tr className="govuk-table__row">
        {columns.map((c) => {
          const label = typeof c === 'string' ? c : c.label;
          return (
            <th
              key={label}
              scope="col"
              className={`govuk-table__header${typeof c === 'string' ? '' : ' govuk-table__header--numeric'}`}
            >
              {label}
            </th>
          );
        })}
      </tr>
    </thead>
  );
}
