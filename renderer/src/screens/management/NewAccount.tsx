// Making an account: its holder's id, name, organisation, roles and accreditation. The
// account signs in only once a second person confirms it and its holder activates it, so
// making it gives the first half of the activation code to hand over.
import { useState, type FormEvent } from 'react';
import { getApi } from '../../api.js';
import { TextField } from '../../components/TextField.js';
import type { Feedback } from '../../feedback.js';

export function NewAccount({
  orgs,
  feedback,
  onMade,
}: {
  orgs: readonly { id: string; name: string }[];
  feedback: Feedback;
  /** The account is made: its first half of the activation code is to be handed over. */
  onMade: (account: string, firstHalf: string) => void;
}) {
  const [form, setForm] = useState({
    id: '',
    name: '',
    organisationId: '',
    practitioner: true,
    childProtection: false,
    team: false,
    enhancedCheckDate: '',
    trainingCompleted: false,
    agreementSigned: false,
  });
  const create = async (e: FormEvent) => {
    e.preventDefault();
    const roles = [
      form.practitioner ? 'practitioner' : null,
      form.childProtection ? 'child-protection' : null,
      form.team ? 'la-team' : null,
    ].filter((r): r is 'practitioner' | 'child-protection' | 'la-team' => r !== null);
    const r = await getApi().manage.createUser({
      id: form.id.trim(),
      name: form.name,
      organisationId: form.organisationId,
      roles,
      enhancedCheckDate: form.enhancedCheckDate,
      trainingCompleted: form.trainingCompleted,
      agreementSigned: form.agreementSigned,
    });
    if (!r.ok) return feedback.fail(r.error, 'new-id');
    onMade(r.value.user.id, r.value.firstHalf);
    feedback.done(
      `The account ${r.value.user.id} is made. It signs in once a second person confirms it and its holder activates it.`,
    );
    setForm({ ...form, id: '', name: '' });
  };

  return (
    <>
      <h2 className="govuk-heading-m">Make an account</h2>
      <form onSubmit={(e) => void create(e)} data-testid="new-account">
        <TextField
          id="new-id"
          label="User ID"
          labelSize="s"
          hint="Letters, digits, dots, hyphens; it cannot be changed later"
          value={form.id}
          onChange={(e) => setForm({ ...form, id: e.target.value })}
          width={20}
        />
        <TextField
          id="new-name"
          label="Full name"
          labelSize="s"
          value={form.name}
          onChange={(e) => setForm({ ...form, name: e.target.value })}
          width={20}
        />
        <div className="govuk-form-group">
          <label className="govuk-label govuk-label--s" htmlFor="new-organisation">
            Organisation
          </label>
          <select
            className="govuk-select"
            id="new-organisation"
            value={form.organisationId}
            onChange={(e) => setForm({ ...form, organisationId: e.target.value })}
          >
            <option value="">Choose the organisation</option>
            {orgs.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
        </div>
        <fieldset className="govuk-fieldset govuk-form-group">
          <legend className="govuk-fieldset__legend govuk-fieldset__legend--s">Roles</legend>
          <div className="govuk-checkboxes govuk-checkboxes--small">
            {(
              [
                ['practitioner', 'Practitioner'],
                ['childProtection', 'Child protection (may override a shield)'],
                ['team', 'ContactPoint team'],
              ] as const
            ).map(([k, label]) => (
              <div className="govuk-checkboxes__item" key={k}>
                <input
                  className="govuk-checkboxes__input"
                  id={`new-role-${k}`}
                  type="checkbox"
                  checked={form[k]}
                  onChange={(e) => setForm({ ...form, [k]: e.target.checked })}
                />
                <label className="govuk-label govuk-checkboxes__label" htmlFor={`new-role-${k}`}>
                  {label}
                </label>
              </div>
            ))}
          </div>
        </fieldset>
        <TextField
          id="new-check"
          label="Enhanced check date (optional)"
          labelSize="s"
          type="date"
          value={form.enhancedCheckDate}
          onChange={(e) => setForm({ ...form, enhancedCheckDate: e.target.value })}
          width={10}
        />
        <div className="govuk-checkboxes govuk-checkboxes--small govuk-form-group">
          {(
            [
              ['trainingCompleted', 'Mandatory training completed'],
              ['agreementSigned', 'End-user agreement signed'],
            ] as const
          ).map(([k, label]) => (
            <div className="govuk-checkboxes__item" key={k}>
              <input
                className="govuk-checkboxes__input"
                id={`new-${k}`}
                type="checkbox"
                checked={form[k]}
                onChange={(e) => setForm({ ...form, [k]: e.target.checked })}
              />
              <label className="govuk-label govuk-checkboxes__label" htmlFor={`new-${k}`}>
                {label}
              </label>
            </div>
          ))}
        </div>
        <button type="submit" className="govuk-button">
          Make the account
        </button>
      </form>
    </>
  );
}
