// The reason for access travels in the CP-Access-Reason header, whose bytes Node reads
// as Latin-1: UTF-8 sent there would be audited garbled. The service takes printable
// ASCII only and refuses anything else, naming the header, before anything is audited.
// The requests go over a raw socket, so the bytes are exactly the ones chosen here.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServiceHarness, type ServiceHarness, type SignedClient } from '../../../support/national-service.js';
import { signRequest } from '../../../support/request-signer.js';

let h: ServiceHarness;
let client: SignedClient;
let cp: string;
beforeAll(async () => {
  h = await startServiceHarness({ trainingCount: 20 });
  client = await h.signIn('trn-practitioner');
  const [row] = await h.db.query<{ cp_number: string }>(
    "SELECT cp_number FROM children WHERE local_authority = 'E08000015' AND NOT shielded AND status = 'active' ORDER BY cp_number LIMIT 1",
  );
  cp = row!.cp_number;
});
afterAll(async () => {
  await h?.close();
});

/** A signed GET of the record with `reason` as the header's raw bytes; the status and error code. */
async function readWithReason(reason: Buffer): Promise<{ status: number; code: string | undefined }> {
  const url = new URL(`${h.url}/v1/children/${cp}`);
  const nowSec = Math.floor(h.clock.now().getTime() / 1000);
  const signed = signRequest({
    method: 'GET',
    url: url.href,
    keyid: client.sessionId,
    privateKey: client.privateKey,
    createdSec: nowSec,
  });
  const head = [
    `GET ${url.pathname} HTTP/1.1`,
    `Host: ${url.host}`,
    ...Object.entries(signed).map(([k, v]) => `${k}: ${v}`),
    'Connection: close',
  ].join('\r\n');
  const request = Buffer.concat([
    Buffer.from(`${head}\r\nCP-Access-Reason: `, 'latin1'),
    reason,
    Buffer.from('\r\n\r\n', 'latin1'),
  ]);
  const raw = await new Promise<string>((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
    socket.end(request);
  });
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1]);
  const body = raw.slice(raw.indexOf('\r\n\r\n') + 4);
  let code: string | undefined;
  try {
    code = (JSON.parse(body) as { error?: { code: string } }).error?.code;
  } catch {
    code = undefined;
  }
  return { status, code };
}

const reads = async () =>
  (
    await h.db.query<{ reason: string | null }>(
      "SELECT reason FROM audit_log WHERE action = 'read' AND cp_number = $1",
      [cp],
    )
  ).map((r) => r.reason);

describe('CP-Access-Reason', () => {
  it('accepts printable ASCII, and audits it as sent', async () => {
    const reason = "Home visit follow-up (school nurse's referral) #2";
    expect(await readWithReason(Buffer.from(reason, 'latin1'))).toEqual({ status: 200, code: undefined });
    expect(await reads()).toContain(reason);
  });

  it.each([
    ['UTF-8 accented letters', Buffer.from('Concern raised by café staff', 'utf8')],
    ['UTF-8 typographic quotes', Buffer.from('Mum’s request', 'utf8')],
    ['a Latin-1 byte', Buffer.from([0x43, 0x61, 0x66, 0xe9])],
    ['a tab', Buffer.from('Home\tvisit', 'latin1')],
  ])('refuses %s with 400 naming the header, and audits nothing', async (_what, bytes) => {
    const before = await reads();
    const res = await readWithReason(bytes);
    expect(res).toEqual({ status: 400, code: 'access-reason-invalid' });
    expect(await reads()).toEqual(before);
    const text = JSON.stringify(await h.db.query('SELECT reason, detail FROM audit_log'));
    expect(text).not.toMatch(/[^\x20-\x7E]/);
  });

  it('says what is wrong in the message', async () => {
    const res = await client.get(`/v1/children/${cp}`, { headers: { 'cp-access-reason': 'caf\u00e9' } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/CP-Access-Reason/);
    expect(res.body.error.message).toMatch(/ASCII/);
  });
});
