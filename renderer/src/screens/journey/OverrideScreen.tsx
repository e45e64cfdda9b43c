// Viewing a shielded record's details, for child protection only: the reason, and the
// acknowledgement that it starts an investigation the management team is alerted to.
import { useState, type FormEvent } from 'react';
import type { ChildSearchResult, RecordView } from '../../../../domain/api/records.js';
import { getApi } from '../../api.js';
import { Checkbox } from '../../components/Checkbox.js';
import type { FieldError } from '../../components/ErrorSummary.js';
import { HelpDetails } from '../../components/HelpDetails.js';
import { TextArea } from '../../components/TextArea.js';
import { Warning } from '../../components/Warning.js';
import { problem } from '../../feedback.js';
import { ChildScreenTop } from './ChildScreenTop.js';

export function OverrideScreen({
  child,
  onCancel,
  onShown,
}: {
  child: ChildSearchResult;
  onCancel: () => void;
  onShown: (record: RecordView) => void;
}) {
  const [reason, setReason] = useState('');
  const [understood, setUnderstood] = useState(false);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [busy, setBusy] = useState(false);
  const errorFor = (field: string) => errors.find((e) => e.field === field)?.message;

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const problems: FieldError[] = [];
    if (reason.trim() === '')
      problems.push({ field: 'override-reason', message: 'Enter why you need the shielded details' });
    if (!understood)
      problems.push({
        field: 'override-understood',
        message: 'Confirm that you understand this starts an investigation',
      });
    setErrors(problems);
    if (problems.length > 0) return;
    setBusy(true);
    const r = await getApi().children.shieldOverride({
      cpNumber: child.cpNumber,
      reason: reason.trim(),
      acknowledgeInvestigation: true,
    });
    setBusy(false);
    if (r.ok) onShown(r.value);
    else setErrors(problem(r.error, 'override-reason'));
  };

  return (
    <>
      <ChildScreenTop
        child={child}
        title="View shielded details"
        back="Back to the record"
        onBack={onCancel}
        errors={errors}
      />
      <Warning>
        Viewing shielded details starts an immediate investigation. The management team is alerted and must confirm your
        reason.
      </Warning>
      <HelpDetails summary="What a shield is, and what happens next" testId="override-help">
        <p className="govuk-body">
          A record is shielded when letting people know where the child is could put them at risk of significant harm.
          Only people with child-protection duties can view the hidden details, and only when they need them to protect
          the child.
        </p>
        <p className="govuk-body">
          If you continue, the details are shown until you leave the record. The management team is alerted at once,
          looks at the reason you give, and records the outcome: that the view was justified, that advice was given, a
          referral for investigation or a suspended account. If you do not need the details, go back to the record.
        </p>
      </HelpDetails>
      <form noValidate onSubmit={(e) => void onSubmit(e)} aria-label="View shielded details">
        <TextArea
          id="override-reason"
          label="Why do you need the shielded details?"
          value={reason}
          onChange={setReason}
          maxLength={500}
          error={errorFor('override-reason')}
        />
        <Checkbox
          id="override-understood"
          label="I understand that this starts an investigation"
          checked={understood}
          onChange={setUnderstood}
          error={errorFor('override-understood')}
        />
        <button type="submit" className="govuk-button govuk-button--warning" disabled={busy} aria-disabled={busy}>
          Show shielded details
        </button>
      </form>
    </>
  );
}
