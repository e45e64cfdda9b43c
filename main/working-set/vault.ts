// The working set's key, and the only place it is kept: the operating system's
// credential store (Windows Credential Manager, macOS Keychain, the Secret Service on
// Linux), through @napi-rs/keyring. A random 256-bit key is made on first use; it never
// touches the disk in the clear, a log or an error message.
import { randomBytes } from 'node:crypto';
import { Entry } from '@napi-rs/keyring';

export const KEYRING_SERVICE = 'uk.gov.contactpoint.desktop';
export const KEY_BYTES = 32;

export interface Vault {
  /** The stored key, or null when the credential store holds none. */
  read(): Buffer | null;
  /** A new random key, stored (replacing any other). */
  create(): Buffer;
  /** Removes the key; nothing happens if there is none. */
  destroy(): void;
}

/** The credential store could not be used. The message never carries the key. */
export class VaultError extends Error {
  override name = 'VaultError';
  readonly code = 'credential-store-unavailable';
}

const unavailable = () =>
  new VaultError(
    "This computer's credential store could not be used, and ContactPoint keeps the working set's key there. " +
      'Sign in to the computer again; if it keeps happening, tell your IT service desk.',
  );

/** The vault in the OS credential store, under `account` (one per working set). */
export function createKeyringVault(account = 'working-set'): Vault {
  const entry = () => {
    try {
      return new Entry(KEYRING_SERVICE, account);
    } catch {
      throw unavailable();
    }
  };
  return {
    read() {
      let stored: string | null;
      try {
        stored = entry().getPassword() ?? null;
      } catch {
        throw unavailable();
      }
      if (stored === null) return null;
      const key = Buffer.from(stored, 'hex');
      // Something else under our name, or a damaged entry: not a key we made.
      return key.length === KEY_BYTES && /^[0-9a-f]+$/.test(stored) ? key : null;
    },
    create() {
      const key = randomBytes(KEY_BYTES);
      try {
        entry().setPassword(key.toString('hex'));
      } catch {
        throw unavailable();
      }
      return key;
    },
    destroy() {
      try {
        entry().deleteCredential();
      } catch {
        throw unavailable();
      }
    },
  };
}
