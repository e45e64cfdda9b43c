// Small GOV.UK Design System components the journey needs beyond text fields and
// radios: date input, checkbox, select, textarea, summary list, banners, warning text.
import { useEffect, useRef, type ReactNode } from 'react';
import type { DateParts } from '../forms.js';

function ErrorMessage({ id, error }: { id: string; error: string | undefined }) {
  if (!error) return null;
  return (
    <p id={id} className="govuk-error-message">
      <span className="govuk-visually-hidden">Error:</span> {error}
    </p>
  );
}

/** GOV.UK date input: inputs `${id}-day`, `${id}-month`, `${id}-year`. */
export function DateInput(props: {
  id: string;
  legend: string;
  hint?: string;
  value: DateParts;
  onChange: (value: DateParts) => void;
  error?: string | undefined;
}) {
  const { id, legend, hint, value, onChange, error } = props;
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  const part = (name: keyof DateParts, label: string, width: 2 | 4) => (
    <div className="govuk-date-input__item">
      <div className="govuk-form-group">
        <label className="govuk-label govuk-date-input__label" htmlFor={`${id}-${name}`}>
          {label}
        </label>
        <input
          className={`govuk-input govuk-date-input__input govuk-input--width-${width}${error ? ' govuk-input--error' : ''}`}
          id={`${id}-${name}`}
          name={`${id}-${name}`}
          type="text"
          inputMode="numeric"
          autoComplete="off"
          value={value[name]}
          onChange={(e) => onChange({ ...value, [name]: e.target.value })}
        />
      </div>
    </div>
  );
  return (
    <div className={`govuk-form-group${error ? ' govuk-form-group--error' : ''}`}>
      <fieldset className="govuk-fieldset" role="group" aria-describedby={describedBy}>
        <legend className="govuk-fieldset__legend govuk-fieldset__legend--s">{legend}</legend>
        {hint ? (
          <div id={`${id}-hint`} className="govuk-hint">
            {hint}
          </div>
        ) : null}
        <ErrorMessage id={`${id}-error`} error={error} />
        <div className="govuk-date-input" id={id}>
          {part('day', 'Day', 2)}
          {part('month', 'Month', 2)}
          {part('year', 'Year', 4)}
        </div>
      </fieldset>
    </div>
  );
}

export function Checkbox(props: { id: string; label: string; checked: boolean; onChange: (checked: boolean) => void; error?: string | undefined }) {
  const { id, label, checked, onChange, error } = props;
  return (
    <div className={`govuk-form-group${error ? ' govuk-form-group--error' : ''}`}>
      <ErrorMessage id={`${id}-error`} error={error} />
      <div className="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">
        <div className="govuk-checkboxes__item">
          <input
            className="govuk-checkboxes__input"
            id={id}
            name={id}
            type="checkbox"
            checked={checked}
            aria-describedby={error ? `${id}-error` : undefined}
            onChange={(e) => onChange(e.target.checked)}
          />
          <label className="govuk-label govuk-checkboxes__label" htmlFor={id}>
            {label}
          </label>
        </div>
      </div>
    </div>
  );
}

export function Select<V extends string>(props: {
  id: string;
  label: string;
  options: readonly { value: V; label: string }[];
  value: V;
  onChange: (value: V) => void;
}) {
  const { id, label, options, value, onChange } = props;
  return (
    <div className="govuk-form-group">
      <label className="govuk-label" htmlFor={id}>
        {label}
      </label>
      <select className="govuk-select" id={id} name={id} value={value} onChange={(e) => onChange(e.target.value as V)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export function TextArea(props: { id: string; label: string; value: string; onChange: (v: string) => void; error?: string | undefined; maxLength?: number }) {
  const { id, label, value, onChange, error, maxLength } = props;
  return (
    <div className={`govuk-form-group${error ? ' govuk-form-group--error' : ''}`}>
      <label className="govuk-label govuk-label--s" htmlFor={id}>
        {label}
      </label>
      <ErrorMessage id={`${id}-error`} error={error} />
      <textarea
        className={`govuk-textarea${error ? ' govuk-textarea--error' : ''}`}
        id={id}
        name={id}
        rows={3}
        value={value}
        maxLength={maxLength}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
    </div>
  );
}

export interface SummaryRow {
  key: string;
  value: ReactNode;
}

export function SummaryList({ rows }: { rows: readonly SummaryRow[] }) {
  return (
    <dl className="govuk-summary-list">
      {rows.map((row, i) => (
        <div className="govuk-summary-list__row" key={`${row.key}-${i}`}>
          <dt className="govuk-summary-list__key">{row.key}</dt>
          <dd className="govuk-summary-list__value cp-wrap">{row.value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A GOV.UK notification banner; `success` ones take focus, as the pattern says. */
export function Banner({ title, success, children }: { title: string; success?: boolean; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (success) ref.current?.focus();
  }, [success]);
  return (
    <div
      className={`govuk-notification-banner${success ? ' govuk-notification-banner--success' : ''}`}
      role={success ? 'alert' : 'region'}
      aria-label={success ? undefined : title}
      tabIndex={success ? -1 : undefined}
      ref={ref}
    >
      <div className="govuk-notification-banner__header">
        <h2 className="govuk-notification-banner__title">{title}</h2>
      </div>
      <div className="govuk-notification-banner__content">{children}</div>
    </div>
  );
}

export function Warning({ children }: { children: ReactNode }) {
  return (
    <div className="govuk-warning-text">
      <span className="govuk-warning-text__icon" aria-hidden="true">
        !
      </span>
      <strong className="govuk-warning-text__text">
        <span className="govuk-visually-hidden">Warning</span>
        {children}
      </strong>
    </div>
  );
}

// Focus follows the user: until they have pressed a key or clicked, the page keeps the
// browser's own focus order (the skip link first); after that, each new screen moves
// focus to its heading, so a screen reader starts there.
let userHasActed = false;
if (typeof window !== 'undefined') {
  const acted = () => {
    userHasActed = true;
  };
  window.addEventListener('keydown', acted, { capture: true, once: true });
  window.addEventListener('pointerdown', acted, { capture: true, once: true });
}

/** The page's h1, focused when a new screen appears after the user has acted. */
export function PageHeading({ children, caption }: { children: ReactNode; caption?: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (userHasActed) ref.current?.focus();
  }, []);
  return (
    <>
      {caption ? <span className="govuk-caption-l cp-wrap">{caption}</span> : null}
      <h1 className="govuk-heading-l cp-wrap" tabIndex={-1} ref={ref}>
        {children}
      </h1>
    </>
  );
}

/** A name as inert text: bdi stops a right-to-left override flipping what follows. */
export function Name({ given, family }: { given: string; family: string }) {
  return <bdi>{`${given} ${family}`}</bdi>;
}

/** A GOV.UK table's head row: column labels, numeric ones right-aligned. */
export function TableHead({ columns }: { columns: readonly (string | { label: string; numeric: true })[] }) {
  return (
    <thead className="govuk-table__head">
      <tr className="govuk-table__row">
        {columns.map((c) => {
          const label = typeof c === 'string' ? c : c.label;
          return (
            <th key={label} scope="col" className={`govuk-table__header${typeof c === 'string' ? '' : ' govuk-table__header--numeric'}`}>
              {label}
            </th>
          );
        })}
      </tr>
    </thead>
  );
}
