// Task sessions: the purpose given once for a piece of work, ended by leaving the screen,
// a new purpose on the same screen, or the end of the sign-in (sign-out, lock, expiry).
import { describe, expect, it } from 'vitest';
import { AppFailure } from '../../../../main/ipc/app-failure.js';
import { createTaskSessions } from '../../../../main/working-set/task-sessions.js';

const alice = { userId: 'alice', signIn: 3 };
const at = new Date('2026-12-06T10:00:00Z');

function refusal(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof AppFailure ? e.code : 'other';
  }
  return undefined;
}

describe('task sessions', () => {
  it('holds the purpose for its screen until it is ended', () => {
    const tasks = createTaskSessions();
    const t = tasks.start('local-search', 'Brokering contact', alice, at);
    expect(t.id).toMatch(/^[0-9a-f]{32}$/);
    expect(tasks.get(t.id, alice)).toMatchObject({
      screen: 'local-search',
      purpose: 'Brokering contact',
      userId: 'alice',
      startedAt: at.toISOString(),
    });
    tasks.end(t.id);
    expect(refusal(() => tasks.get(t.id, alice))).toBe('purpose-required');
  });

  it('a new purpose on a screen ends the one before it; the other screen’s stays', () => {
    const tasks = createTaskSessions();
    const first = tasks.start('cleansing', 'Duplicates', alice, at);
    const search = tasks.start('local-search', 'Contact', alice, at);
    const second = tasks.start('cleansing', 'Invalid postcodes', alice, at);
    expect(refusal(() => tasks.get(first.id, alice))).toBe('purpose-required');
    expect(tasks.get(second.id, alice).purpose).toBe('Invalid postcodes');
    expect(tasks.get(search.id, alice).purpose).toBe('Contact');
  });

  it('ends with the sign-in: after a lock or sign-out (a new sign-in) it is refused, and forgotten', () => {
    const tasks = createTaskSessions();
    const t = tasks.start('local-search', 'Contact', alice, at);
    expect(refusal(() => tasks.get(t.id, { userId: 'alice', signIn: 5 }))).toBe('purpose-required');
    expect(tasks.size()).toBe(0);
  });

  it('is only its own user’s', () => {
    const tasks = createTaskSessions();
    const t = tasks.start('local-search', 'Contact', alice, at);
    expect(refusal(() => tasks.get(t.id, { userId: 'bob', signIn: 3 }))).toBe('purpose-required');
  });

  it('remembers what was audited in it, by view', () => {
    const tasks = createTaskSessions();
    const t = tasks.start('cleansing', 'Duplicates', alice, at);
    tasks.markAudited(t, 'record', ['CP000000018']);
    expect(tasks.audited(t, 'record', 'CP000000018')).toBe(true);
    expect(tasks.audited(t, 'shielded-details', 'CP000000018')).toBe(false);
    const next = tasks.start('cleansing', 'Duplicates again', alice, at);
    expect(tasks.audited(next, 'record', 'CP000000018')).toBe(false);
  });

  it('runs the openings of a task session one after another, so two at once cannot both audit a record', async () => {
    const tasks = createTaskSessions();
    const t = tasks.start('cleansing', 'Duplicates', alice, at);
    const order: string[] = [];
    const slow = tasks.serial(t, async () => {
      order.push('first started');
      await new Promise((r) => setTimeout(r, 30));
      order.push('first done');
      throw new Error('the first failed');
    });
    const second = tasks.serial(t, async () => {
      order.push('second started');
      return 2;
    });
    await expect(slow).rejects.toThrow('the first failed');
    expect(await second).toBe(2);
    expect(order).toEqual(['first started', 'first done', 'second started']);
  });
});
