// One partner organisation: what the directory holds, its stage history (each step's
// date, who decided, the officer, the agreement and the evidence), and the steps the
// signed-in person may take next, as the service says (nextActions): the team prepares,
// a data manager accredits, and nobody accredits what they prepared.
import { useState, type FormEvent } from 'react';
import type { OrganisationDetail } from '../../../../domain/management/views.js';
import {
  evidenceMax,
  officerMax,
  organisationKindLabels,
  stageLabels,
  stageRuleFor,
  type StageAction,
} from '../../../../domain/organisation-stages.js';
import { getApi } from '../../api.js';
import { ErrorSummary, type FieldError } from '../../components/ErrorSummary.js';
import { SummaryList } from '../../components/SummaryList.js';
import { TableHead } from '../../components/TableHead.js';
import { TextArea } from '../../components/TextArea.js';
import { TextField } from '../../components/TextField.js';
import { Notice, problem } from '../../feedback.js';
import { formatDate, formatDateTime } from '../../format.js';
import { todayIso } from '../../forms.js';
import { TableScroll } from '../../components/TableScroll.js';

const actionLabels: Record<StageAction | 'recorded', string> = {
  propose: 'Proposed',
  start: 'Marked in progress',
  prepare: 'Preparation recorded',
  accredit: 'Accredited',
  suspend: 'Suspended',
  reinstate: 'Reinstated',
  withdraw: 'Accreditation withdrawn',
  stop: 'Proposal stopped',
  'propose-again': 'Proposed again',
  recorded: 'In the directory before stages were kept',
};

const preparing = (a: StageAction) => a === 'start' || a === 'prepare';

export function OrganisationPage({
  organisation,
  onChanged,
  onBack,
}: {
  organisation: OrganisationDetail;
  onChanged: (o: OrganisationDetail) => void;
  onBack: () => void;
}) {
  const o = organisation;
  const [action, setAction] = useState<StageAction | null>(o.nextActions[0] ?? null);
  const [form, setForm] = useState({ officer: o.responsibleOfficer ?? '', agreement: '', evidence: '' });
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const errorFor = (field: string) => errors.find((e) => e.field === field)?.message;

  const take = async (e: FormEvent) => {
    e.preventDefault();
    if (!action) return;
    const rule = stageRuleFor(action);
    const found: FieldError[] = [];
    if (rule.needs.includes('responsibleOfficer') && form.officer.trim() === '')
      found.push({ field: 'step-officer', message: 'Name the responsible officer in the organisation' });
    if (preparing(action) && form.agreement !== '' && form.agreement > todayIso())
      found.push({ field: 'step-agreement', message: 'The agreement’s date must be today or earlier' });
    if (rule.needs.includes('evidence') && form.evidence.trim() === '')
      found.push({ field: 'step-evidence', message: 'Say what was seen, or why, in a short note' });
    setErrors(found);
    setNotice(null);
    if (found.length > 0) return;
    const r = await getApi().manage.organisationStep({
      id: o.id,
      action: action as Exclude<StageAction, 'propose'>,
      expectedStage: o.stage,
      ...(preparing(action)
        ? { responsibleOfficer: form.officer.trim() || undefined, agreementSignedOn: form.agreement || undefined }
        : {}),
      evidence: form.evidence.trim() || undefined,
    });
    if (!r.ok) {
      const field = /officer/i.test(r.error.message)
        ? 'step-officer'
        : /agreement/i.test(r.error.message) && preparing(action)
          ? 'step-agreement'
          : /evidence|case information|note/i.test(r.error.message)
            ? 'step-evidence'
            : 'step-action';
      return setErrors(problem(r.error, field));
    }
    const next = r.value.organisation;
    setNotice(`${actionLabels[action]}: ${next.name}.`);
    setAction(next.nextActions[0] ?? null);
    setForm({ officer: next.responsibleOfficer ?? '', agreement: '', evidence: '' });
    onChanged(next);
  };

  return (
    <section aria-labelledby="organisation-name">
      <ErrorSummary errors={errors} />
      {notice ? <Notice text={notice} testId="organisation-notice" /> : null}
      <p className="govuk-body">
        <button type="button" className="cp-link-button govuk-link" onClick={onBack}>
          Back to the directory
        </button>
      </p>
      <h2 className="govuk-heading-l" id="organisation-name">
        {o.name}
      </h2>
      <SummaryList
        rows={[
          { key: 'Stage', value: <strong data-testid="organisation-stage">{stageLabels[o.stage]}</strong> },
          { key: 'Kind', value: organisationKindLabels[o.kind] },
          ...(o.odsCode ? [{ key: 'ODS code', value: o.odsCode }] : []),
          ...(o.urn ? [{ key: 'DfE URN', value: o.urn }] : []),
          ...(o.basedIn ? [{ key: 'Based in', value: o.basedIn }] : []),
          { key: 'Authority', value: o.localAuthority ?? 'None' },
          { key: 'Responsible officer', value: o.responsibleOfficer ?? 'Not yet named' },
          {
            key: 'Agreement signed',
            value: o.agreementSignedOn ? formatDate(o.agreementSignedOn) : 'Not yet recorded',
          },
          { key: 'Evidence noted', value: o.evidence ?? 'None yet' },
          { key: 'Accounts', value: String(o.users) },
        ]}
      />

      <h3 className="govuk-heading-m">Stage history</h3>
      {o.history.length === 0 ? (
        <p className="govuk-body">No steps are recorded: it was in the directory before stages were kept.</p>
      ) : (
        <TableScroll>
          <table className="govuk-table" data-testid="organisation-history">
            <caption className="govuk-table__caption govuk-visually-hidden">Each step, oldest first</caption>
            <TableHead columns={['Date', 'Step', 'Stage', 'Decided by', 'Officer, agreement, evidence']} />
            <tbody className="govuk-table__body">
              {o.history.map((h, i) => (
                <tr className="govuk-table__row" key={i}>
                  <td className="govuk-table__cell">{formatDateTime(h.at)}</td>
                  <td className="govuk-table__cell">{actionLabels[h.action]}</td>
                  <td className="govuk-table__cell">{stageLabels[h.stage]}</td>
                  <td className="govuk-table__cell">{h.decidedBy ? `${h.decidedBy.name} (${h.decidedBy.id})` : '—'}</td>
                  <td className="govuk-table__cell cp-wrap">
                    {[
                      h.responsibleOfficer ? `Officer: ${h.responsibleOfficer}` : null,
                      h.agreementSignedOn ? `Agreement signed ${formatDate(h.agreementSignedOn)}` : null,
                      h.evidence ? `Evidence: ${h.evidence}` : null,
                    ]
                      .filter(Boolean)
                      .join('. ') || '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}

      <h3 className="govuk-heading-m">Next step</h3>
      {o.nextActions.length === 0 || action === null ? (
        <p className="govuk-body" data-testid="no-next-step">
          There is no step you may take on this organisation now.
          {o.stage === 'in-progress' ? ' A data manager who did not prepare it accredits it.' : ''}
        </p>
      ) : (
        <form onSubmit={(e) => void take(e)} noValidate data-testid="organisation-step">
          <div className="govuk-form-group">
            <fieldset className="govuk-fieldset" id="step-action" tabIndex={-1}>
              <legend className="govuk-fieldset__legend govuk-fieldset__legend--s">What to do</legend>
              <div className="govuk-radios govuk-radios--small">
                {o.nextActions.map((a) => (
                  <div className="govuk-radios__item" key={a}>
                    <input
                      className="govuk-radios__input"
                      id={`step-${a}`}
                      type="radio"
                      name="step-action"
                      checked={action === a}
                      onChange={() => setAction(a)}
                    />
                    <label className="govuk-label govuk-radios__label" htmlFor={`step-${a}`}>
                      {stageRuleFor(a).label}
                    </label>
                  </div>
                ))}
              </div>
            </fieldset>
          </div>
          {preparing(action) ? (
            <>
              <TextField
                id="step-officer"
                label={action === 'start' ? 'Responsible officer' : 'Responsible officer (if it changed)'}
                labelSize="s"
                hint="The person in the organisation answerable for its use of ContactPoint"
                value={form.officer}
                maxLength={officerMax}
                error={errorFor('step-officer')}
                onChange={(e) => setForm({ ...form, officer: e.target.value })}
              />
              <TextField
                id="step-agreement"
                label="Agreement signed on (if it is)"
                labelSize="s"
                type="date"
                width={10}
                value={form.agreement}
                error={errorFor('step-agreement')}
                onChange={(e) => setForm({ ...form, agreement: e.target.value })}
              />
            </>
          ) : null}
          <TextArea
            id="step-evidence"
            label={
              stageRuleFor(action).needs.includes('evidence')
                ? 'Why, or the evidence seen (a short note, never case information)'
                : 'Evidence noted (optional; a short note, never case information)'
            }
            value={form.evidence}
            maxLength={evidenceMax}
            error={errorFor('step-evidence')}
            onChange={(v) => setForm({ ...form, evidence: v })}
          />
          <button type="submit" className="govuk-button">
            {stageRuleFor(action).label}
          </button>
        </form>
      )}
    </section>
  );
}
