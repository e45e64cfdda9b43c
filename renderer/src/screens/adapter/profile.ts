// A mapping profile as the adapter screen edits it: loose JSON (the worker checks it
// against the profile schema on every preview), read and changed by dotted path.

export type Loose = Record<string, unknown>;

export function getPath(o: Loose, path: string): Loose | undefined {
  let cur: unknown = o;
  for (const k of path.split('.')) cur = cur && typeof cur === 'object' ? (cur as Loose)[k] : undefined;
  return cur && typeof cur === 'object' ? (cur as Loose) : undefined;
}

export function setPath(o: Loose, path: string, value: Loose | undefined): Loose {
  const copy = structuredClone(o);
  const keys = path.split('.');
  let cur = copy;
  for (const k of keys.slice(0, -1)) {
    if (!cur[k] || typeof cur[k] !== 'object') cur[k] = {};
    cur = cur[k] as Loose;
  }
  const last = keys[keys.length - 1]!;
  if (value === undefined) delete cur[last];
  else cur[last] = value;
  return copy;
}
