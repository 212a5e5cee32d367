/**
 * This instance's federation identity: the agency code and an Ed25519 key pair, created at first
 * start in `<dataDir>/keys/` (private key file mode 0600). The key lives in the data folder also
 * when the data itself is on a PostgreSQL server, so a database dump never carries the signing key.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface AgencyIdentity {
  code: string;
  name: string;
  privateKey: KeyObject;
  publicKeyPem: string;
}

const PRIVATE_FILE = 'federation-ed25519.pem';
const PUBLIC_FILE = 'federation-ed25519.pub.pem';

/** Loads the key pair from `<dataDir>/keys/`, creating it on first use. */
export function loadOrCreateIdentity(
  dataDir: string,
  agency: { code: string; name: string },
): AgencyIdentity {
  const dir = path.join(dataDir, 'keys');
  const privatePath = path.join(dir, PRIVATE_FILE);
  if (!fs.existsSync(privatePath)) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const pair = generateKeyPairSync('ed25519');
    const privatePem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const publicPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    // 'wx' fails if another process created the file meanwhile; then we read theirs below.
    try {
      fs.writeFileSync(privatePath, privatePem, { mode: 0o600, flag: 'wx' });
      fs.writeFileSync(path.join(dir, PUBLIC_FILE), publicPem, { mode: 0o644 });
    } catch (e) {
      if (!(e instanceof Error && 'code' in e && e.code === 'EEXIST')) throw e;
    }
  }
  const privateKey = createPrivateKey(fs.readFileSync(privatePath, 'utf8'));
  const publicKeyPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
  return { code: agency.code, name: agency.name, privateKey, publicKeyPem };
}

/** Parses a PEM public key and checks it is Ed25519; returns the normalised PEM. */
export function parseEd25519PublicKey(pem: string): string {
  const key = createPublicKey(pem);
  if (key.asymmetricKeyType !== 'ed25519')
    throw new Error(`the key is ${key.asymmetricKeyType}, not ed25519`);
  return key.export({ type: 'spki', format: 'pem' }).toString();
}
