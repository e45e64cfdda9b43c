// The progress bar of a cleansing run, stage by stage: the rules, then duplicate
// detection (preparing, grouping, comparing, learning the weights, scoring), then saving.
import type { CleanseStatus } from '../../../../domain/cleanse/views.js';

const stageLabel: Record<string, string> = {
  checking: 'Checking every record against the rules',
  preparing: 'Preparing records for comparison',
  blocking: 'Grouping records that could be duplicates',
  comparing: 'Comparing pairs',
  estimating: 'Learning from the data how much each field counts',
  scoring: 'Scoring pairs',
  saving: 'Saving the tasks',
};

export function CleanseProgress({ status }: { status: CleanseStatus }) {
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
