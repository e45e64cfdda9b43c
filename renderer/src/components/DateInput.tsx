// The GOV.UK date input: a date typed as day, month and year in three boxes (the pattern
// people find easiest for dates they know, such as a date of birth). forms.ts reads them.
import type { DateParts } from '../forms.js';
import { ErrorMessage } from './ErrorMessage.js';

/** GOV.UK date input: inputs `${id}-day`, `${id}-month`, `${id}-year`. */
export function DateInput(props: {
  id: string;
  legend: string;
  hint?: string;
  value: DateParts;
  onChange: (value: DateParts) => void;
  error?: string | undefined;
}) {
  const { id, legend, hint, value, onChange, error } = props;
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  const part = (name: keyof DateParts, label: string, width: 2 | 4) => (
    <div className="govuk-date-input__item">
      <div className="govuk-form-group">
        <label className="govuk-label govuk-date-input__label" htmlFor={`${id}-${name}`}>
          {label}
        </label>
        <input
          className={`govuk-input govuk-date-input__input govuk-input--width-${width}${error ? ' govuk-input--error' : ''}`}
          id={`${id}-${name}`}
          name={`${id}-${name}`}
          type="text"
          inputMode="numeric"
          autoComplete="off"
          value={value[name]}
          onChange={(e) => onChange({ ...value, [name]: e.target.value })}
        />
      </div>
    </div>
  );
  return (
    <div className={`govuk-form-group${error ? ' govuk-form-group--error' : ''}`}>
      <fieldset className="govuk-fieldset" role="group" aria-describedby={describedBy}>
        <legend className="govuk-fieldset__legend govuk-fieldset__legend--s">{legend}</legend>
        {hint ? (
          <div id={`${id}-hint`} className="govuk-hint">
            {hint}
          </div>
        ) : null}
        <ErrorMessage id={`${id}-error`} error={error} />
        <div className="govuk-date-input" id={id}>
          {part('day', 'Day', 2)}
          {part('month', 'Month', 2)}
          {part('year', 'Year', 4)}
        </div>
      </fieldset>
    </div>
  );
}
