// The one error a reader throws when a file cannot be read as a whole. Its message is
// shown to the user as it is: it names the row (and column where known) and says what to
// do, and never quotes the file's content, which may be personal data.

export type SourceErrorCode =
  | 'not-found'
  | 'unreadable'
  | 'empty'
  | 'binary'
  | 'encoding'
  | 'unclosed-quote'
  | 'field-too-long'
  | 'header'
  | 'xml-doctype'
  | 'xml-malformed'
  | 'too-many-columns';

export class SourceError extends Error {
  override readonly name = 'SourceError';
  constructor(
    readonly code: SourceErrorCode,
    message: string,
    /** The row the error is about, as in SourceRow.row; 0 when it is not about a row. */
    readonly row: number,
    /** The column it is about, where known: the header's name, or 'column 3 (C)'. */
    readonly column?: string,
  ) {
    super(message);
  }
}
