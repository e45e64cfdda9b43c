// Previous and next pages of a long list of a load (its problems, its rows), PAGE at a
// time, with where in the list the page is.
import { formatNumber } from '../../format.js';

/** How many problems or rows one page of a load shows. */
export const PAGE = 50;

export function Pager({
  offset,
  total,
  onPage,
  label,
}: {
  offset: number;
  total: number;
  onPage: (offset: number) => void;
  label: string;
}) {
  if (total <= PAGE) return null;
  return (
    <nav className="govuk-pagination" aria-label={`Pages of ${label}`}>
      <p className="govuk-body-s">
        {formatNumber(offset + 1)} to {formatNumber(Math.min(total, offset + PAGE))} of {formatNumber(total)}
      </p>
      <div className="govuk-button-group">
        <button
          type="button"
          className="govuk-button govuk-button--secondary"
          disabled={offset === 0}
          onClick={() => onPage(Math.max(0, offset - PAGE))}
        >
          Previous {label}
        </button>
        <button
          type="button"
          className="govuk-button govuk-button--secondary"
          disabled={offset + PAGE >= total}
          onClick={() => onPage(offset + PAGE)}
        >
          Next {label}
        </button>
      </div>
    </nav>
  );
}
