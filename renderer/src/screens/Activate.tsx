// Activating a new account or a replacement token, as its holder (docs/security.md
// "Separation of duties"): the two halves of the activation code, handed over in person
// by the two people who asked for and confirmed it, and a password only the holder
// knows. The token's secret is shown once, here, for the holder's authenticator; it is
// never sent anywhere else and goes from the page when the holder moves on.
import { useRef, useState, type FormEvent } from 'react';
import type { ActivatedToken } from '../../../domain/ipc-contract.js';
import { getApi } from '../api.js';
import { PageHeading } from '../components/PageHeading.js';
import { ErrorSummary, type FieldError } from '../components/ErrorSummary.js';
import { TextField } from '../components/TextField.js';

interface Values {
  userId: string;
  firstHalf: string;
  secondHalf: string;
  password: string;
  confirm: string;
}

const half = /^[0-9A-Za-z]{5}[-\s]?[0-9A-Za-z]{5}$/;

export function validateActivation(v: Values): FieldError[] {
  const problems: FieldError[] = [];
  if (v.userId.trim() === '') problems.push({ field: 'act-userId', message: 'Enter your user ID' });
  if (!half.test(v.firstHalf.trim()))
    problems.push({
      field: 'act-first',
      message: 'Enter the first half of the activation code: 10 letters and digits, such as 7KQ2M-XR4PD',
    });
  if (!half.test(v.secondHalf.trim()))
    problems.push({
      field: 'act-second',
      message: 'Enter the second half of the activation code: 10 letters and digits, such as 7KQ2M-XR4PD',
    });
  if (v.password.length < 12)
    problems.push({ field: 'act-password', message: 'Choose a password of at least 12 characters' });
  else if (v.password !== v.confirm)
    problems.push({ field: 'act-confirm', message: 'The two passwords are not the same' });
  return problems;
}

export function Activate({ onDone }: { onDone: (userId: string | null) => void }) {
  const [values, setValues] = useState<Values>({
    userId: '',
    firstHalf: '',
    secondHalf: '',
    password: '',
    confirm: '',
  });
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [busy, setBusy] = useState(false);
  const [token, setToken] = useState<ActivatedToken | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const errorFor = (field: string) => errors.find((e) => e.field === field)?.message;
  const set = (field: keyof Values) => (e: { target: { value: string } }) =>
    setValues((v) => ({ ...v, [field]: e.target.value }));

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const problems = validateActivation(values);
    setErrors(problems);
    if (problems.length > 0) return;
    setBusy(true);
    const r = await getApi().session.activate({
      userId: values.userId.trim(),
      firstHalf: values.firstHalf.trim(),
      secondHalf: values.secondHalf.trim(),
      password: values.password,
    });
    // The password leaves the form whatever the outcome.
    setValues((v) => ({ ...v, password: '', confirm: '' }));
    setBusy(false);
    if (!r.ok) {
      setErrors([
        { field: r.error.code === 'invalid-request' ? 'act-password' : 'act-first', message: r.error.message },
      ]);
      return;
    }
    setToken(r.value);
    // The secret is the next thing to read: move focus to its heading.
    setTimeout(() => heading.current?.focus(), 0);
  };

  if (token) {
    return (
      <div className="govuk-grid-row">
        <div className="govuk-grid-column-two-thirds">
          <h1 className="govuk-heading-l" ref={heading} tabIndex={-1}>
            Your account is active
          </h1>
          <p className="govuk-body">
            Add this secret to your security token or authenticator app now. It is shown this once: ContactPoint keeps
            it sealed and nobody can show it again.
          </p>
          <dl className="govuk-summary-list" data-testid="activated-token">
            <div className="govuk-summary-list__row">
              <dt className="govuk-summary-list__key">User ID</dt>
              <dd className="govuk-summary-list__value">{token.userId}</dd>
            </div>
            <div className="govuk-summary-list__row">
              <dt className="govuk-summary-list__key">Security token secret</dt>
              <dd className="govuk-summary-list__value cp-code" data-testid="activated-secret">
                {token.totpSecret}
              </dd>
            </div>
          </dl>
          <button type="button" className="govuk-button" onClick={() => onDone(token.userId)}>
            I have added it: sign in
          </button>
        </div>
      </div>
    );
  }

  return (
    <div className="govuk-grid-row">
      <div className="govuk-grid-column-two-thirds">
        <ErrorSummary errors={errors} />
        <PageHeading>Activate your account</PageHeading>
        <p className="govuk-body">
          Use this when you have a new account or a replacement security token. You were given the activation code in
          two halves, in person: one by the person who asked for your account, one by the person who confirmed it.
        </p>
        <form noValidate onSubmit={(e) => void onSubmit(e)} aria-label="Activate your account">
          <TextField
            id="act-userId"
            label="User ID"
            autoComplete="off"
            spellCheck={false}
            width={20}
            value={values.userId}
            onChange={set('userId')}
            error={errorFor('act-userId')}
          />
          <TextField
            id="act-first"
            label="First half of the activation code"
            hint="From the person who asked for your account"
            autoComplete="off"
            spellCheck={false}
            width={10}
            value={values.firstHalf}
            onChange={set('firstHalf')}
            error={errorFor('act-first')}
          />
          <TextField
            id="act-second"
            label="Second half of the activation code"
            hint="From the person who confirmed it"
            autoComplete="off"
            spellCheck={false}
            width={10}
            value={values.secondHalf}
            onChange={set('secondHalf')}
            error={errorFor('act-second')}
          />
          <TextField
            id="act-password"
            label="Choose a password"
            hint="At least 12 characters. Only you will know it."
            type="password"
            autoComplete="new-password"
            width={20}
            value={values.password}
            onChange={set('password')}
            error={errorFor('act-password')}
          />
          <TextField
            id="act-confirm"
            label="Type the password again"
            type="password"
            autoComplete="new-password"
            width={20}
            value={values.confirm}
            onChange={set('confirm')}
            error={errorFor('act-confirm')}
          />
          <div className="govuk-button-group">
            <button type="submit" className="govuk-button" disabled={busy} aria-disabled={busy}>
              {busy ? 'Activating…' : 'Activate'}
            </button>
            <button type="button" className="govuk-button govuk-button--secondary" onClick={() => onDone(null)}>
              Back to sign in
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
