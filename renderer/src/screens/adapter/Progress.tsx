// The adapter's progress bar while it checks every row of a file, saves the results or
// sends them to the national index.
import type { AdapterStatusView } from '../../../../domain/adapter/views.js';
import { formatNumber } from '../../format.js';

const stageLabel: Record<string, string> = {
  checking: 'Checking every row',
  saving: 'Saving the results',
  sending: 'Sending to the national index',
};

export function Progress({ status }: { status: AdapterStatusView }) {
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
