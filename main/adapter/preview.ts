// The live preview while a profile is edited: the file's columns and first rows, each
// row as the profile maps it, with its problems. What a case-information column holds
// is never shown (nor sent): its cells are withheld here, before anything reaches the
// screen.
import { compileMapping, type RowProblem } from '../../domain/adapter/mapping.js';
import { looksLikeCaseInformation, mappedColumns, type Profile } from '../../domain/adapter/profile.js';
import { sourceFormatOf } from './check-part.js';
import type { DroppedColumn } from './loads.js';
import { previewSource } from './source/index.js';

export const WITHHELD = '(withheld: case information)';

export interface PreviewRow {
  row: number;
  /** The row as read, column by column (case-information columns withheld). */
  source: Record<string, string>;
  /** The record the profile makes of it (null when it has an error). */
  record: Record<string, unknown> | null;
  problems: RowProblem[];
}

export interface Preview {
  columns: string[];
  encoding: string | null;
  rows: PreviewRow[];
  dropped: DroppedColumn[];
  /** Profile fields whose column the file does not have. */
  missingColumns: { field: string; column: string }[];
}

export async function previewFile(path: string, profile: Profile, today: string, sampleRows = 10): Promise<Preview> {
  const { columns, rows, encoding } = await previewSource(path, sourceFormatOf(profile), sampleRows);
  const mapping = compileMapping(profile, { today });
  const mapped = mappedColumns(profile);
  const mappedSet = new Set(mapped.map((m) => m.column));
  const withheld = new Set(columns.filter(looksLikeCaseInformation));
  return {
    columns,
    encoding,
    dropped: columns
      .filter((c) => !mappedSet.has(c))
      .map((column) => ({ column, reason: withheld.has(column) ? 'case-information' : 'not-mapped' })),
    // A JSON Lines or XML file may simply leave a field out of its first rows: only a CSV header is the whole list.
    missingColumns: profile.source.type === 'csv' ? mapped.filter((m) => !columns.includes(m.column)) : [],
    rows: rows.map((r) => {
      const source: Record<string, string> = {};
      for (const [k, v] of Object.entries(r.fields)) source[k] = withheld.has(k) ? WITHHELD : v;
      if (r.problem !== undefined)
        return {
          row: r.row,
          source,
          record: null,
          problems: [{ field: '(row)', column: null, message: r.problem, severity: 'error' as const }],
        };
      const m = mapping.map(r.fields, r.row);
      return { row: r.row, source, record: m.record as Record<string, unknown> | null, problems: m.problems };
    }),
  };
}
