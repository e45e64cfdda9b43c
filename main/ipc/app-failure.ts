import type { ErrorCode } from '../../domain/ipc-contract.js';

/**
 * An error a user can act on: its message is shown as it is, so it must never carry
 * personal data, secrets or internal detail.
 */
export class AppFailure extends Error {
  /** card-pin-incorrect: the tries the card has left. */
  readonly triesLeft: number | undefined;
  constructor(
    readonly code: ErrorCode,
    message: string,
    extra: { triesLeft?: number } = {},
  ) {
    super(message);
    this.name = 'AppFailure';
    this.triesLeft = extra.triesLeft;
  }
}
