import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../../test/support/databases.ts';
import { containerNumber } from '../../test/support/factories.ts';
import { assembleServer } from '../api/serve.ts';
import type { buildServer } from '../api/server.ts';
import { loadConfig } from '../config.ts';
import { verifyAudit } from '../db/index.ts';
import { createLogger } from '../logger.ts';
import { heldContainers, inspectionOf } from './inspections.fixtures.ts';

const config = loadConfig({
  TANDEM_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-inspection-routes-')),
  TANDEM_LOG_LEVEL: 'silent',
});
const logger = createLogger('silent');

describeEachDatabase('inspection routes', (ctx) => {
  let app: ReturnType<typeof buildServer>;
  const auth: Record<string, Record<string, string>> = {};

  const call = (method: 'GET' | 'POST' | 'PATCH', url: string, who: string, payload?: object) =>
    app.inject({ method, url, headers: auth[who], ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    const assembled = assembleServer(config, ctx.database, logger);
    app = assembled.app;
    await app.ready();
    for (const [username, role] of [
      ['adam', 'administrator'],
      ['ivo', 'inspector'],
      ['ana', 'analyst'],
      ['tom', 'targeting_officer'],
      ['tess', 'targeting_officer'],
    ] as const) {
      await assembled.services.accounts.createUser('test', {
        username,
        roles: [role],
        password: 'correct horse battery',
      });
      const { token } = await assembled.services.accounts.login(username, 'correct horse battery');
      auth[username] = { authorization: `Bearer ${token}` };
    }
  });
  afterAll(() => app.close());

  describe('scanners', () => {
    it('adds, changes and lists scanners, audited; only scanners:manage may change them', async () => {
      const added = await call('POST', '/v1/scanners', 'adam', {
        code: 'ANR-S1',
        port: 'BEANR',
        name: 'Kallo fixed portal',
        capacityPerHour: 6,
      });
      expect(added.statusCode).toBe(201);
      expect(added.json()).toMatchObject({ code: 'ANR-S1', port: 'BEANR', capacityPerHour: 6, active: true });
      expect(
        (
          await call('POST', '/v1/scanners', 'adam', {
            code: 'ANR-S1',
            port: 'BEANR',
            name: 'x',
            capacityPerHour: 1,
          })
        ).statusCode,
      ).toBe(409);
      const badPort = await call('POST', '/v1/scanners', 'adam', {
        code: 'X1',
        port: 'ZZZZZ',
        name: 'x',
        capacityPerHour: 1,
      });
      expect(badPort.statusCode).toBe(400);
      expect(JSON.stringify(badPort.json())).toContain('ZZZZZ');
      expect(
        (
          await call('POST', '/v1/scanners', 'ivo', {
            code: 'X2',
            port: 'BEANR',
            name: 'x',
            capacityPerHour: 1,
          })
        ).statusCode,
      ).toBe(403);
      await call('POST', '/v1/scanners', 'adam', {
        code: 'ANR-S2',
        port: 'BEANR',
        name: 'Mobile',
        capacityPerHour: 20,
      });
      await call('POST', '/v1/scanners', 'adam', {
        code: 'RTM-1',
        port: 'NLRTM',
        name: 'Maasvlakte',
        capacityPerHour: 10,
      });

      const patched = await call('PATCH', '/v1/scanners/ANR-S2', 'adam', {
        capacityPerHour: 12,
        active: false,
      });
      expect(patched.json()).toMatchObject({ code: 'ANR-S2', capacityPerHour: 12, active: false });
      expect((await call('PATCH', '/v1/scanners/NOPE', 'adam', { active: false })).statusCode).toBe(404);
      expect((await call('PATCH', '/v1/scanners/ANR-S2', 'adam', {})).statusCode).toBe(400);

      const list = await call('GET', '/v1/scanners?port=BEANR', 'ivo');
      expect(list.json().map((s: { code: string }) => s.code)).toEqual(['ANR-S1', 'ANR-S2']);
      expect((await call('GET', '/v1/scanners', 'adam')).statusCode).toBe(403);

      const audit = await ctx.database.db
        .selectFrom('audit_log')
        .select(['action', 'actor'])
        .where('entity_type', '=', 'scanner')
        .orderBy('id')
        .execute();
      expect(audit).toEqual([
        { action: 'scanner.added', actor: 'user:adam' },
        { action: 'scanner.added', actor: 'user:adam' },
        { action: 'scanner.added', actor: 'user:adam' },
        { action: 'scanner.updated', actor: 'user:adam' },
      ]);
      await call('PATCH', '/v1/scanners/ANR-S2', 'adam', { active: true });
    });
  });

  describe('scan queue', () => {
    it('orders by risk, lets a box ahead only to make its deadline, and flags the ones that will miss it', async () => {
      // Boxes 101..107 at Antwerp, 108 at Rotterdam. ANR-S1 scans 6 an hour: 10-minute slots.
      await heldContainers(ctx.database, [101, 102, 103, 104, 105, 106, 107]);
      await heldContainers(ctx.database, [108], 'risk', 'NLRTM');
      const now = Date.now();
      const inMinutes = (m: number) => new Date(now + m * 60_000);
      // The fixture's risk and deadlines (the selection would set them from the score and the vessel).
      const setUp: [number, number, Date | null][] = [
        [101, 0.9, null],
        [102, 0.8, inMinutes(75)],
        [103, 0.3, inMinutes(35)],
        [104, 0.2, inMinutes(12)],
        [105, 0.5, inMinutes(25)],
        [106, 0.95, null],
        [107, 0.99, null],
      ];
      for (const [n, risk, deadline] of setUp) {
        await ctx.database.db
          .updateTable('inspections')
          .set({ priority_score: risk, deadline })
          .where('container_number', '=', containerNumber(n))
          .execute();
      }
      // 106 is on ANR-S1 now (its slot ends in 10 minutes); 107 is assigned to the other scanner.
      const on = await inspectionOf(ctx.database, 106, 'scan');
      expect(
        (await call('POST', `/v1/inspections/${on}/assign`, 'ivo', { scanner: 'ANR-S1', assignee: 'ivo' }))
          .statusCode,
      ).toBe(200);
      expect((await call('POST', `/v1/inspections/${on}/start`, 'ivo')).statusCode).toBe(200);
      const elsewhere = await inspectionOf(ctx.database, 107, 'scan');
      expect(
        (await call('POST', `/v1/inspections/${elsewhere}/assign`, 'ivo', { scanner: 'ANR-S2' })).statusCode,
      ).toBe(200);

      const queue = await call('GET', '/v1/scanners/ANR-S1/queue', 'ana');
      expect(queue.statusCode).toBe(200);
      const body = queue.json();
      expect(body).toMatchObject({ scanner: { code: 'ANR-S1' }, minutesPerBox: 10, missingDeadlines: 1 });
      const items: {
        containerNumber: string;
        position: number;
        placedBy: string;
        willMissDeadline: boolean;
        estimatedStart: string;
      }[] = body.items;
      expect(items.map((i) => [i.containerNumber, i.placedBy, i.willMissDeadline])).toEqual([
        [containerNumber(106), 'in_progress', false],
        [containerNumber(105), 'deadline', false],
        [containerNumber(103), 'deadline', false],
        [containerNumber(101), 'risk', false],
        [containerNumber(102), 'risk', false],
        [containerNumber(104), 'late', true],
      ]);
      expect(items.map((i) => i.position)).toEqual([1, 2, 3, 4, 5, 6]);
      const starts = items.map((i) => Date.parse(i.estimatedStart));
      for (let k = 2; k < starts.length; k++) expect(starts[k]! - starts[k - 1]!).toBe(10 * 60_000);

      const other = (await call('GET', '/v1/scanners/ANR-S2/queue', 'ivo')).json();
      expect(other.items[0]).toMatchObject({ containerNumber: containerNumber(107), status: 'assigned' });
      expect(other.items.map((i: { containerNumber: string }) => i.containerNumber)).not.toContain(
        containerNumber(106),
      );
      expect((await call('GET', '/v1/scanners/NOPE/queue', 'ivo')).statusCode).toBe(404);

      const physical = await call('GET', '/v1/inspections?port=NLRTM&kind=scan&status=queued', 'ana');
      expect(physical.json().map((i: { containerNumber: string }) => i.containerNumber)).toEqual([
        containerNumber(108),
      ]);
    });
  });

  describe('transitions', () => {
    it('refuses every illegal transition with 409 and the current state, and audits the legal ones', async () => {
      await heldContainers(ctx.database, [201]);
      const id = await inspectionOf(ctx.database, 201, 'scan');
      const expectConflict = async (action: string, state: string, payload?: object) => {
        const answer = await call('POST', `/v1/inspections/${id}/${action}`, 'ivo', payload);
        expect(answer.statusCode, `${action} from ${state}`).toBe(409);
        expect(answer.json().error.details.currentState).toBe(state);
      };
      const clear = { verdict: 'clear' };
      // queued: start and complete are illegal.
      await expectConflict('start', 'queued');
      await expectConflict('complete', 'queued', clear);
      // assigned to a person only: a scan cannot start without a scanner.
      expect(
        (await call('POST', `/v1/inspections/${id}/assign`, 'ivo', { assignee: 'ivo' })).json(),
      ).toMatchObject({
        status: 'assigned',
        scanner: null,
        assignee: 'ivo',
      });
      await expectConflict('start', 'assigned');
      await expectConflict('complete', 'assigned', clear);
      // Re-assigning to a scanner keeps the assignee; a scanner elsewhere is refused.
      expect(
        (await call('POST', `/v1/inspections/${id}/assign`, 'ivo', { scanner: 'RTM-1' })).statusCode,
      ).toBe(400);
      expect(
        (await call('POST', `/v1/inspections/${id}/assign`, 'ivo', { scanner: 'ANR-S1' })).json(),
      ).toMatchObject({
        scanner: 'ANR-S1',
        assignee: 'ivo',
      });
      expect((await call('POST', `/v1/inspections/${id}/start`, 'ivo')).json()).toMatchObject({
        status: 'in_progress',
      });
      // in progress: assign and start are illegal.
      await expectConflict('assign', 'in_progress', { scanner: 'ANR-S1' });
      await expectConflict('start', 'in_progress');
      // An anomaly needs its region.
      const noRegion = await call('POST', `/v1/inspections/${id}/complete`, 'ivo', { verdict: 'anomaly' });
      expect(noRegion.statusCode).toBe(400);
      expect(JSON.stringify(noRegion.json())).toContain('anomalyRegion');
      expect((await call('POST', `/v1/inspections/${id}/complete`, 'ana', clear)).statusCode).toBe(403);
      const done = await call('POST', `/v1/inspections/${id}/complete`, 'ivo', clear);
      expect(done.json()).toMatchObject({
        inspection: { status: 'completed', verdict: 'clear' },
        referral: null,
      });
      // completed: nothing more.
      await expectConflict('assign', 'completed', { assignee: 'ivo' });
      await expectConflict('start', 'completed');
      await expectConflict('complete', 'completed', clear);
      expect((await call('POST', '/v1/inspections/999999/start', 'ivo')).statusCode).toBe(404);

      const audit = await ctx.database.db
        .selectFrom('audit_log')
        .select('action')
        .where('entity_type', '=', 'inspection')
        .where('entity_id', '=', String(id))
        .orderBy('id')
        .execute();
      expect(audit.map((a) => a.action)).toEqual([
        'inspection.assigned',
        'inspection.assigned',
        'inspection.started',
        'inspection.completed',
      ]);
    });

    it('releases a scan-only hold when its scan is completed clear', async () => {
      const holds = await heldContainers(ctx.database, [202]);
      const id = await inspectionOf(ctx.database, 202, 'scan');
      await call('POST', `/v1/inspections/${id}/assign`, 'ivo', { scanner: 'ANR-S1' });
      await call('POST', `/v1/inspections/${id}/start`, 'ivo');
      const done = await call('POST', `/v1/inspections/${id}/complete`, 'ivo', {
        verdict: 'clear',
        notes: 'bananas',
      });
      const holdId = holds.get(containerNumber(202));
      expect(done.json()).toMatchObject({ hold: { id: holdId, result: 'released' } });
      const hold = await ctx.database.db
        .selectFrom('holds')
        .select(['status', 'released_by'])
        .where('id', '=', holdId!)
        .executeTakeFirstOrThrow();
      expect(hold).toEqual({ status: 'released', released_by: 'user:ivo' });
      const outcome = await ctx.database.db
        .selectFrom('inspection_outcomes')
        .select(['hit', 'kind'])
        .where('hold_id', '=', holdId!)
        .executeTakeFirstOrThrow();
      expect(outcome).toEqual({ hit: false, kind: 'scan' });
    });
  });

  describe('referral', () => {
    it('scan anomaly → physical queued → physical completed → hold released', async () => {
      const holds = await heldContainers(ctx.database, [301]);
      const holdId = holds.get(containerNumber(301))!;
      const scan = await inspectionOf(ctx.database, 301, 'scan');
      await call('POST', `/v1/inspections/${scan}/assign`, 'ivo', { scanner: 'ANR-S1' });
      await call('POST', `/v1/inspections/${scan}/start`, 'ivo');
      const anomaly = await call('POST', `/v1/inspections/${scan}/complete`, 'ivo', {
        verdict: 'anomaly',
        anomalyRegion: 'reefer unit, behind the evaporator',
      });
      expect(anomaly.statusCode).toBe(200);
      const physicalId = anomaly.json().referral.physicalInspectionId;
      expect(anomaly.json()).toMatchObject({
        referral: { queued: true },
        hold: { id: holdId, result: 'still_held' },
      });

      const physical = (await call('GET', `/v1/inspections/${physicalId}`, 'ana')).json();
      expect(physical).toMatchObject({
        kind: 'physical',
        status: 'queued',
        referredFrom: scan,
        hold: { id: holdId, status: 'active', required: ['scan', 'physical'] },
        scan: { id: scan, verdict: 'anomaly', anomalyRegion: 'reefer unit, behind the evaporator' },
      });
      const queued = (
        await call('GET', '/v1/inspections?port=BEANR&kind=physical&status=queued', 'ivo')
      ).json();
      expect(queued.map((i: { id: number }) => i.id)).toContain(physicalId);

      // A physical inspection has no scanner.
      expect(
        (await call('POST', `/v1/inspections/${physicalId}/assign`, 'ivo', { scanner: 'ANR-S1' })).statusCode,
      ).toBe(400);
      await call('POST', `/v1/inspections/${physicalId}/assign`, 'ivo', { assignee: 'team-b' });
      expect((await call('POST', `/v1/inspections/${physicalId}/start`, 'ivo')).json()).toMatchObject({
        status: 'in_progress',
      });
      const done = await call('POST', `/v1/inspections/${physicalId}/complete`, 'ivo', { verdict: 'clear' });
      expect(done.json()).toMatchObject({ referral: null, hold: { id: holdId, result: 'released' } });
      const outcome = await ctx.database.db
        .selectFrom('inspection_outcomes')
        .select('kind')
        .where('hold_id', '=', holdId)
        .executeTakeFirstOrThrow();
      expect(outcome.kind).toBe('scan_and_physical');
    });

    it('refuses to complete a physical inspection before its hold’s scan, and says so', async () => {
      const holds = await heldContainers(ctx.database, [302], 'mandatory_profile');
      const holdId = holds.get(containerNumber(302))!;
      const scan = await inspectionOf(ctx.database, 302, 'scan');
      const physical = await inspectionOf(ctx.database, 302, 'physical');
      await call('POST', `/v1/inspections/${physical}/assign`, 'ivo', { assignee: 'team-a' });
      await call('POST', `/v1/inspections/${physical}/start`, 'ivo');
      const early = await call('POST', `/v1/inspections/${physical}/complete`, 'ivo', { verdict: 'clear' });
      expect(early.statusCode).toBe(409);
      expect(early.json().error.message).toContain('before the scan of its hold');
      expect(early.json().error.details).toMatchObject({ scanInspectionId: scan, scanState: 'queued' });

      await call('POST', `/v1/inspections/${scan}/assign`, 'ivo', { scanner: 'ANR-S1' });
      await call('POST', `/v1/inspections/${scan}/start`, 'ivo');
      // The hold already requires a physical inspection: the anomaly queues nothing new.
      const anomaly = await call('POST', `/v1/inspections/${scan}/complete`, 'ivo', {
        verdict: 'anomaly',
        anomalyRegion: 'roof',
      });
      expect(anomaly.json()).toMatchObject({
        referral: { physicalInspectionId: physical, queued: false },
        hold: { result: 'still_held' },
      });
      const done = await call('POST', `/v1/inspections/${physical}/complete`, 'ivo', {
        verdict: 'clear',
      });
      expect(done.json()).toMatchObject({ hold: { id: holdId, result: 'released' } });
    });
  });

  describe('findings', () => {
    /** Scans the box clear (or with an anomaly) and starts its physical inspection; answers its ids. */
    const scannedAndOpened = async (n: number, scanVerdict: object) => {
      const holdId = (await heldContainers(ctx.database, [n], 'mandatory_profile')).get(containerNumber(n))!;
      const scan = await inspectionOf(ctx.database, n, 'scan');
      const physical = await inspectionOf(ctx.database, n, 'physical');
      await call('POST', `/v1/inspections/${scan}/assign`, 'ivo', { scanner: 'ANR-S1' });
      await call('POST', `/v1/inspections/${scan}/start`, 'ivo');
      await call('POST', `/v1/inspections/${scan}/complete`, 'ivo', scanVerdict);
      await call('POST', `/v1/inspections/${physical}/assign`, 'ivo', { assignee: 'team-a' });
      await call('POST', `/v1/inspections/${physical}/start`, 'ivo');
      return { holdId, physical };
    };
    const holdOf = async (id: number) => (await call('GET', `/v1/holds/${id}`, 'tom')).json();

    it('keeps a box held after a positive reading that no laboratory result contradicts, whatever the verdict', async () => {
      const { holdId, physical } = await scannedAndOpened(501, { verdict: 'clear' });
      const field = await call('POST', `/v1/inspections/${physical}/readings`, 'ivo', {
        deviceType: 'ion_mobility_spectrometry',
        result: 'positive',
        substance: 'cocaine',
        sampleId: 'S-501-1',
      });
      const fieldId = field.json().id;
      const done = await call('POST', `/v1/inspections/${physical}/complete`, 'ivo', { verdict: 'clear' });
      expect(done.json()).toMatchObject({ hold: { id: holdId, result: 'held_for_findings' } });
      expect(await holdOf(holdId)).toMatchObject({
        status: 'active',
        findings: [
          { kind: 'positive_reading', inspectionId: physical, readingId: fieldId, detail: 'cocaine' },
        ],
      });
      // A laboratory result that does not contradict it leaves the box held.
      const lab = (result: string) =>
        call('POST', `/v1/inspections/${physical}/readings`, 'ivo', {
          deviceType: 'laboratory',
          result,
          sampleId: 'S-501-1',
          confirmsReadingId: fieldId,
        });
      expect((await lab('inconclusive')).statusCode).toBe(201);
      expect((await holdOf(holdId)).status).toBe('active');
      // The laboratory finds no drug in the sample: the last finding falls and the hold settles.
      expect((await lab('negative')).statusCode).toBe(201);
      expect(await holdOf(holdId)).toMatchObject({ status: 'released', findings: [] });
      const audit = await ctx.database.db
        .selectFrom('audit_log')
        .select('action')
        .where('entity_type', '=', 'hold')
        .where('entity_id', '=', String(holdId))
        .orderBy('id')
        .execute();
      expect(audit.map((a) => a.action)).toEqual([
        'hold.placed',
        'hold.kept_for_findings',
        'hold.kept_for_findings',
        'hold.released',
      ]);
    });

    it('keeps a box held after a physical anomaly until two officers decide', async () => {
      const { holdId, physical } = await scannedAndOpened(502, { verdict: 'anomaly', anomalyRegion: 'roof' });
      const done = await call('POST', `/v1/inspections/${physical}/complete`, 'ivo', {
        verdict: 'anomaly',
        anomalyRegion: 'roof panels, rear third',
      });
      expect(done.json()).toMatchObject({ hold: { id: holdId, result: 'held_for_findings' } });
      expect(await holdOf(holdId)).toMatchObject({
        status: 'active',
        findings: [
          {
            kind: 'physical_anomaly',
            inspectionId: physical,
            readingId: null,
            detail: 'roof panels, rear third',
          },
        ],
      });
      // The labelled outcome is written: the inspections are done, whatever the officers decide.
      const outcome = await ctx.database.db
        .selectFrom('inspection_outcomes')
        .select(['hit', 'kind'])
        .where('hold_id', '=', holdId)
        .executeTakeFirstOrThrow();
      expect(outcome).toEqual({ hit: false, kind: 'scan_and_physical' });
      const asked = await call('POST', `/v1/holds/${holdId}/overrides`, 'tom', {
        reason: 'false wall holds the reefer wiring; goods match the manifest',
      });
      expect(asked.statusCode).toBe(201);
      const approved = await call(
        'POST',
        `/v1/holds/${holdId}/overrides/${asked.json().id}/approve`,
        'tess',
        {
          note: 'seen the photos',
        },
      );
      expect(approved.statusCode).toBe(200);
      expect((await holdOf(holdId)).status).toBe('overridden');
    });
  });

  describe('readings', () => {
    it('records field readings on a physical inspection and a laboratory confirmation after completion', async () => {
      await heldContainers(ctx.database, [401], 'mandatory_profile');
      const scan = await inspectionOf(ctx.database, 401, 'scan');
      const physical = await inspectionOf(ctx.database, 401, 'physical');
      const reading = (id: number, body: object) =>
        call('POST', `/v1/inspections/${id}/readings`, 'ivo', body);
      const ims = {
        deviceType: 'ion_mobility_spectrometry',
        deviceId: 'IMS-7',
        result: 'positive',
        substance: 'cocaine',
        confidence: 0.8,
        sampleId: 'S-401-1',
      };

      // Not on a scan; not before the physical inspection starts.
      expect((await reading(scan, ims)).statusCode).toBe(400);
      const early = await reading(physical, ims);
      expect(early.statusCode).toBe(409);
      expect(early.json().error.details.currentState).toBe('queued');
      await call('POST', `/v1/inspections/${physical}/assign`, 'ivo', { assignee: 'team-a' });
      await call('POST', `/v1/inspections/${physical}/start`, 'ivo');

      // Validation: a positive names its substance; confidence is 0..1; a laboratory reading names its sample.
      const noSubstance = await reading(physical, { deviceType: 'raman', result: 'positive' });
      expect(noSubstance.statusCode).toBe(400);
      expect(JSON.stringify(noSubstance.json())).toContain('substance');
      expect((await reading(physical, { ...ims, confidence: 1.5 })).statusCode).toBe(400);
      expect((await reading(physical, { deviceType: 'laboratory', result: 'negative' })).statusCode).toBe(
        400,
      );
      expect((await reading(physical, { deviceType: 'colour_test', result: 'negative' })).statusCode).toBe(
        201,
      );
      expect((await call('POST', `/v1/inspections/${physical}/readings`, 'ana', ims)).statusCode).toBe(403);

      const field = await reading(physical, ims);
      expect(field.statusCode).toBe(201);
      const fieldId = field.json().id;
      expect(field.json()).toMatchObject({
        deviceType: 'ion_mobility_spectrometry',
        substance: 'cocaine',
        recordedBy: 'user:ivo',
      });
      // Only a laboratory reading confirms, and only a field reading of the same sample.
      expect(
        (
          await reading(physical, {
            deviceType: 'raman',
            result: 'positive',
            substance: 'cocaine',
            sampleId: 'S-401-1',
            confirmsReadingId: fieldId,
          })
        ).statusCode,
      ).toBe(400);
      const otherSample = await reading(physical, {
        deviceType: 'laboratory',
        result: 'positive',
        substance: 'cocaine',
        sampleId: 'S-999',
        confirmsReadingId: fieldId,
      });
      expect(otherSample.statusCode).toBe(400);
      expect(otherSample.json().error.message).toContain('same sample');

      // The scan and the physical inspection complete; the laboratory result comes later.
      await call('POST', `/v1/inspections/${scan}/assign`, 'ivo', { scanner: 'ANR-S1' });
      await call('POST', `/v1/inspections/${scan}/start`, 'ivo');
      await call('POST', `/v1/inspections/${scan}/complete`, 'ivo', {
        verdict: 'anomaly',
        anomalyRegion: 'door frame',
      });
      await call('POST', `/v1/inspections/${physical}/complete`, 'ivo', {
        verdict: 'anomaly',
        anomalyRegion: 'door frame',
      });
      const lab = await reading(physical, {
        deviceType: 'laboratory',
        result: 'positive',
        substance: 'cocaine hydrochloride',
        confidence: 0.99,
        sampleId: 'S-401-1',
        confirmsReadingId: fieldId,
      });
      expect(lab.statusCode).toBe(201);
      const detail = (await call('GET', `/v1/inspections/${physical}`, 'ana')).json();
      expect(detail.status).toBe('completed');
      expect(detail.readings).toHaveLength(3);
      expect(detail.readings.find((r: { id: number }) => r.id === fieldId).confirmedBy).toEqual([
        { readingId: lab.json().id, result: 'positive', substance: 'cocaine hydrochloride', agrees: true },
      ]);
      const audit = await ctx.database.db
        .selectFrom('audit_log')
        .select('action')
        .where('entity_type', '=', 'inspection')
        .where('entity_id', '=', String(physical))
        .where('action', 'like', 'reading.%')
        .execute();
      expect(audit.map((a) => a.action).sort()).toEqual([
        'reading.confirmation_recorded',
        'reading.recorded',
        'reading.recorded',
      ]);
    });
  });

  it('keeps the audit chain intact after the workflow', async () => {
    expect(await verifyAudit(ctx.database.db)).toMatchObject({ ok: true });
  });
});
