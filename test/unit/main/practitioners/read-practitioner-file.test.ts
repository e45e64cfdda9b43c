// A team's spreadsheet of practitioners to ready, read through the adapter's CSV reader
// (main/practitioners/read-practitioner-file.ts): real files on disk in the encodings and
// delimiters spreadsheets save, each bad row named with its problems, and nothing to send
// unless every row is good.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readPractitionerFile, type ReadContext } from '../../../../main/practitioners/read-practitioner-file.js';

const dir = mkdtempSync(join(tmpdir(), 'cp-practitioners-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (content: string | Buffer) => {
  const path = join(dir, `list-${++n}.csv`);
  writeFileSync(path, content);
  return path;
};
const context: ReadContext = {
  today: '2026-11-24',
  organisations: [
    { id: 'org-gp-training', name: 'Seacombe Training Medical Centre', odsCode: 'N82001', urn: null },
    { id: 'org-school', name: 'Oldershaw Academy', odsCode: null, urn: '105080' },
  ],
  listed: new Set(['already@seacombe.nhs.uk']),
};
const header =
  'Organisation,Name,Work email,Role,Training priority,Enhanced check date,Course passed,Course attended\r\n';

describe('reading a list of practitioners to ready', () => {
  it('reads good rows to send, finding organisations by name, ODS code or URN and days as ISO', async () => {
    const read = await readPractitionerFile(
      file(
        header +
          'Seacombe Training Medical Centre,Ann Shaw,Ann.Shaw@seacombe.nhs.uk,practitioner,1,01/02/2025,,\r\n' +
          'n82001,"Ben ""BJ"" Cole",ben@seacombe.nhs.uk,Child protection,2,2025-03-04,2026-11-01,2026-11-01\r\n' +
          ',,,,,,,\r\n' +
          '105080,Cat Day,cat@oldershaw.sch.uk,practitioner,3,,,\r\n',
      ),
      context,
    );
    expect(read).toEqual({
      ok: true,
      entries: [
        expect.objectContaining({
          row: 2,
          organisation: 'org-gp-training',
          workEmail: 'ann.shaw@seacombe.nhs.uk',
          enhancedCheckDate: '2025-02-01',
        }),
        expect.objectContaining({
          row: 3,
          name: 'Ben "BJ" Cole',
          role: 'child-protection',
          coursePassedOn: '2026-11-01',
        }),
        expect.objectContaining({ row: 5, organisation: 'org-school', trainingPriority: 3 }),
      ],
    });
  });

  it('reads a semicolon-separated Windows-1252 file, a stray quote read as text', async () => {
    const text =
      'Organisation;Name;Work email;Role;Training priority\r\nN82001;Siân O"Neill;sian@seacombe.nhs.uk;practitioner;4\r\n';
    const read = await readPractitionerFile(file(Buffer.from(text, 'latin1')), context);
    expect(read.ok).toBe(true);
    if (read.ok) expect(read.entries[0]).toMatchObject({ row: 2, name: 'Siân O"Neill', trainingPriority: 4 });
  });

  it('names each bad row with its problems, and gives nothing to send', async () => {
    const read = await readPractitionerFile(
      file(
        header +
          'N82001,Ann Shaw,ann@seacombe.nhs.uk,practitioner,1,,,\r\n' +
          'Nowhere,Ben Cole,ben-at-seacombe,practitioner,0,31/02/2025,,\r\n' +
          'N82001,Cat Day,ANN@seacombe.nhs.uk,practitioner,3,,,\r\n' +
          'N82001,Di Eve,already@seacombe.nhs.uk,la-team,4,,2026-11-01,\r\n',
      ),
      context,
    );
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.message).toContain('3 rows have problems');
    expect(read.rows.map((r) => r.row)).toEqual([3, 4, 5]);
    expect(read.rows[0]!.problems).toEqual([
      'Organisation is not one of your authority’s partner organisations',
      'Work email must be an email address, such as name@example.org.uk',
      'Training priority must be a whole number from 1 (trained first) to 100000',
      'Enhanced check date must be a real date, such as 2026-03-31 or 31/03/2026',
    ]);
    expect(read.rows[1]!.problems).toEqual(['Work email is on row 2 too']);
    expect(read.rows[2]!.problems).toEqual([
      'Role must be practitioner or child-protection',
      'Course attended on give the day the course was attended: it was passed',
    ]);
    // Personal data stays out of the problems: no names or emails.
    expect(JSON.stringify(read.rows)).not.toMatch(/ben-at|Cole|seacombe\.nhs/);
  });

  it('refuses a file whose first row does not name the columns the list needs', async () => {
    const read = await readPractitionerFile(file('Name,Email\r\nAnn Shaw,ann@seacombe.nhs.uk\r\n'), context);
    expect(read).toMatchObject({ ok: false, rows: [{ row: 1 }] });
    if (!read.ok) {
      expect(read.rows[0]!.problems.join(' ')).toContain('no Organisation column');
      expect(read.rows[0]!.problems.join(' ')).toContain('no Training priority column');
    }
  });
});
