import type { ErrorCode } from '../../domain/ipc-contract.js';

/**
 * An error a user can act on: its message is shown as it is, so it must never carry
 * personal data, secrets or internal detail.
 */
export class AppFailure extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AppFailure';
  }
}
