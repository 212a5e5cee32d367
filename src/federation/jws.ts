/**
 * JWS compact serialisation with EdDSA (RFC 7515, RFC 8037): base64url(header) "." base64url(payload)
 * "." base64url(Ed25519 signature over the first two parts). Only `alg: EdDSA` is accepted, so a
 * token cannot downgrade itself to `none` or a symmetric algorithm. Built on node:crypto.
 */
import { createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { z } from 'zod';

export interface JwsHeader {
  alg: 'EdDSA';
  typ: 'tandem-federation+jws';
  /** The signer's agency code: which partner key verifies it. */
  kid: string;
}

const headerSchema = z.object({
  alg: z.literal('EdDSA'),
  typ: z.literal('tandem-federation+jws'),
  kid: z.string().min(1).max(64),
});

export type JwsFailure = 'malformed' | 'bad_algorithm' | 'bad_signature';

export type JwsVerification =
  | { ok: true; header: JwsHeader; payload: unknown }
  | { ok: false; failure: JwsFailure; reason: string };

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/** Signs a JSON payload as a compact JWS. */
export function signJws(payload: unknown, kid: string, privateKey: KeyObject): string {
  const header: JwsHeader = { alg: 'EdDSA', typ: 'tandem-federation+jws', kid };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const signature = sign(null, Buffer.from(input), privateKey);
  return `${input}.${b64url(signature)}`;
}

/** Reads the header without verifying, to find out which key to verify with. */
export function peekJwsHeader(token: string): JwsHeader | null {
  const [head] = token.split('.');
  if (!head) return null;
  try {
    const parsed = headerSchema.safeParse(JSON.parse(Buffer.from(head, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

const B64URL = /^[A-Za-z0-9_-]+$/;

/** Verifies a compact JWS with the given Ed25519 public key (PEM) and parses its payload. */
export function verifyJws(token: string, publicKeyPem: string): JwsVerification {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => B64URL.test(p))) {
    return { ok: false, failure: 'malformed', reason: 'not three base64url parts separated by dots' };
  }
  const [head, body, sig] = parts as [string, string, string];
  const header = peekJwsHeader(token);
  if (!header)
    return { ok: false, failure: 'bad_algorithm', reason: 'the header must be alg EdDSA with a kid' };
  const key = createPublicKey(publicKeyPem);
  const valid = verify(null, Buffer.from(`${head}.${body}`), key, Buffer.from(sig, 'base64url'));
  if (!valid) return { ok: false, failure: 'bad_signature', reason: 'the signature does not verify' };
  try {
    return { ok: true, header, payload: JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) };
  } catch {
    return { ok: false, failure: 'malformed', reason: 'the payload is not JSON' };
  }
}
