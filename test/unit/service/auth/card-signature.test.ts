// The smartcard's sign-in proof: ECDSA over challenge + "." + thumbprint(session key).
import { createSign, generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyCardSignature } from '../../../../service/auth/card-signature.js';
import { jwkThumbprint } from '../../../../service/auth/jwk-thumbprint.js';
import { generateSessionKey } from '../../../support/request-signer.js';

const card = generateSessionKey();
const sessionKey = generateSessionKey().publicJwk;
const challenge = randomBytes(32).toString('base64url');

/** What the card does (PKCS#11 CKM_ECDSA gives raw r‖s), done here with a software key. */
const cardSigns = (text: string, privateKey = card.privateKey) =>
  createSign('sha256')
    .update(Buffer.from(text, 'utf8'))
    .sign({ key: privateKey, dsaEncoding: 'ieee-p1363' })
    .toString('base64url');

describe('verifyCardSignature', () => {
  const good = cardSigns(`${challenge}.${jwkThumbprint(sessionKey)}`);

  it('accepts the card signing this challenge for this session key', () => {
    expect(verifyCardSignature({ cardPublicJwk: card.publicJwk, challenge, sessionKey, cardSignature: good })).toBe(
      true,
    );
  });

  it('refuses it for another challenge', () => {
    const other = randomBytes(32).toString('base64url');
    expect(
      verifyCardSignature({ cardPublicJwk: card.publicJwk, challenge: other, sessionKey, cardSignature: good }),
    ).toBe(false);
  });

  it("refuses it for another session key (a stolen card signature cannot vouch for a thief's key)", () => {
    const thief = generateSessionKey().publicJwk;
    expect(
      verifyCardSignature({ cardPublicJwk: card.publicJwk, challenge, sessionKey: thief, cardSignature: good }),
    ).toBe(false);
  });

  it("refuses another card's signature", () => {
    const otherCard = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const forged = cardSigns(`${challenge}.${jwkThumbprint(sessionKey)}`, otherCard);
    expect(verifyCardSignature({ cardPublicJwk: card.publicJwk, challenge, sessionKey, cardSignature: forged })).toBe(
      false,
    );
  });

  it('refuses a DER-encoded signature (the contract is raw r‖s)', () => {
    const der = createSign('sha256')
      .update(`${challenge}.${jwkThumbprint(sessionKey)}`)
      .sign(card.privateKey)
      .toString('base64url');
    expect(verifyCardSignature({ cardPublicJwk: card.publicJwk, challenge, sessionKey, cardSignature: der })).toBe(
      false,
    );
  });

  it.each(['', 'garbage', 'A'.repeat(86), `${good}A`, good.slice(0, 85), `${good.slice(0, 85)}B`, '!'.repeat(86)])(
    'returns false, without throwing, for %j',
    (sig) => {
      expect(verifyCardSignature({ cardPublicJwk: card.publicJwk, challenge, sessionKey, cardSignature: sig })).toBe(
        false,
      );
    },
  );

  it('returns false for a broken registered card key', () => {
    const broken = { ...card.publicJwk, y: card.publicJwk.x };
    expect(verifyCardSignature({ cardPublicJwk: broken, challenge, sessionKey, cardSignature: good })).toBe(false);
  });
});
