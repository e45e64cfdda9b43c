// Adding a person to the list of practitioners to ready, or updating one: who they are,
// their training priority, and the dated items an account needs (the enhanced check,
// the course booked, attended and passed, the end-user agreement). Checked here by the
// rules the service keeps (domain/practitioners-to-ready.ts, zod-free), each problem in
// the error summary naming its field; the service's refusal is linked to its field too.
import { useState, type FormEvent } from 'react';
import type { OrganisationEntry } from '../../../../domain/management/views.js';
import type { Practitioner } from '../../../../domain/management/practitioners.js';
import {
  checkPractitioner,
  dateFields,
  practitionerFieldLabels,
  readinessRoleLabels,
  readinessRoles,
  type DateField,
  type PractitionerField,
} from '../../../../domain/practitioners-to-ready.js';
import { getApi } from '../../api.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { ErrorSummary, type FieldError } from '../../components/ErrorSummary.js';
import { Select } from '../../components/Select.js';
import { TextField } from '../../components/TextField.js';
import { problem } from '../../feedback.js';

type Form = Record<Exclude<PractitionerField, 'organisation'> | 'organisationId', string>;

/** The input each field is typed in: the error summary links to it. */
export const fieldId = (field: PractitionerField | 'organisationId') =>
  `practitioner-${field === 'organisation' ? 'organisationId' : field}`;

const sentence = (field: PractitionerField, message: string) => `${practitionerFieldLabels[field]}: ${message}`;

function formOf(p: Practitioner | null): Form {
  return {
    organisationId: p?.organisation.id ?? '',
    name: p?.name ?? '',
    workEmail: p?.workEmail ?? '',
    role: p?.role ?? 'practitioner',
    trainingPriority: p ? String(p.trainingPriority) : '',
    enhancedCheckDate: p?.enhancedCheckDate ?? '',
    courseBookedOn: p?.courseBookedOn ?? '',
    courseAttendedOn: p?.courseAttendedOn ?? '',
    coursePassedOn: p?.coursePassedOn ?? '',
    agreementSignedOn: p?.agreementSignedOn ?? '',
  };
}

/** Today on this computer's calendar (the service checks again by its own). */
function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** What is wrong with the form, field by field; or the facts to send. */
export function practitionerFormErrors(form: Form, day = today()) {
  const errors: FieldError[] = [];
  if (form.organisationId === '')
    errors.push({ field: fieldId('organisation'), message: 'Choose the person’s organisation' });
  const blank = (v: string) => (v.trim() === '' ? null : v);
  const checked = checkPractitioner(
    {
      name: form.name,
      workEmail: form.workEmail,
      role: form.role,
      trainingPriority: form.trainingPriority,
      enhancedCheckDate: blank(form.enhancedCheckDate),
      courseBookedOn: blank(form.courseBookedOn),
      courseAttendedOn: blank(form.courseAttendedOn),
      coursePassedOn: blank(form.coursePassedOn),
      agreementSignedOn: blank(form.agreementSignedOn),
    },
    day,
  );
  if (!checked.ok)
    for (const p of checked.problems) errors.push({ field: fieldId(p.field), message: sentence(p.field, p.message) });
  return { errors, facts: checked.ok && errors.length === 0 ? checked.facts : null };
}

const dateHints: Record<DateField, string> = {
  enhancedCheckDate: 'The day the check was issued; valid 3 years',
  courseBookedOn: 'The day of the course they are booked on',
  courseAttendedOn: 'The day they attended the course',
  coursePassedOn: 'The day they passed; a refresher is due 3 years later',
  agreementSignedOn: 'The day they signed the end-user agreement',
};

export function PractitionerForm({
  practitioner,
  organisations,
  onSaved,
  onCancel,
}: {
  /** null: a new person. */
  practitioner: Practitioner | null;
  organisations: readonly OrganisationEntry[];
  onSaved: (p: Practitioner) => void;
  onCancel: () => void;
}) {
  const [form, setForm] = useState<Form>(() => formOf(practitioner));
  const [errors, setErrors] = useState<FieldError[]>([]);
  const errorFor = (field: PractitionerField) => errors.find((e) => e.field === fieldId(field))?.message;
  const set = (key: keyof Form) => (value: string) => setForm({ ...form, [key]: value });
  // Who the person is belongs to their account once it is asked for.
  const fixed = practitioner !== null && practitioner.userId !== null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const { errors: found, facts } = practitionerFormErrors(form);
    setErrors(found);
    if (!facts) return;
    const api = getApi().manage;
    const identity = fixed
      ? {}
      : {
          organisationId: form.organisationId,
          name: facts.name,
          workEmail: facts.workEmail,
          role: facts.role,
        };
    const dates = Object.fromEntries(dateFields.map((f) => [f, facts[f]])) as Record<DateField, string | null>;
    const r = practitioner
      ? await api.updatePractitioner({
          id: practitioner.id,
          ...identity,
          trainingPriority: facts.trainingPriority,
          ...dates,
        })
      : await api.addPractitioner({
          organisationId: form.organisationId,
          name: facts.name,
          workEmail: facts.workEmail,
          role: facts.role,
          trainingPriority: facts.trainingPriority,
          ...dates,
        });
    if (!r.ok) {
      // The service starts its message with the field's label: link the summary to that field.
      const field = (Object.keys(practitionerFieldLabels) as PractitionerField[]).find((f) =>
        r.error.message.startsWith(practitionerFieldLabels[f]),
      );
      return setErrors(problem(r.error, fieldId(field ?? 'name')));
    }
    onSaved(r.value.practitioner);
  };

  const title = practitioner ? `Update ${practitioner.name}` : 'Add a person';
  return (
    <section aria-label={title}>
      <ErrorSummary errors={errors} />
      <h2 className="govuk-heading-m">{title}</h2>
      <form onSubmit={(e) => void submit(e)} noValidate data-testid="practitioner-form">
        {fixed ? (
          <p className="govuk-body">
            An account has been asked for ({practitioner.userId}): their organisation, name, email and role are the
            account’s now, changed in Accounts.
          </p>
        ) : (
          <>
            <div className={`govuk-form-group${errorFor('organisation') ? ' govuk-form-group--error' : ''}`}>
              <label className="govuk-label govuk-label--s" htmlFor={fieldId('organisation')}>
                Organisation
              </label>
              <ErrorMessage id={`${fieldId('organisation')}-error`} error={errorFor('organisation')} />
              <select
                className={`govuk-select${errorFor('organisation') ? ' govuk-select--error' : ''}`}
                id={fieldId('organisation')}
                value={form.organisationId}
                aria-describedby={errorFor('organisation') ? `${fieldId('organisation')}-error` : undefined}
                onChange={(e) => set('organisationId')(e.target.value)}
              >
                <option value="">Choose the organisation</option>
                {organisations.map((o) => (
                  <option key={o.id} value={o.id}>
                    {o.name}
                  </option>
                ))}
              </select>
            </div>
            <TextField
              id={fieldId('name')}
              label="Name"
              labelSize="s"
              autoComplete="off"
              value={form.name}
              error={errorFor('name')}
              onChange={(e) => set('name')(e.target.value)}
            />
            <TextField
              id={fieldId('workEmail')}
              label="Work email"
              labelSize="s"
              type="email"
              autoComplete="off"
              spellCheck={false}
              value={form.workEmail}
              error={errorFor('workEmail')}
              onChange={(e) => set('workEmail')(e.target.value)}
            />
            <Select
              id={fieldId('role')}
              label="Role they will need"
              value={form.role}
              options={readinessRoles.map((r) => ({ value: r, label: readinessRoleLabels[r] }))}
              onChange={set('role')}
            />
          </>
        )}
        <TextField
          id={fieldId('trainingPriority')}
          label="Training priority"
          labelSize="s"
          hint="The order they will be trained in: 1 first"
          inputMode="numeric"
          width={5}
          value={form.trainingPriority}
          error={errorFor('trainingPriority')}
          onChange={(e) => set('trainingPriority')(e.target.value)}
        />
        {dateFields.map((f) => (
          <TextField
            key={f}
            id={fieldId(f)}
            label={`${practitionerFieldLabels[f]} (if known)`}
            labelSize="s"
            hint={`${dateHints[f]}. For example, 2026-03-31 or 31/03/2026`}
            width={10}
            autoComplete="off"
            value={form[f]}
            error={errorFor(f)}
            onChange={(e) => set(f)(e.target.value)}
          />
        ))}
        <div className="govuk-button-group">
          <button type="submit" className="govuk-button">
            {practitioner ? 'Save the changes' : 'Add the person'}
          </button>
          <button type="button" className="govuk-button govuk-button--secondary" onClick={onCancel}>
            Back to the list
          </button>
        </div>
      </form>
    </section>
  );
}
