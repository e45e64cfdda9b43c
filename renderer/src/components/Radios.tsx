// GOV.UK radios: one question, one answer from a few, in a fieldset whose legend asks it.
import { ErrorMessage } from './ErrorMessage.js';

export interface RadioOption<V extends string> {
  value: V;
  label: string;
}

interface RadiosProps<V extends string> {
  /** Each input's id is `${name}-${value}`; the first one is what an error summary links to. */
  name: string;
  legend: string;
  options: readonly RadioOption<V>[];
  value: V | '';
  onChange: (value: V) => void;
  error?: string | undefined;
}

/** GOV.UK radios in a fieldset whose legend asks the question. */
export function Radios<V extends string>({ name, legend, options, value, onChange, error }: RadiosProps<V>) {
  const errorId = `${name}-error`;
  return (
    <div className={`govuk-form-group${error ? ' govuk-form-group--error' : ''}`}>
      <fieldset className="govuk-fieldset" aria-describedby={error ? errorId : undefined}>
        <legend className="govuk-fieldset__legend govuk-fieldset__legend--m">{legend}</legend>
        <ErrorMessage id={errorId} error={error} />
        <div className="govuk-radios" data-module="govuk-radios">
          {options.map((option) => {
            const id = `${name}-${option.value}`;
            return (
              <div className="govuk-radios__item" key={option.value}>
                <input
                  className="govuk-radios__input"
                  id={id}
                  name={name}
                  type="radio"
                  value={option.value}
                  checked={value === option.value}
                  onChange={() => onChange(option.value)}
                />
                <label className="govuk-label govuk-radios__label" htmlFor={id}>
                  {option.label}
                </label>
              </div>
            );
          })}
        </div>
      </fieldset>
    </div>
  );
}
