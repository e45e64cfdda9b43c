// "Report a problem with this record": what is wrong (the address, the school, a child
// not known to us, or a request to broker contact with an unspecified service), a
// sentence if needed, sent to the ContactPoint team of the child's authority. The
// service checks the text for case information and says why it refused it; the person
// is told only that the report was received, and its reference.
import { useState, type FormEvent } from 'react';
import type { ChildSearchResult } from '../../../../domain/api/records.js';
import type { ReferralReceipt } from '../../../../domain/api/referrals.js';
import {
  referralKindLabels,
  referralKinds,
  referralTextMax,
  type ReferralKind,
} from '../../../../domain/referral-kinds.js';
import { getApi } from '../../api.js';
import type { FieldError } from '../../components/ErrorSummary.js';
import { Radios } from '../../components/Radios.js';
import { TextArea } from '../../components/TextArea.js';
import { problem } from '../../feedback.js';
import { formatDateTime } from '../../format.js';
import { BackButton, ChildScreenTop } from './ChildScreenTop.js';

const kindOptions = referralKinds.map((value) => ({ value, label: referralKindLabels[value] }));

export function ReportProblem(props: { child: ChildSearchResult; reason: string; onBack: () => void }) {
  const { child, reason, onBack } = props;
  const [kind, setKind] = useState<ReferralKind | ''>('');
  const [text, setText] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [busy, setBusy] = useState(false);
  const [receipt, setReceipt] = useState<ReferralReceipt | null>(null);
  const errorFor = (field: string) => errors.find((e) => e.field === field)?.message;

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const problems: FieldError[] = [];
    if (kind === '') problems.push({ field: `kind-${referralKinds[0]}`, message: 'Select what is wrong' });
    if (text.trim().length > referralTextMax)
      problems.push({ field: 'text', message: `Details must be ${referralTextMax} characters or fewer` });
    setErrors(problems);
    if (problems.length > 0 || kind === '') return;
    setBusy(true);
    const r = await getApi().referrals.make({
      cpNumber: child.cpNumber,
      reason,
      referral: { kind, ...(text.trim() !== '' ? { text: text.trim() } : {}) },
    });
    setBusy(false);
    if (!r.ok) {
      setErrors(problem(r.error, r.error.code === 'invalid-request' ? 'text' : `kind-${referralKinds[0]}`));
      return;
    }
    setReceipt(r.value);
  };

  if (receipt) {
    return (
      <>
        <BackButton onClick={onBack} label="Back to the record" />
        <div className="govuk-panel govuk-panel--confirmation" data-testid="referral-received">
          <h1 className="govuk-panel__title">Report received</h1>
          <div className="govuk-panel__body">
            Your reference
            <br />
            <strong data-testid="referral-reference">{receipt.reference}</strong>
          </div>
        </div>
        <p className="govuk-body">
          The ContactPoint team responsible for this child received your report ({referralKindLabels[receipt.kind]}) on{' '}
          {formatDateTime(receipt.receivedAt)}. They will look into it and may contact you: quote the reference if you
          ask about it.
        </p>
        <button type="button" className="govuk-button" onClick={onBack}>
          Back to the record
        </button>
      </>
    );
  }

  return (
    <>
      <ChildScreenTop
        child={child}
        title="Report a problem with this record"
        back="Back to the record"
        onBack={onBack}
        errors={errors}
      />
      <p className="govuk-body">
        Your report goes to the ContactPoint team responsible for this child, with your name and organisation. Say only
        what is wrong with the record: never case notes, concerns or the reasons for your work with the child.
      </p>
      <form noValidate onSubmit={(e) => void onSubmit(e)} aria-label="Report a problem with this record">
        <Radios
          name="kind"
          legend="What is wrong?"
          options={kindOptions}
          value={kind}
          onChange={setKind}
          error={errorFor(`kind-${referralKinds[0]}`)}
        />
        <TextArea
          id="text"
          label={`Details (optional, up to ${referralTextMax} characters)`}
          value={text}
          maxLength={referralTextMax}
          onChange={setText}
          error={errorFor('text')}
        />
        <button type="submit" className="govuk-button" disabled={busy} aria-disabled={busy}>
          Send report
        </button>
      </form>
    </>
  );
}
