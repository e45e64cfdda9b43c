// "Correct this record": a form of every field of the record the team may change, the
// check-your-answers page with each change's before, after and provenance, and the
// correction's state once queued (waiting for the national index, accepted, or a conflict
// to decide). The form is filled from the record as the screen holds it: a shielded
// record whose details are withheld offers only what a shield leaves visible.
import { useEffect, useMemo, useRef, useState } from 'react';
import {
  changeLines,
  draftFromForm,
  FORM_LABELS,
  formFromRecord,
  provenanceOf,
  type CorrectionForm,
  type CorrectionView,
  type FieldError,
} from '../../../../domain/correction.js';
import type { EditableChanges } from '../../../../domain/api/sync.js';
import type { WorkingSetRecordView } from '../../../../domain/working-set-access.js';
import { getApi } from '../../api.js';
import { Checkbox } from '../../components/Checkbox.js';
import { ErrorSummary } from '../../components/ErrorSummary.js';
import { Radios } from '../../components/Radios.js';
import { Select } from '../../components/Select.js';
import { TextField, type TextFieldProps } from '../../components/TextField.js';
import { TextArea } from '../../components/TextArea.js';
import { CorrectionStatus } from './CorrectionStatus.js';
import { TableScroll } from '../../components/TableScroll.js';

const RELATIONSHIPS = ['mother', 'father', 'step-parent', 'carer', 'guardian', 'grandparent', 'other'] as const;
/** Where the error summary sends the focus for a field that is a group of radios. */
const FIRST_INPUT: Record<string, string> = {
  gender: 'gender-male',
  whereabouts: 'whereabouts-current',
  intendsToReturn: 'intendsToReturn-yes',
  archive: 'archive-18',
  parents: 'parent-0-name',
};

export function CorrectionFlow({
  view,
  cleanseTaskId,
  onCancel,
  onQueued,
  onAccepted,
}: {
  view: WorkingSetRecordView;
  cleanseTaskId?: number;
  onCancel: () => void;
  onQueued?: (c: CorrectionView) => void;
  /** The national index accepted the correction (a task it closes has gone from its queue). */
  onAccepted?: () => void;
}) {
  const [form, setForm] = useState<CorrectionForm>(() => formFromRecord(view.record));
  const [errors, setErrors] = useState<FieldError[]>([]);
  // The summary's links go to each field's first input. Kept as one array until the errors
  // change: the summary takes focus when it is given a new array, so a new one at each
  // render would pull focus out of the field at each key.
  const summaryErrors = useMemo(() => errors.map((e) => ({ ...e, field: FIRST_INPUT[e.field] ?? e.field })), [errors]);
  const [stage, setStage] = useState<'form' | 'check' | 'queued'>('form');
  const [changes, setChanges] = useState<EditableChanges | null>(null);
  const [queued, setQueued] = useState<CorrectionView | null>(null);
  const [localAuthority, setLocalAuthority] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, [stage]);
  useEffect(() => {
    // The team's authority, for the provenance the check page shows.
    void getApi()
      .workingSet.status()
      .then((r) => {
        if (r.ok) setLocalAuthority(r.value.localAuthority);
      });
  }, []);

  const set = <K extends keyof CorrectionForm>(key: K, value: CorrectionForm[K]) =>
    setForm((f) => ({ ...f, [key]: value }));
  const err = (field: string) => errors.find((e) => e.field === field)?.message;
  /** A text field of the form: its id, label, value and error all come from its key. */
  const text = (
    key: { [K in keyof CorrectionForm]: CorrectionForm[K] extends string ? K : never }[keyof CorrectionForm],
    extra: Partial<Pick<TextFieldProps, 'hint' | 'width' | 'inputMode' | 'autoComplete'>> = {},
  ) => (
    <TextField
      id={key}
      label={FORM_LABELS[key]!}
      {...extra}
      value={form[key]}
      error={err(key)}
      onChange={(e) => set(key, e.target.value)}
    />
  );
  const today = new Date().toISOString().slice(0, 10);
  const withheld = view.withheld;

  const check = async () => {
    // The form's own checks here; the national index's schemas in main, which holds them.
    const d = draftFromForm(view.record, form, { withheld });
    if (d.draft === null) {
      setErrors(d.errors);
      return;
    }
    const checked = await getApi().correction.check({ record: view.record, draft: d.draft, withheld });
    if (!checked.ok) {
      setErrors([{ field: 'correction-submit', message: checked.error.message }]);
      return;
    }
    const r = checked.value;
    if (r.changes === null) {
      setErrors(r.errors);
      return;
    }
    setErrors([]);
    setChanges(r.changes);
    setStage('check');
  };
  const submit = async () => {
    if (!changes) return;
    const r = await getApi().correction.submit({
      cpNumber: view.cpNumber,
      baseVersion: view.version,
      changes,
      revealed: !withheld,
      ...(cleanseTaskId !== undefined ? { cleanseTaskId } : {}),
    });
    if (!r.ok) {
      setErrors([{ field: 'correction-submit', message: r.error.message }]);
      return;
    }
    setQueued(r.value);
    setStage('queued');
    onQueued?.(r.value);
  };

  const name = view.record.name as { given?: string; family?: string } | undefined;
  const who = `${name?.given ?? ''} ${name?.family ?? ''}`.trim();

  if (stage === 'queued' && queued)
    return (
      <section aria-labelledby="correction-heading" data-testid="correction">
        <h3 className="govuk-heading-m" id="correction-heading" tabIndex={-1} ref={heading}>
          Correction of {view.cpNumber}
        </h3>
        <CorrectionStatus of={{ cpNumber: view.cpNumber }} from={queued.id} onAccepted={onAccepted} />
        <button type="button" className="govuk-button govuk-button--secondary" onClick={onCancel}>
          Back
        </button>
      </section>
    );

  if (stage === 'check' && changes) {
    const provenance = provenanceOf(localAuthority, today);
    return (
      <section aria-labelledby="correction-heading" data-testid="correction-check">
        <ErrorSummary errors={errors} />
        <h3 className="govuk-heading-m" id="correction-heading" tabIndex={-1} ref={heading}>
          Check your correction of {view.cpNumber}
        </h3>
        <TableScroll>
          <table className="govuk-table" data-testid="correction-changes">
            <caption className="govuk-table__caption govuk-table__caption--s">
              What changes in the national index, and who changed it
            </caption>
            <thead className="govuk-table__head">
              <tr className="govuk-table__row">
                <th scope="col" className="govuk-table__header">
                  Field
                </th>
                <th scope="col" className="govuk-table__header">
                  Before
                </th>
                <th scope="col" className="govuk-table__header">
                  After
                </th>
                <th scope="col" className="govuk-table__header">
                  Provenance
                </th>
              </tr>
            </thead>
            <tbody className="govuk-table__body">
              {changeLines(view.record, changes).map((l) => (
                <tr className="govuk-table__row" key={l.key}>
                  <th scope="row" className="govuk-table__header">
                    {l.label}
                  </th>
                  <td className="govuk-table__cell cp-wrap">{l.before}</td>
                  <td className="govuk-table__cell cp-wrap">{l.after}</td>
                  <td className="govuk-table__cell">{provenance}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
        <p className="govuk-body">
          The correction goes to the national index as a signed change against version {view.version}.
          {cleanseTaskId !== undefined ? ' The task closes when the national index has accepted it.' : ''}
        </p>
        <div className="govuk-button-group">
          <button type="button" className="govuk-button" id="correction-submit" onClick={() => void submit()}>
            Send the correction
          </button>
          <button type="button" className="govuk-button govuk-button--secondary" onClick={() => setStage('form')}>
            Change it
          </button>
          <button type="button" className="cp-link-button" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </section>
    );
  }

  const needsAddress = form.whereabouts === 'current' || form.whereabouts === 'last-known';
  return (
    <section aria-labelledby="correction-heading" data-testid="correction-form">
      <ErrorSummary errors={summaryErrors} />
      <h3 className="govuk-heading-m" id="correction-heading" tabIndex={-1} ref={heading}>
        Correct the record of <bdi>{who}</bdi> <span className="govuk-caption-m">{view.cpNumber}</span>
      </h3>
      {withheld ? (
        <div className="govuk-inset-text" data-testid="correction-withheld">
          This record is shielded and its hidden details are not shown: only its names, gender, date of birth and the
          names of its parents or carers can be corrected here. Show its shielded details to correct the rest.
        </div>
      ) : null}
      {text('given')}
      {text('family')}
      {text('dob', { hint: 'For example 2015-03-27', width: 10 })}
      <Radios
        name="gender"
        legend="Gender"
        options={[
          { value: 'male', label: 'Male' },
          { value: 'female', label: 'Female' },
          { value: 'not-specified', label: 'Not specified' },
        ]}
        value={form.gender}
        onChange={(v) => set('gender', v)}
        error={err('gender')}
      />
      <fieldset className="govuk-fieldset govuk-!-margin-bottom-6">
        <legend className="govuk-fieldset__legend govuk-fieldset__legend--m">Parents and carers</legend>
        {err('parents') ? <p className="govuk-error-message">{err('parents')}</p> : null}
        {form.parents.length === 0 ? <p className="govuk-body">None recorded.</p> : null}
        {form.parents.map((p, i) => {
          const setParent = (patch: Partial<typeof p>) =>
            set(
              'parents',
              form.parents.map((q, j) => (j === i ? { ...q, ...patch } : q)),
            );
          return (
            <div key={i} className="govuk-!-margin-bottom-4">
              <TextField
                id={`parent-${i}-name`}
                label={`Parent or carer ${i + 1}: name`}
                value={p.name}
                onChange={(e) => setParent({ name: e.target.value })}
              />
              <Select
                id={`parent-${i}-relationship`}
                label={`Parent or carer ${i + 1}: relationship`}
                options={RELATIONSHIPS.map((r) => ({ value: r, label: r.replace('-', ' ') }))}
                value={
                  (RELATIONSHIPS as readonly string[]).includes(p.relationship)
                    ? (p.relationship as (typeof RELATIONSHIPS)[number])
                    : 'other'
                }
                onChange={(v) => setParent({ relationship: v })}
              />
              {withheld ? null : (
                <>
                  <TextField
                    id={`parent-${i}-phone`}
                    label={`Parent or carer ${i + 1}: telephone (leave empty if not known)`}
                    type="tel"
                    value={p.phone}
                    onChange={(e) => setParent({ phone: e.target.value })}
                  />
                  <TextField
                    id={`parent-${i}-email`}
                    label={`Parent or carer ${i + 1}: email (leave empty if not known)`}
                    type="email"
                    value={p.email}
                    onChange={(e) => setParent({ email: e.target.value })}
                  />
                </>
              )}
            </div>
          );
        })}
      </fieldset>
      {withheld ? null : (
        <>
          {text('dateOfDeath', { hint: 'Leave empty unless the child has died. For example 2026-11-30', width: 10 })}
          <Radios
            name="whereabouts"
            legend="Whereabouts"
            options={[
              { value: 'current', label: 'Current address' },
              { value: 'last-known', label: 'Last known address' },
              { value: 'no-known-address', label: 'No known address' },
              { value: 'left-england', label: 'Left England' },
            ]}
            value={form.whereabouts}
            onChange={(v) => set('whereabouts', v)}
            error={err('whereabouts')}
          />
          {form.whereabouts === 'left-england' ? (
            <Radios
              name="intendsToReturn"
              legend="Does the child intend to return to England?"
              options={[
                { value: 'yes', label: 'Yes' },
                { value: 'no', label: 'No' },
                { value: 'not-known', label: 'Not known' },
              ]}
              value={form.intendsToReturn}
              onChange={(v) => set('intendsToReturn', v)}
              error={err('intendsToReturn')}
            />
          ) : null}
          {needsAddress ? (
            <>
              <TextArea
                id="addressLines"
                label="Address (one line each)"
                value={form.addressLines}
                error={err('addressLines')}
                onChange={(v) => set('addressLines', v)}
              />
              {text('postcode', { width: 10 })}
            </>
          ) : null}
          <TextField
            id="nhsNumber"
            label={FORM_LABELS.nhsNumber!}
            hint="10 digits"
            width={10}
            inputMode="numeric"
            disabled={form.nhsNotKnown}
            value={form.nhsNumber}
            error={err('nhsNumber')}
            onChange={(e) => set('nhsNumber', e.target.value)}
          />
          <Checkbox
            id="nhsNotKnown"
            label="NHS number not known"
            checked={form.nhsNotKnown}
            onChange={(v) => set('nhsNotKnown', v)}
          />
          <TextField
            id="upn"
            label={FORM_LABELS.upn!}
            hint="13 characters, starting with a check letter"
            width={20}
            disabled={form.upnNotKnown}
            value={form.upn}
            error={err('upn')}
            onChange={(e) => set('upn', e.target.value)}
          />
          <Checkbox
            id="upnNotKnown"
            label="UPN not known"
            checked={form.upnNotKnown}
            onChange={(v) => set('upnNotKnown', v)}
          />
          <fieldset className="govuk-fieldset govuk-!-margin-bottom-6">
            <legend className="govuk-fieldset__legend govuk-fieldset__legend--m">Educational setting</legend>
            <Checkbox
              id="educationNotKnown"
              label="Educational setting not known"
              checked={form.educationNotKnown}
              onChange={(v) => set('educationNotKnown', v)}
            />
            {form.educationNotKnown ? null : (
              <>
                {text('educationUrn', {
                  hint: "The school's 6-digit URN from Get Information about Schools",
                  width: 10,
                  inputMode: 'numeric',
                })}
                {text('educationName')}
                {text('educationStart', { hint: 'For example 2024-09-04', width: 10 })}
              </>
            )}
          </fieldset>
          <fieldset className="govuk-fieldset govuk-!-margin-bottom-6">
            <legend className="govuk-fieldset__legend govuk-fieldset__legend--m">GP practice</legend>
            <Checkbox
              id="gpNotKnown"
              label="GP practice not known"
              checked={form.gpNotKnown}
              onChange={(v) => set('gpNotKnown', v)}
            />
            {form.gpNotKnown ? null : (
              <>
                {text('gpOds', { hint: 'For example N82001', width: 10 })}
                {text('gpName')}
              </>
            )}
          </fieldset>
          <Radios
            name="archive"
            legend="Archive age"
            options={[
              { value: '18', label: '18 (the default)' },
              { value: 'connexions', label: '19: Connexions, with consent' },
              { value: 'care-leaver', label: '25: care leaver, with consent' },
            ]}
            value={form.archive}
            onChange={(v) => set('archive', v)}
            error={err('archive')}
          />
          {form.archive === '18' ? null : (
            <Checkbox
              id="archiveConsent"
              label="Consent to keeping the record past 18 is recorded"
              checked={form.archiveConsent}
              error={err('archiveConsent')}
              onChange={(v) => set('archiveConsent', v)}
            />
          )}
        </>
      )}
      <div className="govuk-button-group">
        <button type="button" className="govuk-button" onClick={() => void check()}>
          Continue
        </button>
        <button type="button" className="cp-link-button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </section>
  );
}
