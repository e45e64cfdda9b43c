// Files that are plainly not text, recognised by how they start, so that an Excel
// workbook picked by mistake gets a message that says so rather than a wall of
// encoding errors.

const signatures: readonly (readonly number[])[] = [
  [0x50, 0x4b, 0x03, 0x04], // PK: zip, so .xlsx, .docx, .ods
  [0x50, 0x4b, 0x05, 0x06], // an empty zip
  [0x50, 0x4b, 0x07, 0x08], // a spanned zip
  [0xd0, 0xcf, 0x11, 0xe0], // OLE compound file: old .xls, .doc
  [0x25, 0x50, 0x44, 0x46, 0x2d], // %PDF-
  [0x47, 0x49, 0x46, 0x38], // GIF8
  [0x89, 0x50, 0x4e, 0x47], // \x89PNG
];

export function hasBinarySignature(start: Uint8Array): boolean {
  return signatures.some((sig) => sig.length <= start.length && sig.every((b, i) => start[i] === b));
}

export const notTextAdvice = 'this is not a text file: an Excel workbook? Save it as CSV and read it again.';
