// Why the practitioner is opening a child's record: asked every time, and recorded with
// their name in the child's audit trail before the record is read.
import { useState, type FormEvent } from 'react';
import type { ChildSearchResult, RecordView } from '../../../../domain/api/records.js';
import { getApi } from '../../api.js';
import type { FieldError } from '../../components/ErrorSummary.js';
import { HelpDetails } from '../../components/HelpDetails.js';
import { Radios } from '../../components/Radios.js';
import { TextField } from '../../components/TextField.js';
import { problem } from '../../feedback.js';
import { ChildScreenTop } from './ChildScreenTop.js';

const reasons = [
  'Checking who else is working with this child',
  'Making or receiving a referral',
  'Safeguarding concern',
  'Arranging services for this child',
  'Other',
] as const;
type ReasonChoice = (typeof reasons)[number];

export function ReasonScreen({
  child,
  onBack,
  onOpened,
}: {
  child: ChildSearchResult;
  onBack: () => void;
  onOpened: (reason: string, record: RecordView) => void;
}) {
  const [choice, setChoice] = useState<ReasonChoice | ''>('');
  const [other, setOther] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [busy, setBusy] = useState(false);
  const errorFor = (field: string) => errors.find((e) => e.field === field)?.message;

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const problems: FieldError[] = [];
    if (choice === '')
      problems.push({ field: `reason-${slug(reasons[0])}`, message: 'Select why you are opening this record' });
    if (choice === 'Other' && other.trim() === '')
      problems.push({ field: 'other-reason', message: 'Enter your reason' });
    setErrors(problems);
    if (problems.length > 0 || choice === '') return;
    const reason = choice === 'Other' ? other.trim() : choice;
    setBusy(true);
    const r = await getApi().children.read({ cpNumber: child.cpNumber, reason });
    setBusy(false);
    if (r.ok) onOpened(reason, r.value);
    else setErrors(problem(r.error, choice === 'Other' ? 'other-reason' : `reason-${slug(reasons[0])}`));
  };

  return (
    <>
      <ChildScreenTop
        child={child}
        title="Why are you opening this record?"
        back="Back to results"
        onBack={onBack}
        errors={errors}
      />
      <p className="govuk-body">Your reason is recorded with your name each time you open a record.</p>
      <HelpDetails summary="Why you are asked for a reason" testId="reason-help">
        <p className="govuk-body">
          You may open a child&apos;s record only for your work with that child. Your reason is kept in the child&apos;s
          audit trail with your name, the date and the time, and the audit is reviewed for misuse, such as looking up a
          relative or a neighbour.
        </p>
        <p className="govuk-body">
          If none of the reasons fits, choose Other and say why in a few words. Say why you need the record, not what
          has happened to the child: ContactPoint holds no case information.
        </p>
      </HelpDetails>
      <form noValidate onSubmit={(e) => void onSubmit(e)} aria-label="Reason for access">
        <Radios
          name="reason"
          legend="Reason for access"
          options={reasons.map((r) => ({ value: slug(r), label: r }))}
          value={choice === '' ? '' : slug(choice)}
          onChange={(value) => setChoice(reasons.find((r) => slug(r) === value) ?? '')}
          error={errorFor(`reason-${slug(reasons[0])}`)}
        />
        {choice === 'Other' ? (
          <TextField
            id="other-reason"
            label="Give your reason"
            maxLength={500}
            value={other}
            onChange={(e) => setOther(e.target.value)}
            error={errorFor('other-reason')}
          />
        ) : null}
        <button type="submit" className="govuk-button" disabled={busy} aria-disabled={busy}>
          Open record
        </button>
      </form>
    </>
  );
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z]+/g, '-')
    .replace(/^-|-$/g, '');
