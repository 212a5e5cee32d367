import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../../test/support/databases.ts';
import { containerNumber } from '../../test/support/factories.ts';
import type { Services } from '../api/capabilities.ts';
import { assembleServer } from '../api/serve.ts';
import { formatCustodyVerification, runCustodyVerify } from '../cli/custody.command.ts';
import { loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { type BarrierSample, seedBarrierSample } from '../stats/stats-fixtures.ts';
import { verifyCustody } from './custody.service.ts';
import { CUSTODY_GENESIS, checkChain, custodyHash, type StoredCustodyEntry } from './custody.ts';
import type { HoldOrigin } from './seizures.repo.ts';
import { detectionSourceOf } from './seizures.service.ts';

const config = loadConfig({
  TANDEM_DATA_DIR: path.join(os.tmpdir(), 'tandem-seizures-test'),
  TANDEM_LOG_LEVEL: 'silent',
  TANDEM_ATTACHMENT_MAX_BYTES: '4096',
});
const logger = createLogger('silent');

const PNG = Buffer.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
]);

describe('chain of custody, pure', () => {
  const entry = (seq: number, prevHash: string, toHolder: string): StoredCustodyEntry => {
    const e = {
      evidenceId: 7,
      seq,
      at: new Date(`2026-01-0${seq}T10:00:00Z`),
      action: seq === 1 ? ('seized' as const) : ('transfer' as const),
      fromHolder: seq === 1 ? null : 'officer A',
      toHolder,
      location: 'store 3',
      reason: null,
      actor: 'user:a',
    };
    return { ...e, prevHash, hash: custodyHash(prevHash, e) };
  };
  const e1 = entry(1, CUSTODY_GENESIS, 'officer A');
  const e2 = entry(2, e1.hash, 'evidence store');
  const e3 = entry(3, e2.hash, 'laboratory');
  const audited = new Set([e1.hash, e2.hash, e3.hash]);

  it('accepts an intact chain and names each broken entry', () => {
    expect(checkChain(7, [e1, e2, e3], audited)).toEqual([]);
    expect(checkChain(7, [e1, { ...e2, toHolder: 'someone else' }, e3], audited)).toEqual([
      { evidenceId: 7, seq: 2, problem: 'its content was changed (the hash does not match the entry)' },
    ]);
    expect(checkChain(7, [e1, e3], audited)).toEqual([
      { evidenceId: 7, seq: 2, problem: 'entries 2 are missing (the next one stored is seq 3)' },
      { evidenceId: 7, seq: 3, problem: 'does not link to the previous entry (prev_hash differs)' },
    ]);
    expect(checkChain(7, [e1, e2], new Set([e1.hash]))).toEqual([
      { evidenceId: 7, seq: 2, problem: 'its hash is not in the audit log' },
    ]);
  });

  it('covers every field of the entry by the hash', () => {
    const base = { ...e2 };
    for (const change of [
      { at: new Date('2026-01-02T10:00:01Z') },
      { action: 'sampled' as const },
      { fromHolder: 'x' },
      { location: null },
      { reason: 'r' },
      { actor: 'user:b' },
      { seq: 5 },
      { evidenceId: 8 },
    ])
      expect(custodyHash(base.prevHash, { ...base, ...change })).not.toBe(base.hash);
  });

  it('derives the detection source from the hold', () => {
    const origin = (
      source: HoldOrigin['source'],
      selectionReason: HoldOrigin['selectionReason'],
      modelVersion: number | null = 3,
    ) => ({ source, selectionReason, modelVersion });
    expect(detectionSourceOf(origin('selection', 'mandatory_profile'))).toBe('profile');
    expect(detectionSourceOf(origin('selection', 'risk'))).toBe('model');
    // No champion model scored it: the profiles did.
    expect(detectionSourceOf(origin('selection', 'risk', null))).toBe('profile');
    expect(detectionSourceOf(origin('selection', 'exploration'))).toBe('random');
    expect(detectionSourceOf(origin('manual', 'manual'))).toBe('manual');
    expect(detectionSourceOf(origin('partner_alert', null))).toBe('partner_intelligence');
    expect(detectionSourceOf(undefined)).toBe('manual');
  });
});

describeEachDatabase('seizures and custody', (ctx) => {
  let app: Awaited<ReturnType<typeof assembleServer>>['app'];
  let services: Services;
  let base = '';
  let auth: Record<string, string> = {};
  let sample: BarrierSample;

  const call = async (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) => {
    const init: RequestInit = { method, headers: { ...auth, ...headers } };
    if (body instanceof Uint8Array) init.body = body;
    else if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { ...auth, 'content-type': 'application/json', ...headers };
    }
    const answer = await fetch(`${base}${url}`, init);
    const text = await answer.text();
    return { status: answer.status, json: text ? JSON.parse(text) : undefined };
  };

  beforeAll(async () => {
    ({ app, services } = assembleServer(config, ctx.database, logger));
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    const { token } = await services.accounts.createToken('test', {
      name: 'inspector',
      scopes: ['seizures:read', 'seizures:write'],
    });
    auth = { authorization: `Bearer ${token}` };
    sample = await seedBarrierSample(ctx.database, services.seizures);
  });
  afterAll(() => app.close());

  it('gives each seizure its port-year reference, hold, consignment, origin and detection source', async () => {
    const { json: all } = await call('GET', '/v1/seizures');
    const byRef = Object.fromEntries((all as { reference: string }[]).map((s) => [s.reference, s]));
    expect(Object.keys(byRef).sort()).toEqual([
      'BEANR-2025-000001',
      'BEANR-2026-000001',
      'BEANR-2026-000002',
      'NLRTM-2026-000001',
      'NLRTM-2026-000002',
    ]);
    expect(byRef['BEANR-2026-000001']).toMatchObject({
      id: sample.seizures.S1,
      containerNumber: containerNumber(1),
      port: 'BEANR',
      holdId: sample.holds.get(1),
      transportDocumentNumber: 'MEDU00000001',
      originCountry: 'EC',
      substance: 'cocaine',
      netMassKg: 120.5,
      grossMassKg: 131,
      packages: 100,
      concealment: 'rip_on_rip_off',
      detectionSource: 'profile',
      recordedBy: 'user:inspector',
      evidence: [
        expect.objectContaining({ label: 'E1', currentHolder: 'officer Peeters', status: 'held' }),
        expect.objectContaining({ label: 'E2' }),
      ],
    });
    expect(byRef['BEANR-2026-000002']).toMatchObject({ originCountry: 'CO', detectionSource: 'model' });
    expect(byRef['NLRTM-2026-000001']).toMatchObject({ originCountry: 'BR', detectionSource: 'model' });
    // By container number: linked to the hold placed the day before, source as recorded.
    expect(byRef['NLRTM-2026-000002']).toMatchObject({
      holdId: sample.holds.get(5),
      inspectionId: null,
      detectionSource: 'tracking_anomaly',
      substanceDetail: 'MDMA tablets',
      packages: null,
    });
    // No hold within the window before the seizure: manual, no hold.
    expect(byRef['BEANR-2025-000001']).toMatchObject({
      holdId: null,
      detectionSource: 'manual',
      originCountry: 'EC',
    });

    const { json: antwerpJanuary } = await call(
      'GET',
      '/v1/seizures?port=BEANR&from=2026-01-01&to=2026-01-31',
    );
    expect((antwerpJanuary as { reference: string }[]).map((s) => s.reference)).toEqual([
      'BEANR-2026-000002',
      'BEANR-2026-000001',
    ]);
  });

  it('turns the hold outcome into a hit, announces the seizure and audits it', async () => {
    const outcomes = await ctx.database.db
      .selectFrom('inspection_outcomes')
      .select(['hold_id', 'hit'])
      .where('hold_id', 'is not', null)
      .orderBy('hold_id')
      .execute();
    const hitOf = new Map(outcomes.map((o) => [o.hold_id, o.hit]));
    expect([1, 2, 3, 4, 5, 8].map((n) => hitOf.get(sample.holds.get(n) ?? 0))).toEqual([
      true,
      true,
      false,
      true,
      true,
      false,
    ]);
    const event = await ctx.database.db
      .selectFrom('outbox_events')
      .select(['payload'])
      .where('topic', '=', 'seizure.recorded')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    expect(event.payload).toEqual({
      seizureId: sample.seizures.S1,
      holdId: sample.holds.get(1),
      containerNumber: containerNumber(1),
      substance: 'cocaine',
      netMassKg: 120.5,
    });
    const audit = await ctx.database.db
      .selectFrom('audit_log')
      .select(['action', 'actor'])
      .where('entity_type', '=', 'seizure')
      .where('entity_id', '=', String(sample.seizures.S1))
      .execute();
    expect(audit).toEqual([{ action: 'seizure.recorded', actor: 'user:inspector' }]);
  });

  it('records a seizure over HTTP, with photos and evidence, and refuses what is wrong', async () => {
    const created = await call('POST', '/v1/seizures', {
      containerNumber: containerNumber(8),
      port: 'BEANR',
      seizedAt: '2026-04-02T09:00:00Z',
      substance: 'precursors',
      netMassKg: 2.5,
      concealment: 'dissolved_impregnated',
      placeInContainer: 'soaked into cardboard boxes',
      evidence: [{ label: 'box-1', description: 'impregnated box', holder: 'officer Janssens' }],
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      reference: 'BEANR-2026-000003',
      holdId: null,
      detectionSource: 'manual',
    });
    const id = created.json.id as number;

    const photo = await call('POST', `/v1/seizures/${id}/photos?fileName=box.png`, PNG, {
      'content-type': 'image/png',
    });
    expect(photo.status).toBe(201);
    expect(photo.json).toMatchObject({ fileName: 'box.png', mediaType: 'image/png', byteSize: PNG.length });
    expect(photo.json.contentUrl).toBe(`/v1/attachments/${photo.json.id}/content`);
    const notImage = await call(
      'POST',
      `/v1/seizures/${id}/photos`,
      new TextEncoder().encode('not an image'),
      {
        'content-type': 'image/jpeg',
      },
    );
    expect(notImage.status).toBe(400);
    expect(notImage.json.error.message).toMatch(/unrecognised file/);
    const tooLarge = await call('POST', `/v1/seizures/${id}/photos`, new Uint8Array(5000), {
      'content-type': 'image/png',
    });
    expect(tooLarge.status).toBe(413);

    const added = await call('POST', `/v1/seizures/${id}/evidence`, {
      label: 'box-2',
      description: 'second box',
      holder: 'officer Janssens',
    });
    expect(added.status).toBe(201);
    expect(added.json.custody).toEqual([
      expect.objectContaining({
        seq: 1,
        action: 'seized',
        fromHolder: null,
        toHolder: 'officer Janssens',
        prevHash: CUSTODY_GENESIS,
      }),
    ]);
    const again = await call('POST', `/v1/seizures/${id}/evidence`, {
      label: 'box-2',
      description: 'x',
      holder: 'y',
    });
    expect(again.status).toBe(409);

    const got = await call('GET', `/v1/seizures/${id}`);
    expect(got.json.photos).toHaveLength(1);
    expect(got.json.evidence.map((e: { label: string }) => e.label)).toEqual(['box-1', 'box-2']);

    const grossBelowNet = await call('POST', '/v1/seizures', {
      containerNumber: containerNumber(8),
      port: 'BEANR',
      seizedAt: '2026-04-02T09:00:00Z',
      substance: 'cocaine',
      netMassKg: 10,
      grossMassKg: 9,
      concealment: 'other',
      placeInContainer: 'x',
    });
    expect(grossBelowNet.status).toBe(400);
    const unknownInspection = await call('POST', '/v1/seizures', {
      inspectionId: 999999,
      seizedAt: '2026-04-02T09:00:00Z',
      substance: 'cocaine',
      netMassKg: 10,
      concealment: 'other',
      placeInContainer: 'x',
    });
    expect(unknownInspection.status).toBe(404);
    const nothingNamed = await call('POST', '/v1/seizures', {
      seizedAt: '2026-04-02T09:00:00Z',
      substance: 'cocaine',
      netMassKg: 10,
      concealment: 'other',
      placeInContainer: 'x',
    });
    expect(nothingNamed.status).toBe(400);
    const badSubstance = await call('POST', '/v1/seizures', {
      containerNumber: containerNumber(8),
      port: 'BEANR',
      seizedAt: '2026-04-02T09:00:00Z',
      substance: 'sugar',
      netMassKg: 10,
      concealment: 'other',
      placeInContainer: 'x',
    });
    expect(badSubstance.status).toBe(400);
    const future = await call('POST', '/v1/seizures', {
      containerNumber: containerNumber(8),
      port: 'BEANR',
      seizedAt: new Date(Date.now() + 86_400_000).toISOString(),
      substance: 'cocaine',
      netMassKg: 10,
      concealment: 'other',
      placeInContainer: 'x',
    });
    expect(future.status).toBe(400);
    expect(future.json.error.message).toMatch(/is in the future/);
  });

  it('appends custody steps to a hash chain, and closes it after destruction', async () => {
    const seizure = await call('GET', `/v1/seizures/${sample.seizures.S1}`);
    const e1 = seizure.json.evidence[0].id as number;
    const step = (action: string, toHolder: string) =>
      call('POST', `/v1/evidence/${e1}/custody`, {
        action,
        toHolder,
        location: 'Antwerp',
        reason: `${action} for the case file`,
      });
    expect((await step('transfer', 'evidence store Antwerp')).status).toBe(201);
    expect((await step('laboratory', 'NICC laboratory')).status).toBe(201);
    expect((await step('destroyed', 'incinerator Doel')).status).toBe(201);
    const closed = await step('transfer', 'anyone');
    expect(closed.status).toBe(409);
    expect(closed.json.error.message).toMatch(/destroyed; its chain of custody is closed/);

    const { json: item } = await call('GET', `/v1/evidence/${e1}/custody`);
    expect(item).toMatchObject({ label: 'E1', currentHolder: 'incinerator Doel', status: 'destroyed' });
    expect(
      item.custody.map((c: { seq: number; action: string; fromHolder: string | null }) => [
        c.seq,
        c.action,
        c.fromHolder,
      ]),
    ).toEqual([
      [1, 'seized', null],
      [2, 'transfer', 'officer Peeters'],
      [3, 'laboratory', 'evidence store Antwerp'],
      [4, 'destroyed', 'NICC laboratory'],
    ]);
    for (let i = 1; i < item.custody.length; i++)
      expect(item.custody[i].prevHash).toBe(item.custody[i - 1].hash);
    const audited = await ctx.database.db
      .selectFrom('audit_log')
      .select(['action', sql<string>`details->>'custodyHash'`.as('hash')])
      .where('entity_type', '=', 'evidence_item')
      .where('entity_id', '=', String(e1))
      .where('action', 'like', 'custody.%')
      .orderBy('id')
      .execute();
    expect(audited).toEqual(
      item.custody.map((c: { action: string; hash: string }) => ({
        action: `custody.${c.action}`,
        hash: c.hash,
      })),
    );
  });

  it('serialises concurrent custody steps on one item into one unbroken chain', async () => {
    const seizure = await call('GET', `/v1/seizures/${sample.seizures.S1}`);
    const e2 = seizure.json.evidence[1].id as number;
    const answers = await Promise.all(
      [1, 2, 3, 4, 5].map((i) =>
        call('POST', `/v1/evidence/${e2}/custody`, {
          action: 'transfer',
          toHolder: `holder ${i}`,
          location: 'x',
          reason: 'shift',
        }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
    expect(answers.map((a) => a.json.seq).sort()).toEqual([2, 3, 4, 5, 6]);
    const v = await verifyCustody(ctx.database.db);
    expect(v.problems).toEqual([]);
    expect(v.ok).toBe(true);
    expect(formatCustodyVerification(v)).toMatch(/^custody intact: 4 evidence items, 12 custody entries/);
    expect(await runCustodyVerify(ctx.database.db, () => undefined)).toBe(0);
  });

  it('detects an edited holder, a deleted middle entry and a changed timestamp, naming each entry', async () => {
    const { db } = ctx.database;
    const item = async (label: string) => {
      const s = await call('POST', `/v1/seizures/${sample.seizures.S3}/evidence`, {
        label,
        description: 'bag',
        holder: 'officer V',
      });
      const id = s.json.id as number;
      for (const h of ['store', 'lab', 'store again'])
        await call('POST', `/v1/evidence/${id}/custody`, {
          action: 'transfer',
          toHolder: h,
          location: 'Rotterdam',
          reason: 'r',
        });
      return id;
    };
    const edited = await item('edited');
    const deleted = await item('deleted');
    const retimed = await item('retimed');
    expect((await verifyCustody(db)).ok).toBe(true);

    await db
      .updateTable('custody_log')
      .set({ to_holder: 'a friend' })
      .where('evidence_id', '=', edited)
      .where('seq', '=', 2)
      .execute();
    await db.deleteFrom('custody_log').where('evidence_id', '=', deleted).where('seq', '=', 3).execute();
    await sql`update custody_log set at = at + interval '1 hour' where evidence_id = ${retimed} and seq = 4`.execute(
      db,
    );

    const v = await verifyCustody(db);
    expect(v.ok).toBe(false);
    expect(v.audit.ok).toBe(true);
    expect(v.problems.map((p) => [p.evidenceId, p.label, p.seq, p.problem])).toEqual([
      [edited, 'edited', 2, 'its content was changed (the hash does not match the entry)'],
      [deleted, 'deleted', 3, 'entries 3 are missing (the next one stored is seq 4)'],
      [
        deleted,
        undefined,
        3,
        'the audit log records this entry but it is gone from the custody log (deleted or rewritten)',
      ],
      [deleted, 'deleted', 4, 'does not link to the previous entry (prev_hash differs)'],
      [retimed, 'retimed', 4, 'its content was changed (the hash does not match the entry)'],
    ]);
    let printed = '';
    expect(await runCustodyVerify(db, (t) => (printed += t))).toBe(1);
    expect(printed).toBe(formatCustodyVerification(v));
    const report = formatCustodyVerification(v);
    expect(report).toContain(`BROKEN evidence item ${edited} (edited), entry seq 2: its content was changed`);
    expect(report).toContain(`BROKEN evidence item ${deleted} (deleted), entry seq 3: entries 3 are missing`);
    expect(report).toMatch(/custody NOT intact: 5 problem\(s\)/);

    // Rewriting an audit record to match is caught by the audit log's own chain.
    await sql`update audit_log set reason = 'edited' where entity_type = 'evidence_item' and entity_id = ${String(edited)} and details->>'seq' = '2'`.execute(
      db,
    );
    const after = await verifyCustody(db);
    expect(after.audit.ok).toBe(false);
    expect(formatCustodyVerification(after)).toMatch(/BROKEN audit log: entry \d+ does not match/);
  });
});
