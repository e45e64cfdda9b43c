import { useState, type FormEvent } from 'react';
import type { ServiceState } from '../App.js';
import { ErrorSummary, type FieldError } from '../components/ErrorSummary.js';
import { Radios, type RadioOption } from '../components/Radios.js';
import { TextField } from '../components/TextField.js';

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

const blank: Values = { method: '', pin: '', userId: '', password: '', otp: '' };

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

function ServiceLine({ service }: { service: ServiceState }) {
  if (service.state === 'checking') {
    return <p className="govuk-body cp-status">Checking the connection to the national index…</p>;
  }
  if (service.state === 'unreachable') {
    return (
      <div className="govuk-warning-text">
        <span className="govuk-warning-text__icon" aria-hidden="true">
          !
        </span>
        <strong className="govuk-warning-text__text">
          <span className="govuk-visually-hidden">Warning</span>
          {service.message}
        </strong>
      </div>
    );
  }
  return (
    <p className="govuk-body cp-status" data-testid="service-status">
      Connected to the national index{service.status.trainingMode ? ' (training)' : ''}.
    </p>
  );
}

export function SignIn({ service }: { service: ServiceState }) {
  const [values, setValues] = useState<Values>(blank);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const errorFor = (field: string) => errors.find((e) => e.field === field)?.message;
  const set = (field: keyof Values) => (e: { target: { value: string } }) =>
    setValues((v) => ({ ...v, [field]: e.target.value }));

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setErrors(validateSignIn(values));
  };

  return (
    <div className="govuk-grid-row">
      <div className="govuk-grid-column-two-thirds">
        <ErrorSummary errors={errors} />
        <h1 className="govuk-heading-l">Sign in to ContactPoint</h1>
        <ServiceLine service={service} />
        <form noValidate onSubmit={onSubmit} aria-label="Sign in">
          <Radios
            name="method"
            legend="How are you signing in?"
            options={methods}
            value={values.method}
            onChange={(method) => setValues((v) => ({ ...v, method }))}
            error={errorFor('method-card')}
          />

          {values.method === 'card' ? (
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

          <button type="submit" className="govuk-button" data-module="govuk-button">
            Continue
          </button>
        </form>
      </div>
    </div>
  );
}
