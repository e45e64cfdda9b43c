// What a screen tells the person after they act: the errors for its error summary, and
// a "Done" notice. A lost session is not a screen's error: main announces it and the
// App shows the sign-in screen, so `problem` gives no message for it.
import { useState } from 'react';
import type { AppError } from '../../domain/ipc-contract.js';
import { Banner } from './components/Banner.js';
import { ErrorSummary, type FieldError } from './components/ErrorSummary.js';

/** An error from main for the error summary, linked to `field`; none when the session has gone. */
export function problem(error: AppError, field: string): FieldError[] {
  if (error.code === 'signed-out' || error.code === 'session-expired') return [];
  return [{ field, message: error.message }];
}

/** The success banner after an action, its words in the heading (`testId` for the tests). */
export function Notice({ text, testId }: { text: string; testId?: string }) {
  return (
    <Banner title="Done" success>
      <p className="govuk-notification-banner__heading" data-testid={testId}>
        {text}
      </p>
    </Banner>
  );
}

/**
 * Errors and a success notice for one view, only one of them shown at a time: `view`
 * goes at the top of the view; `fail`, `done` and `clear` set what it shows.
 */
export function useFeedback(testId: string) {
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const view = (
    <>
      <ErrorSummary errors={errors} />
      {notice ? <Notice text={notice} testId={testId} /> : null}
    </>
  );
  return {
    view,
    fail: (e: AppError, field: string) => {
      setNotice(null);
      setErrors(problem(e, field));
    },
    done: (n: string) => {
      setErrors([]);
      setNotice(n);
    },
    clear: () => {
      setErrors([]);
      setNotice(null);
    },
  };
}

/** One view's feedback, for a part of the view that acts on its behalf. */
export type Feedback = ReturnType<typeof useFeedback>;
