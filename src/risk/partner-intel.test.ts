/**
 * Partner intelligence in targeting: a correlation hit of a received partner alert changes the
 * assessment (monitor: points; hold and scan on arrival: a mandatory selection held with source
 * partner_alert), a hit arriving after the assessment re-assesses through the `intel.hit` event,
 * and nothing known only later (a later alert, a later withdrawal) reaches an earlier view.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../test/support/databases.ts';
import { containerNumber, newConsignment, newPortCall } from '../../test/support/factories.ts';
import { emitEvent } from '../db/index.ts';
import { type AlertIdentifiers, alertIdentifiersSchema, identifierRows } from '../intel/alert.ts';
import { insertAlert, replaceIdentifiers } from '../intel/alerts.repo.ts';
import { correlateReceivedAlert } from '../intel/correlation.service.ts';
import { fixedProfileEvaluator } from './assessment.profiles.ts';
import { setScannerCapacity } from './assessment.repo.ts';
import { selectPortDay } from './assessment.service.ts';
import { PARTNER_ALERT_POINTS } from './assessment.ts';
import { drainRiskEvents } from './assessment.worker.ts';
import { ingestRecords } from './cargo-fixtures.ts';
import { buildContainerViews } from './view.ts';

const noProfiles = fixedProfileEvaluator([]);
const HOUR = 3_600_000;

describeEachDatabase('partner intelligence in risk targeting', (ctx) => {
  const db = () => ctx.database.db;
  // Real time: a hit counts from the moment it was recorded, so the cargo arrives tomorrow.
  const eta = new Date(Date.now() + 24 * HOUR).toISOString();
  const declaredAt = new Date(Date.now() - HOUR).toISOString();
  let beforeAlerts: Date;

  /** Stores a partner alert as the inbox does when it receives one, with its correlation. */
  async function receiveAlert(
    action: 'monitor' | 'hold' | 'scan_on_arrival',
    identifiers: Partial<AlertIdentifiers>,
    validFrom = new Date(Date.now() - HOUR),
  ): Promise<number> {
    const ids = alertIdentifiersSchema.parse(identifiers);
    return db()
      .transaction()
      .execute(async (trx) => {
        const row = await insertAlert(
          trx,
          {
            uid: randomUUID(),
            originAgency: 'NL-CUSTOMS',
            local: false,
            version: 1,
            status: 'active',
            subject: 'container',
            title: `${action} this`,
            description: '',
            recommendedAction: action,
            validFrom,
            validUntil: null,
            sourceReliability: 'B',
            infoCredibility: 2,
            tlp: 'AMBER',
            recipients: [],
            identifiers: ids,
          },
          'partner:NL-CUSTOMS',
        );
        const rows = identifierRows(ids);
        await replaceIdentifiers(trx, row.id, rows);
        await correlateReceivedAlert(trx, row.id, rows);
        return row.id;
      });
  }

  const assessmentOf = (n: number) =>
    db()
      .selectFrom('assessments as a')
      .innerJoin('containers as k', 'k.id', 'a.container_id')
      .select(['a.score', 'a.mandatory', 'a.selected', 'a.selection_reason', 'a.reason'])
      .where('k.container_number', '=', containerNumber(n))
      .executeTakeFirstOrThrow();

  const holdOf = (n: number) =>
    db()
      .selectFrom('holds')
      .select(['source', 'required', 'reason'])
      .where('container_number', '=', containerNumber(n))
      .executeTakeFirst();

  beforeAll(async () => {
    // No scanner capacity: only mandatory selections are made.
    await setScannerCapacity(db(), 'BEANR', 0, 'test');
    await ingestRecords(
      ctx.database,
      Array.from({ length: 6 }, (_, i) => ({
        type: 'consignment' as const,
        ...newConsignment(601 + i, { portCall: newPortCall({ voyage: 'V601', eta }), declaredAt }),
      })),
    );
    await drainRiskEvents(ctx.database, { profiles: noProfiles });
    beforeAlerts = new Date();
    await new Promise((r) => setTimeout(r, 20));
  });

  it('assesses without partner intelligence before any alert', async () => {
    const views = await buildContainerViews(db(), { port: 'BEANR', asOf: new Date() });
    expect(views).toHaveLength(6);
    expect(views.every((v) => v.intelligence.matches === 0)).toBe(true);
    expect((await assessmentOf(601)).mandatory).toBe(false);
  });

  it('raises the score for monitor and forces selection for hold and scan on arrival, once the hit arrives', async () => {
    const before = await Promise.all([601, 602, 603].map(assessmentOf));
    await receiveAlert('monitor', { containerNumbers: [containerNumber(601)] });
    await receiveAlert('hold', { transportDocumentNumbers: ['MEDU00000602'] });
    await receiveAlert('scan_on_arrival', { sealNumbers: ['EC100603'] });
    // The hits are events; the risk worker re-assesses the containers they concern.
    expect(await drainRiskEvents(ctx.database, { profiles: noProfiles })).toBeGreaterThanOrEqual(3);

    const monitored = await assessmentOf(601);
    expect(monitored.score).toBeCloseTo((before[0]?.score ?? 0) + PARTNER_ALERT_POINTS, 2);
    expect(monitored.mandatory).toBe(false);
    expect(monitored.reason).toContain(
      `partner alerts 30.00 (NL-CUSTOMS monitor: container ${containerNumber(601)})`,
    );

    for (const n of [602, 603]) {
      const a = await assessmentOf(n);
      expect(a).toMatchObject({ mandatory: true, selected: true, selection_reason: 'mandatory_profile' });
      expect(a.reason).toMatch(
        /^selected: a partner alert requires it \(beyond the scanner capacity of the day\)/,
      );
      expect(await holdOf(n)).toMatchObject({ source: 'partner_alert', required: ['scan', 'physical'] });
    }
    // Points alone do not select without capacity: the monitored box is not held.
    expect(await holdOf(601)).toBeUndefined();
  });

  it('lets no later alert or withdrawal leak into an earlier view', async () => {
    const views = await buildContainerViews(db(), { port: 'BEANR', asOf: beforeAlerts });
    expect(views.map((v) => v.intelligence.matches)).toEqual([0, 0, 0, 0, 0, 0]);
    const known = new Date();
    const now = await buildContainerViews(db(), { port: 'BEANR', asOf: known });
    expect(now.map((v) => v.intelligence.matches)).toEqual([1, 1, 1, 0, 0, 0]);
    expect(now[1]?.intelligence.alerts).toEqual([
      expect.objectContaining({
        originAgency: 'NL-CUSTOMS',
        recommendedAction: 'hold',
        on: 'consignment',
        identifierValue: 'MEDU00000602',
      }),
    ]);
    await new Promise((r) => setTimeout(r, 20));

    // An alert not yet valid does not count; a withdrawal counts only from when it arrived.
    await receiveAlert(
      'hold',
      { containerNumbers: [containerNumber(604)] },
      new Date(Date.now() + 12 * HOUR),
    );
    const monitor = await db()
      .updateTable('intel_alerts')
      .set({ status: 'withdrawn', version: 2, updated_at: new Date() })
      .where('title', '=', 'monitor this')
      .returning('id')
      .executeTakeFirstOrThrow();
    await emitEvent(db(), 'intel.alert.withdrawn', { alertId: monitor.id, uid: 'x' });
    const again = await buildContainerViews(db(), { port: 'BEANR', asOf: known });
    expect(again).toEqual(now);
    const later = await buildContainerViews(db(), { port: 'BEANR', asOf: new Date() });
    expect(later.map((v) => v.intelligence.matches)).toEqual([0, 1, 1, 0, 0, 0]);

    // The withdrawal re-assesses what the alert had matched: the points go again.
    const scored = await assessmentOf(601);
    await drainRiskEvents(ctx.database, { profiles: noProfiles });
    expect((await assessmentOf(601)).score).toBeCloseTo(scored.score - PARTNER_ALERT_POINTS, 2);
    expect((await assessmentOf(604)).mandatory).toBe(false);
  });

  it('adds points but forces nothing for a vessel match, even with hold', async () => {
    const [view] = await buildContainerViews(db(), { port: 'BEANR', asOf: new Date() });
    await receiveAlert('hold', { imoNumbers: [view?.vessel.imo ?? ''] });
    await drainRiskEvents(ctx.database, { profiles: noProfiles });
    const a = await assessmentOf(605);
    expect(a.mandatory).toBe(false);
    expect(a.reason).toContain('NL-CUSTOMS hold: vessel IMO');
  });

  it('adds the physical inspection to a container already held for its score when a hold alert arrives', async () => {
    await setScannerCapacity(db(), 'BEANR', 10, 'test');
    await selectPortDay(db(), 'BEANR', eta.slice(0, 10));
    expect(await holdOf(606)).toMatchObject({ source: 'selection', required: ['scan'] });
    await receiveAlert('hold', { containerNumbers: [containerNumber(606)] });
    await drainRiskEvents(ctx.database, { profiles: noProfiles });
    expect(await holdOf(606)).toMatchObject({ source: 'selection', required: ['scan', 'physical'] });
    expect((await assessmentOf(606)).reason).toMatch(/^selected: a partner alert requires it; /);
  });

  it('acts on a hold alert that arrives after the decision moment, while the decision is still open', async () => {
    // No capacity: only a mandatory selection holds. Arrived 20 hours ago: the decision moment
    // (arrival + 12 h) is past when the alert comes.
    await setScannerCapacity(db(), 'BEANR', 0, 'test');
    const arrived = new Date(Date.now() - 20 * HOUR).toISOString();
    await ingestRecords(ctx.database, [
      {
        type: 'consignment',
        ...newConsignment(701, {
          portCall: newPortCall({ voyage: 'V701', eta: arrived }),
          declaredAt: new Date(Date.now() - 48 * HOUR).toISOString(),
        }),
      },
    ]);
    await drainRiskEvents(ctx.database, { profiles: noProfiles });
    expect((await assessmentOf(701)).mandatory).toBe(false);
    expect(await holdOf(701)).toBeUndefined();
    await receiveAlert('hold', { containerNumbers: [containerNumber(701)] });
    await drainRiskEvents(ctx.database, { profiles: noProfiles });
    expect(await assessmentOf(701)).toMatchObject({ mandatory: true, selected: true });
    expect(await holdOf(701)).toMatchObject({ source: 'partner_alert', required: ['scan', 'physical'] });
  });
});
