// TOTP secrets at rest: sealed under the service's secrets key (auth/secret-box.ts).
// Versions before migration 12 stored them in the clear; the service seals those at
// start-up, and checks that its key opens what is already sealed, so a wrong key is
// one clear error at start rather than every token refused at sign-in.
import { SecretBox, SecretBoxError } from '../auth/secret-box.js';
import type { Database } from '../store/database.js';

export async function sealStoredSecrets(db: Database, secrets: SecretBox): Promise<{ sealed: number }> {
  const rows = await db.query<{ id: string; totp_secret: string }>(
    'SELECT id, totp_secret FROM users WHERE totp_secret IS NOT NULL',
  );
  const clear = rows.filter((r) => !SecretBox.isSealed(r.totp_secret));
  const probe = rows.find((r) => SecretBox.isSealed(r.totp_secret));
  if (probe) {
    try {
      secrets.open(probe.totp_secret, probe.id);
    } catch (e) {
      if (e instanceof SecretBoxError) {
        throw new SecretBoxError(
          'The secrets key does not open the security-token secrets in this store: start the service with the key it was set up with.',
        );
      }
      throw e;
    }
  }
  if (clear.length > 0) {
    await db.transaction(async (tx) => {
      for (const r of clear) {
        // Only a row still holding the value read is sealed: a concurrent change wins.
        await tx.query('UPDATE users SET totp_secret = $2 WHERE id = $1 AND totp_secret = $3', [
          r.id,
          secrets.seal(r.totp_secret, r.id),
          r.totp_secret,
        ]);
      }
    });
  }
  return { sealed: clear.length };
}
