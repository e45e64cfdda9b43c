// Reading a format=lines page of the feed: what the service sends is split into the
// entries and their records' bytes; anything else (a cut-off page, a wrong count, a
// garbled line) is refused with a clear error and nothing is applied.
import { describe, expect, it } from 'vitest';
import { ServiceFailure } from '../../../../main/api/client.js';
import { parseFeedLines } from '../../../../main/working-set/sync-engine.js';

const head = (count: number, more = false) =>
  JSON.stringify({ cursor: 'RTA4MDAwMDE1OjM', more, count, ahead: [], lastSeq: 3 });
const record = { cpNumber: 'CP000000018', name: { given: 'Zoë ,"record":{', family: "O'Brien" }, dob: '2015-03-04' };
const upsert = (seq: number) =>
  `{"seq":${seq},"cpNumber":"CP000000018","kind":"upsert","version":1,"shielded":false,"shieldPending":false,` +
  `"index":{"family":"obrien","given":"zoerecord","dob":"2015-03-04","postcode":null,"nhsNumber":null,"formerFamilies":[]},"record":${JSON.stringify(record)}}`;
const tombstone = '{"seq":3,"cpNumber":"CP000000026","kind":"tombstone","version":2,"reason":"archived"}';

function refusal(text: string): unknown {
  try {
    parseFeedLines(Buffer.from(text, 'utf8'));
  } catch (e) {
    return e;
  }
  return null;
}

describe('a page of the feed as JSON Lines', () => {
  it('gives each entry, and each record as the exact bytes sent', () => {
    const page = parseFeedLines(
      Buffer.from(
        `${head(3)}\n${upsert(1)}\n{"seq":2,"cpNumber":"CP000000026","kind":"upsert","version":1,"superseded":true}\n${tombstone}\n`,
      ),
    );
    expect(page.head).toMatchObject({ more: false, count: 3, lastSeq: 3 });
    expect(page.changes.map((c) => [c.seq, c.kind, c.superseded ?? false])).toEqual([
      [1, 'upsert', false],
      [2, 'upsert', true],
      [3, 'tombstone', false],
    ]);
    expect(JSON.parse(Buffer.from(page.changes[0]!.recordJson!).toString('utf8'))).toEqual(record);
    expect(page.changes[0]!.index).toMatchObject({ family: 'obrien', given: 'zoerecord' });
  });

  it('keeps provenance as the bytes sent, and refuses a garbled one', () => {
    const provenance = {
      dob: {
        supplier: 'nhs',
        date: '2025-01-01',
        values: { gro: { value: '2015-03-04', date: '2015-03-10' }, nhs: { value: '2015-04-03', date: '2025-01-01' } },
      },
    };
    const line = upsert(1).replace(',"record":', `,"provenance":${JSON.stringify(provenance)},"record":`);
    const page = parseFeedLines(Buffer.from(`${head(1)}\n${line}\n`));
    expect(JSON.parse(Buffer.from(page.changes[0]!.provenanceJson!).toString('utf8'))).toEqual(provenance);
    expect(JSON.parse(Buffer.from(page.changes[0]!.recordJson!).toString('utf8'))).toEqual(record);
    expect(page.changes[0]!.index).toMatchObject({ family: 'obrien' });
    const garbled = upsert(1).replace(',"record":', ',"provenance":"oops","record":');
    expect(refusal(`${head(1)}\n${garbled}\n`)).toBeInstanceOf(ServiceFailure);
  });

  it.each([
    ['a page cut off before its last entry', `${head(3)}\n${upsert(1)}\n`],
    ['a page cut off inside a record', `${head(1)}\n${upsert(1).slice(0, -20)}`],
    ['a garbled entry', `${head(1)}\n{"seq":1,"cpNumber":\n`],
    ['a first line that is not the page head', `${upsert(1)}\n`],
    ['an empty answer', ''],
    ['an HTML error page', '<html><body>Bad gateway</body></html>'],
  ])('refuses %s with a clear error', (_what, text) => {
    const e = refusal(text);
    expect(e).toBeInstanceOf(ServiceFailure);
    expect((e as ServiceFailure).code).toBe('service-error');
    expect((e as ServiceFailure).message).toMatch(/sent a page of the feed that could not be read/);
  });
});
