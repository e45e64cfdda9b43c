// The streaming source readers of the ContactPoint adapter: what callers need, and no more.
export { previewSource, readSource } from './source.js';
export { SourceError, type SourceErrorCode } from './source-error.js';
export type { ReadOptions, SourceFormat, SourceRow, SourceWarning, TextEncoding } from './source-format.js';
export { findSplit, type Split } from './split.js';
