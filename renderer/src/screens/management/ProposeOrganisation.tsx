// Proposing a partner organisation for the team's authority: its name, kind, and the
// identifier its kind carries (a GP practice's ODS code, a school's DfE URN, where a
// cross-border agency is based). Checked here by the same rules the service keeps
// (domain/organisation-stages.ts), each problem in the error summary naming its field.
import { useState, type FormEvent } from 'react';
import type { OrganisationDetail } from '../../../../domain/management/views.js';
import {
  basedInProblem,
  odsCodeProblem,
  organisationKindLabels,
  partnerKinds,
  urnProblem,
  type PartnerKind,
} from '../../../../domain/organisation-stages.js';
import { getApi } from '../../api.js';
import { ErrorSummary, type FieldError } from '../../components/ErrorSummary.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { TextField } from '../../components/TextField.js';
import { problem } from '../../feedback.js';

const empty = { name: '', kind: '' as PartnerKind | '', odsCode: '', urn: '', basedIn: '' };

/** A rule's problem (each names its field) as a sentence of the error summary. */
const sentence = (problem: string) => problem.charAt(0).toUpperCase() + problem.slice(1);

/** What is wrong with the form, field by field, before it is sent. */
export function proposalErrors(form: typeof empty, authority: string | null): FieldError[] {
  const errors: FieldError[] = [];
  if (form.name.trim() === '') errors.push({ field: 'org-name', message: 'Enter the organisation’s name' });
  if (form.kind === '') {
    errors.push({ field: 'org-kind', message: 'Choose what kind of organisation it is' });
    return errors;
  }
  const up = (s: string) => s.trim().toUpperCase();
  const ods = odsCodeProblem(form.kind, up(form.odsCode) || null);
  if (ods) errors.push({ field: 'org-ods', message: sentence(ods) });
  const urn = urnProblem(form.kind, form.urn.trim() || null);
  if (urn) errors.push({ field: 'org-urn', message: sentence(urn) });
  const basedIn = basedInProblem(form.kind, up(form.basedIn) || null, authority);
  if (basedIn) errors.push({ field: 'org-based-in', message: sentence(basedIn) });
  return errors;
}

export function ProposeOrganisation({
  authority,
  onProposed,
}: {
  authority: string | null;
  onProposed: (organisation: OrganisationDetail) => void;
}) {
  const [form, setForm] = useState(empty);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const errorFor = (field: string) => errors.find((e) => e.field === field)?.message;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const found = proposalErrors(form, authority);
    setErrors(found);
    if (found.length > 0 || form.kind === '') return;
    const r = await getApi().manage.proposeOrganisation({
      name: form.name.trim(),
      kind: form.kind,
      odsCode: form.odsCode.trim(),
      urn: form.urn.trim(),
      basedIn: form.basedIn.trim(),
    });
    if (!r.ok) {
      // The service names the field its refusal is about; link the summary to it.
      // (A school's form has a URN field and no ODS code field.)
      const field =
        /URN/.test(r.error.message) && form.kind === 'school'
          ? 'org-urn'
          : /ODS code/i.test(r.error.message)
            ? 'org-ods'
            : /basedIn|based/i.test(r.error.message)
              ? 'org-based-in'
              : 'org-name';
      return setErrors(problem(r.error, field));
    }
    setForm(empty);
    onProposed(r.value.organisation);
  };

  const kind = form.kind;
  return (
    <>
      <ErrorSummary errors={errors} />
      <h2 className="govuk-heading-m">Propose an organisation</h2>
      <p className="govuk-body">
        It enters the directory as proposed. Your team then names its responsible officer and records the agreement and
        the evidence; a data manager accredits it.
      </p>
      <form onSubmit={(e) => void submit(e)} noValidate data-testid="propose-organisation">
        <TextField
          id="org-name"
          label="Name"
          labelSize="s"
          value={form.name}
          error={errorFor('org-name')}
          onChange={(e) => setForm({ ...form, name: e.target.value })}
        />
        <div className={`govuk-form-group${errorFor('org-kind') ? ' govuk-form-group--error' : ''}`}>
          <label className="govuk-label govuk-label--s" htmlFor="org-kind">
            Kind of organisation
          </label>
          <ErrorMessage id="org-kind-error" error={errorFor('org-kind')} />
          <select
            className={`govuk-select${errorFor('org-kind') ? ' govuk-select--error' : ''}`}
            id="org-kind"
            value={form.kind}
            aria-describedby={errorFor('org-kind') ? 'org-kind-error' : undefined}
            onChange={(e) => setForm({ ...form, kind: e.target.value as PartnerKind | '' })}
          >
            <option value="">Choose the kind</option>
            {partnerKinds.map((k) => (
              <option key={k} value={k}>
                {organisationKindLabels[k]}
              </option>
            ))}
          </select>
        </div>
        {kind !== 'school' ? (
          <TextField
            id="org-ods"
            label={kind === 'gp-practice' ? 'ODS code' : 'ODS code (if it has one)'}
            labelSize="s"
            hint={kind === 'gp-practice' ? 'A letter and five digits, such as N82054' : 'Such as RBL for an NHS trust'}
            value={form.odsCode}
            error={errorFor('org-ods')}
            width={10}
            onChange={(e) => setForm({ ...form, odsCode: e.target.value })}
          />
        ) : (
          <TextField
            id="org-urn"
            label="DfE URN"
            labelSize="s"
            hint="The school’s Unique Reference Number: 6 digits, such as 105080"
            value={form.urn}
            error={errorFor('org-urn')}
            width={10}
            inputMode="numeric"
            onChange={(e) => setForm({ ...form, urn: e.target.value })}
          />
        )}
        {kind === 'cross-border' ? (
          <TextField
            id="org-based-in"
            label="Where it is based"
            labelSize="s"
            hint="The ONS code of its Welsh or neighbouring authority, such as W06000005 (Flintshire)"
            value={form.basedIn}
            error={errorFor('org-based-in')}
            width={10}
            onChange={(e) => setForm({ ...form, basedIn: e.target.value })}
          />
        ) : null}
        <button type="submit" className="govuk-button">
          Propose the organisation
        </button>
      </form>
    </>
  );
}
