// Where a field's value came from: what each supplier said of it, and when.
import { show, type Side } from './fields.js';

export function Provenance({ side, field }: { side: Side; field?: string | undefined }) {
  const entry =
    field && side.provenance
      ? (side.provenance[field] as { values?: Record<string, { value: unknown; date: string }> } | undefined)
      : undefined;
  if (!entry?.values) return null;
  return (
    <ul className="govuk-list govuk-body-s cp-provenance">
      {Object.entries(entry.values).map(([supplier, s]) => (
        <li key={supplier}>
          {supplier}: {show(s.value)} {s.date ? `(${s.date})` : ''}
        </li>
      ))}
    </ul>
  );
}
