// A PostgreSQL connection URL as libpq reads it, for the parts `pg` does not: several
// hosts (`postgres://user@h1:5432,h2:5433/db`) and `target_session_attrs`. libpq tries
// the hosts in order and keeps the first whose session has the asked-for attributes;
// `pg` takes one host only, so the store (postgres.ts) does the trying, and this file
// turns the one URL into one single-host URL per host, each `pg` can read.
//
// Nothing here ever puts the password into a message: `shown` is the URL with it starred.

export type TargetSessionAttrs = 'any' | 'read-write' | 'primary';
const targetSessionAttrs: readonly TargetSessionAttrs[] = ['any', 'read-write', 'primary'];

export interface PostgresTargets {
  /** One URL per host, in the order given, each without `target_session_attrs`. */
  hosts: URL[];
  /** What a session must be to be kept (libpq's default: any). */
  targetSessionAttrs: TargetSessionAttrs;
  /** The whole URL with any password replaced by `***`, for messages. */
  shown: string;
  /** The password as written and as decoded, to take out of any message. */
  secrets: string[];
}

/** Why a database URL cannot be used; the message never holds the password. */
export class DatabaseUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseUrlError';
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Parse a postgres:// or postgresql:// URL with one host or several. */
export function parsePostgresUrl(raw: string): PostgresTargets {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^@/?#]*@)?([^/?#]*)(.*)$/is.exec(raw);
  if (!m) {
    // Not echoed: a malformed URL may still hold a password.
    throw new DatabaseUrlError(
      'The database URL is not a valid URL: expected postgres://user:password@host:port/database.',
    );
  }
  const [, scheme, userinfo = '', hostList = '', rest = ''] = m;
  const protocol = scheme!.slice(0, -2).toLowerCase();
  if (protocol !== 'postgres:' && protocol !== 'postgresql:') {
    throw new DatabaseUrlError(
      `The database URL must start with postgres:// or postgresql://, not ${protocol}//: only PostgreSQL is supported.`,
    );
  }
  const colon = userinfo.indexOf(':');
  const password = colon >= 0 ? userinfo.slice(colon + 1, -1) : '';
  const shownUserinfo = password === '' ? userinfo : `${userinfo.slice(0, colon)}:***@`;
  const shown = `${scheme}${shownUserinfo}${hostList}${rest}`;
  const entries = hostList.split(',');
  const hosts: URL[] = [];
  for (const entry of entries) {
    if (entry === '' && entries.length > 1) {
      throw new DatabaseUrlError(`The database URL ${shown} has an empty host in its list of hosts.`);
    }
    if (entry === '' && !/[?&]host=/.test(rest)) throw new DatabaseUrlError(`The database URL ${shown} names no host.`);
    let url: URL;
    try {
      url = new URL(`${scheme}${userinfo}${entry}${rest}`);
    } catch {
      throw new DatabaseUrlError(
        `The database URL ${shown} is not a valid URL: expected postgres://user:password@host:port[,host:port...]/database.`,
      );
    }
    if (url.hostname === '' && !url.searchParams.has('host')) {
      throw new DatabaseUrlError(`The database URL ${shown} names no host.`);
    }
    url.searchParams.delete('target_session_attrs');
    hosts.push(url);
  }
  const asked = new URL(`${scheme}h${rest}`).searchParams.get('target_session_attrs') ?? 'any';
  if (!(targetSessionAttrs as readonly string[]).includes(asked)) {
    throw new DatabaseUrlError(
      `The database URL's target_session_attrs must be one of ${targetSessionAttrs.join(', ')}, not "${asked}".`,
    );
  }
  return {
    hosts,
    targetSessionAttrs: asked as TargetSessionAttrs,
    shown,
    secrets: [...new Set([password, safeDecode(password)].filter((s) => s.length > 0))],
  };
}

/** `text` with every spelling of the URL's password taken out. */
export function scrubSecrets(text: string, targets: Pick<PostgresTargets, 'secrets'>): string {
  let out = text;
  for (const s of targets.secrets) out = out.split(s).join('***');
  return out;
}
