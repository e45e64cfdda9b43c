// Finding a child in the national index: the search form, checked before it is sent,
// and the children that match, each opening the question of why.
import { useLayoutEffect, useRef, useState, type FormEvent } from 'react';
import type { ChildSearchResult } from '../../../../domain/api/records.js';
import { getApi } from '../../api.js';
import { ErrorSummary, type FieldError } from '../../components/ErrorSummary.js';
import { Name } from '../../components/Name.js';
import { PageHeading } from '../../components/PageHeading.js';
import { TableHead } from '../../components/TableHead.js';
import { problem } from '../../feedback.js';
import { formatDate } from '../../format.js';
import { genderLabel, validateSearch, type SearchForm } from '../../forms.js';
import { SearchFields } from './SearchFields.js';
import { TableScroll } from '../../components/TableScroll.js';
import { recordPainted, recordSpans } from '../../timing.js';

export function SearchScreen(props: {
  form: SearchForm;
  setForm: (f: SearchForm) => void;
  results: { results: ChildSearchResult[]; truncated: boolean } | null;
  setResults: (r: { results: ChildSearchResult[]; truncated: boolean } | null) => void;
  onOpen: (child: ChildSearchResult) => void;
}) {
  const { form, setForm, results, setResults, onOpen } = props;
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [busy, setBusy] = useState(false);
  // Debug timing (only when main sends spans): when the search began and was answered,
  // until the commit that shows the answer records the render and the paint.
  const timed = useRef<{ started: number; answered: number } | null>(null);
  useLayoutEffect(() => {
    const t = timed.current;
    if (t === null) return;
    timed.current = null;
    recordPainted('search', t.started, t.answered);
  }, [results]);
  const onSubmit = async (event: FormEvent) => {
    const started = performance.now();
    event.preventDefault();
    if (busy) return;
    const { errors: problems, query } = validateSearch(form);
    setErrors(problems);
    if (problems.length > 0) {
      setResults(null);
      return;
    }
    setBusy(true);
    const sent = performance.now();
    const r = await getApi().children.search(query);
    if (r.timing) {
      const answered = performance.now();
      recordSpans('search', sent, answered, r.timing);
      // Rows are painted only for an answer; an error shows no results to time.
      timed.current = r.ok ? { started, answered } : null;
    }
    setBusy(false);
    if (r.ok) setResults(r.value);
    else {
      setResults(null);
      setErrors(problem(r.error, 'surname'));
    }
  };

  return (
    <>
      <ErrorSummary errors={errors} />
      <PageHeading>Find a child</PageHeading>
      <form noValidate onSubmit={(e) => void onSubmit(e)} aria-label="Find a child">
        <SearchFields form={form} setForm={setForm} errors={errors} />
        {/* Not `disabled` while busy: that would take focus off the button, and a keyboard user would lose their place. */}
        <button type="submit" className="govuk-button" aria-disabled={busy}>
          Search
        </button>
      </form>
      <Results results={results} busy={busy} onOpen={onOpen} />
    </>
  );
}

function summary(results: { results: ChildSearchResult[]; truncated: boolean }): string {
  const n = results.results.length;
  if (n === 0) return 'No children match these details.';
  if (results.truncated) return 'More than 50 children match. Add more details to narrow the search.';
  return `${n} ${n === 1 ? 'child matches' : 'children match'}.`;
}

/** The children that match, best first; a name opens the question of why. */
function Results({
  results,
  busy,
  onOpen,
}: {
  results: { results: ChildSearchResult[]; truncated: boolean } | null;
  busy: boolean;
  onOpen: (c: ChildSearchResult) => void;
}) {
  // The count is a status that is always in the page, so a screen reader announces each
  // new one (a live region added with its words already in it is often not read).
  return (
    <section aria-labelledby={results ? 'results-heading' : undefined}>
      {results ? (
        <h2 className="govuk-heading-m" id="results-heading">
          Results
        </h2>
      ) : null}
      <p
        className={results || busy ? 'govuk-body' : 'govuk-visually-hidden'}
        role="status"
        data-testid="search-summary"
      >
        {busy ? 'Searching…' : results ? summary(results) : ''}
      </p>
      {results && results.results.length > 0 ? (
        <TableScroll>
          <table className="govuk-table">
            <caption className="govuk-table__caption govuk-visually-hidden">
              Children matching the search, best match first
            </caption>
            <TableHead columns={['Name', 'Date of birth', 'Gender', 'Postcode']} />
            <tbody className="govuk-table__body">
              {results.results.map((child) => (
                <tr className="govuk-table__row" key={child.cpNumber} data-testid="result-row">
                  <td className="govuk-table__cell cp-wrap">
                    <button type="button" className="cp-link-button" onClick={() => onOpen(child)}>
                      <Name given={child.name.given} family={child.name.family} />
                    </button>
                    {child.shielded ? <strong className="govuk-tag govuk-tag--red cp-tag-gap">Shielded</strong> : null}
                  </td>
                  <td className="govuk-table__cell">{formatDate(child.dob)}</td>
                  <td className="govuk-table__cell">{genderLabel(child.gender)}</td>
                  <td className="govuk-table__cell">{child.postcode ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      ) : null}
    </section>
  );
}
