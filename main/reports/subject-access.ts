// A child's subject-access report as a PDF: the sections the screen shows
// (domain/subject-access-view.ts), written by main's small PDF writer.
import type { SubjectAccessReport } from '../../domain/api/subject-access.js';
import { entryLine, heldSections } from '../../domain/subject-access-view.js';
import { renderPdf, type PdfLine } from './pdf.js';

export function subjectAccessPdf(report: SubjectAccessReport): string {
  const lines: PdfLine[] = [
    { text: 'ContactPoint: subject-access report', bold: true, size: 16 },
    { text: `Child: ${report.cpNumber}`, size: 12, gapBefore: 4 },
    {
      text: `Made by ${report.generatedBy.name} (${report.generatedBy.userId}) at ${report.generatedAt.slice(0, 16).replace('T', ' ')} UTC, for: ${report.reason}`,
    },
  ];
  if (report.record.shielded)
    lines.push({
      text: 'SHIELDED RECORD. Its address, contacts, services and identifiers must not be disclosed to the person who asked without the decision the shield calls for.',
      bold: true,
      gapBefore: 6,
    });
  for (const section of heldSections(report)) {
    lines.push({ text: section.heading, bold: true, size: 13, gapBefore: 10 });
    if (section.rows.length === 0) lines.push({ text: 'None recorded.' });
    for (const [label, value] of section.rows) lines.push({ text: `${label}: ${value}` });
  }
  lines.push({ text: 'Who opened the record, and what was done to it', bold: true, size: 13, gapBefore: 10 });
  lines.push({
    text: `${report.entries.length} entries, oldest first${report.truncated ? ' (more are held: ask the national administrator for the rest)' : ''}.`,
  });
  for (const e of report.entries) {
    const [when, what, who, why] = entryLine(e);
    lines.push({ text: `${when}  ${what}: ${who}${why ? `. Reason: ${why}` : ''}` });
  }
  return renderPdf(lines, `Subject-access report ${report.cpNumber}`);
}
