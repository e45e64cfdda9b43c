// How the screens write numbers, dates, times and durations (renderer/src/format.ts),
// and which errors a screen shows itself (renderer/src/feedback.tsx), in Node.
import { describe, expect, it } from 'vitest';
import { problem } from '../../../renderer/src/feedback.js';
import {
  formatDate,
  formatDateTime,
  formatDateTimeShort,
  formatDuration,
  formatNumber,
  formatPercent,
} from '../../../renderer/src/format.js';

describe('format', () => {
  it('writes numbers and percentages the en-GB way', () => {
    expect(formatNumber(1234567)).toBe('1,234,567');
    expect(formatNumber(0)).toBe('0');
    expect(formatPercent(0.953)).toBe('95.3%');
    expect(formatPercent(0.95)).toBe('95%');
  });

  it('writes a date the GOV.UK way, and a moment long in sentences and short in tables', () => {
    expect(formatDate('2026-01-05')).toBe('5 January 2026');
    expect(formatDate('2026-01-05T10:00:00Z')).toBe('2026-01-05T10:00:00Z');
    // In this computer's time zone, as the screens show it.
    const morning = new Date(2026, 0, 5, 9, 5).toISOString();
    expect(formatDateTime(morning)).toBe('5 January 2026 at 09:05');
    expect(formatDateTimeShort(morning)).toBe('5 Jan 2026, 09:05');
    expect(formatDateTimeShort(null)).toBe('—');
    expect(formatDateTimeShort(undefined)).toBe('—');
  });

  it('says how long is left in seconds, then whole minutes', () => {
    expect(formatDuration(0.2)).toBe('1 seconds');
    expect(formatDuration(40)).toBe('40 seconds');
    expect(formatDuration(80)).toBe('1 minute');
    expect(formatDuration(725)).toBe('12 minutes');
  });
});

describe('problem', () => {
  it('links an error to its field, and leaves a lost session to the App', () => {
    expect(problem({ code: 'forbidden', message: 'Not yours' }, 'shield-cp')).toEqual([
      { field: 'shield-cp', message: 'Not yours' },
    ]);
    expect(problem({ code: 'signed-out', message: 'Signed out' }, 'shield-cp')).toEqual([]);
    expect(problem({ code: 'session-expired', message: 'Expired' }, 'shield-cp')).toEqual([]);
  });
});
