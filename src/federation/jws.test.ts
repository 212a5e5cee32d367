import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { peekJwsHeader, signJws, verifyJws } from './jws.ts';

const pair = () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
};

describe('JWS EdDSA', () => {
  const a = pair();
  const b = pair();

  it('signs and verifies a payload, with the kid in the header', () => {
    const token = signJws({ hello: 'Rotterdam' }, 'BE-CUSTOMS', a.privateKey);
    expect(token.split('.')).toHaveLength(3);
    expect(peekJwsHeader(token)).toEqual({ alg: 'EdDSA', typ: 'tandem-federation+jws', kid: 'BE-CUSTOMS' });
    expect(verifyJws(token, a.publicKeyPem)).toEqual({
      ok: true,
      header: peekJwsHeader(token),
      payload: { hello: 'Rotterdam' },
    });
  });

  it('refuses a signature made with another key', () => {
    const token = signJws({ hello: 'Antwerp' }, 'BE-CUSTOMS', b.privateKey);
    expect(verifyJws(token, a.publicKeyPem)).toMatchObject({ ok: false, failure: 'bad_signature' });
  });

  it('refuses a payload changed after signing', () => {
    const [h, , s] = signJws({ amountKg: 10 }, 'BE-CUSTOMS', a.privateKey).split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ amountKg: 1000 })).toString('base64url')}.${s}`;
    expect(verifyJws(forged, a.publicKeyPem)).toMatchObject({ ok: false, failure: 'bad_signature' });
  });

  it('refuses alg none and other algorithms', () => {
    const head = Buffer.from(
      JSON.stringify({ alg: 'none', typ: 'tandem-federation+jws', kid: 'X' }),
    ).toString('base64url');
    const body = Buffer.from('{}').toString('base64url');
    expect(verifyJws(`${head}.${body}.AAAA`, a.publicKeyPem)).toMatchObject({
      ok: false,
      failure: 'bad_algorithm',
    });
  });

  it.each(['', 'a.b', 'a.b.c.d', 'not base64!.x.y'])('refuses the malformed token %j', (token) => {
    expect(verifyJws(token, a.publicKeyPem)).toMatchObject({ ok: false, failure: 'malformed' });
  });
});
