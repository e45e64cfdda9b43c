// The reason for access rides in the CP-Access-Reason header: what a person types must
// arrive as they meant it, or be refused with a message they can act on.
import { describe, expect, it } from 'vitest';
import { AppFailure } from '../../../main/ipc/app-failure.js';
import { accessReasonForHeader } from '../../../main/ipc/handlers.js';

describe('accessReasonForHeader', () => {
  it('keeps plain text, and folds typographic punctuation, accents and line breaks', () => {
    expect(accessReasonForHeader('Checking who else is working with this child')).toBe(
      'Checking who else is working with this child',
    );
    expect(accessReasonForHeader('Zoë’s school — “urgent”…')).toBe('Zoe\'s school - "urgent"...');
    expect(accessReasonForHeader('  two\nlines\r\n')).toBe('two lines');
  });

  it('refuses what a header cannot carry, without quoting it', () => {
    for (const bad of ['Referral 🚑', 'Straße', 'نص']) {
      let caught: unknown;
      try {
        accessReasonForHeader(bad);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(AppFailure);
      expect((caught as AppFailure).code).toBe('invalid-payload');
      expect((caught as AppFailure).message).toMatch(/letters, numbers, spaces and common punctuation/);
      expect((caught as AppFailure).message).not.toContain(bad);
    }
  });
});
