// "Import from a CSV": main asks for the file, reads it with the adapter's CSV reader and
// checks every row; a file with any bad row is refused whole, and this shows each bad
// row with its problems, so the team corrects the file and imports it again.
import { useState } from 'react';
import type { ImportOutcome } from '../../../../domain/management/practitioners.js';
import {
  csvColumns,
  practitionerFieldLabels,
  type PractitionerField,
} from '../../../../domain/practitioners-to-ready.js';
import { getApi } from '../../api.js';
import type { Feedback } from '../../feedback.js';

export function PractitionerImport({ feedback, onImported }: { feedback: Feedback; onImported: () => void }) {
  const [refused, setRefused] = useState<Extract<ImportOutcome, { outcome: 'refused' }> | null>(null);
  const [busy, setBusy] = useState(false);

  const choose = async () => {
    setBusy(true);
    feedback.clear();
    const r = await getApi().manage.importPractitioners();
    setBusy(false);
    if (!r.ok) return feedback.fail(r.error, 'practitioner-import');
    const outcome = r.value;
    if (outcome.outcome === 'cancelled') return;
    if (outcome.outcome === 'refused') {
      setRefused(outcome);
      // Focus the refusal so a screen reader reads it, as the error summary is.
      setTimeout(() => document.getElementById('practitioner-import-refused')?.focus(), 0);
      return;
    }
    setRefused(null);
    feedback.done(`${outcome.imported} ${outcome.imported === 1 ? 'person' : 'people'} imported from ${outcome.file}.`);
    onImported();
  };

  const columns = (Object.keys(csvColumns) as PractitionerField[]).map(
    (f) => `${practitionerFieldLabels[f]} (“${csvColumns[f][0]}”)`,
  );
  return (
    <>
      <details className="govuk-details">
        <summary className="govuk-details__summary">
          <span className="govuk-details__summary-text">What the CSV file holds</span>
        </summary>
        <div className="govuk-details__text">
          <p className="govuk-body">
            A first row naming the columns: {columns.join(', ')}. The dates may be left empty. The organisation is its
            name, ODS code or URN as the Organisations tab shows it. Dates as 2026-03-31 or 31/03/2026.
          </p>
          <p className="govuk-body">
            If any row has a problem, nothing is imported: correct the file and import it again.
          </p>
        </div>
      </details>
      <button
        type="button"
        className="govuk-button govuk-button--secondary"
        id="practitioner-import"
        disabled={busy}
        onClick={() => void choose()}
      >
        Import from a CSV
      </button>
      {refused ? (
        <div
          className="govuk-error-summary"
          id="practitioner-import-refused"
          tabIndex={-1}
          data-testid="practitioner-import-refused"
        >
          <div role="alert">
            <h2 className="govuk-error-summary__title">{refused.file} was not imported</h2>
            <div className="govuk-error-summary__body">
              <p className="govuk-body">{refused.message}</p>
              {refused.rows.length > 0 ? (
                <ul className="govuk-list govuk-error-summary__list">
                  {refused.rows.map((row) => (
                    <li key={row.row} data-testid="practitioner-import-row">
                      Row {row.row}: {row.problems.join('; ')}
                    </li>
                  ))}
                </ul>
              ) : null}
            </div>
          </div>
        </div>
      ) : null}
    </>
  );
}
