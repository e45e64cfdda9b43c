// Messages between the card reader (main thread) and its PKCS#11 worker thread.

export interface FoundCard {
  slot: string;
  tokenLabel: string;
  serial: string;
  /** Token flags (CKF_USER_PIN_COUNT_LOW / FINAL_TRY / LOCKED among them). */
  flags: number;
}

export type WorkerRequest =
  | { id: number; op: 'scan' }
  | {
      id: number;
      op: 'sign';
      slot: string;
      serial: string;
      pin: string;
      digest: Uint8Array;
      /** Also read the card's public key (CKA_EC_POINT), for enrolling the card at the desk. */
      withPublicKey?: boolean;
    }
  | { id: number; op: 'watch'; watchId: number; slot: string; serial: string; pollMs: number }
  | { id: number; op: 'unwatch'; watchId: number }
  | { id: number; op: 'close' };

/** What went wrong, as a kind the main side turns into a message for a person. */
export type WorkerFailureKind =
  'module-missing' | 'no-config' | 'pin-incorrect' | 'pin-locked' | 'card-gone' | 'no-key' | 'pkcs11';

export type WorkerReply =
  | { id: number; ok: true; cards?: FoundCard[]; signature?: Uint8Array; ecPoint?: Uint8Array; flags?: number }
  | { id: number; ok: false; kind: WorkerFailureKind; flags?: number; detail?: string };

export type WorkerEvent = { event: 'removed'; watchId: number };
