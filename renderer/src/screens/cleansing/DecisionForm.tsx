// Close tasks with a decision or referral from their rule's list (domain/cleanse/actions.ts)
// and an optional note: for the open task, or for every selected task of a queue at once.
// The note is checked for case information here, as main checks it again.
import { useState } from 'react';
import { decisionNoteProblem, decisionsFor, DECISION_NOTE_MAX } from '../../../../domain/cleanse/actions.js';
import type { RuleId } from '../../../../domain/cleanse/rules.js';

export function DecisionForm({
  rule,
  count,
  idPrefix,
  onDecide,
}: {
  rule: RuleId;
  /** How many tasks the decision closes (1 for the open task). */
  count: number;
  idPrefix: string;
  onDecide: (decision: string, note: string | undefined, label: string) => Promise<void>;
}) {
  const options = decisionsFor(rule);
  const [decision, setDecision] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  if (options.length === 0 || count === 0) return null;
  const submit = () => {
    const chosen = options.find((o) => o.id === decision);
    if (!chosen) {
      setError('Choose a decision.');
      return;
    }
    const trimmed = note.trim();
    const problem = trimmed === '' ? null : decisionNoteProblem(trimmed);
    if (problem) {
      setError(problem);
      return;
    }
    setError(null);
    void onDecide(chosen.id, trimmed === '' ? undefined : trimmed, chosen.label);
  };
  return (
    <div className={`govuk-form-group${error ? ' govuk-form-group--error' : ''}`} data-testid={`${idPrefix}-decision`}>
      <fieldset className="govuk-fieldset">
        <legend className="govuk-fieldset__legend govuk-fieldset__legend--s">
          {count === 1 ? 'Or close it with a decision' : `Decide for the ${count} selected tasks`}
        </legend>
        {error ? (
          <p className="govuk-error-message" id={`${idPrefix}-decision-error`} role="alert">
            <span className="govuk-visually-hidden">Error:</span> {error}
          </p>
        ) : null}
        <div className="govuk-radios govuk-radios--small">
          {options.map((o) => (
            <div className="govuk-radios__item" key={o.id}>
              <input
                className="govuk-radios__input"
                type="radio"
                id={`${idPrefix}-decision-${o.id}`}
                name={`${idPrefix}-decision`}
                value={o.id}
                checked={decision === o.id}
                onChange={() => setDecision(o.id)}
              />
              <label className="govuk-label govuk-radios__label" htmlFor={`${idPrefix}-decision-${o.id}`}>
                {o.kind === 'referral' ? `Referral: ${o.label}` : o.label}
              </label>
            </div>
          ))}
        </div>
      </fieldset>
      <label className="govuk-label govuk-!-margin-top-2" htmlFor={`${idPrefix}-decision-note`}>
        Note (optional: what was checked and with whom, no case information)
      </label>
      <textarea
        className="govuk-textarea"
        id={`${idPrefix}-decision-note`}
        rows={2}
        maxLength={DECISION_NOTE_MAX}
        value={note}
        onChange={(e) => setNote(e.target.value)}
        aria-describedby={error ? `${idPrefix}-decision-error` : undefined}
      />
      <button type="button" className="govuk-button govuk-button--secondary" onClick={submit}>
        Record decision{count > 1 ? ` for ${count}` : ''}
      </button>
    </div>
  );
}
