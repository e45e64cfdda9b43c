// The fields of a search for a child: the same for the national index and the working
// set, so a person searches both the same way.
import type { FieldError } from '../../components/ErrorSummary.js';
import { DateInput } from '../../components/DateInput.js';
import { TextField } from '../../components/TextField.js';
import type { SearchForm } from '../../forms.js';

/**
 * The search form's fields. Where two searches are on the page at once (the team's
 * working-set search stays mounted behind its tab), `idPrefix` keeps their ids apart,
 * so each label names its own field; error fields are then prefixed the same way.
 */
export function SearchFields({
  form,
  setForm,
  errors,
  idPrefix = '',
}: {
  form: SearchForm;
  setForm: (f: SearchForm) => void;
  errors: readonly FieldError[];
  idPrefix?: string;
}) {
  const errorFor = (field: string) => errors.find((e) => e.field === `${idPrefix}${field}`)?.message;
  const text = (field: 'surname' | 'forename' | 'postcode' | 'nhsNumber' | 'cpNumber') => ({
    value: form[field],
    onChange: (e: { target: { value: string } }) => setForm({ ...form, [field]: e.target.value }),
    error: errorFor(field),
    autoComplete: 'off',
    spellCheck: false,
  });
  return (
    <div className="govuk-grid-row">
      <div className="govuk-grid-column-one-half">
        <TextField id={`${idPrefix}surname`} label="Surname" width={20} {...text('surname')} />
        <TextField id={`${idPrefix}forename`} label="Forename" width={20} {...text('forename')} />
        <DateInput
          id={`${idPrefix}dob`}
          legend="Date of birth"
          hint="For example, 27 3 2015"
          value={form.dob}
          onChange={(dob) => setForm({ ...form, dob })}
          error={errorFor('dob-day')}
        />
      </div>
      <div className="govuk-grid-column-one-half">
        <TextField id={`${idPrefix}postcode`} label="Postcode" width={10} {...text('postcode')} />
        <TextField
          id={`${idPrefix}nhsNumber`}
          label="NHS number"
          width={10}
          inputMode="numeric"
          {...text('nhsNumber')}
        />
        <TextField id={`${idPrefix}cpNumber`} label="ContactPoint number" width={10} {...text('cpNumber')} />
      </div>
    </div>
  );
}
