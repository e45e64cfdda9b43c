// A sync's progress: how much of the working set has come, how fast, and about how long
// is left.
import type { WorkingSetStatus } from '../../../../domain/working-set.js';
import { formatDuration, formatNumber } from '../../format.js';

export function SyncProgressBar({ status }: { status: WorkingSetStatus }) {
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
      <progress
        id="sync-progress-bar"
        className="cp-progress__bar"
        max={100}
        value={percent}
        aria-describedby="sync-progress-detail"
      >
        {percent}%
      </progress>
      <p className="govuk-body-s" id="sync-progress-detail">
        {detail}
      </p>
    </div>
  );
}
