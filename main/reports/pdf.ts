// A small PDF writer for reports: pages of text lines in Helvetica (regular and bold),
// A4, wrapped to the page. Everything it writes is ASCII: characters beyond it are
// written as octal escapes in WinAnsi (Latin-1 here), and anything outside Latin-1 as
// "?", so the file is the same bytes whichever text encoding it is written with, and
// each stream's /Length is its character count. No fonts are embedded (the standard 14
// fonts are in every PDF reader), no compression, no scripts or links.

export interface PdfLine {
  text: string;
  bold?: boolean;
  /** Points; 10 unless given. */
  size?: number;
  /** Space before the line, in points (a heading's gap). */
  gapBefore?: number;
}

const PAGE_W = 595;
const PAGE_H = 842;
const MARGIN = 50;

/** Helvetica's average advance is about half the size: wrap at the characters that fit. */
function wrap(text: string, size: number): string[] {
  const perLine = Math.max(20, Math.floor((PAGE_W - 2 * MARGIN) / (size * 0.5)));
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let rest = para;
    while (rest.length > perLine) {
      const cut = rest.lastIndexOf(' ', perLine);
      const at = cut > perLine / 2 ? cut : perLine;
      out.push(rest.slice(0, at));
      rest = rest.slice(at).trimStart();
    }
    out.push(rest);
  }
  return out;
}

/** A PDF string literal: ASCII, with ( ) \ escaped and the rest as octal Latin-1 escapes. */
export function pdfString(text: string): string {
  let out = '(';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '(' || ch === ')' || ch === '\\') out += `\\${ch}`;
    else if (code >= 0x20 && code < 0x7f) out += ch;
    else if (code >= 0xa0 && code <= 0xff) out += `\\${code.toString(8).padStart(3, '0')}`;
    else if (ch === '\u2019' || ch === '\u2018') out += "'";
    else if (ch === '\u2013' || ch === '\u2014') out += '-';
    else out += '?';
  }
  return `${out})`;
}

export function renderPdf(lines: readonly PdfLine[], title: string): string {
  // Lay the lines out into pages of drawing commands.
  const pages: string[][] = [[]];
  let y = PAGE_H - MARGIN;
  for (const line of lines) {
    const size = line.size ?? 10;
    const leading = size * 1.35;
    y -= line.gapBefore ?? 0;
    for (const part of wrap(line.text, size)) {
      if (y - leading < MARGIN) {
        pages.push([]);
        y = PAGE_H - MARGIN;
      }
      y -= leading;
      pages
        .at(-1)!
        .push(`BT /${line.bold ? 'F2' : 'F1'} ${size} Tf ${MARGIN} ${y.toFixed(1)} Td ${pdfString(part)} Tj ET`);
    }
  }
  const total = pages.length;
  pages.forEach((ops, i) =>
    ops.push(`BT /F1 8 Tf ${MARGIN} 30 Td ${pdfString(`${title} - page ${i + 1} of ${total}`)} Tj ET`),
  );

  // Objects: 1 catalog, 2 pages, 3 and 4 fonts, 5 info, then a page and its contents each.
  const objects: string[] = [];
  const kids = pages.map((_, i) => `${6 + i * 2} 0 R`).join(' ');
  objects.push('<< /Type /Catalog /Pages 2 0 R >>');
  objects.push(`<< /Type /Pages /Kids [${kids}] /Count ${total} >>`);
  objects.push('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  objects.push('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>');
  objects.push(`<< /Title ${pdfString(title)} /Producer (ContactPoint) >>`);
  pages.forEach((ops, i) => {
    const content = ops.join('\n');
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE_W} ${PAGE_H}] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents ${7 + i * 2} 0 R >>`,
    );
    objects.push(`<< /Length ${content.length} >>\nstream\n${content}\nendstream`);
  });

  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 5 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return out;
}
