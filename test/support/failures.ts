// The AppFailure a promise rejects with (and a test failure if it resolves or rejects
// with anything else).
import { expect } from 'vitest';
import { AppFailure } from '../../main/ipc/app-failure.js';

export async function failureOf(p: Promise<unknown>): Promise<AppFailure> {
  const outcome = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(outcome).toBeInstanceOf(AppFailure);
  return outcome as AppFailure;
}
