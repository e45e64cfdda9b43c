// Why a signed request was refused. A SignatureError is an ApiError, so the HTTP layer
// answers it as any other: `{"error": {"code", "message"}}` with its status. Messages
// say what to fix and never carry key material.
import { ApiError } from '../http/api-error.js';

export type SignatureErrorCode =
  | 'signature-missing'
  | 'signature-malformed'
  | 'signature-invalid'
  | 'signature-unknown-key'
  | 'signature-expired'
  | 'signature-future'
  | 'signature-window'
  | 'signature-replayed'
  | 'digest-missing'
  | 'digest-mismatch'
  | 'key-invalid';

export class SignatureError extends ApiError {
  declare readonly code: SignatureErrorCode;
  declare readonly status: 400 | 401;

  constructor(code: SignatureErrorCode, message: string) {
    // A body that does not match its digest is a broken request (400); everything else
    // is a failure to authenticate (401).
    super(code === 'digest-mismatch' ? 400 : 401, code, message);
    this.name = 'SignatureError';
  }
}
