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
  return createApiClient({
    baseUrl: h.url,
    transport: createTransport({ timeoutMs: 60_000, maxResponseBytes: 64 * 1024 * 1024 }),
    now: () => h.clock.now().getTime(),
    retryDelaysMs: [],
  });
}

/**
 * Put records straight into a store as one feed page would (no service): for tests of
 * what runs on a synced working set. `record` may be anything JSON: cleansing must cope
 * with what validation never let through.
 */
export function fillStore(
  store: WorkingSetStore,
  children: readonly {
    record: Record<string, unknown> & { cpNumber: string };
    shielded?: boolean;
    provenance?: Record<string, unknown>;
  }[],
): void {
  const runId = store.startRun('full', new Date().toISOString());
  let seq = Number(store.meta('lastSeq') ?? '0');
  const changes = children.map(({ record, shielded, provenance }) => {
    const r = record as {
      name?: { given?: string; family?: string; former?: { family: string }[] };
      dob?: string;
      address?: { postcode?: string } | null;
      identifiers?: { nhsNumber?: string };
    };
    return {
      seq: ++seq,
      cpNumber: record.cpNumber,
      kind: 'upsert' as const,
      version: typeof record.version === 'number' ? record.version : 1,
      shielded: shielded ?? record.shielded === true,
      shieldPending: false,
      index: {
        family: r.name?.family ?? '',
        given: r.name?.given ?? '',
        dob: r.dob ?? null,
        postcode: r.address?.postcode ?? null,
        nhsNumber: typeof r.identifiers?.nhsNumber === 'string' ? r.identifiers.nhsNumber : null,
        formerFamilies: (r.name?.former ?? []).map((f) => f.family),
      },
      recordJson: Buffer.from(JSON.stringify(record), 'utf8'),
      ...(provenance ? { provenanceJson: Buffer.from(JSON.stringify(provenance), 'utf8') } : {}),
    };
  });
  store.applyPage(changes, `cursor-${seq}`, runId);
  store.finishRun(runId, 'completed', new Date().toISOString());
}
