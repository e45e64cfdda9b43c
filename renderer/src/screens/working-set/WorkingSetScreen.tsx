// The working set on this computer: what it holds, syncing it with a progress bar,
// sending the changes and audit entries waiting, the changes that need a person, the
// sync history, and wiping it. Everything shown comes from main on request and lives in
// component state: locking unmounts it with the rest of the session.
import { useCallback, useEffect, useState } from 'react';
import type { SyncRunView, TaskView, WorkingSetStatus } from '../../../../domain/working-set.js';
import { getApi } from '../../api.js';
import { Banner } from '../../components/Banner.js';
import { ErrorSummary, type FieldError } from '../../components/ErrorSummary.js';
import { PageHeading } from '../../components/PageHeading.js';
import { SummaryList } from '../../components/SummaryList.js';
import { Warning } from '../../components/Warning.js';
import { Notice, problem } from '../../feedback.js';
import { formatDateTime, formatNumber } from '../../format.js';
import { ConflictTasks } from './ConflictTasks.js';
import { SyncHistory, syncOutcomes } from './SyncHistory.js';
import { SyncProgressBar } from './SyncProgressBar.js';

const wipeReasons: Record<NonNullable<WorkingSetStatus['lastWipe']>['reason'], string> = {
  command: 'a member of the team wiped it',
  'no-sync': 'it had not been synced for longer than this computer allows',
  'access-ended': "a user's access to ContactPoint ended",
};

export function WorkingSetScreen() {
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
    const r = await (what === 'sync'
      ? api.workingSet.sync()
      : what === 'cancel'
        ? api.workingSet.cancel()
        : api.workingSet.wipe());
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
  const result = last?.run
    ? last.run.outcome === 'completed'
      ? `Sync completed: ${formatNumber(last.run.upserts)} records brought up to date, ${formatNumber(last.run.removed)} removed.`
      : `Sync ${syncOutcomes[last.run.outcome].toLowerCase()} after ${formatNumber(last.run.upserts)} records.`
    : null;
  // What a screen reader hears: progress in steps of 10% (the bar moves every 250 ms, far
  // too often to read out), then how the sync ended. One region, always in the page.
  const step = progress ? Math.floor(progress.fraction * 10) * 10 : 0;
  const announcement = running
    ? `${progress?.kind === 'delta' ? 'Fetching changes' : 'Fetching the working set'}: ${step}% done.`
    : last?.error
      ? `The last sync stopped: ${last.error.message}`
      : (result ?? '');
  return (
    <>
      <ErrorSummary errors={errors} />
      <PageHeading caption="On this computer, encrypted">Working set</PageHeading>
      {notice ? <Notice text={notice} /> : null}
      {status.lastWipe && status.children === 0 ? (
        <div className="govuk-inset-text" data-testid="last-wipe">
          The working set was wiped on {formatDateTime(status.lastWipe.at)} because{' '}
          {wipeReasons[status.lastWipe.reason]}. Sync to fetch it again.
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
                {status.access.refused > 0
                  ? ` (${formatNumber(status.access.refused)} refused by the national index: tell your data manager)`
                  : ''}
              </span>
            ),
          },
          { key: 'Conflicts and refusals for a person', value: formatNumber(status.openTasks) },
          { key: 'Wiped automatically', value: `After ${status.maxDaysWithoutSync} days without a sync` },
        ]}
      />

      <h2 className="govuk-heading-m">Sync</h2>
      <p className="govuk-visually-hidden" role="status" data-testid="sync-announcement">
        {announcement}
      </p>
      <div className="govuk-button-group">
        {running ? (
          <button type="button" className="govuk-button govuk-button--secondary" onClick={() => void act('cancel')}>
            Stop the sync
          </button>
        ) : (
          <button
            type="button"
            id="sync-now"
            className="govuk-button"
            disabled={!status.available}
            onClick={() => void act('sync')}
          >
            {status.fullSyncDone
              ? 'Sync now'
              : status.children > 0
                ? 'Continue the first sync'
                : 'Start the first sync'}
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

      {/* Below the buttons, so the button a person pressed stays where it was while the bar comes and goes. */}
      {running || progress ? <SyncProgressBar status={status} /> : null}
      {!running && last?.error ? (
        <div className="govuk-inset-text" data-testid="sync-error">
          The last sync stopped: {last.error.message} Everything fetched before it stopped is kept; syncing again
          continues from there.
        </div>
      ) : null}
      {!running && last?.run ? (
        <p className="govuk-body" data-testid="sync-result">
          {result}
        </p>
      ) : null}

      {tasks.length > 0 ? <ConflictTasks tasks={tasks} /> : null}
      {history.length > 0 ? <SyncHistory runs={history} /> : null}

      <h2 className="govuk-heading-m">Wipe this computer&apos;s working set</h2>
      {confirmWipe ? (
        <>
          <Warning>
            This deletes every record held on this computer and its key. Changes not yet sent ({formatNumber(waiting)})
            are lost. The records stay in the national index.
          </Warning>
          <div className="govuk-button-group">
            <button type="button" className="govuk-button govuk-button--warning" onClick={() => void act('wipe')}>
              Yes, wipe the working set
            </button>
            <button
              type="button"
              className="govuk-button govuk-button--secondary"
              onClick={() => setConfirmWipe(false)}
            >
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
