// A GOV.UK textarea for a few sentences (a reason, a purpose), with its error message.
import { ErrorMessage } from './ErrorMessage.js';

export function TextArea(props: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  error?: string | undefined;
  maxLength?: number;
}) {
  const { id, label, value, onChange, error, maxLength } = props;
  return (
    <div className={`govuk-form-group${error ? ' govuk-form-group--error' : ''}`}>
      <label className="govuk-label govuk-label--s" htmlFor={id}>
        {label}
      </label>
      <ErrorMessage id={`${id}-error`} error={error} />
      <textarea
        className={`govuk-textarea${error ? ' govuk-textarea--error' : ''}`}
        id={id}
        name={id}
        rows={3}
        value={value}
        maxLength={maxLength}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
    </div>
  );
}
