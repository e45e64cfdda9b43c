// Reading a team's spreadsheet of practitioners to ready (issue 21, item 2) through the
// adapter's own CSV reader (main/adapter/source/), so the file is read as a supplier's
// export is: its encoding found (UTF-8 or Windows-1252, with or without a byte-order
// mark), quoted fields over line ends, stray quotes read as text, rows numbered as a
// spreadsheet numbers them. A semicolon- or tab-separated file (as Excel saves it in
// some locales) is found from its header.
//
// Every row is checked before anything is sent, by the rules the service keeps
// (domain/practitioners-to-ready.ts), against the authority's directory and the list as
// it stands: a file with one bad row is refused whole, each bad row named with its
// problems (the field, never the value: names and emails are personal data). Columns the
// list does not keep are never read further, let alone sent.
import type { ImportEntry } from '../../domain/api/practitioners.js';
import {
  checkPractitioner,
  csvColumns,
  headerKey,
  organisationMatcher,
  practitionerFieldLabels,
  requiredCsvColumns,
  type NamedOrganisation,
  type PractitionerField,
} from '../../domain/practitioners-to-ready.js';
import { IMPORT_MAX_ROWS } from '../../domain/api/practitioners.js';
import { previewSource, readSource, type SourceFormat } from '../adapter/source/index.js';

export interface RowProblems {
  row: number;
  problems: string[];
}

export type PractitionerFile =
  { ok: true; entries: ImportEntry[] } | { ok: false; message: string; rows: RowProblems[] };

export interface ReadContext {
  /** Today's date (ISO): checks, attendance, passes and agreements are dated today or earlier. */
  today: string;
  /** The authority's partner organisations, which a row names by id, ODS code, URN or name. */
  organisations: readonly NamedOrganisation[];
  /** Work emails on the list already (lower case). */
  listed: ReadonlySet<string>;
}

/** The file's delimiter: a comma, unless the header is one column that a semicolon or tab would split. */
async function formatOf(path: string): Promise<{ format: SourceFormat; columns: string[] }> {
  const comma: SourceFormat = { type: 'csv', delimiter: ',' };
  const { columns } = await previewSource(path, comma, 1);
  if (columns.length === 1) {
    for (const delimiter of [';', '\t']) {
      if (columns[0]!.includes(delimiter)) {
        const format: SourceFormat = { type: 'csv', delimiter };
        return { format, columns: (await previewSource(path, format, 1)).columns };
      }
    }
  }
  return { format: comma, columns };
}

const sentence = (field: PractitionerField, message: string) => `${practitionerFieldLabels[field]} ${message}`;

/** Reads and checks the whole file; the entries to send only when every row is good. */
export async function readPractitionerFile(path: string, context: ReadContext): Promise<PractitionerFile> {
  const { format, columns } = await formatOf(path);
  // Which column holds which field.
  const columnOf = new Map<PractitionerField, string>();
  const headerProblems: string[] = [];
  for (const column of columns) {
    const key = headerKey(column);
    const field = (Object.keys(csvColumns) as PractitionerField[]).find((f) => csvColumns[f].includes(key));
    if (!field) continue;
    if (columnOf.has(field))
      headerProblems.push(`${practitionerFieldLabels[field]} is given by two columns: keep one of them`);
    else columnOf.set(field, column);
  }
  for (const field of requiredCsvColumns)
    if (!columnOf.has(field))
      headerProblems.push(
        `there is no ${practitionerFieldLabels[field]} column: name one “${csvColumns[field][0]}” in the first row`,
      );
  if (headerProblems.length > 0)
    return {
      ok: false,
      message: 'Nothing was imported: the first row does not name the columns the list needs.',
      rows: [{ row: 1, problems: headerProblems }],
    };

  const organisationOf = organisationMatcher(context.organisations);
  const inFile = new Map<string, number>();
  const entries: ImportEntry[] = [];
  const bad: RowProblems[] = [];
  let read = 0;
  for await (const batch of readSource(path, format)) {
    for (const r of batch) {
      const cell = (field: PractitionerField) => {
        const column = columnOf.get(field);
        return column === undefined ? '' : (r.fields[column] ?? '');
      };
      // A blank line, or one a spreadsheet left with empty cells, is no person.
      if (Object.values(r.fields).every((v) => v.trim() === '')) continue;
      if (++read > IMPORT_MAX_ROWS)
        return {
          ok: false,
          message: `Nothing was imported: a file may hold at most ${IMPORT_MAX_ROWS} people. Split it and import each part.`,
          rows: [],
        };
      const problems: string[] = [];
      if (r.problem) problems.push(r.problem);
      const organisation = organisationOf(cell('organisation'));
      if ('problem' in organisation) problems.push(sentence('organisation', organisation.problem));
      const optional = (field: PractitionerField) => (cell(field).trim() === '' ? null : cell(field));
      const checked = checkPractitioner(
        {
          name: cell('name'),
          workEmail: cell('workEmail'),
          role: cell('role'),
          trainingPriority: cell('trainingPriority'),
          enhancedCheckDate: optional('enhancedCheckDate'),
          courseBookedOn: optional('courseBookedOn'),
          courseAttendedOn: optional('courseAttendedOn'),
          coursePassedOn: optional('coursePassedOn'),
          agreementSignedOn: optional('agreementSignedOn'),
        },
        context.today,
      );
      if (!checked.ok) problems.push(...checked.problems.map((p) => sentence(p.field, p.message)));
      else {
        const email = checked.facts.workEmail;
        if (context.listed.has(email)) problems.push(sentence('workEmail', 'is on your list already'));
        else if (inFile.has(email)) problems.push(sentence('workEmail', `is on row ${inFile.get(email)} too`));
        else inFile.set(email, r.row);
      }
      if (problems.length > 0) bad.push({ row: r.row, problems });
      else if (checked.ok && 'id' in organisation)
        entries.push({ row: r.row, organisation: organisation.id, ...checked.facts });
    }
  }
  if (bad.length > 0)
    return {
      ok: false,
      message: `Nothing was imported: ${bad.length === 1 ? '1 row has' : `${bad.length} rows have`} problems. Correct ${bad.length === 1 ? 'it' : 'them'} in the file and import it again.`,
      rows: bad,
    };
  if (entries.length === 0)
    return { ok: false, message: 'Nothing was imported: the file names no one below its first row.', rows: [] };
  return { ok: true, entries };
}
