// Reading an XML export: each record element one row, its descendants fields by path,
// streaming; any DOCTYPE refused before it can read a file or expand without end, and
// malformed XML stopped naming the record and where in the file it went wrong.
import { describe, expect, it } from 'vitest';
import { previewSource, type SourceFormat } from '../../../../main/adapter/source/index.js';
import { failure, readAll, tempFolder, windows1252 } from '../../../support/source-files.js';

const files = tempFolder('xml');
const child: SourceFormat = { type: 'xml', recordElement: 'child' };

describe('records', () => {
  it('gives each record element, wherever it is, as a row of fields by path, attributes as @name, repeats joined', async () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<!-- exported nightly -->
<export>
  <?processing instruction?>
  <school name="St Mary">
    <child id="c1" status="open">
      <name><given> Ada </given><family>O&apos;Brien &amp; Sons</family></name>
      <address type="home"><postcode>LS1 4AP</postcode><line>1 High St</line><line>Leeds</line></address>
      <phone>0113</phone><phone>0114</phone>
      <note><![CDATA[<b>not</b> markup & kept]]></note>
      <middle/>
      <flag set="yes"/>
      <char>&#233;&#x20AC;</char>
    </child>
  </school>
  <child id="c2"><name><given>Ravi</given></name></child>
</export>`;
    const rows = await readAll(files.file('records.xml', xml), child);
    expect(rows).toEqual([
      {
        row: 1,
        fields: {
          '@id': 'c1',
          '@status': 'open',
          'name.given': 'Ada',
          'name.family': "O'Brien & Sons",
          'address.@type': 'home',
          'address.postcode': 'LS1 4AP',
          'address.line': '1 High St\nLeeds',
          phone: '0113\n0114',
          note: '<b>not</b> markup & kept',
          middle: '',
          'flag.@set': 'yes',
          char: 'é€',
        },
      },
      { row: 2, fields: { '@id': 'c2', 'name.given': 'Ravi' } },
    ]);
  });

  it('gives zero rows when no element is the record element', async () => {
    expect(await readAll(files.file('none.xml', '<export><pupil/></export>'), child)).toEqual([]);
  });

  it('reads the encoding the declaration names, even when the first 64 KiB would pass for UTF-8', async () => {
    const plain = '<child><note>ok</note></child>'.repeat(3000);
    const path = files.file(
      'cp1252.xml',
      windows1252(
        `<?xml version="1.0" encoding="windows-1252"?><r>${plain}<child><note>£5 – “paid”</note></child></r>`,
      ),
    );
    expect((await readAll(path, child)).at(-1)!.fields.note).toBe('£5 – “paid”');
    expect((await previewSource(path, child)).encoding).toBe('windows-1252');
  });

  it('refuses an encoding it cannot read, as the declaration names it', async () => {
    const e = await failure(files.file('ebcdic.xml', '<?xml version="1.0" encoding="EBCDIC-CP-US"?><r/>'), child);
    expect([e.code, e.row]).toEqual(['encoding', 0]);
    expect(e.message).not.toContain('EBCDIC');
  });

  it('previews the union of field names over the first records', async () => {
    const path = files.file(
      'preview.xml',
      '<r><child a="1"><x>1</x></child><child><y>2</y><x>3</x></child><child><z/></child></r>',
    );
    const preview = await previewSource(path, child, 2);
    expect(preview.columns).toEqual(['@a', 'x', 'y']);
    expect(preview.rows).toHaveLength(2);
  });
});

describe('DTDs are refused', () => {
  const laughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<export><child><name>&lol9;</name></child></export>`;
  const xxe = `<?xml version="1.0"?>
<!DOCTYPE export [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<export><child><name>&xxe;</name></child></export>`;

  for (const [name, xml] of [
    ['billion laughs', laughs],
    ['an external entity', xxe],
    ['a lower-case doctype', '<!doctype export SYSTEM "http://example.org/x.dtd"><export><child/></export>'],
    ['a doctype after a comment', '<!-- a --><!DOCTYPE export><export><child/></export>'],
  ] as const) {
    it(`refuses ${name} before expanding anything, quoting nothing`, async () => {
      const e = await failure(files.file('dtd.xml', xml), child);
      expect([e.code, e.row]).toEqual(['xml-doctype', 0]);
      expect(e.message).toContain('DTDs are refused: they can read other files or expand without end');
      expect(e.before).toEqual([]);
      for (const content of ['lol', 'passwd', 'root:', 'xxe', 'example.org', 'ENTITY'])
        expect(e.message).not.toContain(content);
    });
  }

  it('refuses a DOCTYPE at once, without reading on through its DTD', async () => {
    // An internal subset that never ends: read through, it would be held whole.
    const e = await failure(
      files.file('endless.xml', `<!DOCTYPE export [ <!ENTITY a "${'a'.repeat(3 * 1024 * 1024)}`),
      child,
    );
    expect(e.code).toBe('xml-doctype');
    expect(e.bytesRead).toBeLessThanOrEqual(1024 * 1024);
  });

  it('refuses a DOCTYPE whose start is cut in two between pieces of text', async () => {
    for (let k = 1; k < '<!DOCTYPE'.length; k++) {
      const comment = `<!--${'c'.repeat(64 * 1024 - k - '<!---->'.length)}-->`;
      const e = await failure(
        files.file('cut.xml', `${comment}<!DOCTYPE export [ <!ENTITY x "y"> ]><export><child/></export>`),
        child,
      );
      expect(e.code).toBe('xml-doctype');
    }
  });

  it('refuses an entity that is not one of the five predefined, as malformed, naming the record', async () => {
    const e = await failure(
      files.file('entity.xml', '<export><child><a>1</a></child><child><name>&xxe;</name></child></export>'),
      child,
    );
    expect([e.code, e.row]).toEqual(['xml-malformed', 2]);
    expect(e.message).toMatch(/^Record 2 \(line 1, column \d+\) is not well-formed XML \(undefined entity\)/);
  });
});

describe('malformed XML', () => {
  it('names the record and the line and column where it went wrong', async () => {
    const xml =
      '<export>\n<child><family>Okafor</family></child>\n<child>\n<family>Featherstonehaugh</given>\n</child>\n</export>';
    const e = await failure(files.file('nesting.xml', xml), child);
    expect([e.code, e.row]).toEqual(['xml-malformed', 2]);
    expect(e.message).toMatch(
      /^Record 2 \(line 4, column \d+\) is not well-formed XML \((unexpected close tag|unmatched closing tag)\)/,
    );
    expect(e.message).not.toContain('Featherstonehaugh');
    expect(e.message).not.toContain('given');
    expect(e.before.map((r) => r.row)).toEqual([1]);
  });

  it('names the record left open at the end of a cut-off file', async () => {
    const e = await failure(
      files.file('cut-off.xml', '<export><child><a>1</a></child><child><a>2</a></child><child><a>3'),
      child,
    );
    expect([e.code, e.row]).toEqual(['xml-malformed', 3]);
    expect(e.message).toContain('unclosed tag');
    expect(e.before).toHaveLength(2);
  });

  it('refuses an empty file, or one of only white space', async () => {
    for (const content of ['', ' \n\t\n'])
      expect((await failure(files.file('empty.xml', content), child)).code).toBe('empty');
  });
});

describe('fields too long', () => {
  it('stops at a field longer than maxField, naming the record and field', async () => {
    const e = await failure(
      files.file(
        'long.xml',
        `<r><child><a>1</a></child><child><name><family>${'F'.repeat(101)}</family></name></child></r>`,
      ),
      child,
      { maxField: 100 },
    );
    expect([e.code, e.row]).toEqual(['field-too-long', 2]);
    expect(e.message).toMatch(/^Record 2, field name\.family, is longer than 100 characters/);
  });

  it('stops at 10 MB of text, CDATA or comment without saxes holding it whole', async () => {
    const big = 'x<'.repeat(5 * 1024 * 1024);
    for (const [name, xml] of [
      ['text', `<r><child><notes>${'t'.repeat(10 * 1024 * 1024)}</notes></child></r>`],
      ['CDATA', `<r><child><notes><![CDATA[${big}]]></notes></child></r>`],
      ['a comment', `<r><child><!--${big.replaceAll('<', '-').replaceAll('--', '-x')}--></child></r>`],
    ] as const) {
      const path = files.file('huge.xml', xml);
      global.gc?.();
      const before = process.memoryUsage().rss;
      const e = await failure(path, child, { maxField: 1000 });
      expect([name, e.code, e.row]).toEqual([name, 'field-too-long', 1]);
      expect(e.bytesRead).toBeLessThanOrEqual(1024 * 1024);
      expect(process.memoryUsage().rss - before).toBeLessThan(8 * 1024 * 1024);
    }
  });
});

describe('namespaces', () => {
  it('reads qualified names as written, leaving namespace declarations out of the fields', async () => {
    const xml =
      '<cp:export xmlns:cp="urn:cp" xmlns="urn:x"><cp:child cp:id="1" xmlns:o="urn:o"><cp:name>Ada</cp:name></cp:child></cp:export>';
    const rows = await readAll(files.file('ns.xml', xml), { type: 'xml', recordElement: 'cp:child' });
    expect(rows).toEqual([{ row: 1, fields: { '@cp:id': '1', 'cp:name': 'Ada' } }]);
  });
});
