// The ContactPoint team's "Load local data" screens (the adapter): choose a file from a
// case-management system and a mapping profile, see its first rows as the profile maps
// them while the profile is edited, check every row (a progress bar; stop at any
// time), review the problems and the possible matches, leave rows out, send the rest to
// the national index (a progress bar), and see what happened to each row. Past loads
// are listed. What a case-information column holds never reaches this screen.
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { AdapterStatusView, LoadRowsView, LoadSummaryView, PreviewView, ProfileEntryView } from '../../../domain/adapter/views.js';
import { getApi } from '../api.js';
import { Notice, problem } from '../feedback.js';
import { formatDateTimeShort, formatNumber } from '../format.js';
import { PageHeading } from '../components/PageHeading.js';
import { TableHead } from '../components/TableHead.js';
import { ErrorSummary, type FieldError } from '../components/ErrorSummary.js';

const PAGE = 50;

type Loose = Record<string, unknown>;

const stageLabel: Record<string, string> = {
  checking: 'Checking every row',
  saving: 'Saving the results',
  sending: 'Sending to the national index',
};

const outcomeLabel: Record<string, string> = {
  matched: 'matched to a child already held',
  created: 'new children',
  'possible-duplicate': 'possible duplicates, for the team to review',
  invalid: 'refused as invalid',
  forbidden: 'refused',
  excluded: 'left out',
  unanswered: 'not answered',
};

const DATE_FORMATS = ['DD/MM/YYYY', 'YYYY-MM-DD', 'DD-MM-YYYY', 'DD.MM.YYYY', 'YYYYMMDD', 'DD/MM/YY', 'DD-MMM-YYYY', 'MM/DD/YYYY', 'YYYY/MM/DD'];

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

function getPath(o: Loose, path: string): Loose | undefined {
  let cur: unknown = o;
  for (const k of path.split('.')) cur = cur && typeof cur === 'object' ? (cur as Loose)[k] : undefined;
  return cur && typeof cur === 'object' ? (cur as Loose) : undefined;
}

function setPath(o: Loose, path: string, value: Loose | undefined): Loose {
  const copy = structuredClone(o);
  const keys = path.split('.');
  let cur = copy;
  for (const k of keys.slice(0, -1)) {
    if (!cur[k] || typeof cur[k] !== 'object') cur[k] = {};
    cur = cur[k] as Loose;
  }
  const last = keys[keys.length - 1]!;
  if (value === undefined) delete cur[last];
  else cur[last] = value;
  return copy;
}

export function AdapterScreen() {
  const [profiles, setProfiles] = useState<ProfileEntryView[]>([]);
  const [file, setFile] = useState<{ fileId: string; name: string; size: number } | null>(null);
  const [profileName, setProfileName] = useState('case-management');
  const [profile, setProfile] = useState<Loose | null>(null);
  const [json, setJson] = useState('');
  const [jsonError, setJsonError] = useState<string | null>(null);
  const [preview, setPreview] = useState<PreviewView | null>(null);
  const [status, setStatus] = useState<AdapterStatusView | null>(null);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [openLoad, setOpenLoad] = useState<number | null>(null);
  const [loads, setLoads] = useState<LoadSummaryView[]>([]);
  const [notice, setNotice] = useState<string | null>(null);

  const refreshLoads = useCallback(async () => {
    const r = await getApi().adapter.loads();
    if (r.ok) setLoads(r.value);
  }, []);
  useEffect(() => {
    void (async () => {
      const p = await getApi().adapter.profiles();
      if (!p.ok) return setErrors(problem(p.error, 'choose-file'));
      setProfiles(p.value);
      const s = await getApi().adapter.status();
      if (s.ok) setStatus(s.value);
      await refreshLoads();
    })();
  }, [refreshLoads]);

  // The chosen profile, to edit: a fresh copy whenever another is chosen.
  useEffect(() => {
    const entry = profiles.find((p) => p.name === profileName);
    if (!entry) return;
    setProfile(entry.profile);
    setJson(JSON.stringify(entry.profile, null, 2));
    setJsonError(null);
  }, [profileName, profiles]);

  // The live preview: the first rows as the profile being edited maps them.
  useEffect(() => {
    if (!file || !profile) return;
    let stale = false;
    const timer = setTimeout(() => {
      void getApi()
        .adapter.preview({ fileId: file.fileId, profile })
        .then((r) => {
          if (stale) return;
          if (r.ok) {
            setPreview(r.value);
            setJsonError(null);
          } else if (r.error.code === 'invalid-payload') {
            setPreview(null);
            setJsonError(r.error.message);
          } else setErrors(problem(r.error, 'choose-file'));
        });
    }, 250);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [file, profile]);

  const running = status?.running ?? null;
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => {
      void getApi()
        .adapter.status()
        .then((r) => {
          if (r.ok) setStatus(r.value);
        });
    }, 300);
    return () => clearInterval(timer);
  }, [running]);
  // A check or a submission that ends opens its load (or says why it failed).
  useEffect(() => {
    if (running || !status?.last) return;
    if (status.last.error) setErrors([{ field: 'choose-file', message: status.last.error.message }]);
    else if (status.last.loadId !== null) setOpenLoad(status.last.loadId);
    void refreshLoads();
  }, [running, status?.last, refreshLoads]);

  const choose = async () => {
    setErrors([]);
    const r = await getApi().adapter.chooseFile();
    if (!r.ok) return setErrors(problem(r.error, 'choose-file'));
    if (r.value) {
      setFile(r.value);
      setOpenLoad(null);
    }
  };

  const editField = (key: string, column: string) => {
    if (!profile) return;
    const current = getPath(profile, key) ?? {};
    const next = column === '' ? undefined : { ...current, column };
    if (next && 'columns' in next) delete next.columns;
    if (next && 'value' in next) delete next.value;
    const updated = setPath(profile, key, next);
    setProfile(updated);
    setJson(JSON.stringify(updated, null, 2));
  };
  const editDate = (key: string, format: string) => {
    if (!profile) return;
    const updated = setPath(profile, key, { ...(getPath(profile, key) ?? {}), date: format });
    setProfile(updated);
    setJson(JSON.stringify(updated, null, 2));
  };
  const editJson = (text: string) => {
    setJson(text);
    try {
      setProfile(JSON.parse(text) as Loose);
      setJsonError(null);
    } catch {
      setJsonError('The profile is not valid JSON: check the brackets, quotes and commas.');
    }
  };
  const saveProfile = async () => {
    if (!profile) return;
    setErrors([]);
    const r = await getApi().adapter.saveProfile(profile);
    if (!r.ok) return setErrors(problem(r.error, 'profile-json'));
    const p = await getApi().adapter.profiles();
    if (p.ok) setProfiles(p.value);
    setProfileName(String(r.value.profile));
    setNotice(`Profile "${String(r.value.profile)}" saved for your team.`);
  };
  const check = async () => {
    if (!file || !profile) return;
    setErrors([]);
    setNotice(null);
    setOpenLoad(null);
    const r = await getApi().adapter.check({ fileId: file.fileId, profile });
    if (!r.ok) return setErrors(problem(r.error, 'check-file'));
    setStatus(r.value);
  };
  const cancel = async () => {
    const r = await getApi().adapter.cancel();
    if (r.ok) setStatus(r.value);
  };

  const columns = preview?.columns ?? [];
  return (
    <>
      <ErrorSummary errors={errors} />
      <PageHeading caption="The ContactPoint adapter">Load local data</PageHeading>
      {notice ? (
        <Notice text={notice} testId="adapter-notice" />
      ) : null}
      <p className="govuk-body">
        Load an export from a case-management system: every row is checked against the national index’s rules and matched to the working set before anything is
        sent. Columns the profile does not map, and any whose name says it holds case information, are never sent.
      </p>

      <h2 className="govuk-heading-m">1. The file and its profile</h2>
      <div className="govuk-button-group">
        <button type="button" className="govuk-button govuk-button--secondary" id="choose-file" onClick={() => void choose()} disabled={running !== null}>
          {file ? 'Choose another file' : 'Choose a file'}
        </button>
      </div>
      {file ? (
        <p className="govuk-body" data-testid="chosen-file">
          <strong>{file.name}</strong> ({formatNumber(file.size)} bytes)
        </p>
      ) : null}
      <div className="govuk-form-group">
        <label className="govuk-label govuk-label--s" htmlFor="profile-name">
          Mapping profile
        </label>
        <select className="govuk-select" id="profile-name" value={profileName} onChange={(e) => setProfileName(e.target.value)}>
          {profiles.map((p) => (
            <option key={p.name} value={p.name}>
              {p.name}
              {p.shipped ? ' (shipped)' : ' (your team’s)'}
            </option>
          ))}
        </select>
        <div className="govuk-hint">{profiles.find((p) => p.name === profileName)?.description ?? ''}</div>
      </div>

      {file && profile ? (
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
                    <select className="govuk-select" id={id} value={column} onChange={(e) => editField(f.key, e.target.value)}>
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
                onChange={(e) => editJson(e.target.value)}
              />
            </div>
            <button type="button" className="govuk-button govuk-button--secondary" onClick={() => void saveProfile()} disabled={jsonError !== null}>
              Save as my team’s profile
            </button>
          </div>
        </details>
      ) : null}

      {file && preview ? <PreviewTable preview={preview} /> : null}

      {file && profile ? (
        <>
          <h2 className="govuk-heading-m">2. Check every row</h2>
          <div className="govuk-button-group">
            {running ? (
              <button type="button" className="govuk-button govuk-button--warning" onClick={() => void cancel()}>
                Stop
              </button>
            ) : (
              <button type="button" className="govuk-button" id="check-file" onClick={() => void check()} disabled={jsonError !== null}>
                Check the file
              </button>
            )}
          </div>
        </>
      ) : null}
      {running ? <Progress status={status!} /> : null}

      {openLoad !== null && !running ? (
        <LoadView
          id={openLoad}
          running={running !== null}
          onStatus={(s) => setStatus(s)}
          onError={(e) => setErrors(e)}
          onNotice={setNotice}
        />
      ) : null}

      <LoadHistory loads={loads} onOpen={(id) => setOpenLoad(id)} />
    </>
  );
}

function Progress({ status }: { status: AdapterStatusView }) {
  const p = status.progress;
  const percent = p ? Math.floor(100 * p.fraction) : 0;
  return (
    <div className="govuk-form-group cp-progress" data-testid="adapter-progress">
      <label className="govuk-label govuk-label--s" htmlFor="adapter-progress-bar">
        {p ? (stageLabel[p.stage] ?? p.stage) : 'Starting'}: {percent}%{p ? ` (${formatNumber(p.rows)} rows)` : ''}
      </label>
      <progress id="adapter-progress-bar" className="cp-progress__bar" max={100} value={percent}>
        {percent}%
      </progress>
    </div>
  );
}

const show = (v: unknown): string => {
  if (v === undefined || v === null || v === '') return '—';
  if (Array.isArray(v)) return v.map(show).join(', ');
  if (typeof v === 'object') {
    const a = v as { lines?: string[]; postcode?: string | null };
    if (Array.isArray(a.lines)) return [...a.lines, a.postcode ?? ''].filter(Boolean).join(', ');
    return JSON.stringify(v);
  }
  return String(v);
};

function PreviewTable({ preview }: { preview: PreviewView }) {
  const caseColumns = preview.dropped.filter((d) => d.reason === 'case-information');
  const unmapped = preview.dropped.filter((d) => d.reason === 'not-mapped');
  return (
    <section aria-labelledby="preview-heading" data-testid="preview">
      <h3 className="govuk-heading-s" id="preview-heading">
        The first {preview.rows.length} rows, as the profile maps them
      </h3>
      {preview.encoding ? <p className="govuk-body-s">Read as {preview.encoding === 'windows-1252' ? 'Windows-1252 (a Windows export)' : 'UTF-8'}.</p> : null}
      {preview.missingColumns.length > 0 ? (
        <div className="govuk-inset-text" data-testid="missing-columns">
          The file has no column {preview.missingColumns.map((m) => `"${m.column}"`).join(', ')}, which the profile maps. Choose the right column above.
        </div>
      ) : null}
      <div className="cp-scroll">
        <table className="govuk-table cp-table--compact">
          <caption className="govuk-table__caption govuk-visually-hidden">The file’s first rows as the profile maps them</caption>
          <TableHead columns={['Row', 'Reference', 'Name', 'Date of birth', 'Gender', 'Address', 'NHS number', 'Check']} />
          <tbody className="govuk-table__body">
            {preview.rows.map((r) => {
              const rec = r.record as Loose | null;
              const name = rec?.name as { given?: string; family?: string } | undefined;
              const errors = r.problems.filter((p) => p.severity === 'error');
              return (
                <tr className="govuk-table__row" key={r.row} data-testid="preview-row">
                  <td className="govuk-table__cell">{r.row}</td>
                  <td className="govuk-table__cell">{show(rec?.supplierRef)}</td>
                  <td className="govuk-table__cell cp-wrap">
                    <bdi>{name ? `${name.given ?? ''} ${name.family ?? ''}` : '—'}</bdi>
                  </td>
                  <td className="govuk-table__cell">{show(rec?.dob)}</td>
                  <td className="govuk-table__cell">{show(rec?.gender)}</td>
                  <td className="govuk-table__cell cp-wrap">{show(rec?.address)}</td>
                  <td className="govuk-table__cell">{show(rec?.nhsNumber)}</td>
                  <td className="govuk-table__cell cp-wrap">
                    {errors.length > 0 ? (
                      <strong className="govuk-tag govuk-tag--red">Rejected</strong>
                    ) : r.problems.length > 0 ? (
                      <strong className="govuk-tag govuk-tag--yellow">Warning</strong>
                    ) : (
                      <strong className="govuk-tag govuk-tag--green">Valid</strong>
                    )}
                    {r.problems.length > 0 ? (
                      <ul className="govuk-list govuk-body-s">
                        {r.problems.map((p, i) => (
                          <li key={i}>
                            {p.field}
                            {p.column ? ` (column ${p.column})` : ''} {p.message}
                          </li>
                        ))}
                      </ul>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <Dropped caseColumns={caseColumns.map((d) => d.column)} unmapped={unmapped.map((d) => d.column)} />
    </section>
  );
}

function Dropped({ caseColumns, unmapped }: { caseColumns: string[]; unmapped: string[] }) {
  if (caseColumns.length === 0 && unmapped.length === 0) return null;
  return (
    <div className="govuk-inset-text" data-testid="dropped">
      {caseColumns.length > 0 ? (
        <p className="govuk-body">
          <strong>Never sent, and not shown:</strong> {caseColumns.join(', ')}. Their names say they hold case information, which ContactPoint never holds.
        </p>
      ) : null}
      {unmapped.length > 0 ? (
        <p className="govuk-body">
          <strong>Not sent</strong> (the profile does not map them): {unmapped.join(', ')}.
        </p>
      ) : null}
    </div>
  );
}

function LoadView({
  id,
  running,
  onStatus,
  onError,
  onNotice,
}: {
  id: number;
  running: boolean;
  onStatus: (s: AdapterStatusView) => void;
  onError: (e: FieldError[]) => void;
  onNotice: (n: string | null) => void;
}) {
  const [load, setLoad] = useState<LoadSummaryView | null>(null);
  const [problems, setProblems] = useState<{ offset: number; total: number; items: { row: number; reference: string | null; field: string; column: string | null; message: string; severity: string }[] } | null>(null);
  const [filter, setFilter] = useState<'possible' | 'match' | 'new' | 'all'>('possible');
  const [rows, setRows] = useState<{ offset: number; data: LoadRowsView } | null>(null);

  const refresh = useCallback(async () => {
    const l = await getApi().adapter.load(id);
    if (!l.ok) return onError(problem(l.error, 'check-file'));
    setLoad(l.value);
  }, [id, onError]);
  const loadProblems = useCallback(
    async (offset: number) => {
      const r = await getApi().adapter.problems({ id, offset, limit: PAGE });
      if (r.ok) setProblems({ offset, total: r.value.total, items: r.value.problems });
    },
    [id],
  );
  const loadRows = useCallback(
    async (offset: number) => {
      const r = await getApi().adapter.rows({ id, filter, offset, limit: PAGE });
      if (r.ok) setRows({ offset, data: r.value });
    },
    [id, filter],
  );
  useEffect(() => {
    void refresh();
    void loadProblems(0);
  }, [refresh, loadProblems]);
  useEffect(() => {
    void loadRows(0);
  }, [loadRows]);

  const exclude = async (row: number, excluded: boolean) => {
    const r = await getApi().adapter.exclude({ id, rows: [row], excluded });
    if (!r.ok) return onError(problem(r.error, 'send-load'));
    void loadRows(rows?.offset ?? 0);
  };
  const submit = async () => {
    onError([]);
    const r = await getApi().adapter.submit(id);
    if (!r.ok) return onError(problem(r.error, 'send-load'));
    onStatus(r.value);
  };
  const exportReport = async () => {
    const r = await getApi().adapter.exportReport(id);
    if (!r.ok) return onError(problem(r.error, 'export-report'));
    if (r.value.saved) onNotice(`The report was saved as ${r.value.name ?? 'a CSV file'}.`);
  };

  if (!load) return <p className="govuk-body">Opening the load…</p>;
  const sendable = load.state === 'checked' || load.state === 'interrupted';
  const caseColumns = load.dropped.filter((d) => d.reason === 'case-information').map((d) => d.column);
  const unmapped = load.dropped.filter((d) => d.reason === 'not-mapped').map((d) => d.column);
  return (
    <section aria-labelledby="load-heading" data-testid="load">
      <h2 className="govuk-heading-m" id="load-heading" tabIndex={-1}>
        {load.state === 'submitted' ? '4. Sent' : '3. Review and send'}: {load.fileName}
      </h2>
      <dl className="govuk-summary-list" data-testid="load-summary">
        <div className="govuk-summary-list__row">
          <dt className="govuk-summary-list__key">Rows read</dt>
          <dd className="govuk-summary-list__value">{formatNumber(load.rows)}</dd>
        </div>
        <div className="govuk-summary-list__row">
          <dt className="govuk-summary-list__key">Valid</dt>
          <dd className="govuk-summary-list__value" data-testid="load-valid">
            {formatNumber(load.valid)}
            {load.warnings > 0 ? ` (${formatNumber(load.warnings)} with warnings)` : ''}
          </dd>
        </div>
        <div className="govuk-summary-list__row">
          <dt className="govuk-summary-list__key">Rejected</dt>
          <dd className="govuk-summary-list__value" data-testid="load-rejected">
            {formatNumber(load.rejected)}
          </dd>
        </div>
        <div className="govuk-summary-list__row">
          <dt className="govuk-summary-list__key">Profile</dt>
          <dd className="govuk-summary-list__value">{load.profile}</dd>
        </div>
        {load.outcome ? (
          <div className="govuk-summary-list__row">
            <dt className="govuk-summary-list__key">What the national index did</dt>
            <dd className="govuk-summary-list__value" data-testid="load-outcome">
              <ul className="govuk-list">
                {Object.entries(load.outcome).map(([k, n]) => (
                  <li key={k}>
                    {formatNumber(n)} {outcomeLabel[k] ?? k}
                  </li>
                ))}
              </ul>
            </dd>
          </div>
        ) : null}
      </dl>
      <Dropped caseColumns={caseColumns} unmapped={unmapped} />

      {problems && problems.total > 0 ? (
        <>
          <h3 className="govuk-heading-s">Problems ({formatNumber(problems.total)})</h3>
          <table className="govuk-table cp-table--compact" data-testid="load-problems">
            <caption className="govuk-table__caption govuk-visually-hidden">Problems by row and field</caption>
            <TableHead columns={['Row', 'Reference', 'Field', 'Column', 'Problem']} />
            <tbody className="govuk-table__body">
              {problems.items.map((p, i) => (
                <tr className="govuk-table__row" key={`${p.row}-${i}`}>
                  <td className="govuk-table__cell">{p.row}</td>
                  <td className="govuk-table__cell">{p.reference ?? '—'}</td>
                  <td className="govuk-table__cell">{p.field}</td>
                  <td className="govuk-table__cell">{p.column ?? '—'}</td>
                  <td className="govuk-table__cell cp-wrap">
                    <strong className={`govuk-tag ${p.severity === 'error' ? 'govuk-tag--red' : 'govuk-tag--yellow'}`}>{p.severity === 'error' ? 'Rejected' : 'Warning'}</strong> {p.message}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager offset={problems.offset} total={problems.total} onPage={(o) => void loadProblems(o)} label="problems" />
        </>
      ) : null}

      <h3 className="govuk-heading-s">Rows to send</h3>
      <div className="govuk-form-group">
        <label className="govuk-label" htmlFor="row-filter">
          Show
        </label>
        <select className="govuk-select" id="row-filter" value={filter} onChange={(e) => setFilter(e.target.value as typeof filter)}>
          <option value="possible">Possible matches in the working set (review these)</option>
          <option value="match">Children already held</option>
          <option value="new">New children</option>
          <option value="all">Every valid row</option>
        </select>
      </div>
      {rows ? (
        rows.data.total === 0 ? (
          <p className="govuk-body">None.</p>
        ) : (
          <>
            <table className="govuk-table cp-table--compact" data-testid="load-rows">
              <caption className="govuk-table__caption govuk-visually-hidden">Valid rows with their match in the working set</caption>
              <TableHead columns={['Row', 'Reference', 'In the working set', 'Outcome', 'Send']} />
              <tbody className="govuk-table__body">
                {rows.data.rows.map((r) => (
                  <tr className="govuk-table__row" key={r.row} data-testid="load-row">
                    <td className="govuk-table__cell">{r.row}</td>
                    <td className="govuk-table__cell">{r.reference}</td>
                    <td className="govuk-table__cell">
                      {r.match === 'match'
                        ? `Held: ${r.matchCpNumber}`
                        : r.match === 'possible'
                          ? `Possibly ${r.matchCpNumber} (${Math.round((r.matchScore ?? 0) * 100)}% alike)`
                          : r.match === 'new'
                            ? 'New'
                            : '—'}
                    </td>
                    <td className="govuk-table__cell cp-wrap">
                      {r.status ? `${outcomeLabel[r.status] ?? r.status}${r.cpNumber ? `: ${r.cpNumber}` : ''}${r.message ? ` (${r.message})` : ''}` : r.excluded ? 'Left out' : '—'}
                    </td>
                    <td className="govuk-table__cell">
                      {load.state === 'checked' && r.status === null ? (
                        <div className="govuk-checkboxes govuk-checkboxes--small">
                          <div className="govuk-checkboxes__item">
                            <input
                              className="govuk-checkboxes__input"
                              id={`send-${r.row}`}
                              type="checkbox"
                              checked={!r.excluded}
                              onChange={(e) => void exclude(r.row, !e.target.checked)}
                            />
                            <label className="govuk-label govuk-checkboxes__label" htmlFor={`send-${r.row}`}>
                              <span className="govuk-visually-hidden">Send row {r.row}</span>
                            </label>
                          </div>
                        </div>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager offset={rows.offset} total={rows.data.total} onPage={(o) => void loadRows(o)} label="rows" />
          </>
        )
      ) : null}

      <div className="govuk-button-group">
        {sendable ? (
          <button type="button" className="govuk-button" id="send-load" disabled={running || load.valid === 0} onClick={() => void submit()}>
            {load.state === 'interrupted' ? 'Go on sending' : `Send ${formatNumber(load.valid)} valid rows to the national index`}
          </button>
        ) : null}
        <button type="button" className="govuk-button govuk-button--secondary" id="export-report" onClick={() => void exportReport()}>
          Save the report (CSV)
        </button>
      </div>
    </section>
  );
}

function Pager({ offset, total, onPage, label }: { offset: number; total: number; onPage: (offset: number) => void; label: string }) {
  if (total <= PAGE) return null;
  return (
    <nav className="govuk-pagination" aria-label={`Pages of ${label}`}>
      <p className="govuk-body-s">
        {formatNumber(offset + 1)} to {formatNumber(Math.min(total, offset + PAGE))} of {formatNumber(total)}
      </p>
      <div className="govuk-button-group">
        <button type="button" className="govuk-button govuk-button--secondary" disabled={offset === 0} onClick={() => onPage(Math.max(0, offset - PAGE))}>
          Previous {label}
        </button>
        <button type="button" className="govuk-button govuk-button--secondary" disabled={offset + PAGE >= total} onClick={() => onPage(offset + PAGE)}>
          Next {label}
        </button>
      </div>
    </nav>
  );
}

function LoadHistory({ loads, onOpen }: { loads: LoadSummaryView[]; onOpen: (id: number) => void }) {
  const sorted = useMemo(() => loads.filter((l) => l.state !== 'checking'), [loads]);
  if (sorted.length === 0) return null;
  return (
    <section aria-labelledby="history-heading">
      <h2 className="govuk-heading-m" id="history-heading">
        Past loads
      </h2>
      <table className="govuk-table cp-table--compact" data-testid="load-history">
        <caption className="govuk-table__caption govuk-visually-hidden">Files loaded on this computer, latest first</caption>
        <TableHead columns={['File', 'Profile', 'Checked', { label: 'Rows', numeric: true }, { label: 'Valid', numeric: true }, { label: 'Rejected', numeric: true }, 'State']} />
        <tbody className="govuk-table__body">
          {sorted.map((l) => (
            <tr className="govuk-table__row" key={l.id}>
              <td className="govuk-table__cell cp-wrap">
                <button type="button" className="cp-link-button" onClick={() => onOpen(l.id)}>
                  {l.fileName}
                </button>
              </td>
              <td className="govuk-table__cell">{l.profile}</td>
              <td className="govuk-table__cell">{formatDateTimeShort(l.checkedAt)}</td>
              <td className="govuk-table__cell govuk-table__cell--numeric">{formatNumber(l.rows)}</td>
              <td className="govuk-table__cell govuk-table__cell--numeric">{formatNumber(l.valid)}</td>
              <td className="govuk-table__cell govuk-table__cell--numeric">{formatNumber(l.rejected)}</td>
              <td className="govuk-table__cell">{{ checked: 'checked, not sent', submitting: 'sending', submitted: 'sent', interrupted: 'cut off: send again to go on', checking: 'checking' }[l.state]}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
