// RFC 9421 strings (domain/http-signature.ts) against the RFC's own published examples,
// verified with our ECDSA primitive; and the structured-field parser's refusals.
import { createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  parseDictionary,
  parseSignature,
  parseSignatureInput,
  serializeSignatureParams,
  signatureBase,
} from '../../../../domain/http-signature.js';
import { publicKeyFromJwk } from '../../../../service/auth/jwk-thumbprint.js';
import { verifyEcdsaP256 } from '../../../../service/auth/request-signature.js';

// RFC 9421 Appendix B.1.3, test-key-ecc-p256 (public half).
const testKeyEccP256Pem = `-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEqIVYZVLCrPZHGHjP17CTW0/+D9Lf
w0EkjqF7xB4FivAxzic30tMM4GF+hR6Dxh71Z50VGGdldkkDXZCnTNnoXQ==
-----END PUBLIC KEY-----`;
const exported = createPublicKey(testKeyEccP256Pem).export({ format: 'jwk' });
const testKeyJwk = { kty: 'EC' as const, crv: 'P-256' as const, x: exported.x!, y: exported.y! };
const testKey = publicKeyFromJwk(testKeyJwk);

const noHeaders = () => undefined;

describe('RFC 9421 Appendix B.2.4: signing a response using ecdsa-p256-sha256', () => {
  // The RFC's example is of a response ("@status" is a response component, which this
  // service does not derive): the Signature-Input and Signature fields are parsed and
  // re-serialized by our code, and the published signature verifies over the base.
  const signatureInputField =
    'sig-b24=("@status" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-ecc-p256"';
  const signatureField =
    'sig-b24=:wNmSUAhwb5LxtOtOpNa6W5xj067m5hFrj0XQ4fvpaCLx0NKocgPquLgyahnzDnDAUy5eCdlYUEkLIj+32oiasw==:';
  const componentLines = [
    '"@status": 200',
    '"content-type": application/json',
    '"content-digest": sha-512=:mEWXIS7MaLRuGgxOBdODa3xqM1XdEvxoYhvlCFJ41QJgJc4GTsPp29l5oGX69wWdXymyU0rjJuahq4l5aGgfLQ==:',
    '"content-length": 23',
  ];

  it('parses the published fields and re-serializes the parameters exactly', () => {
    const inputs = parseSignatureInput(signatureInputField);
    expect(inputs.ok).toBe(true);
    if (!inputs.ok) return;
    const input = inputs.value.get('sig-b24')!;
    expect(input.components).toEqual(['@status', 'content-type', 'content-digest', 'content-length']);
    expect(input.params).toEqual({ created: 1618884473, keyid: 'test-key-ecc-p256' });
    expect(input.paramsString).toBe(signatureInputField.slice('sig-b24='.length));
    expect(
      serializeSignatureParams({ components: input.components, created: 1618884473, keyid: 'test-key-ecc-p256' }),
    ).toBe(input.paramsString);
  });

  it('verifies the published signature over the published signature base', () => {
    const input = (
      parseSignatureInput(signatureInputField) as { ok: true; value: Map<string, { paramsString: string }> }
    ).value.get('sig-b24')!;
    const signature = parseSignature(signatureField);
    expect(signature.ok).toBe(true);
    if (!signature.ok) return;
    const bytes = signature.value.get('sig-b24')!;
    expect(bytes.length).toBe(64);
    const base = [...componentLines, `"@signature-params": ${input.paramsString}`].join('\n');
    expect(verifyEcdsaP256(testKey, base, bytes)).toBe(true);
    // ...and not over anything else.
    expect(verifyEcdsaP256(testKey, base.replace('200', '201'), bytes)).toBe(false);
  });

  it('is a response component the request verifier refuses to derive', () => {
    const base = signatureBase({
      method: 'POST',
      targetUri: 'https://example.com/',
      headers: noHeaders,
      components: ['@status'],
      paramsString: '()',
    });
    expect(base).toMatchObject({ ok: false, code: 'signature-malformed' });
  });
});

describe('RFC 9421 Appendix B.3: a request signed with test-key-ecc-p256', () => {
  // The TLS-terminating proxy's signature: a request, covering only components this
  // service supports, so our signatureBase must rebuild the RFC's base byte for byte.
  const clientCert =
    ':MIIBqDCCAU6gAwIBAgIBBzAKBggqhkjOPQQDAjA6MRswGQYDVQQKDBJMZXQncyBBdXRoZW50aWNhdGUxGzAZBgNVBAMMEkxBIEludGVybWVkaWF0ZSBDQTAeFw0yMDAxMTQyMjU1MzNaFw0yMTAxMjMyMjU1MzNaMA0xCzAJBgNVBAMMAkJDMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE8YnXXfaUgmnMtOXU/IncWalRhebrXmckC8vdgJ1p5Be5F/3YC8OthxM4+k1M6aEAEFcGzkJiNy6J84y7uzo9M6NyMHAwCQYDVR0TBAIwADAfBgNVHSMEGDAWgBRm3WjLa38lbEYCuiCPct0ZaSED2DAOBgNVHQ8BAf8EBAMCBsAwEwYDVR0lBAwwCgYIKwYBBQUHAwIwHQYDVR0RAQH/BBMwEYEPYmRjQGV4YW1wbGUuY29tMAoGCCqGSM49BAMCA0gAMEUCIBHda/r1vaL6G3VliL4/Di6YK0Q6bMjeSkC3dFCOOB8TAiEAx/kHSB4urmiZ0NX5r5XarmPk0wmuydBVoU4hBVZ1yhk=:';
  const signatureInputField =
    'ttrp=("@path" "@query" "@method" "@authority" "client-cert");created=1618884473;keyid="test-key-ecc-p256"';
  const signatureField =
    'ttrp=:xVMHVpawaAC/0SbHrKRs9i8I3eOs5RtTMGCWXm/9nvZzoHsIg6Mce9315T6xoklyy0yzhD9ah4JHRwMLOgmizw==:';
  const publishedBase = [
    '"@path": /foo',
    '"@query": ?param=Value&Pet=dog',
    '"@method": POST',
    '"@authority": service.internal.example',
    `"client-cert": ${clientCert}`,
    '"@signature-params": ("@path" "@query" "@method" "@authority" "client-cert");created=1618884473;keyid="test-key-ecc-p256"',
  ].join('\n');

  const baseFor = (overrides: { method?: string; targetUri?: string; cert?: string } = {}) => {
    const inputs = parseSignatureInput(signatureInputField);
    if (!inputs.ok) throw new Error(inputs.message);
    const input = inputs.value.get('ttrp')!;
    return signatureBase({
      method: overrides.method ?? 'POST',
      targetUri: overrides.targetUri ?? 'https://service.internal.example/foo?param=Value&Pet=dog',
      headers: (name) => (name === 'client-cert' ? (overrides.cert ?? `  ${clientCert} `) : undefined),
      components: input.components,
      paramsString: input.paramsString,
    });
  };

  it('rebuilds the published signature base', () => {
    expect(baseFor()).toEqual({ ok: true, value: publishedBase });
  });

  it('verifies the published signature, and refuses it for a changed request', () => {
    const signature = parseSignature(signatureField);
    if (!signature.ok) throw new Error(signature.message);
    const bytes = signature.value.get('ttrp')!;
    const verify = (base: ReturnType<typeof baseFor>) => base.ok && verifyEcdsaP256(testKey, base.value, bytes);
    expect(verify(baseFor())).toBe(true);
    expect(verify(baseFor({ method: 'PUT' }))).toBe(false);
    expect(verify(baseFor({ targetUri: 'https://service.internal.example/foo?param=Value&Pet=cat' }))).toBe(false);
    expect(verify(baseFor({ cert: ':AAAA:' }))).toBe(false);
  });

  it('derives @authority without a default port and in lower case', () => {
    const base = signatureBase({
      method: 'GET',
      targetUri: 'HTTPS://Service.Internal.Example:443/a%20b',
      headers: noHeaders,
      components: ['@authority', '@path', '@query'],
      paramsString: '()',
    });
    expect(base).toEqual({
      ok: true,
      value: '"@authority": service.internal.example\n"@path": /a%20b\n"@query": ?\n"@signature-params": ()',
    });
  });
});

describe('serializeSignatureParams', () => {
  it('writes the national profile in the documented order', () => {
    expect(
      serializeSignatureParams({
        components: ['@method', '@target-uri', 'content-digest'],
        created: 1700000000,
        expires: 1700000060,
        nonce: 'n-1"\\x',
        keyid: 'session-1',
        alg: 'ecdsa-p256-sha256',
      }),
    ).toBe(
      '("@method" "@target-uri" "content-digest");created=1700000000;expires=1700000060;nonce="n-1\\"\\\\x";keyid="session-1";alg="ecdsa-p256-sha256"',
    );
  });

  it('refuses a parameter that cannot be a structured-field string', () => {
    expect(() => serializeSignatureParams({ components: [], nonce: 'né' })).toThrow(RangeError);
  });
});

describe('structured-field parsing refuses malformed input with a typed error', () => {
  const malformed = [
    '',
    'cp',
    'cp=("@method"',
    'cp=("@method""@target-uri")',
    'cp=("@method");created=12a',
    'cp=("@method"), ',
    'Cp=("@method")',
    'cp=("@method");created=1234567890123456',
    'cp=("@méthod")',
    'cp=("@method" "unterminated)',
    'cp=:not base64!:',
    'cp=("@method");nonce="bad\\escape"',
    'cp=("@method");created=-',
    'cp=(@method)',
    'cp=("content-digest";sf)',
    'cp=:AAAA:',
    'cp=("@method");created="1"',
    'cp=("@method");keyid=abc',
  ];
  it.each(malformed)('Signature-Input %j', (value) => {
    const result = parseSignatureInput(value);
    // '' and 'cp' parse as dictionaries but are not signature inputs: both must be refused.
    if (value === '') expect(result.ok && result.value.size === 0).toBe(true);
    else expect(result).toMatchObject({ ok: false, code: 'signature-malformed' });
    if (!result.ok) expect(result.message.length).toBeLessThan(200);
  });

  it.each(['cp=("@method")', 'cp=abc', 'cp=:####:', 'cp=:AAAA', 'cp=1'])('Signature %j', (value) => {
    expect(parseSignature(value)).toMatchObject({ ok: false, code: 'signature-malformed' });
  });

  it('accepts the full RFC 8941 dictionary grammar', () => {
    const parsed = parseDictionary('a=1, b=?0, c="x\\"y";p=2.5, d=tok/en:1, e=:AQID:, f;q, g=(1 2);r=-3');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const d = parsed.value;
    expect(d.get('a')).toMatchObject({ kind: 'item', value: { type: 'integer', value: 1 } });
    expect(d.get('b')).toMatchObject({ value: { type: 'boolean', value: false } });
    expect(d.get('c')).toMatchObject({ value: { type: 'string', value: 'x"y' } });
    expect(d.get('c')?.params.get('p')).toEqual({ type: 'decimal', value: 2.5 });
    expect(d.get('d')).toMatchObject({ value: { type: 'token', value: 'tok/en:1' } });
    expect(d.get('e')).toMatchObject({ value: { type: 'bytes', value: new Uint8Array([1, 2, 3]) } });
    expect(d.get('f')).toMatchObject({ value: { type: 'boolean', value: true } });
    expect(d.get('f')?.params.get('q')).toEqual({ type: 'boolean', value: true });
    expect(d.get('g')).toMatchObject({ kind: 'inner-list', items: [{ value: { value: 1 } }, { value: { value: 2 } }] });
  });
});

describe('signatureBase refuses what the national API does not use', () => {
  const base = (components: string[], headers: (n: string) => string | undefined = noHeaders) =>
    signatureBase({
      method: 'GET',
      targetUri: 'https://index.example/v1/children',
      headers,
      components,
      paramsString: '()',
    });

  it.each(['@request-target', '@scheme', '@query-param', '@signature-params', '@status', 'Content-Digest', 'bad name'])(
    '%s',
    (component) => {
      expect(base([component])).toMatchObject({ ok: false, code: 'signature-malformed' });
    },
  );

  it('a covered header the request does not carry', () => {
    expect(base(['content-digest'])).toMatchObject({ ok: false, message: expect.stringContaining('does not carry') });
  });

  it('a component covered twice', () => {
    expect(base(['@method', '@method'])).toMatchObject({ ok: false, message: expect.stringContaining('twice') });
  });

  it('a header value with a line break (header injection into the base)', () => {
    expect(base(['x-a'], () => 'one\n"@method": POST')).toMatchObject({ ok: false, code: 'signature-malformed' });
  });
});
