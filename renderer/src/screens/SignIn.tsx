// Sign-in, and unlocking (the same form: unlocking is a fresh sign-in). The PIN,
// password and code go to main once per attempt and are cleared from the form after
// every attempt, right or wrong.
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import type { AppError, CardStatus } from '../../../domain/ipc-contract.js';
import type { ServiceState } from '../App.js';
import { getApi } from '../api.js';
import { ErrorSummary, type FieldError } from '../components/ErrorSummary.js';
import { HelpdeskContact } from '../components/HelpdeskContact.js';
import { PageHeading } from '../components/PageHeading.js';
import { Warning } from '../components/Warning.js';
import { Radios, type RadioOption } from '../components/Radios.js';
import { TextField } from '../components/TextField.js';
import { Activate } from './Activate.js';
import { ActivateCard } from './ActivateCard.js';

type Method = 'card' | 'token';

interface Values {
  method: Method | '';
  pin: string;
  userId: string;
  password: string;
  otp: string;
}

const methods: readonly RadioOption<Method>[] = [
  { value: 'card', label: 'Smartcard' },
  { value: 'token', label: 'Security token' },
];

/** GOV.UK wording: say what to do, not what went wrong. */
export function validateSignIn(v: Values): FieldError[] {
  const errors: FieldError[] = [];
  if (v.method === '') errors.push({ field: 'method-card', message: 'Select how you are signing in' });
  if (v.method === 'card') {
    if (v.pin === '') errors.push({ field: 'pin', message: 'Enter your smartcard PIN' });
    else if (!/^[0-9]{4,12}$/.test(v.pin)) errors.push({ field: 'pin', message: 'PIN must be 4 to 12 numbers' });
  }
  if (v.method === 'token') {
    if (v.userId.trim() === '') errors.push({ field: 'userId', message: 'Enter your user ID' });
    if (v.password === '') errors.push({ field: 'password', message: 'Enter your password' });
    const otp = v.otp.replace(/\s/g, '');
    if (otp === '') errors.push({ field: 'otp', message: 'Enter the 6-digit code from your security token' });
    else if (!/^[0-9]{6}$/.test(otp)) errors.push({ field: 'otp', message: 'Code must be 6 numbers' });
  }
  return errors;
}

/** Which field a refusal from main is about, so the summary links there. */
function fieldFor(error: AppError, method: Method): string {
  if (method === 'card') return 'pin';
  if (error.code === 'sign-in-refused') return 'otp';
  return 'userId';
}

function ServiceLine({ service }: { service: ServiceState }) {
  if (service.state === 'checking') {
    return <p className="govuk-body cp-status">Checking the connection to the national index…</p>;
  }
  if (service.state === 'unreachable')
    return (
      <>
        <Warning>{service.message}</Warning>
        <HelpdeskContact />
      </>
    );
  return (
    <p className="govuk-body cp-status" data-testid="service-status">
      Connected to the national index{service.status.trainingMode ? ' (training)' : ''}.
    </p>
  );
}

function cardLine(status: CardStatus | null): string {
  if (status === null) return 'Looking for your smartcard…';
  if (status.reader === 'module-missing') return 'This computer cannot read smartcards. Sign in with a security token.';
  if (status.reader === 'error')
    return 'The smartcard reader is not working. Sign in with a security token, or tell your IT service desk.';
  if (!status.present) return 'Insert your smartcard.';
  if (status.userId === undefined) return 'More than one smartcard is inserted: remove all but yours.';
  return `Smartcard inserted for ${status.userId}.`;
}

/** Polls the card reader while the card method is chosen. */
function useCardStatus(active: boolean): CardStatus | null {
  const [status, setStatus] = useState<CardStatus | null>(null);
  useEffect(() => {
    if (!active) return;
    let live = true;
    const check = () =>
      void getApi()
        .card.status()
        .then((r) => {
          if (live && r.ok) setStatus(r.value);
        });
    check();
    const timer = setInterval(check, 1000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [active]);
  return status;
}

export interface SignInProps {
  service: ServiceState;
  /** Unlocking a locked session: the same sign-in, worded for it. */
  unlock?: { method: 'card' | 'otp'; userId: string; name: string; why: string } | undefined;
  /** Shown above the form: why the user is signed out. */
  notice?: ReactNode;
}

export function SignIn({ service, unlock, notice }: SignInProps) {
  const initialMethod: Method | '' = unlock ? (unlock.method === 'card' ? 'card' : 'token') : '';
  const [values, setValues] = useState<Values>({
    method: initialMethod,
    pin: '',
    userId: unlock?.method === 'otp' ? unlock.userId : '',
    password: '',
    otp: '',
  });
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [busy, setBusy] = useState(false);
  const [activating, setActivating] = useState(false);
  const [activatingCard, setActivatingCard] = useState(false);
  const card = useCardStatus(values.method === 'card' && !activating && !activatingCard);
  const errorFor = (field: string) => errors.find((e) => e.field === field)?.message;
  const set = (field: keyof Values) => (e: { target: { value: string } }) =>
    setValues((v) => ({ ...v, [field]: e.target.value }));

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const problems = validateSignIn(values);
    setErrors(problems);
    if (problems.length > 0 || values.method === '') return;
    const method = values.method;
    setBusy(true);
    const api = getApi();
    const result =
      method === 'card'
        ? await api.session.signInCard({ pin: values.pin })
        : await api.session.signInToken({
            userId: values.userId.trim(),
            password: values.password,
            otp: values.otp.replace(/\s/g, ''),
          });
    // Secrets never stay in the form, whatever the outcome.
    setValues((v) => ({ ...v, pin: '', password: '', otp: '' }));
    setBusy(false);
    // On success main announces the new session and the App moves on.
    if (!result.ok) setErrors([{ field: fieldFor(result.error, method), message: result.error.message }]);
  };

  if (activating) {
    return (
      <Activate
        onDone={(userId) => {
          setActivating(false);
          if (userId !== null) setValues((v) => ({ ...v, method: 'token', userId }));
        }}
      />
    );
  }

  if (activatingCard) {
    return (
      <ActivateCard
        onDone={(activated) => {
          setActivatingCard(false);
          if (activated) setValues((v) => ({ ...v, method: 'card' }));
        }}
      />
    );
  }

  const title = unlock ? 'ContactPoint is locked' : 'Sign in to ContactPoint';
  const button = unlock ? 'Unlock' : 'Continue';
  return (
    <div className="govuk-grid-row">
      <div className="govuk-grid-column-two-thirds">
        <ErrorSummary errors={errors} />
        <PageHeading>{title}</PageHeading>
        {unlock ? (
          <>
            {/* An alert: the screen locked without the person doing anything, so a screen reader must say why. */}
            <p className="govuk-body-l" role="alert" data-testid="lock-reason">
              {unlock.why}
            </p>
            <p className="govuk-body">
              Signed in as <bdi>{unlock.name}</bdi>. Sign in again to continue.
            </p>
          </>
        ) : null}
        {notice}
        <ServiceLine service={service} />
        <form noValidate onSubmit={(e) => void onSubmit(e)} aria-label={unlock ? 'Unlock' : 'Sign in'}>
          {unlock ? null : (
            <Radios
              name="method"
              legend="How are you signing in?"
              options={methods}
              value={values.method}
              onChange={(method) => setValues((v) => ({ ...v, method }))}
              error={errorFor('method-card')}
            />
          )}

          {values.method === 'card' ? (
            <>
              <p className="govuk-body" data-testid="card-status" aria-live="polite">
                {cardLine(card)}
              </p>
              <TextField
                id="pin"
                label="Smartcard PIN"
                hint="Insert your smartcard, then enter its PIN"
                type="password"
                inputMode="numeric"
                autoComplete="off"
                width={10}
                value={values.pin}
                onChange={set('pin')}
                error={errorFor('pin')}
              />
            </>
          ) : null}

          {values.method === 'token' ? (
            <>
              <TextField
                id="userId"
                label="User ID"
                autoComplete="off"
                spellCheck={false}
                width={20}
                value={values.userId}
                onChange={set('userId')}
                error={errorFor('userId')}
              />
              <TextField
                id="password"
                label="Password"
                type="password"
                autoComplete="off"
                width={20}
                value={values.password}
                onChange={set('password')}
                error={errorFor('password')}
              />
              <TextField
                id="otp"
                label="Security code"
                hint="The 6-digit code shown on your security token"
                inputMode="numeric"
                autoComplete="one-time-code"
                width={5}
                value={values.otp}
                onChange={set('otp')}
                error={errorFor('otp')}
              />
            </>
          ) : null}

          <button
            type="submit"
            className="govuk-button"
            data-module="govuk-button"
            disabled={busy}
            aria-disabled={busy}
          >
            {busy ? 'Signing in…' : button}
          </button>
        </form>
        {unlock ? null : (
          <p className="govuk-body">
            <button type="button" className="govuk-link cp-link-button" onClick={() => setActivating(true)}>
              Activate a new account or a replacement security token
            </button>
          </p>
        )}
        {unlock ? null : (
          <p className="govuk-body">
            <button type="button" className="govuk-link cp-link-button" onClick={() => setActivatingCard(true)}>
              Activate a smartcard enrolled for you
            </button>
          </p>
        )}
        {/* Who to call, on the sign-in and lock screens alike (beside the warning when the service cannot be reached). */}
        {service.state === 'unreachable' ? null : <HelpdeskContact />}
      </div>
    </div>
  );
}
