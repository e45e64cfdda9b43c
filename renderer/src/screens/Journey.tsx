// The practitioner's journey while signed in: find a child → give a reason → the
// record → (child-protection) view shielded details → record or end involvement.
// Everything here lives in this component's state: when the session locks or ends,
// the App unmounts it and every record, result and override goes with it.
import { useState, type FormEvent } from 'react';
import type { ChildSearchResult, InvolvementView, RecordView } from '../../../domain/api/records.js';
import type { SensitiveCategory } from '../../../domain/child-record.js';
import type { Result, SignedInUser } from '../../../domain/ipc-contract.js';
import { getApi } from '../api.js';
import { Banner } from '../components/Banner.js';
import { Checkbox } from '../components/Checkbox.js';
import { DateInput } from '../components/DateInput.js';
import { Name } from '../components/Name.js';
import { PageHeading } from '../components/PageHeading.js';
import { Select } from '../components/Select.js';
import { TableHead } from '../components/TableHead.js';
import { TextArea } from '../components/TextArea.js';
import { Warning } from '../components/Warning.js';
import { ErrorSummary, type FieldError } from '../components/ErrorSummary.js';
import { Radios } from '../components/Radios.js';
import { TextField } from '../components/TextField.js';
import { problem } from '../feedback.js';
import { formatDate } from '../format.js';
import { emptySearch, genderLabel, isoFromParts, partsFromIso, todayIso, validateSearch, type DateParts, type SearchForm } from '../forms.js';
import { RecordDetails } from './RecordView.js';

type Screen =
  | { name: 'search' }
  | { name: 'reason'; child: ChildSearchResult }
  | { name: 'record'; child: ChildSearchResult; reason: string; record: RecordView; override: boolean; banner?: string }
  | { name: 'override'; back: RecordScreenState }
  | { name: 'involvement'; back: RecordScreenState };
type RecordScreenState = Extract<Screen, { name: 'record' }>;

export function Journey({ user }: { user: SignedInUser }) {
  const [screen, setScreen] = useState<Screen>({ name: 'search' });
  const [form, setForm] = useState<SearchForm>(emptySearch);
  const [results, setResults] = useState<{ results: ChildSearchResult[]; truncated: boolean } | null>(null);

  const toSearch = () => setScreen({ name: 'search' });
  const newSearch = () => {
    setForm(emptySearch);
    setResults(null);
    setScreen({ name: 'search' });
  };

  switch (screen.name) {
    case 'search':
      return (
        <SearchScreen
          form={form}
          setForm={setForm}
          results={results}
          setResults={setResults}
          onOpen={(child) => setScreen({ name: 'reason', child })}
        />
      );
    case 'reason':
      return (
        <ReasonScreen
          child={screen.child}
          onBack={toSearch}
          onOpened={(reason, record) => setScreen({ name: 'record', child: screen.child, reason, record, override: false })}
        />
      );
    case 'record':
      return (
        <RecordScreen
          user={user}
          screen={screen}
          onBack={toSearch}
          onNewSearch={newSearch}
          onOverride={() => setScreen({ name: 'override', back: { ...screen, banner: undefined } })}
          onInvolvement={() => setScreen({ name: 'involvement', back: { ...screen, banner: undefined } })}
          // A re-read is an ordinary read: an override's details are not shown again.
          onChanged={(record, banner) => setScreen({ ...screen, record, override: false, banner })}
        />
      );
    case 'override':
      return (
        <OverrideScreen
          child={screen.back.child}
          onCancel={() => setScreen(screen.back)}
          onShown={(record) => setScreen({ ...screen.back, record, override: true })}
        />
      );
    case 'involvement':
      return (
        <InvolvementScreen
          child={screen.back.child}
          reason={screen.back.reason}
          onCancel={() => setScreen(screen.back)}
          onSaved={(record) => setScreen({ ...screen.back, record, override: false, banner: 'Your involvement has been recorded.' })}
        />
      );
  }
}

// ---------------------------------------------------------------------------------

function SearchScreen(props: {
  form: SearchForm;
  setForm: (f: SearchForm) => void;
  results: { results: ChildSearchResult[]; truncated: boolean } | null;
  setResults: (r: { results: ChildSearchResult[]; truncated: boolean } | null) => void;
  onOpen: (child: ChildSearchResult) => void;
}) {
  const { form, setForm, results, setResults, onOpen } = props;
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [busy, setBusy] = useState(false);
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const { errors: problems, query } = validateSearch(form);
    setErrors(problems);
    if (problems.length > 0) {
      setResults(null);
      return;
    }
    setBusy(true);
    const r = await getApi().children.search(query);
    setBusy(false);
    if (r.ok) setResults(r.value);
    else {
      setResults(null);
      setErrors(problem(r.error, 'surname'));
    }
  };

  return (
    <>
      <ErrorSummary errors={errors} />
      <PageHeading>Find a child</PageHeading>
      <form noValidate onSubmit={(e) => void onSubmit(e)} aria-label="Find a child">
        <SearchFields form={form} setForm={setForm} errors={errors} />
        <button type="submit" className="govuk-button" disabled={busy} aria-disabled={busy}>
          Search
        </button>
      </form>
      {results ? <Results results={results} onOpen={onOpen} /> : null}
    </>
  );
}

/** The search form's fields: the same for the national index and the working set. */
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
        <DateInput id={`${idPrefix}dob`} legend="Date of birth" hint="For example, 27 3 2015" value={form.dob} onChange={(dob) => setForm({ ...form, dob })} error={errorFor('dob-day')} />
      </div>
      <div className="govuk-grid-column-one-half">
        <TextField id={`${idPrefix}postcode`} label="Postcode" width={10} {...text('postcode')} />
        <TextField id={`${idPrefix}nhsNumber`} label="NHS number" width={10} inputMode="numeric" {...text('nhsNumber')} />
        <TextField id={`${idPrefix}cpNumber`} label="ContactPoint number" width={10} {...text('cpNumber')} />
      </div>
    </div>
  );
}

function Results({ results, onOpen }: { results: { results: ChildSearchResult[]; truncated: boolean }; onOpen: (c: ChildSearchResult) => void }) {
  return (
    <section aria-labelledby="results-heading">
      <h2 className="govuk-heading-m" id="results-heading">
        Results
      </h2>
      <p className="govuk-body" aria-live="polite">
        {results.results.length === 0
          ? 'No children match these details.'
          : results.truncated
            ? 'More than 50 children match. Add more details to narrow the search.'
            : `${results.results.length} ${results.results.length === 1 ? 'child matches' : 'children match'}.`}
      </p>
      {results.results.length > 0 ? (
        <table className="govuk-table">
          <caption className="govuk-table__caption govuk-visually-hidden">Children matching the search, best match first</caption>
          <TableHead columns={['Name', 'Date of birth', 'Gender', 'Postcode']} />
          <tbody className="govuk-table__body">
            {results.results.map((child) => (
              <tr className="govuk-table__row" key={child.cpNumber} data-testid="result-row">
                <td className="govuk-table__cell cp-wrap">
                  <button type="button" className="cp-link-button" onClick={() => onOpen(child)}>
                    <Name given={child.name.given} family={child.name.family} />
                  </button>
                  {child.shielded ? <strong className="govuk-tag govuk-tag--red cp-tag-gap">Shielded</strong> : null}
                </td>
                <td className="govuk-table__cell">{formatDate(child.dob)}</td>
                <td className="govuk-table__cell">{genderLabel(child.gender)}</td>
                <td className="govuk-table__cell">{child.postcode ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

// ---------------------------------------------------------------------------------

const reasons = [
  'Checking who else is working with this child',
  'Making or receiving a referral',
  'Safeguarding concern',
  'Arranging services for this child',
  'Other',
] as const;
type ReasonChoice = (typeof reasons)[number];

function ReasonScreen({ child, onBack, onOpened }: { child: ChildSearchResult; onBack: () => void; onOpened: (reason: string, record: RecordView) => void }) {
  const [choice, setChoice] = useState<ReasonChoice | ''>('');
  const [other, setOther] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [busy, setBusy] = useState(false);
  const errorFor = (field: string) => errors.find((e) => e.field === field)?.message;

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const problems: FieldError[] = [];
    if (choice === '') problems.push({ field: `reason-${slug(reasons[0])}`, message: 'Select why you are opening this record' });
    if (choice === 'Other' && other.trim() === '') problems.push({ field: 'other-reason', message: 'Enter your reason' });
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
      <ChildScreenTop child={child} title="Why are you opening this record?" back="Back to results" onBack={onBack} errors={errors} />
      <p className="govuk-body">Your reason is recorded with your name each time you open a record.</p>
      <form noValidate onSubmit={(e) => void onSubmit(e)} aria-label="Reason for access">
        <Radios
          name="reason"
          legend="Reason for access"
          options={reasons.map((r) => ({ value: slug(r), label: r }))}
          value={choice === '' ? '' : slug(choice)}
          onChange={(value) => setChoice(reasons.find((r) => slug(r) === value) ?? '')}
          error={errorFor(`reason-${slug(reasons[0])}`)}
        />
        {choice === 'Other' ? <TextField id="other-reason" label="Give your reason" maxLength={500} value={other} onChange={(e) => setOther(e.target.value)} error={errorFor('other-reason')} /> : null}
        <button type="submit" className="govuk-button" disabled={busy} aria-disabled={busy}>
          Open record
        </button>
      </form>
    </>
  );
}

/** The top of a screen about one child: back, errors, the child's name over the question. */
function ChildScreenTop(props: { child: ChildSearchResult; title: string; back: string; onBack: () => void; errors: FieldError[] }) {
  const { child, title, back, onBack, errors } = props;
  return (
    <>
      <BackButton onClick={onBack} label={back} />
      <ErrorSummary errors={errors} />
      <PageHeading caption={<Name given={child.name.given} family={child.name.family} />}>{title}</PageHeading>
    </>
  );
}

const slug = (s: string) => s.toLowerCase().replace(/[^a-z]+/g, '-').replace(/^-|-$/g, '');

function BackButton({ onClick, label }: { onClick: () => void; label: string }) {
  return (
    <button type="button" className="govuk-back-link cp-link-button" onClick={onClick}>
      {label}
    </button>
  );
}

// ---------------------------------------------------------------------------------

function RecordScreen(props: {
  user: SignedInUser;
  screen: Extract<Screen, { name: 'record' }>;
  onBack: () => void;
  onNewSearch: () => void;
  onOverride: () => void;
  onInvolvement: () => void;
  onChanged: (record: RecordView, banner: string) => void;
}) {
  const { user, screen, onBack, onNewSearch, onOverride, onInvolvement, onChanged } = props;
  const { record, override } = screen;
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [busy, setBusy] = useState(false);
  const mayOverride = user.roles.includes('child-protection');

  const update = async (inv: InvolvementView, change: { endDate?: string; leadProfessional?: boolean; cafCompleted?: boolean }, banner: string) => {
    setBusy(true);
    setErrors([]);
    const r = await getApi().involvements.update({ cpNumber: record.cpNumber, id: inv.id, change });
    if (!r.ok) {
      setBusy(false);
      setErrors(problem(r.error, `involvement-${inv.id}`));
      return;
    }
    const reread = await reRead(record.cpNumber, screen.reason);
    setBusy(false);
    if (reread.ok) onChanged(reread.value, banner);
    else setErrors(problem(reread.error, `involvement-${inv.id}`));
  };

  return (
    <>
      <div className="cp-record-nav">
        <BackButton onClick={onBack} label="Back to results" />
        <button type="button" className="govuk-button govuk-button--secondary cp-new-search" onClick={onNewSearch}>
          New search
        </button>
      </div>
      <ErrorSummary errors={errors} />
      {screen.banner && errors.length === 0 ? (
        <Banner title="Success" success key={`${screen.banner}:${record.version}`}>
          <p className="govuk-notification-banner__heading">{screen.banner}</p>
        </Banner>
      ) : null}
      <PageHeading caption="Child's record">
        <Name given={record.name.given} family={record.name.family} />
      </PageHeading>
      {record.shielded && override ? (
        <Banner title="Shielded record">
          <p className="govuk-notification-banner__heading">Shielded details shown under override.</p>
          <p className="govuk-body">They will be gone when you leave this record. The management team has been alerted.</p>
        </Banner>
      ) : record.shielded ? (
        <Banner title="Shielded record">
          <p className="govuk-notification-banner__heading">This record is shielded.</p>
          <p className="govuk-body">Address, contact details, education, GP and services are hidden.</p>
          {mayOverride ? (
            <button type="button" className="govuk-button govuk-button--warning" onClick={onOverride}>
              View shielded details
            </button>
          ) : null}
        </Banner>
      ) : null}
      <RecordDetails
        record={record}
        actions={{
          render: (inv) =>
            inv.mine && inv.endDate === undefined ? (
              <div className="govuk-button-group" id={`involvement-${inv.id}`} tabIndex={-1}>
                <button type="button" className="govuk-button govuk-button--secondary" disabled={busy} onClick={() => void update(inv, { endDate: todayIso() }, 'Your involvement has ended.')}>
                  End my involvement
                </button>
                {inv.cafCompleted ? null : (
                  <button type="button" className="govuk-button govuk-button--secondary" disabled={busy} onClick={() => void update(inv, { cafCompleted: true }, 'CAF marked as completed.')}>
                    Mark CAF completed
                  </button>
                )}
                <button
                  type="button"
                  className="govuk-button govuk-button--secondary"
                  disabled={busy}
                  onClick={() =>
                    void update(
                      inv,
                      { leadProfessional: !inv.leadProfessional },
                      inv.leadProfessional ? 'You are no longer the lead professional.' : 'You are now the lead professional.',
                    )
                  }
                >
                  {inv.leadProfessional ? 'Stop being lead professional' : 'Make me lead professional'}
                </button>
              </div>
            ) : null,
        }}
      />
      {user.roles.includes('practitioner') || user.roles.includes('child-protection') ? (
        <button type="button" className="govuk-button" onClick={onInvolvement}>
          Record my involvement
        </button>
      ) : null}
    </>
  );
}

function reRead(cpNumber: string, reason: string): Promise<Result<RecordView>> {
  return getApi().children.read({ cpNumber, reason });
}

// ---------------------------------------------------------------------------------

function OverrideScreen({ child, onCancel, onShown }: { child: ChildSearchResult; onCancel: () => void; onShown: (record: RecordView) => void }) {
  const [reason, setReason] = useState('');
  const [understood, setUnderstood] = useState(false);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [busy, setBusy] = useState(false);
  const errorFor = (field: string) => errors.find((e) => e.field === field)?.message;

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const problems: FieldError[] = [];
    if (reason.trim() === '') problems.push({ field: 'override-reason', message: 'Enter why you need the shielded details' });
    if (!understood) problems.push({ field: 'override-understood', message: 'Confirm that you understand this starts an investigation' });
    setErrors(problems);
    if (problems.length > 0) return;
    setBusy(true);
    const r = await getApi().children.shieldOverride({ cpNumber: child.cpNumber, reason: reason.trim(), acknowledgeInvestigation: true });
    setBusy(false);
    if (r.ok) onShown(r.value);
    else setErrors(problem(r.error, 'override-reason'));
  };

  return (
    <>
      <ChildScreenTop child={child} title="View shielded details" back="Back to the record" onBack={onCancel} errors={errors} />
      <Warning>Viewing shielded details starts an immediate investigation. The management team is alerted and must confirm your reason.</Warning>
      <form noValidate onSubmit={(e) => void onSubmit(e)} aria-label="View shielded details">
        <TextArea id="override-reason" label="Why do you need the shielded details?" value={reason} onChange={setReason} maxLength={500} error={errorFor('override-reason')} />
        <Checkbox id="override-understood" label="I understand that this starts an investigation" checked={understood} onChange={setUnderstood} error={errorFor('override-understood')} />
        <button type="submit" className="govuk-button govuk-button--warning" disabled={busy} aria-disabled={busy}>
          Show shielded details
        </button>
      </form>
    </>
  );
}

// ---------------------------------------------------------------------------------

type SensitiveChoice = SensitiveCategory | 'none';
const sensitiveOptions: readonly { value: SensitiveChoice; label: string }[] = [
  { value: 'none', label: 'Not a sensitive service' },
  { value: 'sexual-health', label: 'Sexual health' },
  { value: 'mental-health', label: 'Mental health' },
  { value: 'substance-misuse', label: 'Substance misuse' },
];

function InvolvementScreen(props: { child: ChildSearchResult; reason: string; onCancel: () => void; onSaved: (record: RecordView) => void }) {
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
    else if (service.trim().length > 200) problems.push({ field: 'service', message: 'Service or role must be 200 characters or fewer' });
    const startDate = isoFromParts(start);
    if (startDate === null) problems.push({ field: 'start-day', message: 'Start date must be a real date' });
    if (sensitive !== 'none' && basis === '') problems.push({ field: 'basis-consent', message: 'Select the basis for recording a sensitive service' });
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
      <ChildScreenTop child={child} title="Record your involvement" back="Back to the record" onBack={onCancel} errors={errors} />
      <p className="govuk-body">Record only that you are involved and how to reach you. Never add case notes or details of your work with the child.</p>
      <form noValidate onSubmit={(e) => void onSubmit(e)} aria-label="Record your involvement">
        <TextField id="service" label="Service or role" hint="For example, Health visiting or School nursing" width={20} maxLength={200} value={service} onChange={(e) => setService(e.target.value)} error={errorFor('service')} />
        <DateInput id="start" legend="Start date" value={start} onChange={setStart} error={errorFor('start-day')} />
        <Checkbox id="lead" label="I am the lead professional" checked={lead} onChange={setLead} />
        <Checkbox id="caf" label="CAF completed" checked={caf} onChange={setCaf} />
        <Select id="sensitive" label="Sensitive service" options={sensitiveOptions} value={sensitive} onChange={setSensitive} />
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

