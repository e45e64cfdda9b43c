// Activating a smartcard enrolled for its holder at the helpdesk (docs/team-guide.md
// "Helpdesk"): the card in this computer's reader, the two halves of the activation code
// handed over in person by the two people who asked for and confirmed it, and the card's
// PIN. Main reads the card and has it sign the service's challenge; the PIN goes no
// further than main and the card, and leaves the form whatever the outcome.
import { useRef, useState, type FormEvent } from 'react';
import { getApi } from '../api.js';
import { PageHeading } from '../components/PageHeading.js';
import { ErrorSummary, type FieldError } from '../components/ErrorSummary.js';
import { TextField } from '../components/TextField.js';

const half = /^[0-9A-Za-z]{5}[-\s]?[0-9A-Za-z]{5}$/;

interface Values {
  firstHalf: string;
  secondHalf: string;
  pin: string;
}

export function validateCardActivation(v: Values): FieldError[] {
  const problems: FieldError[] = [];
  if (!half.test(v.firstHalf.trim()))
    problems.push({
      field: 'actc-first',
      message: 'Enter the first half of the activation code: 10 letters and digits, such as 7KQ2M-XR4PD',
    });
  if (!half.test(v.secondHalf.trim()))
    problems.push({
      field: 'actc-second',
      message: 'Enter the second half of the activation code: 10 letters and digits, such as 7KQ2M-XR4PD',
    });
  if (!/^[0-9]{4,12}$/.test(v.pin))
    problems.push({ field: 'actc-pin', message: 'Enter the card’s PIN: 4 to 12 digits' });
  return problems;
}

export function ActivateCard({ onDone }: { onDone: (activated: boolean) => void }) {
  const [values, setValues] = useState<Values>({ firstHalf: '', secondHalf: '', pin: '' });
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const errorFor = (field: string) => errors.find((e) => e.field === field)?.message;
  const set = (field: keyof Values) => (e: { target: { value: string } }) =>
    setValues((v) => ({ ...v, [field]: e.target.value }));

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const problems = validateCardActivation(values);
    setErrors(problems);
    if (problems.length > 0) return;
    setBusy(true);
    const r = await getApi().session.activateCard({
      firstHalf: values.firstHalf.trim(),
      secondHalf: values.secondHalf.trim(),
      pin: values.pin,
    });
    setValues((v) => ({ ...v, pin: '' }));
    setBusy(false);
    if (!r.ok) {
      const field = r.error.code.startsWith('card-') ? 'actc-pin' : 'actc-first';
      setErrors([{ field, message: r.error.message }]);
      return;
    }
    setDone(r.value.userId);
    setTimeout(() => heading.current?.focus(), 0);
  };

  if (done !== null) {
    return (
      <div className="govuk-grid-row">
        <div className="govuk-grid-column-two-thirds">
          <h1 className="govuk-heading-l" ref={heading} tabIndex={-1} data-testid="card-activated">
            Your smartcard is active
          </h1>
          <p className="govuk-body">
            The card in the reader is now the smartcard of {done}. Any earlier card of yours has stopped working. Sign
            in with it and its PIN.
          </p>
          <button type="button" className="govuk-button" onClick={() => onDone(true)}>
            Sign in with the card
          </button>
        </div>
      </div>
    );
  }

  return (
    <div className="govuk-grid-row">
      <div className="govuk-grid-column-two-thirds">
        <ErrorSummary errors={errors} />
        <PageHeading>Activate your smartcard</PageHeading>
        <p className="govuk-body">
          Put your new smartcard in this computer’s reader. You were given the activation code in two halves, in person:
          one by the person who enrolled the card, one by the person who confirmed it.
        </p>
        <form noValidate onSubmit={(e) => void onSubmit(e)} aria-label="Activate your smartcard">
          <TextField
            id="actc-first"
            label="First half of the activation code"
            hint="From the person who enrolled your card"
            autoComplete="off"
            spellCheck={false}
            width={10}
            value={values.firstHalf}
            onChange={set('firstHalf')}
            error={errorFor('actc-first')}
          />
          <TextField
            id="actc-second"
            label="Second half of the activation code"
            hint="From the person who confirmed it"
            autoComplete="off"
            spellCheck={false}
            width={10}
            value={values.secondHalf}
            onChange={set('secondHalf')}
            error={errorFor('actc-second')}
          />
          <TextField
            id="actc-pin"
            label="Card PIN"
            type="password"
            inputMode="numeric"
            autoComplete="off"
            width={10}
            value={values.pin}
            onChange={set('pin')}
            error={errorFor('actc-pin')}
          />
          <div className="govuk-button-group">
            <button type="submit" className="govuk-button" disabled={busy} aria-disabled={busy}>
              {busy ? 'Activating…' : 'Activate the card'}
            </button>
            <button type="button" className="govuk-button govuk-button--secondary" onClick={() => onDone(false)}>
              Back to sign in
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
