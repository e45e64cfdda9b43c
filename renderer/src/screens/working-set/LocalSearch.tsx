// Searching the working set on this computer, through spelling differences and typing
// slips. A record opens only once the purpose of the work is given (a task session that
// ends when the person leaves the tab), and its shielded details only on request.
import { useEffect, useState, type FormEvent } from 'react';
import type { LocalSearchResultView } from '../../../../domain/working-set.js';
import type { WorkingSetRecordView } from '../../../../domain/working-set-access.js';
import { getApi } from '../../api.js';
import { ErrorSummary, type FieldError } from '../../components/ErrorSummary.js';
import { problem } from '../../feedback.js';
import { emptySearch, validateSearch, type SearchForm } from '../../forms.js';
import { SearchFields } from '../journey/SearchFields.js';
import { PurposeForm, useTaskSession } from '../TaskPurpose.js';
import { LocalResults } from './LocalResults.js';
import { WorkingSetRecord } from './WorkingSetRecord.js';

/** The working-set search's field ids start with this (it shares the page with the national search). */
const localPrefix = 'local-';

export function LocalSearch({ active }: { active: boolean }) {
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
      <p className="govuk-body">
        Searches the records on this computer. Names are matched through spelling differences and typing slips; a date
        of birth with day and month swapped still matches.
      </p>
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
