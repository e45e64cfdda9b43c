// One task as a row of a queue's list: the pair and how likely they are the same child
// (marked when doubtful: in the review band below the automatic threshold), or the record and what the rule found; and who it is assigned to.
import type { CleanseTaskView } from '../../../../domain/cleanse/views.js';
import { isPair, pairDetail } from './tasks.js';

export function TaskSummary({ task }: { task: CleanseTaskView }) {
  if (isPair(task)) {
    const d = pairDetail(task);
    return (
      <span className="cp-vlist__text">
        <strong>{task.cpNumber}</strong> and <strong>{task.otherCpNumber}</strong>: {Math.round(d.score * 100)}% likely
        the same child
        {d.shielded ? ' (shielded)' : ''}
        {d.band === 'review' ? (
          <strong className="govuk-tag govuk-tag--yellow cp-differs__tag" data-testid="band-tag">
            doubtful: review band
          </strong>
        ) : null}
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
