// The one GOV.UK text input of the renderer: its label, hint and error message wired for
// screen readers. Any input attribute passes through (type="date", maxLength, inputMode).
import type { InputHTMLAttributes } from 'react';
import { ErrorMessage } from './ErrorMessage.js';

export interface TextFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'className'> {
  id: string;
  label: string;
  hint?: string;
  error?: string | undefined;
  width?: 5 | 10 | 20;
  /** "s": a bold label, as the management screens' compact forms have. */
  labelSize?: 's';
}

/** A GOV.UK text input with its label, hint and error message wired for screen readers. */
export function TextField({ id, label, hint, error, width, labelSize, ...input }: TextFieldProps) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`govuk-form-group${error ? ' govuk-form-group--error' : ''}`}>
      <label className={`govuk-label${labelSize ? ` govuk-label--${labelSize}` : ''}`} htmlFor={id}>
        {label}
      </label>
      {hint ? (
        <div id={hintId} className="govuk-hint">
          {hint}
        </div>
      ) : null}
      <ErrorMessage id={`${id}-error`} error={error} />
      <input
        id={id}
        name={id}
        className={`govuk-input${width ? ` govuk-input--width-${width}` : ''}${error ? ' govuk-input--error' : ''}`}
        aria-describedby={describedBy}
        aria-invalid={error ? true : undefined}
        {...input}
      />
    </div>
  );
}
