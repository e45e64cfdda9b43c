// HTTP Message Signatures (RFC 9421) as strings: the Structured Field Values (RFC 8941)
// of Signature-Input, Signature and Content-Digest, the signature parameters, and the
// signature base. No cryptography here, so the service's verifier and any client's
// signer build the very same bytes from this one module.
//
// Only what the national API needs is supported: the derived components @method,
// @target-uri, @authority, @path and @query, and plain header fields without
// parameters. Anything else is refused as `signature-malformed`, never guessed at.

export interface SfError {
  ok: false;
  code: 'signature-malformed';
  message: string;
}
export type SfResult<T> = { ok: true; value: T } | SfError;

const fail = (message: string): SfError => ({ ok: false, code: 'signature-malformed', message });

// --- RFC 8941 values ---------------------------------------------------------------------

export type BareItem =
  | { type: 'integer'; value: number }
  | { type: 'decimal'; value: number }
  | { type: 'string'; value: string }
  | { type: 'token'; value: string }
  | { type: 'bytes'; value: Uint8Array }
  | { type: 'boolean'; value: boolean };

/** Parameters in their order of appearance (RFC 8941 §3.1.2). */
export type SfParameters = Map<string, BareItem>;
export interface SfItem {
  kind: 'item';
  value: BareItem;
  params: SfParameters;
}
export interface SfInnerList {
  kind: 'inner-list';
  items: SfItem[];
  params: SfParameters;
}
export type SfDictionary = Map<string, SfItem | SfInnerList>;

class SfSyntaxError extends Error {}

/** Show a little of what was wrong without echoing a long header back. */
const excerpt = (text: string) => JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);

const base64Alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Decode standard base64 (padding optional, as RFC 8941 §4.2.7 allows). */
function base64ToBytes(text: string): Uint8Array {
  const body = text.replace(/={1,2}$/, '');
  if (!/^[A-Za-z0-9+/]*$/.test(body) || body.length % 4 === 1)
    throw new SfSyntaxError('has a byte sequence that is not valid base64');
  const out = new Uint8Array(Math.floor((body.length * 3) / 4));
  let bits = 0;
  let acc = 0;
  let n = 0;
  for (const char of body) {
    acc = (acc << 6) | base64Alphabet.indexOf(char);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

function bytesToBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const chunk = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = i + 1 >= bytes.length ? 2 : i + 2 >= bytes.length ? 3 : 4;
    for (let c = 0; c < 4; c++) out += c < chars ? base64Alphabet[(chunk >> (18 - 6 * c)) & 63] : '=';
  }
  return out;
}

/** A recursive-descent parser following the algorithms of RFC 8941 §4.2. */
class SfParser {
  private pos = 0;
  constructor(private readonly input: string) {}

  private peek(): string {
    return this.input[this.pos] ?? '';
  }
  private done(): boolean {
    return this.pos >= this.input.length;
  }
  private skipSp(): void {
    while (this.peek() === ' ') this.pos++;
  }
  private skipOws(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.pos++;
  }

  dictionary(): SfDictionary {
    const dict: SfDictionary = new Map();
    this.skipSp();
    while (!this.done()) {
      const key = this.key();
      if (this.peek() === '=') {
        this.pos++;
        dict.set(key, this.itemOrInnerList());
      } else {
        dict.set(key, { kind: 'item', value: { type: 'boolean', value: true }, params: this.parameters() });
      }
      this.skipOws();
      if (this.done()) return dict;
      if (this.peek() !== ',') throw new SfSyntaxError(`expected "," after the member ${excerpt(key)}`);
      this.pos++;
      this.skipOws();
      if (this.done()) throw new SfSyntaxError('ends with a trailing ","');
    }
    return dict;
  }

  private itemOrInnerList(): SfItem | SfInnerList {
    return this.peek() === '(' ? this.innerList() : this.item();
  }

  private innerList(): SfInnerList {
    this.pos++; // (
    const items: SfItem[] = [];
    for (;;) {
      this.skipSp();
      if (this.done()) throw new SfSyntaxError('has an inner list without its closing ")"');
      if (this.peek() === ')') {
        this.pos++;
        return { kind: 'inner-list', items, params: this.parameters() };
      }
      items.push(this.item());
      const next = this.peek();
      if (next !== ' ' && next !== ')')
        throw new SfSyntaxError('has an inner list whose items are not separated by spaces');
    }
  }

  private item(): SfItem {
    const value = this.bareItem();
    return { kind: 'item', value, params: this.parameters() };
  }

  private parameters(): SfParameters {
    const params: SfParameters = new Map();
    while (this.peek() === ';') {
      this.pos++;
      this.skipSp();
      const key = this.key();
      let value: BareItem = { type: 'boolean', value: true };
      if (this.peek() === '=') {
        this.pos++;
        value = this.bareItem();
      }
      params.set(key, value);
    }
    return params;
  }

  private key(): string {
    const match = /^[a-z*][a-z0-9_.*-]*/.exec(this.input.slice(this.pos));
    if (!match) throw new SfSyntaxError(`has an invalid key at ${excerpt(this.input.slice(this.pos))}`);
    this.pos += match[0].length;
    return match[0];
  }

  private bareItem(): BareItem {
    const c = this.peek();
    if (c === '-' || (c >= '0' && c <= '9')) return this.number();
    if (c === '"') return this.string();
    if (c === ':') return this.bytes();
    if (c === '?') return this.boolean();
    if (c === '*' || /^[A-Za-z]$/.test(c)) return this.token();
    throw new SfSyntaxError(`has an invalid value at ${excerpt(this.input.slice(this.pos))}`);
  }

  private number(): BareItem {
    const match = /^-?(\d+)(?:\.(\d+))?/.exec(this.input.slice(this.pos));
    if (!match) throw new SfSyntaxError('has a "-" that does not start a number');
    const [text, whole = '', fraction] = match;
    if (fraction === undefined) {
      if (whole.length > 15) throw new SfSyntaxError('has an integer longer than 15 digits');
      this.pos += text.length;
      return { type: 'integer', value: Number(text) };
    }
    if (whole.length > 12 || fraction.length > 3) throw new SfSyntaxError('has a decimal with too many digits');
    this.pos += text.length;
    return { type: 'decimal', value: Number(text) };
  }

  private string(): BareItem {
    this.pos++; // "
    let out = '';
    for (;;) {
      if (this.done()) throw new SfSyntaxError('has a string without its closing quote');
      const c = this.input[this.pos++]!;
      if (c === '\\') {
        const next = this.input[this.pos++];
        if (next !== '"' && next !== '\\') throw new SfSyntaxError('has a string with an invalid escape');
        out += next;
      } else if (c === '"') {
        return { type: 'string', value: out };
      } else if (c < ' ' || c > '~') {
        throw new SfSyntaxError('has a string with a character outside printable ASCII');
      } else {
        out += c;
      }
    }
  }

  private token(): BareItem {
    const match = /^[A-Za-z*][!#$%&'*+\-.^_`|~0-9A-Za-z:/]*/.exec(this.input.slice(this.pos))!;
    this.pos += match[0].length;
    return { type: 'token', value: match[0] };
  }

  private bytes(): BareItem {
    this.pos++; // :
    const end = this.input.indexOf(':', this.pos);
    if (end < 0) throw new SfSyntaxError('has a byte sequence without its closing ":"');
    const text = this.input.slice(this.pos, end);
    this.pos = end + 1;
    return { type: 'bytes', value: base64ToBytes(text) };
  }

  private boolean(): BareItem {
    const text = this.input.slice(this.pos, this.pos + 2);
    if (text !== '?0' && text !== '?1') throw new SfSyntaxError('has an invalid boolean');
    this.pos += 2;
    return { type: 'boolean', value: text === '?1' };
  }
}

/** Parse an RFC 8941 Dictionary field value; a typed error for anything malformed. */
export function parseDictionary(fieldValue: string, fieldName = 'The field'): SfResult<SfDictionary> {
  try {
    return { ok: true, value: new SfParser(fieldValue.trim()).dictionary() };
  } catch (e) {
    const why = e instanceof SfSyntaxError ? `: it ${e.message}` : '';
    return fail(`${fieldName} is not a valid structured field${why}.`);
  }
}

function serializeString(value: string): string {
  if (!/^[\x20-\x7e]*$/.test(value)) throw new RangeError('A structured-field string must be printable ASCII.');
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

function serializeBareItem(item: BareItem): string {
  switch (item.type) {
    case 'integer':
      if (!Number.isSafeInteger(item.value) || Math.abs(item.value) > 999_999_999_999_999)
        throw new RangeError('Integer out of range.');
      return String(item.value);
    case 'decimal': {
      const text = (Math.round(item.value * 1000) / 1000).toFixed(3).replace(/0{1,2}$/, '');
      return text;
    }
    case 'string':
      return serializeString(item.value);
    case 'token':
      if (!/^[A-Za-z*][!#$%&'*+\-.^_`|~0-9A-Za-z:/]*$/.test(item.value)) throw new RangeError('Invalid token.');
      return item.value;
    case 'bytes':
      return `:${bytesToBase64(item.value)}:`;
    case 'boolean':
      return item.value ? '?1' : '?0';
  }
}

function serializeParameters(params: SfParameters): string {
  let out = '';
  for (const [key, value] of params) {
    out += `;${key}`;
    if (!(value.type === 'boolean' && value.value)) out += `=${serializeBareItem(value)}`;
  }
  return out;
}

/** The RFC 8941 §4.1.1.1 serialization of an inner list with its parameters. */
export function serializeInnerList(list: SfInnerList): string {
  const items = list.items.map((item) => serializeBareItem(item.value) + serializeParameters(item.params));
  return `(${items.join(' ')})${serializeParameters(list.params)}`;
}

// --- RFC 9421 ------------------------------------------------------------------------------

export const supportedDerivedComponents = ['@method', '@target-uri', '@authority', '@path', '@query'] as const;
const fieldNamePattern = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;

export interface SignatureParams {
  created?: number;
  expires?: number;
  nonce?: string;
  keyid?: string;
  alg?: string;
  tag?: string;
}

export interface SignatureInput {
  /** Covered component identifiers, in order (e.g. "@method", "content-digest"). */
  components: string[];
  params: SignatureParams;
  /** The `@signature-params` value: the canonical serialization of this inner list. */
  paramsString: string;
}

const integerParams = new Set(['created', 'expires']);
const stringParams = new Set(['nonce', 'keyid', 'alg', 'tag']);

function signatureInputOf(label: string, member: SfItem | SfInnerList): SfResult<SignatureInput> {
  if (member.kind !== 'inner-list')
    return fail(`Signature-Input "${label}" must be an inner list such as ("@method" "@target-uri");created=…`);
  const components: string[] = [];
  for (const item of member.items) {
    if (item.value.type !== 'string')
      return fail(`Signature-Input "${label}" lists a component that is not a quoted string.`);
    if (item.params.size > 0)
      return fail(
        `Signature-Input "${label}" gives parameters to the component ${excerpt(item.value.value)}; component parameters are not supported.`,
      );
    components.push(item.value.value);
  }
  const params: SignatureParams = {};
  for (const [key, value] of member.params) {
    if (integerParams.has(key)) {
      if (value.type !== 'integer' || value.value < 0)
        return fail(`Signature-Input "${label}": ${key} must be a non-negative integer (seconds since 1970).`);
      params[key as 'created' | 'expires'] = value.value;
    } else if (stringParams.has(key)) {
      if (value.type !== 'string') return fail(`Signature-Input "${label}": ${key} must be a quoted string.`);
      params[key as 'nonce' | 'keyid' | 'alg' | 'tag'] = value.value;
    }
    // Other parameters are covered by the signature (they are in paramsString) but mean nothing here.
  }
  return { ok: true, value: { components, params, paramsString: serializeInnerList(member) } };
}

/** Parse a Signature-Input field: label → covered components and parameters. */
export function parseSignatureInput(headerValue: string): SfResult<Map<string, SignatureInput>> {
  const dict = parseDictionary(headerValue, 'Signature-Input');
  if (!dict.ok) return dict;
  const out = new Map<string, SignatureInput>();
  for (const [label, member] of dict.value) {
    const input = signatureInputOf(label, member);
    if (!input.ok) return input;
    out.set(label, input.value);
  }
  return { ok: true, value: out };
}

/** Parse a Signature field: label → the signature's bytes. */
export function parseSignature(headerValue: string): SfResult<Map<string, Uint8Array>> {
  const dict = parseDictionary(headerValue, 'Signature');
  if (!dict.ok) return dict;
  const out = new Map<string, Uint8Array>();
  for (const [label, member] of dict.value) {
    if (member.kind !== 'item' || member.value.type !== 'bytes')
      return fail(`Signature "${label}" must be a byte sequence such as :base64:.`);
    out.set(label, member.value.value);
  }
  return { ok: true, value: out };
}

export interface SignatureParamsSpec extends SignatureParams {
  components: readonly string[];
}

/**
 * The `@signature-params` value for the given components and parameters, e.g.
 * `("@method" "@target-uri");created=1;expires=2;nonce="n";keyid="k";alg="ecdsa-p256-sha256"`.
 * Parameters appear in the order created, expires, nonce, keyid, alg, tag; absent ones are left out.
 */
export function serializeSignatureParams(spec: SignatureParamsSpec): string {
  const params: SfParameters = new Map();
  if (spec.created !== undefined) params.set('created', { type: 'integer', value: spec.created });
  if (spec.expires !== undefined) params.set('expires', { type: 'integer', value: spec.expires });
  for (const key of ['nonce', 'keyid', 'alg', 'tag'] as const) {
    const value = spec[key];
    if (value !== undefined) params.set(key, { type: 'string', value });
  }
  const items: SfItem[] = spec.components.map((c) => ({
    kind: 'item',
    value: { type: 'string', value: c },
    params: new Map(),
  }));
  return serializeInnerList({ kind: 'inner-list', items, params });
}

export interface SignatureBaseSpec {
  method: string;
  /** The full target URI of the request as the client addressed it. */
  targetUri: string;
  /** A header's combined value by lower-case name, or undefined when absent. */
  headers: (name: string) => string | undefined;
  components: readonly string[];
  paramsString: string;
}

function componentValue(component: string, spec: SignatureBaseSpec): SfResult<string> {
  const url = () => {
    try {
      return new URL(spec.targetUri);
    } catch {
      return null;
    }
  };
  switch (component) {
    case '@method':
      return { ok: true, value: spec.method };
    case '@target-uri':
      return { ok: true, value: spec.targetUri };
    case '@authority':
    case '@path':
    case '@query': {
      const parsed = url();
      if (!parsed) return fail('The request target is not a valid URI.');
      // WHATWG URL lower-cases the host and drops a default port, as RFC 9421 §2.2.3 asks.
      if (component === '@authority') return { ok: true, value: parsed.host };
      if (component === '@path') return { ok: true, value: parsed.pathname || '/' };
      return { ok: true, value: parsed.search || '?' };
    }
  }
  if (component.startsWith('@'))
    return fail(`The component ${excerpt(component)} is not supported: use "@method" and "@target-uri".`);
  if (!fieldNamePattern.test(component))
    return fail(`The component ${excerpt(component)} is not a lower-case header field name.`);
  const raw = spec.headers(component);
  if (raw === undefined)
    return fail(`The signature covers the header ${excerpt(component)}, which the request does not carry.`);
  // RFC 9421 §2.1: trim, and turn obsolete line folding into a single space.
  const value = raw.replace(/\r?\n[ \t]+/g, ' ').trim();
  if (/[\r\n]/.test(value)) return fail(`The header ${excerpt(component)} contains a line break.`);
  return { ok: true, value };
}

/** The signature base of RFC 9421 §2.5: one line per covered component, then `@signature-params`. */
export function signatureBase(spec: SignatureBaseSpec): SfResult<string> {
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const component of spec.components) {
    if (seen.has(component)) return fail(`The signature covers ${excerpt(component)} twice.`);
    seen.add(component);
    const value = componentValue(component, spec);
    if (!value.ok) return value;
    if (/[\r\n]/.test(value.value)) return fail(`The component ${excerpt(component)} contains a line break.`);
    lines.push(`"${component}": ${value.value}`);
  }
  lines.push(`"@signature-params": ${spec.paramsString}`);
  return { ok: true, value: lines.join('\n') };
}
