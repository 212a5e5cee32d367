import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../test/support/databases.ts';
import { containerNumber, jsonLines, newConsignment } from '../../test/support/factories.ts';
import { FederationService } from '../federation/federation.service.ts';
import { type AgencyIdentity, loadOrCreateIdentity } from '../federation/identity.ts';
import { signJws } from '../federation/jws.ts';
import { ingestFile } from '../ingest/ingest.service.ts';
import type { AlertIdentifiers } from './alert.ts';
import { correlateNextBatch } from './correlation.service.ts';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-intel-'));
const none: AlertIdentifiers = {
  containerNumbers: [],
  transportDocumentNumbers: [],
  sealNumbers: [],
  imoNumbers: [],
  parties: [],
};

describeEachDatabase('intel correlation', (ctx) => {
  let receiver: FederationService;
  let sender: AgencyIdentity;

  const receiveAlert = (identifiers: Partial<AlertIdentifiers>) => {
    const uid = randomUUID();
    const message = {
      messageId: randomUUID(),
      kind: 'alert.upsert',
      from: 'BE-CUSTOMS',
      to: 'NL-CUSTOMS',
      sentAt: new Date().toISOString(),
      object: {
        uid,
        originAgency: 'BE-CUSTOMS',
        version: 1,
        subject: 'container',
        title: 'suspicious',
        description: '',
        recommendedAction: 'hold',
        validFrom: new Date(Date.now() - 60_000).toISOString(),
        validUntil: null,
        sourceReliability: 'A',
        infoCredibility: 1,
        tlp: 'GREEN',
        recipients: [],
        identifiers: { ...none, ...identifiers },
      },
    };
    return receiver.receive(signJws(message, sender.code, sender.privateKey)).then((r) => ({ ...r, uid }));
  };
  const ingest = async (text: string) => {
    const file = path.join(tmp(), 'cargo.jsonl');
    fs.writeFileSync(file, text);
    await ingestFile(ctx.database, file, { actor: 'test' });
  };
  const hitsOf = async (uid: string) =>
    ctx.database.db
      .selectFrom('intel_hits as h')
      .innerJoin('intel_alerts as a', 'a.id', 'h.alert_id')
      .select(['h.entity_type', 'h.identifier_kind', 'h.identifier_value'])
      .where('a.uid', '=', uid)
      .orderBy('h.id')
      .execute();

  beforeAll(async () => {
    receiver = new FederationService(
      ctx.database.db,
      loadOrCreateIdentity(tmp(), { code: 'NL-CUSTOMS', name: 'NL' }),
    );
    sender = loadOrCreateIdentity(tmp(), { code: 'BE-CUSTOMS', name: 'BE' });
    await receiver.addPartner('test', {
      code: 'BE-CUSTOMS',
      name: 'BE',
      url: 'http://127.0.0.1:9/',
      publicKeyPem: sender.publicKeyPem,
    });
    await ingest(
      jsonLines([
        { type: 'consignment', ...newConsignment(101) },
        {
          type: 'consignment',
          ...newConsignment(102, {
            consignee: { name: 'TO ORDER', identifiers: {} },
            shipper: { name: 'Frutas del Sur S.A.C.', country: 'EC', identifiers: {} },
          }),
        },
      ]),
    );
    // The stored-cargo consumer starts after the existing cargo: this test is about what arrives later.
    while ((await correlateNextBatch(ctx.database.db)) > 0) {}
  });

  it('matches an incoming alert with local containers, documents, seals and party names', async () => {
    const r = await receiveAlert({
      containerNumbers: [containerNumber(101)],
      transportDocumentNumbers: ['MEDU00000102'],
      sealNumbers: ['ec-100101'],
      parties: [{ name: 'FRUTAS DEL SUR SAC', identifiers: {} }],
    });
    expect(r.hits).toBe(4);
    const hits = await hitsOf(r.uid);
    expect(hits).toEqual(
      expect.arrayContaining([
        { entity_type: 'container', identifier_kind: 'container', identifier_value: containerNumber(101) },
        {
          entity_type: 'consignment',
          identifier_kind: 'transport_document',
          identifier_value: 'MEDU00000102',
        },
        { entity_type: 'container', identifier_kind: 'seal', identifier_value: 'EC100101' },
        { entity_type: 'party', identifier_kind: 'party_name', identifier_value: 'FRUTAS DEL SUR' },
      ]),
    );
    const events = await ctx.database.db
      .selectFrom('outbox_events')
      .select('payload')
      .where('topic', '=', 'intel.hit')
      .execute();
    expect(events.filter((e) => e.payload.alertUid === r.uid)).toHaveLength(4);
  });

  it('never correlates TO ORDER or placeholders', async () => {
    const r = await receiveAlert({
      parties: [
        { name: 'To the order of', identifiers: { eori: 'UNKNOWN' } },
        { name: 'TO ORDER', identifiers: {} },
      ],
      sealNumbers: ['0000000'],
      containerNumbers: ['N/A'],
    });
    expect(r.hits).toBe(0);
    expect(await hitsOf(r.uid)).toEqual([]);
  });

  it('matches cargo stored after the alert arrived, through the ingest events', async () => {
    const r = await receiveAlert({
      containerNumbers: [containerNumber(205)],
      transportDocumentNumbers: ['MEDU00000206'],
    });
    expect(r.hits).toBe(0);
    await ingest(
      jsonLines([
        { type: 'consignment', ...newConsignment(205) },
        { type: 'consignment', ...newConsignment(206) },
        { type: 'consignment', ...newConsignment(207) },
      ]),
    );
    while ((await correlateNextBatch(ctx.database.db)) > 0) {}
    expect(await hitsOf(r.uid)).toEqual(
      expect.arrayContaining([
        { entity_type: 'container', identifier_kind: 'container', identifier_value: containerNumber(205) },
        {
          entity_type: 'consignment',
          identifier_kind: 'transport_document',
          identifier_value: 'MEDU00000206',
        },
      ]),
    );
    expect(await hitsOf(r.uid)).toHaveLength(2);
  });
});
