// A data table that may be wider than the window: it scrolls sideways inside its own
// region, so the page itself reflows at 400% zoom (WCAG 1.4.10 lets data tables scroll in
// two dimensions). The region is focusable, so the keyboard can scroll it, and named
// after the table's caption, so a screen reader says what it holds.
import { useLayoutEffect, useRef, type ReactNode } from 'react';

export function TableScroll({ label, children }: { label?: string; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  // The caption's words, kept up to date as the caption changes (counts, filters).
  useLayoutEffect(() => {
    const region = ref.current;
    if (!region) return;
    const name = label ?? region.querySelector('caption')?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
    region.setAttribute('aria-label', name || 'Table');
  });
  return (
    <div className="cp-table-scroll" role="region" tabIndex={0} ref={ref}>
      {children}
    </div>
  );
}
