// One cleansing queue: its open tasks as a virtual list (only the rows in view exist,
// fetched a page at a time, so 100,000 tasks scroll as smoothly as ten) worked from the
// keyboard, assigning and bulk actions, the purpose of the work asked once, and the
// open task beside the list.
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { RuleId } from '../../../../domain/cleanse/rules.js';
import type { CleanseTaskView, TeamMember } from '../../../../domain/cleanse/views.js';
import { getApi } from '../../api.js';
import { ErrorSummary, type FieldError } from '../../components/ErrorSummary.js';
import { Notice, problem } from '../../feedback.js';
import { formatNumber } from '../../format.js';
import { PurposeForm, useTaskSession } from '../TaskPurpose.js';
import { DecisionForm } from './DecisionForm.js';
import { TaskPanel } from './TaskPanel.js';
import type { ResolveRequest } from './tasks.js';
import { TaskSummary } from './TaskSummary.js';

const VISIBLE_ROWS = 10;
const PAGE = 100;
/** Narrow windows (400% zoom): rows tall enough for their words wrapped onto four lines. */
const NARROW = '(max-width: 40.0625em)';

function useRowHeight(): number {
  const [narrow, setNarrow] = useState(() => matchMedia(NARROW).matches);
  useEffect(() => {
    const query = matchMedia(NARROW);
    const change = () => setNarrow(query.matches);
    query.addEventListener('change', change);
    return () => query.removeEventListener('change', change);
  }, []);
  return narrow ? 96 : 48;
}

/** One queue: the virtual list on the left, the open task beside it. */
export function QueueView({
  rule,
  title,
  explanation,
  onChanged,
}: {
  rule: string;
  title: string;
  explanation: string;
  onChanged: () => void;
}) {
  const ROW_HEIGHT = useRowHeight();
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
      else if ((n + 1) * ROW_HEIGHT > el.scrollTop + VISIBLE_ROWS * ROW_HEIGHT)
        el.scrollTop = (n + 1 - VISIBLE_ROWS) * ROW_HEIGHT;
    }
  };

  const resolve = async (request: ResolveRequest, done: string) => {
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
  /** A doubtful pair decided to be one child: a second look asked of the national index (the task closes). */
  const secondLook = async (taskId: number, survivor: string, done: string) => {
    setErrors([]);
    const r = await getApi().reviews.secondLook({ taskId, survivor });
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
    } else if (key === 'a' && chosen.length > 0)
      void resolve({ action: 'assign', ids: chosen, assignee: 'me' }, `${chosen.length} assigned to you.`);
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
      {notice ? <Notice text={notice} testId="cleanse-notice" /> : null}
      <p className="govuk-body-s" id="queue-keys">
        {total === null ? 'Loading…' : `${formatNumber(total)} open tasks.`} Up and down arrows (or J and K) move, Space
        selects, Enter opens, A assigns to you.
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
          <select
            id="assign-to"
            className="govuk-select"
            value={assignee}
            onChange={(e) => setAssignee(e.target.value)}
            data-testid="assign-to"
          >
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
            void resolve(
              { action: 'assign', ids: chosen, assignee },
              `${chosen.length} assigned to ${who?.name ?? assignee}.`,
            );
          }}
        >
          Assign {selected.size > 0 ? `${selected.size} selected` : 'this task'}
        </button>
      </div>
      <div className="govuk-button-group">
        <button
          type="button"
          className="govuk-button govuk-button--secondary"
          disabled={chosen.length === 0}
          onClick={() =>
            void resolve({ action: 'assign', ids: chosen, assignee: 'me' }, `${chosen.length} assigned to you.`)
          }
        >
          Assign {selected.size > 0 ? `${selected.size} selected` : 'this task'} to me
        </button>
        {pairQueue ? (
          <button
            type="button"
            className="govuk-button govuk-button--secondary"
            disabled={chosen.length === 0}
            onClick={() =>
              void resolve(
                { action: 'not-duplicate', ids: chosen },
                `${chosen.length} marked as different children. They will not come back.`,
              )
            }
          >
            Not duplicates ({chosen.length})
          </button>
        ) : null}
      </div>
      {!pairQueue && selected.size > 0 ? (
        <DecisionForm
          key={[...selected].join(',')}
          rule={rule as RuleId}
          count={selected.size}
          idPrefix="bulk"
          onDecide={(decision, note, label) =>
            resolve(
              { action: 'dismiss', ids: [...selected], decision, ...(note ? { note } : {}) },
              `${selected.size} closed: ${label}. They will not come back unless their records change.`,
            )
          }
        />
      ) : null}
      {task.session ? (
        <p className="govuk-body-s" data-testid="task-purpose">
          Purpose of this work: <bdi>{task.session.purpose}</bdi>
        </p>
      ) : null}
      {openId !== null && task.session === null ? (
        <PurposeForm
          screen="cleansing"
          id="cleansing-purpose"
          what="tasks"
          onStarted={task.start}
          onCancel={() => setOpenId(null)}
        />
      ) : null}
      {openId !== null && task.session !== null ? (
        <TaskPanel
          key={openId}
          id={openId}
          taskSession={task.session.taskSession}
          onLost={task.lost}
          onResolve={resolve}
          onSecondLook={secondLook}
          onClose={() => setOpenId(null)}
          onCorrected={reload}
        />
      ) : null}
    </section>
  );
}
