// How the renderer writes numbers, dates, times and durations, in one place so every
// screen says them the same way (en-GB, as GOV.UK does). Two date-and-time styles stay:
// the long one in sentences ("5 January 2026 at 14:30") and the short one in tables
// ("5 Jan 2026, 14:30"), where a column of long dates would crowd out the rest.
// No DOM, so it is tested in Node.

const numbers = new Intl.NumberFormat('en-GB');
const percents = new Intl.NumberFormat('en-GB', { style: 'percent', maximumFractionDigits: 1 });

/** 12,345 */
export function formatNumber(n: number): string {
  return numbers.format(n);
}

/** 0.953 → "95.3%" */
export function formatPercent(fraction: number): string {
  return percents.format(fraction);
}

const months = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** "5 January 2026" (GOV.UK style) from `YYYY-MM-DD`; anything else is shown as it is. */
export function formatDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return iso;
  return `${Number(m[3])} ${months[Number(m[2]) - 1] ?? m[2]} ${m[1]}`;
}

/** "5 January 2026 at 14:30", in this computer's time zone: a moment in a sentence. */
export function formatDateTime(iso: string): string {
  return new Date(iso).toLocaleString('en-GB', { dateStyle: 'long', timeStyle: 'short' });
}

/** "5 Jan 2026, 14:30", in this computer's time zone: a moment in a table; "—" for none. */
export function formatDateTimeShort(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' }) : '—';
}

/** How long something has left: "40 seconds", "1 minute", "12 minutes". */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} seconds`;
  const minutes = Math.round(seconds / 60);
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}
