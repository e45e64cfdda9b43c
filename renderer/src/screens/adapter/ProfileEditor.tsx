// Editing a mapping profile beside the live preview: a column for each field the form
// knows (and a date format for dates), and the whole profile as JSON for the rest. Saved,
// it becomes the team's own profile.
import { getPath, setPath, type Loose } from './profile.js';

const DATE_FORMATS = [
  'DD/MM/YYYY',
  'YYYY-MM-DD',
  'DD-MM-YYYY',
  'DD.MM.YYYY',
  'YYYYMMDD',
  'DD/MM/YY',
  'DD-MMM-YYYY',
  'MM/DD/YYYY',
  'YYYY/MM/DD',
];

/** The profile fields the form edits (the rest in the JSON below it). */
const FORM_FIELDS: { key: string; label: string; date?: boolean }[] = [
  { key: 'reference', label: 'The system’s id for the child (reference)' },
  { key: 'fields.given', label: 'Given name' },
  { key: 'fields.family', label: 'Family name' },
  { key: 'fields.gender', label: 'Gender' },
  { key: 'fields.dob', label: 'Date of birth', date: true },
  { key: 'fields.postcode', label: 'Postcode' },
  { key: 'fields.nhsNumber', label: 'NHS number' },
  { key: 'fields.upn', label: 'Unique Pupil Number' },
];

export function ProfileEditor({
  profile,
  json,
  jsonError,
  columns,
  onProfile,
  onJson,
  onSave,
}: {
  profile: Loose;
  /** The profile as the person is typing it, which may not be JSON yet. */
  json: string;
  jsonError: string | null;
  /** The file's columns, from the preview. */
  columns: readonly string[];
  /** A field's column or date format changed: the whole profile, changed. */
  onProfile: (updated: Loose) => void;
  onJson: (text: string) => void;
  onSave: () => void;
}) {
  const editField = (key: string, column: string) => {
    const current = getPath(profile, key) ?? {};
    const next = column === '' ? undefined : { ...current, column };
    if (next && 'columns' in next) delete next.columns;
    if (next && 'value' in next) delete next.value;
    const updated = setPath(profile, key, next);
    onProfile(updated);
  };
  const editDate = (key: string, format: string) => {
    const updated = setPath(profile, key, { ...(getPath(profile, key) ?? {}), date: format });
    onProfile(updated);
  };

  return (
    <details className="govuk-details">
      <summary className="govuk-details__summary">
        <span className="govuk-details__summary-text">Edit the profile</span>
      </summary>
      <div className="govuk-details__text">
        <p className="govuk-body-s">Choose the column for each field; the preview below follows every change.</p>
        <div className="cp-profile-form">
          {FORM_FIELDS.map((f) => {
            const source = getPath(profile, f.key);
            const column = typeof source?.column === 'string' ? source.column : '';
            const id = `field-${f.key.replace(/\./g, '-')}`;
            return (
              <div key={f.key} className="govuk-form-group">
                <label className="govuk-label govuk-label--s" htmlFor={id}>
                  {f.label}
                </label>
                <select
                  className="govuk-select"
                  id={id}
                  value={column}
                  onChange={(e) => editField(f.key, e.target.value)}
                >
                  <option value="">{source && !column ? '(set in the profile below)' : '(not mapped)'}</option>
                  {[...new Set([...columns, ...(column ? [column] : [])])].map((c) => (
                    <option key={c} value={c}>
                      {c}
                    </option>
                  ))}
                </select>
                {f.date && column ? (
                  <select
                    className="govuk-select cp-date-format"
                    aria-label={`${f.label}: date format`}
                    value={typeof source?.date === 'string' ? source.date : 'DD/MM/YYYY'}
                    onChange={(e) => editDate(f.key, e.target.value)}
                  >
                    {DATE_FORMATS.map((d) => (
                      <option key={d} value={d}>
                        {d}
                      </option>
                    ))}
                  </select>
                ) : null}
              </div>
            );
          })}
        </div>
        <div className={`govuk-form-group${jsonError ? ' govuk-form-group--error' : ''}`}>
          <label className="govuk-label govuk-label--s" htmlFor="profile-json">
            The whole profile (JSON)
          </label>
          {jsonError ? (
            <p className="govuk-error-message" id="profile-json-error" data-testid="profile-error">
              <span className="govuk-visually-hidden">Error:</span> {jsonError}
            </p>
          ) : null}
          <textarea
            className={`govuk-textarea cp-code${jsonError ? ' govuk-textarea--error' : ''}`}
            id="profile-json"
            rows={14}
            spellCheck={false}
            value={json}
            aria-describedby={jsonError ? 'profile-json-error' : undefined}
            onChange={(e) => onJson(e.target.value)}
          />
        </div>
        <button
          type="button"
          className="govuk-button govuk-button--secondary"
          onClick={onSave}
          disabled={jsonError !== null}
        >
          Save as my team’s profile
        </button>
      </div>
    </details>
  );
}
