// The checkpoint and export routes over real HTTP, and the offline check a data manager
// runs on what they download: the latest checkpoint (published when the service
// started), one made on demand, the range exported in pages, then checked against the
// checkpoint by `npm run audit:verify -- --range` with no store and no service.
import { createPublicKey } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChainEntry } from '../../../../service/audit/chain.js';
import { checkpointSignatureValid, verifyRange, type AuditCheckpoint } from '../../../../service/audit/checkpoints.js';
import { runVerifyCommand } from '../../../../service/audit/verify-cli.js';
import { startServiceHarness, type ServiceHarness, type SignedClient } from '../../../support/national-service.js';

let h: ServiceHarness;
let manager: SignedClient;
let root: string;
beforeAll(async () => {
  h = await startServiceHarness({ trainingCount: 20, now: new Date('2026-05-01T09:00:00Z') });
  manager = await h.signIn('trn-data-manager');
  root = mkdtempSync(join(tmpdir(), 'cp-audit-range-'));
});
afterAll(async () => {
  await h.close();
  rmSync(root, { recursive: true, force: true });
});

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runVerifyCommand(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out, err };
}

describe('audit checkpoints over HTTP', () => {
  it('serves the checkpoint published at start, signed by the key it gives', async () => {
    const r = await manager.get('/v1/audit/checkpoints/latest');
    expect(r.status).toBe(200);
    expect(r.body.checkpoint).toMatchObject({ format: 'contactpoint-audit-checkpoint/1', reason: 'start' });
    expect(checkpointSignatureValid(r.body.checkpoint, createPublicKey(r.body.publicKey))).toBe(true);
    const team = await h.signIn('trn-la-team');
    expect((await team.get('/v1/audit/checkpoints/latest')).status).toBe(200);
    // An LA team sees only its own children's entries: a whole range is not theirs to download.
    expect((await team.get('/v1/audit/export')).status).toBe(403);
    expect((await team.post('/v1/audit/checkpoints', {})).status).toBe(403);
  });

  it('makes one on demand, exports the range in pages, and the range checks out offline against it; a changed copy does not', async () => {
    const made = await manager.post('/v1/audit/checkpoints', {});
    expect(made.status).toBe(201);
    const checkpoint = made.body.checkpoint as AuditCheckpoint;
    expect(checkpoint.reason).toBe('on-demand');
    expect((await manager.get('/v1/audit/checkpoints/latest')).body.checkpoint).toEqual(checkpoint);

    const pages: unknown[] = [];
    for (let from: number | null = 1; from !== null && from <= checkpoint.size;) {
      const page = await manager.get(`/v1/audit/export?from=${from}&limit=7`);
      expect(page.status).toBe(200);
      pages.push(page.body);
      from = page.body.next;
    }
    const entries = pages.flatMap((p) => (p as { entries: ChainEntry[] }).entries);
    expect(entries[0]).toMatchObject({ seq: 1, prevHash: '0'.repeat(64) });
    expect(entries.every((e) => typeof e.mac === 'string')).toBe(true);
    const publicKey = createPublicKey(made.body.publicKey);
    expect(verifyRange(entries, checkpoint, { publicKey })).toMatchObject({ ok: true, from: 1 });

    const files = {
      range: join(root, 'range.json'),
      checkpoint: join(root, 'checkpoint.json'),
      publicKey: join(root, 'public.pem'),
      changed: join(root, 'changed.json'),
    };
    writeFileSync(files.range, JSON.stringify(pages));
    writeFileSync(files.checkpoint, JSON.stringify(checkpoint));
    writeFileSync(files.publicKey, made.body.publicKey);
    const ok = await run('--range', files.range, '--checkpoint', files.checkpoint, '--public-key', files.publicKey);
    expect(ok.code).toBe(0);
    expect(ok.out[0]).toMatch(
      new RegExp(
        `^audit range intact: entries 1 to \\d+, through the checkpoint of ${checkpoint.at} \\(${checkpoint.size} entries\\)$`,
      ),
    );

    const changed = structuredClone(entries);
    changed[2]!.reason = 'not what happened';
    writeFileSync(files.changed, JSON.stringify({ entries: changed }));
    const bad = await run('--range', files.changed, '--checkpoint', files.checkpoint, '--public-key', files.publicKey);
    expect(bad).toMatchObject({ code: 1, out: ['audit range broken at entry 3: hash-mismatch'] });
    expect(bad.err).toContain('Entry 3 has been changed: its content does not match its hash.');

    writeFileSync(
      files.checkpoint,
      JSON.stringify({ ...checkpoint, size: checkpoint.size - 1, head: entries[checkpoint.size - 2]!.hash }),
    );
    const forged = await run('--range', files.range, '--checkpoint', files.checkpoint, '--public-key', files.publicKey);
    expect(forged).toMatchObject({ code: 1, out: ['audit range not verified: checkpoint-signature'] });
  });

  it('refuses a range without a checkpoint to check it against', async () => {
    const r = await run('--range', join(root, 'range.json'));
    expect(r.code).toBe(2);
    expect(r.err[0]).toBe('--range needs --checkpoint FILE and --public-key FILE to check it against.');
  });

  it('checks the trail through the latest checkpoint when asked to verify', async () => {
    const r = await manager.get('/v1/audit/verify');
    expect(r.body).toMatchObject({ ok: true, intact: true });
    // Cut the chain short, head and all: consistent in the database, but the checkpoint counted more.
    const { size } = (await manager.get('/v1/audit/checkpoints/latest')).body.checkpoint as AuditCheckpoint;
    await h.db.query('DELETE FROM audit_log WHERE seq > $1', [size - 2]);
    await h.db.query('UPDATE audit_head SET seq = $1, hash = (SELECT hash FROM audit_log WHERE seq = $1)', [size - 2]);
    const cut = await manager.get('/v1/audit/verify');
    expect(cut.body).toMatchObject({ ok: false, firstBroken: { problem: 'checkpoint-mismatch' } });
  });
});
