// Finding a child in the national index: the search form, checked before it is sent,
// and the children that match, each opening the question of why.
import { useState, type FormEvent } from 'react';
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
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const { errors: problems, query } = validateSearch(form);
    setErrors(problems);
    if (problems.length > 0) {
      setResults(null);
      return;
    }
    setBusy(true);
    const r = await getApi().children.search(query);
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
        <button type="submit" className="govuk-button" disabled={busy} aria-disabled={busy}>
          Search
        </button>
      </form>
      {results ? <Results results={results} onOpen={onOpen} /> : null}
    </>
  );
}

/** The children that match, best first; a name opens the question of why. */
function Results({
  results,
  onOpen,
}: {
  results: { results: ChildSearchResult[]; truncated: boolean };
  onOpen: (c: ChildSearchResult) => void;
}) {
  return (
    <section aria-labelledby="results-heading">
      <h2 className="govuk-heading-m" id="results-heading">
        Results
      </h2>
      <p className="govuk-body" aria-live="polite">
        {results.results.length === 0
          ? 'No children match these details.'
          : results.truncated
            ? 'More than 50 children match. Add more details to narrow the search.'
            : `${results.results.length} ${results.results.length === 1 ? 'child matches' : 'children match'}.`}
      </p>
      {results.results.length > 0 ? (
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
      ) : null}
    </section>
  );
}
