// docs/security.md shows the separation-of-duties table the service enforces: the text
// is generated from domain/separation-of-duties.ts, so a rule changed in code and not in
// the document (or the other way round) fails here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { separationOfDutiesMarkdown } from '../../domain/separation-of-duties.js';

describe('docs/security.md', () => {
  const doc = readFileSync(new URL('../../docs/security.md', import.meta.url), 'utf8');
  it('holds the separation-of-duties tables exactly as the code has them', () => {
    expect(doc).toContain(separationOfDutiesMarkdown());
  });
});
