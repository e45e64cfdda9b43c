// What the cleansing checks and their priorities mean, beside the task queues
// (CleansingScreen). The rules' names and priorities come from
// domain/cleanse/rules.ts, the same table the checks run from, so the help cannot drift
// from them; each rule's own explanation is shown with its queue.
import { PRIORITY_ORDER, RULES } from '../../../../domain/cleanse/rules.js';

const rulesByPriority = Object.values(RULES).sort((a, b) => PRIORITY_ORDER[a.priority] - PRIORITY_ORDER[b.priority]);

export function CleansingRulesHelp() {
  return (
    <>
      <p className="govuk-body">
        <strong>Run the checks</strong> looks at every record in the working set against each rule, then compares the
        records to find children held twice. Each rule that finds something makes a task, and each rule has its own
        queue. Choose a queue to see what its rule means and what to do.
      </p>
      <p className="govuk-body">
        Close a task by correcting the record, merging two records, or choosing a decision or a referral from the
        rule&apos;s list. Decisions are kept: a pair marked as different children is not raised again by the next run.
        Notes must not hold case information.
      </p>
      <p className="govuk-body">
        Each rule has a priority: urgent, high, normal or low. The queues are listed with the most urgent first.
      </p>
      <p className="govuk-body">
        A possible duplicate of a shielded record is urgent: until someone decides, the other record is treated as
        shielded too.
      </p>
      <p className="govuk-body">The rules:</p>
      <ul className="govuk-list govuk-list--bullet" data-testid="cleansing-rules-help">
        {rulesByPriority.map((r) => (
          <li key={r.id}>
            {r.title} ({r.priority})
          </li>
        ))}
      </ul>
    </>
  );
}
