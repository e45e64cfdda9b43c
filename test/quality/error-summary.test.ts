// The error summary takes focus each time it is given a new array of errors
// (renderer/src/components/ErrorSummary.tsx). A caller that builds the array in its render
// (`errors={errors.map(...)}`, `errors={e ? [e] : []}`) gives a new one at every render,
// and typing in a field of the form then throws focus out of the field after one key.
// So every caller passes a name that holds state or a useMemo of it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const RENDERER = new URL('../../renderer/src/', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

/** Whether `name` in `source` holds state or a useMemo: an array that keeps its identity. */
function stable(source: string, name: string): boolean {
  return (
    new RegExp(`const \\[${name},\\s*set\\w+\\]\\s*=\\s*useState`).test(source) ||
    new RegExp(`const ${name}\\s*=\\s*useMemo\\(`).test(source)
  );
}

/**
 * Each `errors={…}` given to `component` whose array is not stable, with the reason. A
 * prop passed straight through (`const { errors } = props`) is allowed here, and its
 * component's own callers are checked in turn (`forwarders`).
 */
function unstableCallers(source: string, component = 'ErrorSummary', forwarders?: Set<string>): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(new RegExp(`<${component}\\b[^>]*?\\serrors=\\{([^}]*)\\}`, 'gs'))) {
    const expr = m[1]!.trim();
    if (!/^[A-Za-z_$][\w$]*$/.test(expr)) {
      out.push(`errors={${expr}} is built in the render`);
      continue;
    }
    if (stable(source, expr)) continue;
    const prop = new RegExp(`const \\{[^}]*\\b${expr}\\b[^}]*\\}\\s*=\\s*props`).test(source);
    const owner = /export function (\w+)\(props/.exec(source)?.[1];
    if (prop && owner && forwarders) forwarders.add(owner);
    else out.push(`errors={${expr}}: ${expr} is neither state nor a useMemo`);
  }
  return out;
}

describe('callers of the error summary', () => {
  it('tells a stable array from one built in the render', () => {
    const good = `const [errors, setErrors] = useState([]);\n<ErrorSummary errors={errors} />`;
    const memo = `const shown = useMemo(() => errors.map(f), [errors]);\n<ErrorSummary errors={shown} />`;
    expect(unstableCallers(good)).toEqual([]);
    expect(unstableCallers(memo)).toEqual([]);
    expect(unstableCallers(`<ErrorSummary errors={errors.map(fieldOf)} />`)).toEqual([
      'errors={errors.map(fieldOf)} is built in the render',
    ]);
    expect(unstableCallers(`<Top\n  child={c}\n  errors={error ? [error] : []}\n/>`, 'Top')).toEqual([
      'errors={error ? [error] : []} is built in the render',
    ]);
    expect(unstableCallers(`const shown = errors.slice();\n<ErrorSummary errors={shown} />`)).toEqual([
      'errors={shown}: shown is neither state nor a useMemo',
    ]);
  });

  it('in the renderer all pass state or a useMemo of it, never an array built in the render', () => {
    const files = sources(RENDERER).map((f) => ({ name: f.slice(RENDERER.length), source: readFileSync(f, 'utf8') }));
    const found: string[] = [];
    const forwarders = new Set<string>();
    let callers = 0;
    for (const { name, source } of files) {
      callers += [...source.matchAll(/<ErrorSummary\s+errors=/g)].length;
      for (const p of unstableCallers(source, 'ErrorSummary', forwarders)) found.push(`${name}: ${p}`);
    }
    expect(callers).toBeGreaterThan(10);
    // A component that passes its own errors prop on: its callers are held to the same rule.
    expect([...forwarders]).toEqual(['ChildScreenTop']);
    let forwarded = 0;
    for (const component of forwarders)
      for (const { name, source } of files) {
        forwarded += [...source.matchAll(new RegExp(`<${component}\\b`, 'g'))].length;
        for (const p of unstableCallers(source, component)) found.push(`${name} (<${component}>): ${p}`);
      }
    expect(forwarded).toBeGreaterThan(0);
    expect(found).toEqual([]);
  });
});
