// A working set for tests: a temp folder and a key in the real OS credential store
// (gnome-keyring over the private D-Bus session that npm test starts), under an
// account name of its own, removed afterwards.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiClient, type ApiClient } from '../../main/api/client.js';
import { createTransport } from '../../main/api/transport.js';
import { openStore, type WorkingSetStore } from '../../main/working-set/store.js';
import { createKeyringVault, type Vault } from '../../main/working-set/vault.js';
import type { ServiceHarness } from './national-service.js';

export interface TestWorkingSet {
  dir: string;
  account: string;
  vault: Vault;
  open(): WorkingSetStore;
  cleanup(): void;
}

/** Why a keyring test cannot run here, or null when it can. */
export function keyringUnavailable(): string | null {
  if (process.platform === 'linux' && !process.env.DBUS_SESSION_BUS_ADDRESS) {
    return 'no D-Bus session: run the tests with "npm test", which starts one with gnome-keyring';
  }
  return null;
}

export function createTestWorkingSet(): TestWorkingSet {
  const dir = mkdtempSync(join(tmpdir(), 'cp-working-set-'));
  const account = `test-${randomBytes(6).toString('hex')}`;
  const vault = createKeyringVault(account);
  return {
    dir,
    account,
    vault,
    open: () => openStore(dir, vault),
    cleanup() {
      try {
        vault.destroy();
      } catch {
        // Already gone with a wipe.
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Main's API client against a test service, on the service's clock. */
export function apiFor(h: ServiceHarness): ApiClient {
  return createApiClient({ baseUrl: h.url, transport: createTransport({ timeoutMs: 60_000, maxResponseBytes: 64 * 1024 * 1024 }), now: () => h.clock.now().getTime(), retryDelaysMs: [] });
}
