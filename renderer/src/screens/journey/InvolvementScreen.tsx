// Recording the practitioner's involvement with a child: the service, when it started,
// lead professional and CAF, and for a sensitive service the basis for recording it.
// Never case notes: only that they are involved and how to reach them.
import { useState, type FormEvent } from 'react';
import type { ChildSearchResult, RecordView } from '../../../../domain/api/records.js';
import type { SensitiveCategory } from '../../../../domain/child-record.js';
import { getApi } from '../../api.js';
import { Checkbox } from '../../components/Checkbox.js';
import { DateInput } from '../../components/DateInput.js';
import type { FieldError } from '../../components/ErrorSummary.js';
import { Radios } from '../../components/Radios.js';
import { Select } from '../../components/Select.js';
import { TextField } from '../../components/TextField.js';
import { problem } from '../../feedback.js';
import { isoFromParts, partsFromIso, todayIso, type DateParts } from '../../forms.js';
import { ChildScreenTop } from './ChildScreenTop.js';
import { reRead } from './reRead.js';

type SensitiveChoice = SensitiveCategory | 'none';
const sensitiveOptions: readonly { value: SensitiveChoice; label: string }[] = [
  { value: 'none', label: 'Not a sensitive service' },
  { value: 'sexual-health', label: 'Sexual health' },
  { value: 'mental-health', label: 'Mental health' },
  { value: 'substance-misuse', label: 'Substance misuse' },
];

export function InvolvementScreen(props: {
  child: ChildSearchResult;
  reason: string;
  onCancel: () => void;
  onSaved: (record: RecordView) => void;
}) {
  const { child, reason, onCancel, onSaved } = props;
  const [service, setService] = useState('');
  const [start, setStart] = useState<DateParts>(partsFromIso(todayIso()));
  const [lead, setLead] = useState(false);
  const [caf, setCaf] = useState(false);
  const [sensitive, setSensitive] = useState<SensitiveChoice>('none');
  const [basis, setBasis] = useState<'consent' | 'significant-harm' | ''>('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [busy, setBusy] = useState(false);
  const errorFor = (field: string) => errors.find((e) => e.field === field)?.message;

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const problems: FieldError[] = [];
    if (service.trim() === '') problems.push({ field: 'service', message: 'Enter your service or role' });
    else if (service.trim().length > 200)
      problems.push({ field: 'service', message: 'Service or role must be 200 characters or fewer' });
    const startDate = isoFromParts(start);
    if (startDate === null) problems.push({ field: 'start-day', message: 'Start date must be a real date' });
    if (sensitive !== 'none' && basis === '')
      problems.push({ field: 'basis-consent', message: 'Select the basis for recording a sensitive service' });
    setErrors(problems);
    if (problems.length > 0 || startDate === null) return;
    setBusy(true);
    const r = await getApi().involvements.record({
      cpNumber: child.cpNumber,
      involvement: {
        service: service.trim(),
        startDate,
        leadProfessional: lead,
        cafCompleted: caf,
        ...(sensitive !== 'none' && basis !== '' ? { sensitiveCategory: sensitive, sensitiveBasis: basis } : {}),
      },
    });
    if (!r.ok) {
      setBusy(false);
      setErrors(problem(r.error, 'service'));
      return;
    }
    const reread = await reRead(child.cpNumber, reason);
    setBusy(false);
    if (reread.ok) onSaved(reread.value);
    else setErrors(problem(reread.error, 'service'));
  };

  return (
    <>
      <ChildScreenTop
        child={child}
        title="Record your involvement"
        back="Back to the record"
        onBack={onCancel}
        errors={errors}
      />
      <p className="govuk-body">
        Record only that you are involved and how to reach you. Never add case notes or details of your work with the
        child.
      </p>
      <form noValidate onSubmit={(e) => void onSubmit(e)} aria-label="Record your involvement">
        <TextField
          id="service"
          label="Service or role"
          hint="For example, Health visiting or School nursing"
          width={20}
          maxLength={200}
          value={service}
          onChange={(e) => setService(e.target.value)}
          error={errorFor('service')}
        />
        <DateInput id="start" legend="Start date" value={start} onChange={setStart} error={errorFor('start-day')} />
        <Checkbox id="lead" label="I am the lead professional" checked={lead} onChange={setLead} />
        <Checkbox id="caf" label="CAF completed" checked={caf} onChange={setCaf} />
        <Select
          id="sensitive"
          label="Sensitive service"
          options={sensitiveOptions}
          value={sensitive}
          onChange={setSensitive}
        />
        {sensitive !== 'none' ? (
          <Radios
            name="basis"
            legend="Basis for recording it"
            options={[
              { value: 'consent', label: 'The child (or a parent) has consented' },
              { value: 'significant-harm', label: 'I have reasonable cause to suspect significant harm' },
            ]}
            value={basis}
            onChange={setBasis}
            error={errorFor('basis-consent')}
          />
        ) : null}
        <button type="submit" className="govuk-button" disabled={busy} aria-disabled={busy}>
          Save involvement
        </button>
      </form>
    </>
  );
}
