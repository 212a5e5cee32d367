import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../test/support/databases.ts';
import { AlertService } from '../intel/alerts.service.ts';
import { FederationService } from './federation.service.ts';
import { type AgencyIdentity, loadOrCreateIdentity } from './identity.ts';
import { signJws } from './jws.ts';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-fed-'));

function alertMessage(
  from: AgencyIdentity,
  overrides: { uid?: string; version?: number; sentAt?: string; messageId?: string } = {},
) {
  return {
    messageId: overrides.messageId ?? randomUUID(),
    kind: 'alert.upsert',
    from: from.code,
    to: 'NL-CUSTOMS',
    sentAt: overrides.sentAt ?? new Date().toISOString(),
    object: {
      uid: overrides.uid ?? randomUUID(),
      originAgency: from.code,
      version: overrides.version ?? 1,
      subject: 'container',
      title: 'Cocaine in banana reefer',
      description: 'rip-on/rip-off suspected',
      recommendedAction: 'scan_on_arrival',
      validFrom: new Date(Date.now() - 60_000).toISOString(),
      validUntil: null,
      sourceReliability: 'B',
      infoCredibility: 2,
      tlp: 'GREEN',
      recipients: [],
      identifiers: {
        containerNumbers: ['MSCU1234565'],
        transportDocumentNumbers: [],
        sealNumbers: [],
        imoNumbers: [],
        parties: [],
      },
    },
  };
}

describeEachDatabase('federation inbox', (ctx) => {
  let receiver: FederationService;
  let sender: AgencyIdentity;
  const sign = (payload: unknown, who: AgencyIdentity = sender) => signJws(payload, who.code, who.privateKey);
  const codeOf = async (p: Promise<unknown>) =>
    p.then(
      () => 'accepted',
      (e: unknown) => (e instanceof Error && 'code' in e ? String(e.code) : String(e)),
    );

  beforeAll(async () => {
    receiver = new FederationService(
      ctx.database.db,
      loadOrCreateIdentity(tmp(), { code: 'NL-CUSTOMS', name: 'Douane' }),
    );
    sender = loadOrCreateIdentity(tmp(), { code: 'BE-CUSTOMS', name: 'Douane BE' });
    await receiver.addPartner('test', {
      code: 'BE-CUSTOMS',
      name: 'Belgian Customs',
      url: 'http://127.0.0.1:9/',
      publicKeyPem: sender.publicKeyPem,
    });
  });

  it('accepts a signed alert from a known partner once, and a retry as a duplicate', async () => {
    const message = alertMessage(sender);
    expect(await receiver.receive(sign(message))).toMatchObject({ outcome: 'applied' });
    const retry = { ...message, sentAt: new Date(Date.now() + 1000).toISOString() };
    expect(await receiver.receive(sign(retry))).toMatchObject({ outcome: 'duplicate' });
    const stored = await ctx.database.db
      .selectFrom('intel_alerts')
      .selectAll()
      .where('uid', '=', message.object.uid)
      .execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ local: false, origin_agency: 'BE-CUSTOMS', version: 1 });
  });

  it('refuses the exact same token again as a replay', async () => {
    const token = sign(alertMessage(sender));
    await receiver.receive(token);
    expect(await codeOf(receiver.receive(token))).toBe('replayed_message');
  });

  it('answers a batch message by message, in order, and stops at a failure that a retry can mend', async () => {
    const impostor = loadOrCreateIdentity(tmp(), { code: 'BE-CUSTOMS', name: 'impostor' });
    const first = sign(alertMessage(sender));
    const forged = sign(alertMessage(sender), impostor);
    const third = sign(alertMessage(sender));
    const results = await receiver.receiveBatch([first, forged, third, first]);
    expect(results.map((r) => r.status)).toEqual([200, 401, 200, 409]);
    expect(results[0]).toMatchObject({ outcome: 'applied', hits: 0 });
    expect(results[1]).toMatchObject({ error: { code: 'invalid_signature' } });
    expect(results[3]).toMatchObject({ error: { code: 'replayed_message' } });

    // A database failure (not a refusal) on the second message: the rest is not processed.
    const flaky = new FederationService(
      ctx.database.db,
      loadOrCreateIdentity(tmp(), { code: 'NL-CUSTOMS', name: 'Douane' }),
    );
    const fourth = sign(alertMessage(sender));
    const fifth = sign(alertMessage(sender));
    const real = flaky.receive.bind(flaky);
    flaky.receive = (token: string) =>
      token === fourth ? Promise.reject(new Error('connection lost')) : real(token);
    const stopped = await flaky.receiveBatch([sign(alertMessage(sender)), fourth, fifth]);
    expect(stopped.map((r) => r.status)).toEqual([200, 500, 503]);
    expect(stopped[2]).toMatchObject({ error: { code: 'not_processed' } });
    expect(await codeOf(receiver.receive(fifth))).toBe('accepted');
  });

  it('refuses a forged signature', async () => {
    const impostor = loadOrCreateIdentity(tmp(), { code: 'BE-CUSTOMS', name: 'impostor' });
    expect(await codeOf(receiver.receive(sign(alertMessage(sender), impostor)))).toBe('invalid_signature');
  });

  it('refuses an unknown key', async () => {
    const stranger = loadOrCreateIdentity(tmp(), { code: 'XX-CUSTOMS', name: 'stranger' });
    expect(await codeOf(receiver.receive(sign(alertMessage(stranger), stranger)))).toBe('unknown_partner');
  });

  it('refuses an expired timestamp', async () => {
    const old = alertMessage(sender, { sentAt: new Date(Date.now() - 10 * 60_000).toISOString() });
    expect(await codeOf(receiver.receive(sign(old)))).toBe('expired_message');
  });

  it('refuses oversized and malformed payloads', async () => {
    const big = alertMessage(sender);
    big.object.description = 'x'.repeat(300_000);
    expect(await codeOf(receiver.receive(sign(big)))).toBe('oversized_message');
    expect(await codeOf(receiver.receive('garbage'))).toBe('malformed_message');
    expect(await codeOf(receiver.receive(sign({ kind: 'alert.upsert', from: 'BE-CUSTOMS' })))).toBe(
      'malformed_message',
    );
  });

  it('refuses a message addressed to another agency', async () => {
    const message = { ...alertMessage(sender), to: 'DE-ZOLL' };
    expect(await codeOf(receiver.receive(sign(message)))).toBe('wrong_recipient');
  });

  it('applies updates and withdrawals by version, ignoring stale ones', async () => {
    const uid = randomUUID();
    await receiver.receive(sign(alertMessage(sender, { uid, version: 1 })));
    await receiver.receive(sign(alertMessage(sender, { uid, version: 3 })));
    expect(await receiver.receive(sign(alertMessage(sender, { uid, version: 2 })))).toMatchObject({
      outcome: 'stale',
    });
    const withdraw = {
      messageId: randomUUID(),
      kind: 'alert.withdraw',
      from: 'BE-CUSTOMS',
      to: 'NL-CUSTOMS',
      sentAt: new Date().toISOString(),
      object: { uid, originAgency: 'BE-CUSTOMS', version: 4 },
    };
    expect(await receiver.receive(sign(withdraw))).toMatchObject({ outcome: 'applied' });
    const row = await ctx.database.db
      .selectFrom('intel_alerts')
      .selectAll()
      .where('uid', '=', uid)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'withdrawn', version: 4 });
    const ids = await ctx.database.db
      .selectFrom('alert_identifiers')
      .selectAll()
      .where('alert_id', '=', row.id)
      .execute();
    expect(ids).toEqual([]);
  });

  it('refuses a partner changing or withdrawing an alert it did not issue', async () => {
    const own = await new AlertService(ctx.database.db, 'NL-CUSTOMS').create('user:nl-analyst', {
      subject: 'vessel',
      title: 'our own alert',
      recommendedAction: 'monitor',
      sourceReliability: 'B',
      infoCredibility: 2,
      tlp: 'GREEN',
    });
    const withdraw = {
      messageId: randomUUID(),
      kind: 'alert.withdraw',
      from: 'BE-CUSTOMS',
      to: 'NL-CUSTOMS',
      sentAt: new Date().toISOString(),
      object: { uid: own.alert.uid, originAgency: 'BE-CUSTOMS', version: 9 },
    };
    expect(await codeOf(receiver.receive(sign(withdraw)))).toBe('not_owner');
    expect(
      await codeOf(receiver.receive(sign(alertMessage(sender, { uid: own.alert.uid, version: 9 })))),
    ).toBe('not_owner');
    // Nor may it send an object in another agency's name (the signature is its own): 403 too.
    const impersonating = {
      ...withdraw,
      messageId: randomUUID(),
      object: { ...withdraw.object, originAgency: 'NL-CUSTOMS' },
    };
    const refused = await receiver.receive(sign(impersonating)).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'not_owner', status: 403 });
    const row = await ctx.database.db
      .selectFrom('intel_alerts')
      .selectAll()
      .where('uid', '=', own.alert.uid)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'active', version: 1, local: true });
  });

  it('creates the key file with mode 0600 and reuses it', () => {
    const dir = tmp();
    const first = loadOrCreateIdentity(dir, { code: 'NL-CUSTOMS', name: 'x' });
    const second = loadOrCreateIdentity(dir, { code: 'NL-CUSTOMS', name: 'x' });
    expect(second.publicKeyPem).toBe(first.publicKeyPem);
    expect(fs.statSync(path.join(dir, 'keys', 'federation-ed25519.pem')).mode & 0o777).toBe(0o600);
  });
});
