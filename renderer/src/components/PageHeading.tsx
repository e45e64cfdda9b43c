// The page's h1, with an optional caption above it. It also carries how focus follows
// the user between screens, which belongs with the heading it moves to.
import { useEffect, useRef, type ReactNode } from 'react';

// Focus follows the user: until they have pressed a key or clicked, the page keeps the
// browser's own focus order (the skip link first); after that, each new screen moves
// focus to its heading, so a screen reader starts there.
let userHasActed = false;
if (typeof window !== 'undefined') {
  const acted = () => {
    userHasActed = true;
  };
  window.addEventListener('keydown', acted, { capture: true, once: true });
  window.addEventListener('pointerdown', acted, { capture: true, once: true });
}

/** The page's h1, focused when a new screen appears after the user has acted. */
export function PageHeading({ children, caption }: { children: ReactNode; caption?: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (userHasActed) ref.current?.focus();
  }, []);
  return (
    <>
      {caption ? <span className="govuk-caption-l cp-wrap">{caption}</span> : null}
      <h1 className="govuk-heading-l cp-wrap" tabIndex={-1} ref={ref}>
        {children}
      </h1>
    </>
  );
}
