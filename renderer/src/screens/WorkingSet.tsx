// The local authority ContactPoint team's screens: the working set on this computer
// (sync with a progress bar, history, changes waiting to be sent, conflicts for a
// person, wiping) and search over it. Everything shown comes from main on request and
// lives in component state: locking unmounts it with the rest of the session.
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { SignedInUser } from '../../../domain/ipc-contract.js';
import type { LocalSearchResultView, SyncRunView, TaskView, WorkingSetStatus } from '../../../domain/working-set.js';
import type { WorkingSetRecordView } from '../../../domain/working-set-access.js';
import { getApi } from '../api.js';
import { Banner } from '../components/Banner.js';
import { Name } from '../components/Name.js';
import { PageHeading } from '../components/PageHeading.js';
import { SummaryList } from '../components/SummaryList.js';
import { TableHead } from '../components/TableHead.js';
import { Warning } from '../components/Warning.js';
import { ErrorSummary, type FieldError } from '../components/ErrorSummary.js';
import { Notice, problem } from '../feedback.js';
import { formatDate, formatDateTime, formatDuration, formatNumber } from '../format.js';
import { emptySearch, validateSearch, type SearchForm } from '../forms.js';
import { AdapterScreen } from './adapter/AdapterScreen.js';
import { CleansingScreen } from './cleansing/CleansingScreen.js';
import { ManagementScreen } from './management/ManagementScreen.js';
import { Journey } from './journey/Journey.js';
import { SearchFields } from './journey/SearchFields.js';
import { PurposeForm, useTaskSession, WorkingSetRecord } from './TaskPurpose.js';

type Tab = 'working-set' | 'cleansing' | 'adapter' | 'management' | 'local-search' | 'national-search';
const tabs: { id: Tab; label: string }[] = [
  { id: 'working-set', label: 'Working set' },
  { id: 'cleansing', label: 'Cleansing' },
  { id: 'adapter', label: 'Load local data' },
  { id: 'management', label: 'Management' },
  { id: 'local-search', label: 'Search the working set' },
  { id: 'national-search', label: 'Find a child (national index)' },
];

/** The team's home: its own tabs, each keeping its state while the others are open. */
export function TeamHome({ user }: { user: SignedInUser }) {
  const [tab, setTab] = useState<Tab>('working-set');
  return (
    <>
      <nav className="cp-tabs" aria-label="ContactPoint team">
        <ul className="cp-tabs__list">
          {tabs.map((t) => (
            <li key={t.id} className="cp-tabs__item">
              <button type="button" className="cp-link-button cp-tabs__link" aria-current={tab === t.id ? 'page' : undefined} onClick={() => setTab(t.id)}>
                {t.label}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <div hidden={tab !== 'working-set'}>{tab === 'working-set' ? <WorkingSetScreen /> : null}</div>
      <div hidden={tab !== 'cleansing'}>{tab === 'cleansing' ? <CleansingScreen /> : null}</div>
      <div hidden={tab !== 'adapter'}>{tab === 'adapter' ? <AdapterScreen /> : null}</div>
      <div hidden={tab !== 'management'}>{tab === 'management' ? <ManagementScreen user={user} /> : null}</div>
      <div hidden={tab !== 'local-search'}>
        <LocalSearch active={tab === 'local-search'} />
      </div>
      <div hidden={tab !== 'national-search'}>{tab === 'national-search' ? <Journey user={user} /> : null}</div>
    </>
  );
}

const wipeReasons: Record<NonNullable<WorkingSetStatus['lastWipe']>['reason'], string> = {
  command: 'a member of the team wiped it',
  'no-sync': 'it had not been synced for longer than this computer allows',
  'access-ended': "a user's access to ContactPoint ended",
};

const outcomes: Record<SyncRunView['outcome'], string> = {
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  interrupted: 'Interrupted (resumed by the next sync)',
  cancelled: 'Stopped',
};

function WorkingSetScreen() {
  const [status, setStatus] = useState<WorkingSetStatus | null>(null);
  const [history, setHistory] = useState<SyncRunView[]>([]);
  const [tasks, setTasks] = useState<TaskView[]>([]);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [confirmWipe, setConfirmWipe] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    const api = getApi();
    const s = await api.workingSet.status();
    if (!s.ok) {
      setErrors(problem(s.error, 'sync-now'));
      return;
    }
    setStatus(s.value);
    if (s.value.available) {
      const [h, t] = await Promise.all([api.workingSet.history(), api.workingSet.tasks()]);
      if (h.ok) setHistory(h.value);
      if (t.ok) setTasks(t.value);
    }
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  // While a sync runs, follow its progress.
  const running = status?.sync.running ?? false;
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => void refresh(), 250);
    return () => clearInterval(timer);
  }, [running, refresh]);

  const act = async (what: 'sync' | 'cancel' | 'send' | 'wipe') => {
    setErrors([]);
    setNotice(null);
    const api = getApi();
    if (what === 'send') {
      const r = await api.workingSet.send();
      if (!r.ok) setErrors(problem(r.error, 'sync-now'));
      else
        setNotice(
          `Changes sent: ${r.value.applied} applied, ${r.value.conflicts} ${r.value.conflicts === 1 ? 'conflict' : 'conflicts'} and ${r.value.rejected} refused for a person to look at.`,
        );
      await refresh();
      return;
    }
    const r = await (what === 'sync' ? api.workingSet.sync() : what === 'cancel' ? api.workingSet.cancel() : api.workingSet.wipe());
    if (!r.ok) setErrors(problem(r.error, 'sync-now'));
    else {
      setStatus(r.value);
      if (what === 'wipe') {
        setConfirmWipe(false);
        setHistory([]);
        setTasks([]);
        setNotice('The working set has been wiped from this computer, with its key.');
      }
    }
    if (what !== 'sync') await refresh();
  };

  if (status === null) {
    return (
      <>
        <ErrorSummary errors={errors} />
        <PageHeading>Working set</PageHeading>
        <p className="govuk-body">Opening the working set…</p>
      </>
    );
  }

  const progress = status.sync.progress;
  const last = status.sync.last;
  const waiting = status.outbox.queued + status.outbox.sending;
  return (
    <>
      <ErrorSummary errors={errors} />
      <PageHeading caption="On this computer, encrypted">Working set</PageHeading>
      {notice ? (
        <Notice text={notice} />
      ) : null}
      {status.lastWipe && status.children === 0 ? (
        <div className="govuk-inset-text" data-testid="last-wipe">
          The working set was wiped on {formatDateTime(status.lastWipe.at)} because {wipeReasons[status.lastWipe.reason]}. Sync to fetch it again.
        </div>
      ) : null}
      {!status.available && status.error ? (
        <Banner title="The working set cannot be opened">
          <p className="govuk-body" data-testid="working-set-error">
            {status.error.message}
          </p>
        </Banner>
      ) : null}
      <SummaryList
        rows={[
          { key: 'Children held', value: <span data-testid="children-held">{formatNumber(status.children)}</span> },
          { key: 'Last synced', value: status.lastSyncAt ? formatDateTime(status.lastSyncAt) : 'Never' },
          { key: 'Changes waiting to be sent', value: formatNumber(waiting) },
          {
            key: 'Records opened, not yet in the national audit trail',
            value: (
              <span data-testid="access-waiting">
                {formatNumber(status.access.waiting)}
                {status.access.refused > 0 ? ` (${formatNumber(status.access.refused)} refused by the national index: tell your data manager)` : ''}
              </span>
            ),
          },
          { key: 'Conflicts and refusals for a person', value: formatNumber(status.openTasks) },
          { key: 'Wiped automatically', value: `After ${status.maxDaysWithoutSync} days without a sync` },
        ]}
      />

      <h2 className="govuk-heading-m">Sync</h2>
      {running || progress ? <SyncProgressBar status={status} /> : null}
      {!running && last?.error ? (
        <div className="govuk-inset-text" data-testid="sync-error" role="status">
          The last sync stopped: {last.error.message} Everything fetched before it stopped is kept; syncing again continues from there.
        </div>
      ) : null}
      {!running && last?.run ? (
        <p className="govuk-body" role="status" data-testid="sync-result">
          {last.run.outcome === 'completed'
            ? `Sync completed: ${formatNumber(last.run.upserts)} records brought up to date, ${formatNumber(last.run.removed)} removed.`
            : `Sync ${outcomes[last.run.outcome].toLowerCase()} after ${formatNumber(last.run.upserts)} records.`}
        </p>
      ) : null}
      <div className="govuk-button-group">
        {running ? (
          <button type="button" className="govuk-button govuk-button--secondary" onClick={() => void act('cancel')}>
            Stop the sync
          </button>
        ) : (
          <button type="button" id="sync-now" className="govuk-button" disabled={!status.available} onClick={() => void act('sync')}>
            {status.fullSyncDone ? 'Sync now' : status.children > 0 ? 'Continue the first sync' : 'Start the first sync'}
          </button>
        )}
        {waiting > 0 && !running ? (
          <button type="button" className="govuk-button govuk-button--secondary" onClick={() => void act('send')}>
            Send {formatNumber(waiting)} waiting {waiting === 1 ? 'change' : 'changes'}
          </button>
        ) : status.access.waiting > 0 && !running ? (
          // Offline, the audit entries of records opened wait here too: they go with any send.
          <button type="button" className="govuk-button govuk-button--secondary" onClick={() => void act('send')}>
            Send {formatNumber(status.access.waiting)} audit {status.access.waiting === 1 ? 'entry' : 'entries'}
          </button>
        ) : null}
      </div>

      {tasks.length > 0 ? <Tasks tasks={tasks} /> : null}
      {history.length > 0 ? <History runs={history} /> : null}

      <h2 className="govuk-heading-m">Wipe this computer&apos;s working set</h2>
      {confirmWipe ? (
        <>
          <Warning>
            This deletes every record held on this computer and its key. Changes not yet sent ({formatNumber(waiting)}) are lost. The records stay in the national index.
          </Warning>
          <div className="govuk-button-group">
            <button type="button" className="govuk-button govuk-button--warning" onClick={() => void act('wipe')}>
              Yes, wipe the working set
            </button>
            <button type="button" className="govuk-button govuk-button--secondary" onClick={() => setConfirmWipe(false)}>
              Cancel
            </button>
          </div>
        </>
      ) : (
        <button type="button" className="govuk-button govuk-button--warning" onClick={() => setConfirmWipe(true)}>
          Wipe the working set
        </button>
      )}
    </>
  );
}

function SyncProgressBar({ status }: { status: WorkingSetStatus }) {
  const p = status.sync.progress;
  const percent = p ? Math.floor(p.fraction * 100) : 0;
  const detail = p
    ? `${formatNumber(p.received)} of about ${formatNumber(p.expected)} records, ${formatNumber(Math.round(p.rate))} a second` +
      (p.etaSeconds !== null && p.etaSeconds > 0 ? `, about ${formatDuration(p.etaSeconds)} left` : '')
    : 'Starting…';
  return (
    <div className="govuk-form-group cp-progress" data-testid="sync-progress">
      <label className="govuk-label govuk-label--s" htmlFor="sync-progress-bar">
        {p?.kind === 'delta' ? 'Fetching changes' : 'Fetching the working set'}: {percent}%
      </label>
      <progress id="sync-progress-bar" className="cp-progress__bar" max={100} value={percent} aria-describedby="sync-progress-detail">
        {percent}%
      </progress>
      <p className="govuk-body-s" id="sync-progress-detail">
        {detail}
      </p>
    </div>
  );
}

function Tasks({ tasks }: { tasks: TaskView[] }) {
  return (
    <section aria-labelledby="tasks-heading">
      <h2 className="govuk-heading-m" id="tasks-heading">
        Changes that need a person
      </h2>
      <table className="govuk-table" data-testid="tasks">
        <caption className="govuk-table__caption govuk-visually-hidden">Changes the national index did not apply</caption>
        <TableHead columns={['ContactPoint number', 'What happened', 'Versions']} />
        <tbody className="govuk-table__body">
          {tasks.map((t) => (
            <tr className="govuk-table__row" key={t.id}>
              <td className="govuk-table__cell">{t.cpNumber}</td>
              <td className="govuk-table__cell cp-wrap">
                <strong className={`govuk-tag ${t.kind === 'conflict' ? 'govuk-tag--orange' : 'govuk-tag--red'}`}>{t.kind === 'conflict' ? 'Conflict' : 'Refused'}</strong>{' '}
                {t.detail.message ?? ''}
              </td>
              <td className="govuk-table__cell">
                Changed from version {t.detail.baseVersion}
                {t.detail.currentVersion !== undefined ? `; now version ${t.detail.currentVersion}` : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function History({ runs }: { runs: SyncRunView[] }) {
  return (
    <section aria-labelledby="history-heading">
      <h2 className="govuk-heading-m" id="history-heading">
        Sync history
      </h2>
      <table className="govuk-table" data-testid="sync-history">
        <caption className="govuk-table__caption govuk-visually-hidden">Syncs of this computer&apos;s working set, latest first</caption>
        <TableHead columns={['Started', 'Kind', 'Outcome', { label: 'Records', numeric: true }, { label: 'Removed', numeric: true }]} />
        <tbody className="govuk-table__body">
          {runs.map((r) => (
            <tr className="govuk-table__row" key={r.id}>
              <td className="govuk-table__cell">{formatDateTime(r.startedAt)}</td>
              <td className="govuk-table__cell">{r.kind === 'full' ? 'First sync' : 'Changes'}</td>
              <td className="govuk-table__cell cp-wrap">
                {outcomes[r.outcome]}
                {r.error ? `: ${r.error}` : ''}
              </td>
              <td className="govuk-table__cell govuk-table__cell--numeric">{formatNumber(r.upserts)}</td>
              <td className="govuk-table__cell govuk-table__cell--numeric">{formatNumber(r.removed)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** The working-set search's field ids start with this (it shares the page with the national search). */
const localPrefix = 'local-';

function LocalSearch({ active }: { active: boolean }) {
  const [form, setForm] = useState<SearchForm>(emptySearch);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [answer, setAnswer] = useState<{ results: LocalSearchResultView[]; truncated: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const task = useTaskSession('local-search', active);
  /** The record waiting for the purpose to be given. */
  const [asking, setAsking] = useState<string | null>(null);
  const [record, setRecord] = useState<WorkingSetRecordView | null>(null);

  // Leaving the screen ends the task session and closes the record: nothing of it stays in the page.
  useEffect(() => {
    if (!active) {
      setRecord(null);
      setAsking(null);
    }
  }, [active]);

  const open = async (cpNumber: string, taskSession: string | undefined, reveal = false) => {
    setErrors([]);
    if (!taskSession) {
      setAsking(cpNumber);
      return;
    }
    const api = getApi().workingSet;
    const r = await (reveal ? api.revealShielded({ taskSession, cpNumber }) : api.record({ taskSession, cpNumber }));
    if (r.ok) {
      setRecord(r.value);
      return;
    }
    if (r.error.code === 'purpose-required') {
      // The task session ended in main (locked, signed out): ask again.
      task.lost();
      setRecord(null);
      setAsking(cpNumber);
      return;
    }
    setErrors(problem(r.error, `open-${cpNumber}`));
  };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const { errors: found, query } = validateSearch(form);
    const problems = found.map((e) => ({ ...e, field: `${localPrefix}${e.field}` }));
    setErrors(problems);
    if (problems.length > 0) {
      setAnswer(null);
      return;
    }
    setBusy(true);
    const r = await getApi().workingSet.search(query);
    setBusy(false);
    if (r.ok) setAnswer(r.value);
    else {
      setAnswer(null);
      setErrors(r.error.code === 'signed-out' ? [] : [{ field: `${localPrefix}surname`, message: r.error.message }]);
    }
  };

  return (
    <>
      <ErrorSummary errors={errors} />
      <h1 className="govuk-heading-l">Search the working set</h1>
      <p className="govuk-body">Searches the records on this computer. Names are matched through spelling differences and typing slips; a date of birth with day and month swapped still matches.</p>
      <form noValidate onSubmit={(e) => void onSubmit(e)} aria-label="Search the working set">
        <SearchFields form={form} setForm={setForm} errors={errors} idPrefix={localPrefix} />
        <button type="submit" className="govuk-button" disabled={busy} aria-disabled={busy}>
          Search
        </button>
      </form>
      {task.session ? (
        <p className="govuk-body-s" data-testid="task-purpose">
          Purpose of this work: <bdi>{task.session.purpose}</bdi>{' '}
          <button type="button" className="cp-link-button" onClick={task.end}>
            Change
          </button>
        </p>
      ) : null}
      {asking ? (
        <PurposeForm
          screen="local-search"
          id="local-purpose"
          what="records"
          onStarted={(s) => {
            task.start(s);
            const cp = asking;
            setAsking(null);
            void open(cp, s.taskSession);
          }}
          onCancel={() => setAsking(null)}
        />
      ) : null}
      {record ? (
        <WorkingSetRecord
          view={record}
          onReveal={() => void open(record.cpNumber, task.session?.taskSession, true)}
          onClose={() => {
            // Back to where the person was: the row's Open button (the record's section goes).
            const opener = `open-${record.cpNumber}`;
            setRecord(null);
            requestAnimationFrame(() => document.getElementById(opener)?.focus());
          }}
        />
      ) : null}
      {answer ? <LocalResults answer={answer} onOpen={(cp) => void open(cp, task.session?.taskSession)} /> : null}
    </>
  );
}

function LocalResults({ answer, onOpen }: { answer: { results: LocalSearchResultView[]; truncated: boolean }; onOpen: (cpNumber: string) => void }) {
  const n = answer.results.length;
  return (
    <section aria-labelledby="local-results-heading">
      <h2 className="govuk-heading-m" id="local-results-heading">
        Results
      </h2>
      <p className="govuk-body" aria-live="polite" data-testid="local-results-count">
        {n === 0
          ? 'No children in the working set match these details.'
          : answer.truncated
            ? `Many children match: the best ${n} are shown. Add a date of birth or postcode to narrow the search.`
            : `${n} ${n === 1 ? 'child matches' : 'children match'}, best match first.`}
      </p>
      {n > 0 ? (
        <table className="govuk-table">
          <caption className="govuk-table__caption govuk-visually-hidden">Children in the working set matching the search, best match first</caption>
          <TableHead columns={['Name', 'Date of birth', 'Postcode', { label: 'Match', numeric: true }, 'Why', 'Record']} />
          <tbody className="govuk-table__body">
            {answer.results.map((c) => (
              <tr className="govuk-table__row" key={c.cpNumber} data-testid="local-result-row">
                <td className="govuk-table__cell cp-wrap">
                  <Name given={c.given} family={c.family} />
                  <span className="govuk-body-s cp-line">{c.cpNumber}</span>
                  {c.shielded || c.shieldPending ? <strong className="govuk-tag govuk-tag--red cp-tag-gap">Shielded</strong> : null}
                </td>
                <td className="govuk-table__cell">{c.dob ? formatDate(c.dob) : 'Not known'}</td>
                <td className="govuk-table__cell">{c.postcode ?? (c.shielded || c.shieldPending ? 'Hidden by the shield' : '')}</td>
                <td className="govuk-table__cell govuk-table__cell--numeric">{c.score}%</td>
                <td className="govuk-table__cell cp-wrap">{c.reasons.length > 0 ? c.reasons.join('; ') : 'Every detail given matches'}</td>
                <td className="govuk-table__cell">
                  <button type="button" id={`open-${c.cpNumber}`} className="cp-link-button" onClick={() => onOpen(c.cpNumber)}>
                    Open<span className="govuk-visually-hidden"> the record of {`${c.given} ${c.family}`}</span>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
