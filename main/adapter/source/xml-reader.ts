// XML through saxes, streaming: each `recordElement` element, wherever it is, is one row;
// its descendants become fields by path (address.postcode), attributes by @name
// (address.@type), a path met again joined with '\n'. Any DOCTYPE is refused before
// saxes sees it: a DTD can name other files to read (external entities) or expand
// without end (billion laughs), and a record export never needs one. saxes itself knows
// only the five predefined entities and character references, and refuses the rest.
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import type { Position, RowParser } from './row-parser.js';
import { SourceError } from './source-error.js';
import { maxColumns, setField, type SourceRow, type TextEncoding } from './source-format.js';

/** Elements nested deeper than this are not a record export: refused rather than held. */
export const maxNesting = 1000;
/** Text is given to saxes in slices of this many characters, so that what it holds is checked often. */
const sliceChars = 64 * 1024;
/**
 * Text saxes holds between events (a text node, a comment, a tag) may run to this many
 * times maxField before the read stops: its entities (&amp;) make it longer than the field.
 */
const rawFactor = 10;
/** The longest prefix of '<!DOCTYPE' a text may end with: held back until the next text decides. */
const doctypeTail = '<!DOCTYPE'.length - 1;
const doctype = /<!doctype/i;

interface Open {
  /** Relative to the record: '' for the record itself. */
  path: string;
  text: string;
  children: boolean;
  attributes: boolean;
}

export class XmlParser implements RowParser {
  private readonly saxes = new SaxesParser<{ xmlns: false; position: true }>({ xmlns: false, position: true });
  private out: SourceRow[] = [];
  private depth = 0;
  private seenRoot = false;
  private seenText = false;
  /** Text held back in the prolog while it might be the start of a DOCTYPE. */
  private held = '';
  private ordinal = 0;
  /** The record being read, and its open elements from the record down. */
  private open: Open[] = [];
  private fields: Record<string, string> = {};
  private fieldCount = 0;
  /** Where saxes was at its last event: how much it may be holding is measured from here. */
  private lastEvent = 0;

  constructor(
    private readonly recordElement: string,
    private readonly maxField: number,
  ) {
    const p = this.saxes;
    p.on('opentag', (tag) => this.openTag(tag));
    p.on('closetag', () => this.closeTag());
    p.on('text', (text) => this.text(text));
    p.on('cdata', (text) => this.text(text));
    p.on('comment', () => this.event());
    p.on('processinginstruction', () => this.event());
    p.on('doctype', () => {
      throw doctypeError();
    });
    p.on('error', (err) => {
      throw this.malformed(reason(err.message));
    });
  }

  columns(): null {
    return null;
  }

  position(): Position {
    const at = `line ${this.saxes.line}, column ${this.saxes.column + 1}`;
    if (this.open.length > 0) return { row: this.ordinal, where: `Record ${this.ordinal} (${at})` };
    const after = this.ordinal === 0 ? 'before the first record' : `after record ${this.ordinal}`;
    return { row: 0, where: `${at[0]!.toUpperCase()}${at.slice(1)} (${after})` };
  }

  push(text: string, out: SourceRow[]): void {
    this.out = out;
    if (!this.seenText && /\S/.test(text)) this.seenText = true;
    if (this.seenRoot) return this.write(text);
    const s = this.held + text;
    this.held = '';
    const found = doctype.exec(s);
    if (found !== null) {
      this.write(s.slice(0, found.index));
      // After the root element, '<!DOCTYPE' is saxes's to refuse as misplaced.
      if (!this.seenRoot) throw doctypeError();
      return this.write(s.slice(found.index));
    }
    const keep = Math.min(doctypeTail, s.length);
    this.write(s.slice(0, s.length - keep));
    if (this.seenRoot) this.write(s.slice(s.length - keep));
    else this.held = s.slice(s.length - keep);
  }

  end(out: SourceRow[]): void {
    this.out = out;
    if (!this.seenText) throw new SourceError('empty', 'The file is empty: it has no XML in it.', 0);
    this.write(this.held);
    this.held = '';
    this.saxes.close();
  }

  private write(text: string): void {
    for (let i = 0; i < text.length; i += sliceChars) {
      this.saxes.write(text.slice(i, i + sliceChars));
      if (this.saxes.position - this.lastEvent > this.maxField * rawFactor) {
        const top = this.open.at(-1);
        const where = this.position().where;
        throw new SourceError(
          'field-too-long',
          `${where} has text ${top === undefined || top.path === '' ? '' : `in ${top.path} `}longer than ${this.maxField} characters: shorten it in the source system, or check the file is the right one.`,
          this.position().row,
        );
      }
    }
  }

  private event(): void {
    this.lastEvent = this.saxes.position;
  }

  private openTag(tag: SaxesTagPlain): void {
    this.event();
    this.seenRoot = true;
    if (++this.depth > maxNesting) throw this.malformed(`elements nested deeper than ${maxNesting}`);
    let path: string;
    if (this.open.length === 0) {
      if (tag.name !== this.recordElement) return;
      this.ordinal++;
      this.fields = {};
      this.fieldCount = 0;
      path = '';
    } else {
      const parent = this.open.at(-1)!;
      parent.children = true;
      path = parent.path === '' ? tag.name : `${parent.path}.${tag.name}`;
    }
    let attributes = false;
    for (const name in tag.attributes) {
      // Namespace declarations say how names are spelt, not anything about the child.
      if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
      attributes = true;
      this.add(path === '' ? `@${name}` : `${path}.@${name}`, tag.attributes[name]!);
    }
    this.open.push({ path, text: '', children: false, attributes });
  }

  private closeTag(): void {
    this.event();
    this.depth--;
    const el = this.open.pop();
    if (el === undefined) return;
    const text = el.text.trim();
    if (el.path === '') {
      // Text directly in the record, beside its elements: kept rather than lost.
      if (text !== '') this.add('#text', text);
      this.out.push({ row: this.ordinal, fields: this.fields });
      this.fields = {};
    } else if (text !== '' || (!el.children && !el.attributes)) {
      this.add(el.path, text);
    }
  }

  private text(text: string): void {
    this.event();
    const el = this.open.at(-1);
    if (el === undefined) return;
    el.text += text;
    if (el.text.length > this.maxField && el.text.trim().length > this.maxField)
      throw this.tooLong(el.path === '' ? '#text' : el.path);
  }

  private add(path: string, value: string): void {
    const had = Object.hasOwn(this.fields, path);
    const text = had ? `${this.fields[path]}\n${value}` : value;
    if (text.length > this.maxField) throw this.tooLong(path);
    if (!had && ++this.fieldCount > maxColumns) {
      throw new SourceError(
        'too-many-columns',
        `Record ${this.ordinal} has more than ${maxColumns} fields: check the record element is the right one.`,
        this.ordinal,
      );
    }
    setField(this.fields, path, text);
  }

  private tooLong(path: string): SourceError {
    return new SourceError(
      'field-too-long',
      `Record ${this.ordinal}, field ${path}, is longer than ${this.maxField} characters: shorten it in the source system, or check the file is the right one.`,
      this.ordinal,
    );
  }

  private malformed(why: string): SourceError {
    const at = this.position();
    return new SourceError(
      'xml-malformed',
      `${at.where} is not well-formed XML (${why}): correct the file, or export it again.`,
      at.row,
    );
  }
}

function doctypeError(): SourceError {
  return new SourceError(
    'xml-doctype',
    'The file has a DOCTYPE. DTDs are refused: they can read other files or expand without end. Export the file without one.',
    0,
  );
}

/**
 * saxes's reason without its position or what follows a colon: some reasons go on to
 * quote a name from the file, which is not ours to repeat.
 */
function reason(message: string): string {
  const bare = message.replace(/^(?:[^\n]*?:)?\d+:\d+: /, '');
  return bare.split(':')[0]!.replace(/\.$/, '').trim() || 'a syntax error';
}

/** The encoding an XML declaration names, for the ones that can be read; undefined to detect it. */
export function declaredEncoding(first: Buffer): TextEncoding | undefined {
  const head = first.toString('latin1', 0, Math.min(first.length, 512)).replace(/^\u00ef\u00bb\u00bf/, '');
  const declared = /^<\?xml[^>]*?\bencoding\s*=\s*["']([^"']*)["']/.exec(head)?.[1]?.toLowerCase();
  if (declared === undefined || declared === 'us-ascii' || declared === 'ascii') return undefined;
  if (declared === 'utf-8' || declared === 'utf8') return 'utf-8';
  if (['windows-1252', 'cp1252', 'iso-8859-1', 'latin1', 'latin-1', 'iso_8859-1'].includes(declared))
    return 'windows-1252';
  throw new SourceError(
    'encoding',
    'The file declares an encoding other than UTF-8 or Windows-1252: save it as UTF-8 and read it again.',
    0,
  );
}
