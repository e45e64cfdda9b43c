// Cleansing: the team's task queues. A run (every rule, then duplicate detection) goes
// in the working set's worker with a progress bar and a stop button; the queues list
// open tasks per rule, most urgent first; a queue's list is virtual (only the rows in
// view exist, fetched a window at a time), so 100,000 tasks scroll as smoothly as ten;
// a task opens beside the list: a pair side by side with the fields that differ marked
// and each supplier's value, merge with a choice per field, or "not a duplicate".
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { CleanseStatus, CleanseTaskDetail, CleanseTaskView, DuplicateDetailView, TeamMember } from '../../../domain/cleanse/views.js';
import { FIELD_LABELS } from '../../../domain/dedupe/fields.js';
import { getApi } from '../api.js';
import { Notice, problem } from '../feedback.js';
import { formatDateTime, formatNumber } from '../format.js';
import { PageHeading } from '../components/PageHeading.js';
import { TableHead } from '../components/TableHead.js';
import { ErrorSummary, type FieldError } from '../components/ErrorSummary.js';
import { PurposeForm, useTaskSession } from './TaskPurpose.js';

const ROW_HEIGHT = 48;
const VISIBLE_ROWS = 10;
const PAGE = 100;

const priorityTag: Record<string, string> = { urgent: 'govuk-tag--red', high: 'govuk-tag--orange', normal: 'govuk-tag--blue', low: 'govuk-tag--grey' };
const stageLabel: Record<string, string> = {
  checking: 'Checking every record against the rules',
  preparing: 'Preparing records for comparison',
  blocking: 'Grouping records that could be duplicates',
  comparing: 'Comparing pairs',
  estimating: 'Learning from the data how much each field counts',
  scoring: 'Scoring pairs',
  saving: 'Saving the tasks',
};

const isPair = (t: CleanseTaskView) => t.otherCpNumber !== null;
const pairDetail = (t: CleanseTaskView) => t.detail as DuplicateDetailView;

export function CleansingScreen() {
  const [status, setStatus] = useState<CleanseStatus | null>(null);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [rule, setRule] = useState<string | null>(null);
  const [version, setVersion] = useState(0);

  const refresh = useCallback(async () => {
    const s = await getApi().cleanse.status();
    if (!s.ok) setErrors(problem(s.error, 'cleanse-run'));
    else setStatus(s.value);
  }, []);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  const running = status?.running ?? false;
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => void refresh(), 300);
    return () => clearInterval(timer);
  }, [running, refresh]);
  // A run that ends refreshes the open queue.
  useEffect(() => {
    if (!running) setVersion((v) => v + 1);
  }, [running]);

  const act = async (what: 'run' | 'cancel') => {
    setErrors([]);
    const r = await (what === 'run' ? getApi().cleanse.run() : getApi().cleanse.cancel());
    if (!r.ok) setErrors(problem(r.error, 'cleanse-run'));
    else setStatus(r.value);
  };

  if (status === null) {
    return (
      <>
        <ErrorSummary errors={errors} />
        <PageHeading>Cleansing</PageHeading>
        <p className="govuk-body">Opening the task queues…</p>
      </>
    );
  }
  const queue = status.queues.find((q) => q.rule === rule) ?? null;
  return (
    <>
      <ErrorSummary errors={errors} />
      <PageHeading caption="Checks and duplicates in the working set">Cleansing</PageHeading>
      {status.lastRun ? (
        <p className="govuk-body" data-testid="cleanse-last-run">
          Last run {status.lastRun.outcome === 'completed' ? 'completed' : status.lastRun.outcome} on{' '}
          {formatDateTime(status.lastRun.startedAt)}: {formatNumber(status.lastRun.records)} records
          checked.
        </p>
      ) : (
        <p className="govuk-body">The working set has not been cleansed yet.</p>
      )}
      {running ? <CleanseProgress status={status} /> : null}
      {!running && status.lastError ? (
        <div className="govuk-inset-text" role="status" data-testid="cleanse-error">
          {status.lastError.message}
        </div>
      ) : null}
      <div className="govuk-button-group">
        {running ? (
          <button type="button" className="govuk-button govuk-button--secondary" onClick={() => void act('cancel')}>
            Stop the run
          </button>
        ) : (
          <button type="button" className="govuk-button" id="cleanse-run" onClick={() => void act('run')}>
            Run the checks
          </button>
        )}
      </div>

      <h2 className="govuk-heading-m">Task queues</h2>
      {status.queues.length === 0 ? (
        <p className="govuk-body">No open tasks.</p>
      ) : (
        <table className="govuk-table" data-testid="queues">
          <caption className="govuk-table__caption govuk-visually-hidden">Open tasks by rule, most urgent first</caption>
          <TableHead columns={['Rule', 'Priority', { label: 'Open tasks', numeric: true }]} />
          <tbody className="govuk-table__body">
            {status.queues.map((q) => (
              <tr className="govuk-table__row" key={q.rule}>
                <td className="govuk-table__cell">
                  <button type="button" className="cp-link-button" aria-current={q.rule === rule ? 'true' : undefined} onClick={() => setRule(q.rule)}>
                    {q.title}
                  </button>
                </td>
                <td className="govuk-table__cell">
                  <strong className={`govuk-tag ${priorityTag[q.priority]}`}>{q.priority}</strong>
                </td>
                <td className="govuk-table__cell govuk-table__cell--numeric">{formatNumber(q.open)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {queue ? (
        <QueueView
          key={`${queue.rule}-${version}`}
          rule={queue.rule}
          title={queue.title}
          explanation={queue.explanation}
          onChanged={() => {
            void refresh();
          }}
        />
      ) : null}
    </>
  );
}

function CleanseProgress({ status }: { status: CleanseStatus }) {
  const p = status.progress;
  const percent = p && p.total > 0 ? Math.floor((100 * p.done) / p.total) : 0;
  return (
    <div className="govuk-form-group cp-progress" data-testid="cleanse-progress">
      <label className="govuk-label govuk-label--s" htmlFor="cleanse-progress-bar">
        {p ? (stageLabel[p.stage] ?? p.stage) : 'Starting'}: {percent}%
      </label>
      <progress id="cleanse-progress-bar" className="cp-progress__bar" max={100} value={percent}>
        {percent}%
      </progress>
    </div>
  );
}

/** One queue: the virtual list on the left, the open task beside it. */
function QueueView({ rule, title, explanation, onChanged }: { rule: string; title: string; explanation: string; onChanged: () => void }) {
  const [total, setTotal] = useState<number | null>(null);
  const [pages, setPages] = useState<Map<number, CleanseTaskView[]>>(new Map());
  const [active, setActive] = useState(0);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [scrollTop, setScrollTop] = useState(0);
  const [openId, setOpenId] = useState<number | null>(null);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const [team, setTeam] = useState<TeamMember[]>([]);
  const [assignee, setAssignee] = useState('');
  const listRef = useRef<HTMLDivElement>(null);
  const loading = useRef(new Set<number>());
  // A task session a queue: the purpose is asked before the first task opens, and ends
  // when the person leaves the queue (another queue, another tab) or signs out or locks.
  const task = useTaskSession('cleansing', true);

  useEffect(() => {
    void getApi()
      .cleanse.team()
      .then((r) => {
        if (r.ok) setTeam(r.value);
      });
  }, []);

  const load = useCallback(
    async (page: number) => {
      if (loading.current.has(page)) return;
      loading.current.add(page);
      const r = await getApi().cleanse.tasks({ rule, offset: page * PAGE, limit: PAGE });
      if (!r.ok) {
        setErrors(problem(r.error, 'task-list'));
        return;
      }
      setTotal(r.value.total);
      setPages((m) => new Map(m).set(page, r.value.tasks));
    },
    [rule],
  );
  useEffect(() => {
    void load(0);
  }, [load]);

  const taskAt = (i: number) => pages.get(Math.floor(i / PAGE))?.[i % PAGE];
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - 3);
  const last = Math.min((total ?? 0) - 1, first + VISIBLE_ROWS + 6);
  useEffect(() => {
    // The pages in view, and the next and previous ones before they are needed.
    const from = Math.max(0, Math.floor((first - PAGE / 2) / PAGE));
    const to = Math.floor((Math.max(first, last) + PAGE / 2) / PAGE);
    for (let p = from; p <= to; p++) if (p * PAGE < (total ?? PAGE) && !pages.has(p)) void load(p);
  }, [first, last, pages, load, total]);

  const reload = () => {
    loading.current.clear();
    setPages(new Map());
    setSelected(new Set());
    void load(0);
    onChanged();
  };

  const moveTo = (i: number) => {
    const n = Math.max(0, Math.min((total ?? 1) - 1, i));
    setActive(n);
    const el = listRef.current;
    if (el) {
      if (n * ROW_HEIGHT < el.scrollTop) el.scrollTop = n * ROW_HEIGHT;
      else if ((n + 1) * ROW_HEIGHT > el.scrollTop + VISIBLE_ROWS * ROW_HEIGHT) el.scrollTop = (n + 1 - VISIBLE_ROWS) * ROW_HEIGHT;
    }
  };

  const resolve = async (request: Parameters<ReturnType<typeof getApi>['cleanse']['resolve']>[0], done: string) => {
    setErrors([]);
    const r = await getApi().cleanse.resolve(request);
    if (!r.ok) {
      setErrors(problem(r.error, 'task-list'));
      return;
    }
    setNotice(done);
    setOpenId(null);
    reload();
  };

  const activeTask = taskAt(active);
  const chosen = selected.size > 0 ? [...selected] : activeTask ? [activeTask.id] : [];
  const pairQueue = rule === 'possible-duplicate' || rule === 'possible-duplicate-of-shielded';

  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const key = e.key;
    if (key === 'ArrowDown' || key === 'j') moveTo(active + 1);
    else if (key === 'ArrowUp' || key === 'k') moveTo(active - 1);
    else if (key === 'PageDown') moveTo(active + VISIBLE_ROWS);
    else if (key === 'PageUp') moveTo(active - VISIBLE_ROWS);
    else if (key === 'Home') moveTo(0);
    else if (key === 'End') moveTo((total ?? 1) - 1);
    else if (key === 'Enter' && activeTask) setOpenId(activeTask.id);
    else if (key === ' ' && activeTask) {
      setSelected((s) => {
        const next = new Set(s);
        if (next.has(activeTask.id)) next.delete(activeTask.id);
        else next.add(activeTask.id);
        return next;
      });
    } else if (key === 'a' && chosen.length > 0) void resolve({ action: 'assign', ids: chosen, assignee: 'me' }, `${chosen.length} assigned to you.`);
    else return;
    e.preventDefault();
  };

  return (
    <section aria-labelledby="queue-heading" className="cp-queue">
      <h2 className="govuk-heading-m" id="queue-heading">
        {title}
      </h2>
      <div className="govuk-inset-text" data-testid="rule-explanation">
        {explanation}
      </div>
      <ErrorSummary errors={errors} />
      {notice ? (
        <Notice text={notice} testId="cleanse-notice" />
      ) : null}
      <p className="govuk-body-s" id="queue-keys">
        {total === null ? 'Loading…' : `${formatNumber(total)} open tasks.`} Up and down arrows (or J and K) move, Space selects, Enter opens, A assigns to you.
      </p>
      <div
        ref={listRef}
        className="cp-vlist"
        role="listbox"
        aria-label={`${title}: open tasks`}
        aria-multiselectable="true"
        aria-describedby="queue-keys"
        aria-activedescendant={activeTask ? `task-${activeTask.id}` : undefined}
        tabIndex={0}
        style={{ height: VISIBLE_ROWS * ROW_HEIGHT }}
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
        onKeyDown={onKey}
        data-testid="task-list"
      >
        <div style={{ height: (total ?? 0) * ROW_HEIGHT, position: 'relative' }}>
          {total !== null && total > 0
            ? Array.from({ length: last - first + 1 }, (_, k) => first + k).map((i) => {
                const t = taskAt(i);
                return (
                  <div
                    key={i}
                    id={t ? `task-${t.id}` : undefined}
                    role="option"
                    aria-selected={t ? selected.has(t.id) : false}
                    aria-setsize={total}
                    aria-posinset={i + 1}
                    className={`cp-vlist__row${i === active ? ' cp-vlist__row--active' : ''}`}
                    style={{ top: i * ROW_HEIGHT, height: ROW_HEIGHT }}
                    onClick={() => {
                      setActive(i);
                      if (t) setOpenId(t.id);
                    }}
                  >
                    {t ? <TaskSummary task={t} /> : 'Loading…'}
                  </div>
                );
              })
            : null}
        </div>
      </div>
      <div className="govuk-button-group cp-assign">
        <div className="govuk-form-group">
          <label className="govuk-label govuk-label--s" htmlFor="assign-to">
            Assign to a member of the team
          </label>
          <select id="assign-to" className="govuk-select" value={assignee} onChange={(e) => setAssignee(e.target.value)} data-testid="assign-to">
            <option value="">Choose a person</option>
            {team.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name} ({m.id})
              </option>
            ))}
          </select>
        </div>
        <button
          type="button"
          className="govuk-button govuk-button--secondary"
          disabled={chosen.length === 0 || assignee === ''}
          onClick={() => {
            const who = team.find((m) => m.id === assignee);
            void resolve({ action: 'assign', ids: chosen, assignee }, `${chosen.length} assigned to ${who?.name ?? assignee}.`);
          }}
        >
          Assign {selected.size > 0 ? `${selected.size} selected` : 'this task'}
        </button>
      </div>
      <div className="govuk-button-group">
        <button type="button" className="govuk-button govuk-button--secondary" disabled={chosen.length === 0} onClick={() => void resolve({ action: 'assign', ids: chosen, assignee: 'me' }, `${chosen.length} assigned to you.`)}>
          Assign {selected.size > 0 ? `${selected.size} selected` : 'this task'} to me
        </button>
        {pairQueue ? (
          <button
            type="button"
            className="govuk-button govuk-button--secondary"
            disabled={chosen.length === 0}
            onClick={() => void resolve({ action: 'not-duplicate', ids: chosen }, `${chosen.length} marked as different children. They will not come back.`)}
          >
            Not duplicates ({chosen.length})
          </button>
        ) : (
          <button type="button" className="govuk-button govuk-button--secondary" disabled={chosen.length === 0} onClick={() => void resolve({ action: 'dismiss', ids: chosen }, `${chosen.length} dismissed.`)}>
            Nothing to do ({chosen.length})
          </button>
        )}
      </div>
      {task.session ? (
        <p className="govuk-body-s" data-testid="task-purpose">
          Purpose of this work: <bdi>{task.session.purpose}</bdi>
        </p>
      ) : null}
      {openId !== null && task.session === null ? (
        <PurposeForm screen="cleansing" id="cleansing-purpose" what="tasks" onStarted={task.start} onCancel={() => setOpenId(null)} />
      ) : null}
      {openId !== null && task.session !== null ? (
        <TaskPanel key={openId} id={openId} taskSession={task.session.taskSession} onLost={task.lost} onResolve={resolve} onClose={() => setOpenId(null)} />
      ) : null}
    </section>
  );
}

function TaskSummary({ task }: { task: CleanseTaskView }) {
  if (isPair(task)) {
    const d = pairDetail(task);
    return (
      <span className="cp-vlist__text">
        <strong>{task.cpNumber}</strong> and <strong>{task.otherCpNumber}</strong>: {Math.round(d.score * 100)}% likely the same child
        {d.shielded ? ' (shielded)' : ''}
        {task.assignee ? `, assigned to ${task.assignee}` : ''}
      </span>
    );
  }
  const d = task.detail as { message: string };
  return (
    <span className="cp-vlist__text">
      <strong>{task.cpNumber}</strong>: {d.message}
      {task.assignee ? ` (assigned to ${task.assignee})` : ''}
    </span>
  );
}

type Side = NonNullable<CleanseTaskDetail['first']>;
type Loose = Record<string, unknown>;

/** The fields compared side by side: label, how to read it from a record, and the provenance key. */
const COMPARED: { key: string; label: string; read: (r: Loose) => unknown; provenance?: string }[] = [
  { key: 'given', label: FIELD_LABELS.given, read: (r) => (r.name as Loose | undefined)?.given, provenance: 'name.given' },
  { key: 'family', label: FIELD_LABELS.family, read: (r) => (r.name as Loose | undefined)?.family, provenance: 'name.family' },
  { key: 'dob', label: FIELD_LABELS.dob, read: (r) => r.dob, provenance: 'dob' },
  { key: 'gender', label: FIELD_LABELS.gender, read: (r) => r.gender, provenance: 'gender' },
  { key: 'address', label: FIELD_LABELS.address, read: (r) => r.address, provenance: 'address' },
  { key: 'nhsNumber', label: FIELD_LABELS.nhs, read: (r) => (r.identifiers as Loose | undefined)?.nhsNumber, provenance: 'identifiers.nhsNumber' },
  { key: 'upn', label: FIELD_LABELS.upn, read: (r) => (r.identifiers as Loose | undefined)?.upn, provenance: 'identifiers.upn' },
  { key: 'education', label: 'Educational setting', read: (r) => (r.education as Loose | undefined)?.name },
  { key: 'gp', label: 'GP practice', read: (r) => (r.gp as Loose | undefined)?.name },
];
const MERGEABLE = new Set(['given', 'family', 'dob', 'gender', 'address', 'nhsNumber', 'upn']);
/** The compared fields a shield leaves visible: the rest are not in a withheld record. */
const VISIBLE_ON_SHIELDED = new Set(['given', 'family', 'dob', 'gender']);

function show(v: unknown): string {
  if (v === undefined || v === null || v === '') return '—';
  if (typeof v === 'object') {
    const a = v as { lines?: string[]; postcode?: string };
    if (Array.isArray(a.lines)) return [...a.lines, a.postcode ?? ''].filter(Boolean).join(', ');
    return JSON.stringify(v);
  }
  return String(v);
}

function Provenance({ side, field }: { side: Side; field?: string | undefined }) {
  const entry = field && side.provenance ? (side.provenance[field] as { values?: Record<string, { value: unknown; date: string }> } | undefined) : undefined;
  if (!entry?.values) return null;
  return (
    <ul className="govuk-list govuk-body-s cp-provenance">
      {Object.entries(entry.values).map(([supplier, s]) => (
        <li key={supplier}>
          {supplier}: {show(s.value)} {s.date ? `(${s.date})` : ''}
        </li>
      ))}
    </ul>
  );
}

function TaskPanel({
  id,
  taskSession,
  onLost,
  onResolve,
  onClose,
}: {
  id: number;
  taskSession: string;
  /** Main no longer holds the task session (locked, signed out): the purpose is asked again. */
  onLost: () => void;
  onResolve: (request: Parameters<ReturnType<typeof getApi>['cleanse']['resolve']>[0], done: string) => Promise<void>;
  onClose: () => void;
}) {
  const [detail, setDetail] = useState<CleanseTaskDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [survivor, setSurvivor] = useState<'first' | 'second'>('first');
  const [choice, setChoice] = useState<Record<string, 'first' | 'second'>>({});
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    let live = true;
    void getApi()
      .cleanse.task(id, taskSession)
      .then((r) => {
        if (!live) return;
        if (r.ok) setDetail(r.value);
        else if (r.error.code === 'purpose-required') onLost();
        else setError(r.error.message);
      });
    return () => {
      live = false;
    };
  }, [id, taskSession, onLost]);

  /** "Show shielded details" of one side: main checks the role and audits it. */
  const reveal = async (which: 'first' | 'second') => {
    const side = detail?.[which];
    if (!side) return;
    const r = await getApi().workingSet.revealShielded({ taskSession, cpNumber: side.cpNumber });
    if (r.ok) setDetail((d) => (d ? { ...d, [which]: r.value } : d));
    else if (r.error.code === 'purpose-required') onLost();
    else setError(r.error.message);
  };
  useEffect(() => {
    if (detail) heading.current?.focus();
  }, [detail]);

  const rows = useMemo(() => {
    if (!detail?.first) return [];
    const withheld = detail.first.withheld || (detail.second?.withheld ?? false);
    return COMPARED.map((f) => {
      const a = f.read(detail.first!.record);
      const b = detail.second ? f.read(detail.second.record) : undefined;
      // A field a shield hides is not compared (nor offered for the merge) until its details are shown.
      const hidden = withheld && !VISIBLE_ON_SHIELDED.has(f.key);
      return { ...f, a, b, hidden, differs: !hidden && detail.second !== null && JSON.stringify(a ?? null) !== JSON.stringify(b ?? null) };
    });
  }, [detail]);

  if (error) return <p className="govuk-body" role="alert">{error}</p>;
  if (detail && !detail.first) return <p className="govuk-body">The record of this task is no longer in the working set: sync, then run the checks again.</p>;
  if (!detail?.first) return <p className="govuk-body">Opening the task…</p>;
  const { task, first, second } = detail;

  const merge = () => {
    if (!second) return;
    const keep = survivor === 'first' ? first : second;
    const other = survivor === 'first' ? second : first;
    // Never a value from a side whose shielded details are withheld: it is not here to send.
    const pick = (key: string) => (choice[key] ?? survivor) !== survivor && (!other.withheld || VISIBLE_ON_SHIELDED.has(key));
    const changes: Loose = {};
    const from = (r: Loose) => r;
    const k = from(keep.record);
    const o = from(other.record);
    const kn = (k.name ?? {}) as Loose;
    const on = (o.name ?? {}) as Loose;
    if (pick('given') || pick('family')) {
      changes.name = { given: pick('given') ? on.given : kn.given, family: pick('family') ? on.family : kn.family, former: kn.former ?? [] };
    }
    if (pick('dob')) changes.dob = o.dob;
    if (pick('gender')) changes.gender = o.gender;
    if (pick('address')) {
      changes.address = o.address ?? null;
      changes.whereabouts = o.whereabouts;
    }
    const ids: Loose = {};
    const oi = (o.identifiers ?? {}) as Loose;
    if (pick('nhsNumber')) ids.nhsNumber = oi.nhsNumber ?? null;
    if (pick('upn')) ids.upn = oi.upn ?? null;
    if (Object.keys(ids).length > 0) changes.identifiers = ids;
    void onResolve(
      { action: 'merge', id: task.id, survivor: keep.cpNumber, ...(Object.keys(changes).length > 0 ? { changes: changes as never } : {}) },
      `${other.cpNumber} will be merged into ${keep.cpNumber} when the changes are sent.`,
    );
  };

  const finding = !isPair(task) ? (task.detail as { path: string; message: string; values?: { supplier: string; value: unknown; date: string }[] }) : null;
  const weights = isPair(task) ? pairDetail(task) : null;
  return (
    <section className="cp-task-panel" aria-labelledby="task-heading" data-testid="task-panel">
      <h3 className="govuk-heading-m" id="task-heading" tabIndex={-1} ref={heading}>
        {second ? `${first.cpNumber} and ${second.cpNumber}` : first.cpNumber}
      </h3>
      {finding ? (
        <>
          <p className="govuk-body" data-testid="finding">
            {finding.message} <span className="govuk-body-s">(field: {finding.path})</span>
          </p>
          {finding.values ? (
            <table className="govuk-table">
              <caption className="govuk-table__caption govuk-table__caption--s">What each supplier said</caption>
              <TableHead columns={['Supplier', 'Value', 'Date']} />
              <tbody className="govuk-table__body">
                {finding.values.map((v) => (
                  <tr className="govuk-table__row" key={v.supplier}>
                    <td className="govuk-table__cell">{v.supplier}</td>
                    <td className="govuk-table__cell cp-wrap">{show(v.value)}</td>
                    <td className="govuk-table__cell">{v.date || 'before any supplier'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </>
      ) : null}
      {[first, second].some((side) => side?.withheld) ? (
        <div className="govuk-inset-text" data-testid="withheld">
          {[first, second].map((side, i) =>
            side?.withheld ? (
              <p className="govuk-body" key={side.cpNumber}>
                {side.cpNumber} is {side.shielded ? 'shielded' : 'treated as shielded until this pair is decided'}: its address, contact details and other
                hidden details are not shown.{' '}
                <button type="button" className="govuk-button govuk-button--warning govuk-!-margin-bottom-0" onClick={() => void reveal(i === 0 ? 'first' : 'second')}>
                  Show shielded details<span className="govuk-visually-hidden"> of {side.cpNumber}</span>
                </button>
              </p>
            ) : null,
          )}
          <p className="govuk-body-s">Showing them is recorded in the child&apos;s audit trail with your name and the purpose of this work.</p>
        </div>
      ) : null}
      {[first, second].some((side) => side && (side.shielded || side.shieldPending) && !side.withheld) ? (
        <p className="govuk-body-s" data-testid="shielded-shown">
          Shielded details shown. This has been recorded in the child&apos;s audit trail.
        </p>
      ) : null}
      {second ? (
        <>
          {weights ? (
            <p className="govuk-body" data-testid="pair-score">
              {Math.round(weights.score * 100)}% likely to be the same child.{weights.shielded ? ' One of them is shielded: the other is treated as shielded until you decide.' : ''}
            </p>
          ) : null}
          <table className="govuk-table cp-compare" data-testid="compare">
            <caption className="govuk-table__caption govuk-table__caption--s">The two records side by side; fields that differ are marked</caption>
            <TableHead columns={['Field', first.cpNumber, second.cpNumber, 'Keep']} />
            <tbody className="govuk-table__body">
              {rows.map((r) => (
                <tr className={`govuk-table__row${r.differs ? ' cp-differs' : ''}`} key={r.key}>
                  <th scope="row" className="govuk-table__header">
                    {r.label}
                    {r.differs ? <strong className="govuk-tag govuk-tag--yellow cp-differs__tag">differs</strong> : null}
                  </th>
                  <td className="govuk-table__cell cp-wrap">
                    {first.withheld && !VISIBLE_ON_SHIELDED.has(r.key) ? 'Hidden by the shield' : show(r.a)}
                    <Provenance side={first} field={r.provenance} />
                  </td>
                  <td className="govuk-table__cell cp-wrap">
                    {second.withheld && !VISIBLE_ON_SHIELDED.has(r.key) ? 'Hidden by the shield' : show(r.b)}
                    <Provenance side={second} field={r.provenance} />
                  </td>
                  <td className="govuk-table__cell">
                    {r.differs && MERGEABLE.has(r.key) ? (
                      <fieldset className="govuk-fieldset">
                        <legend className="govuk-visually-hidden">Keep which {r.label.toLowerCase()}</legend>
                        <div className="govuk-radios govuk-radios--small">
                          {(['first', 'second'] as const).map((s) => (
                            <div className="govuk-radios__item" key={s}>
                              <input
                                className="govuk-radios__input"
                                type="radio"
                                id={`keep-${r.key}-${s}`}
                                name={`keep-${r.key}`}
                                checked={(choice[r.key] ?? survivor) === s}
                                onChange={() => setChoice((c) => ({ ...c, [r.key]: s }))}
                              />
                              <label className="govuk-label govuk-radios__label" htmlFor={`keep-${r.key}-${s}`}>
                                {s === 'first' ? first.cpNumber : second.cpNumber}
                              </label>
                            </div>
                          ))}
                        </div>
                      </fieldset>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {weights ? (
            <table className="govuk-table" data-testid="weights">
              <caption className="govuk-table__caption govuk-table__caption--s">Why: what each field added to or took from the likelihood</caption>
              <TableHead columns={['Field', 'How they compare', { label: 'Weight', numeric: true }]} />
              <tbody className="govuk-table__body">
                {weights.fields.map((f) => (
                  <tr className="govuk-table__row" key={f.field}>
                    <td className="govuk-table__cell">{FIELD_LABELS[f.field]}</td>
                    <td className="govuk-table__cell">{f.level}</td>
                    <td className="govuk-table__cell govuk-table__cell--numeric">{f.weight > 0 ? `+${f.weight.toFixed(1)}` : f.weight.toFixed(1)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          <fieldset className="govuk-fieldset govuk-!-margin-bottom-4">
            <legend className="govuk-fieldset__legend govuk-fieldset__legend--s">Which ContactPoint number stays</legend>
            <div className="govuk-radios govuk-radios--small">
              {(['first', 'second'] as const).map((s) => (
                <div className="govuk-radios__item" key={s}>
                  <input className="govuk-radios__input" type="radio" id={`survivor-${s}`} name="survivor" checked={survivor === s} onChange={() => setSurvivor(s)} />
                  <label className="govuk-label govuk-radios__label" htmlFor={`survivor-${s}`}>
                    {s === 'first' ? first.cpNumber : second.cpNumber}
                  </label>
                </div>
              ))}
            </div>
          </fieldset>
          <div className="govuk-button-group">
            <button type="button" className="govuk-button" onClick={merge}>
              Merge into {survivor === 'first' ? first.cpNumber : second.cpNumber}
            </button>
            <button
              type="button"
              className="govuk-button govuk-button--secondary"
              onClick={() => void onResolve({ action: 'not-duplicate', ids: [task.id] }, 'Marked as different children. This pair will not come back.')}
            >
              Not a duplicate
            </button>
            <button type="button" className="cp-link-button" onClick={onClose}>
              Close
            </button>
          </div>
        </>
      ) : (
        <div className="govuk-button-group">
          <button type="button" className="govuk-button govuk-button--secondary" onClick={() => void onResolve({ action: 'dismiss', ids: [task.id] }, 'Dismissed.')}>
            Nothing to do
          </button>
          <button type="button" className="cp-link-button" onClick={onClose}>
            Close
          </button>
        </div>
      )}
    </section>
  );
}
