import { expect, it } from 'vitest';
import { describeEachDatabase } from '../../test/support/databases.ts';
import { containerNumber, newConsignment, newContainerEvent } from '../../test/support/factories.ts';
import { ingestRecords, recordOutcome } from './cargo-fixtures.ts';
import { FEATURES, featureVector } from './features.ts';
import { buildContainerViews, smoothedHitRate } from './view.ts';

const T = new Date('2022-01-03T00:00:00Z');
const at = (days: number) => new Date(T.getTime() + days * 86_400_000).toISOString();
const forwarder = { name: 'Rapid Logistics Forwarding BV', country: 'NL', identifiers: {} };

function history(n: number, declaredAt: string, packages = 1080, grossMassKg = 21_000) {
  const base = newConsignment(n, { declaredAt, forwarder });
  const line = base.goods[0]!;
  return {
    type: 'consignment' as const,
    ...base,
    goods: [{ ...line, packages, grossMassKg }],
  };
}

describeEachDatabase('risk view', (ctx) => {
  it('builds a container view with point-in-time party history, mass ratio and seal change', async () => {
    await ingestRecords(ctx.database, [
      history(1, at(-30)),
      history(2, at(-10)),
      history(3, at(-1), 1000, 25_000),
      { type: 'container_event', ...newContainerEvent(3, { occurredAt: at(-0.5), seals: ['ZZ9999999'] }) },
      // Container 1's previous voyage, its own gate-out, then its next voyage: only the middle one counts.
      { type: 'container_event', ...newContainerEvent(1, { occurredAt: at(-35), seals: ['OL1111111'] }) },
      {
        type: 'container_event',
        ...newContainerEvent(1, { eventType: 'gate_out', occurredAt: at(-28), seals: ['EC100001'] }),
      },
      {
        type: 'container_event',
        ...newContainerEvent(1, { eventType: 'gate_in', occurredAt: at(-25), seals: ['NX2222222'] }),
      },
    ]);
    await recordOutcome(ctx.database, {
      containerNumber: containerNumber(1),
      transportDocumentNumber: 'MEDU00000001',
      inspectedAt: at(-20),
      hit: true,
    });
    const views = await buildContainerViews(ctx.database.db, { asOf: T });
    expect(views.map((v) => v.containerNumber)).toEqual([
      containerNumber(1),
      containerNumber(2),
      containerNumber(3),
    ]);
    const v = views[2]!;
    expect(v.consignee).toMatchObject({
      name: 'Fruit Import Antwerpen NV',
      daysKnown: 30,
      shipments: 2,
      priorInspections: 1,
      priorHits: 1,
      smoothedHitRate: smoothedHitRate(1, 1),
    });
    expect(v.forwarder?.name).toBe('Rapid Logistics Forwarding BV');
    expect(v.origin).toEqual({ country: 'EC', placeOfLoading: 'ECGYE', placeOfLoadingCountry: 'EC' });
    expect(v.goods.hsHeadings).toEqual(['0803']);
    expect(v.goods.massPerPackageKg).toBe(25);
    expect(v.goods.massPerPackageRatioToUsual).toBeCloseTo(25 / (21_000 / 1080), 6);
    expect(v.container.reefer).toBe(true);
    expect(v.anomalies).toEqual({ sealChanged: true, sealsManifest: ['EC100003'], sealsSeen: ['ZZ9999999'] });
    expect(views[0]!.anomalies).toEqual({
      sealChanged: false,
      sealsManifest: ['EC100001'],
      sealsSeen: ['EC100001'],
    });
    // The first consignment's own outcome is its label, never its own history.
    expect(views[0]!.consignee?.priorInspections).toBe(0);
    expect(views[0]!.consignee?.shipments).toBe(2);
  });

  it('lets no later fact leak into a view', async () => {
    const before = await buildContainerViews(ctx.database.db, { asOf: T });
    await ingestRecords(ctx.database, [
      history(4, at(1), 10, 20_000),
      { type: 'container_event', ...newContainerEvent(2, { occurredAt: at(0.2), seals: ['QQ1111111'] }) },
    ]);
    await recordOutcome(ctx.database, {
      containerNumber: containerNumber(2),
      transportDocumentNumber: 'MEDU00000002',
      inspectedAt: at(2),
      hit: true,
    });
    const again = await buildContainerViews(ctx.database.db, { asOf: T });
    expect(again).toEqual(before);
    expect(again.map(featureVector)).toEqual(before.map(featureVector));

    // The later facts are there: a later view sees them.
    const later = await buildContainerViews(ctx.database.db, { asOf: new Date(at(3)) });
    expect(later).toHaveLength(4);
    expect(later[1]!.anomalies.sealChanged).toBe(true);
    expect(later[2]!.consignee?.priorHits).toBe(2);
  });

  it("keeps a consignment's own inspection out of its parties' history, even before asOf", async () => {
    await recordOutcome(ctx.database, {
      containerNumber: containerNumber(3),
      transportDocumentNumber: 'MEDU00000003',
      inspectedAt: at(-0.1),
      hit: true,
    });
    const views = await buildContainerViews(ctx.database.db, { asOf: T });
    expect(views[2]!.consignee?.priorInspections).toBe(1);
    expect(views[1]!.consignee?.priorInspections).toBe(2);
  });

  it('selects by consignment ids and by port, and returns nothing for consignments not yet known', async () => {
    const all = await buildContainerViews(ctx.database.db, { asOf: new Date(at(3)) });
    const one = await buildContainerViews(ctx.database.db, {
      consignmentIds: [all[1]!.consignmentId],
      asOf: T,
    });
    expect(one.map((v) => v.containerNumber)).toEqual([containerNumber(2)]);
    expect(await buildContainerViews(ctx.database.db, { port: 'NLRTM', asOf: T })).toEqual([]);
    expect(await buildContainerViews(ctx.database.db, { port: 'BEANR', asOf: new Date(at(-40)) })).toEqual(
      [],
    );
  });
});

it('aligns the feature vector with the feature list', () => {
  const names = FEATURES.map((f) => f.name);
  expect(new Set(names).size).toBe(names.length);
  expect(names).toEqual(
    expect.arrayContaining(['origin_country', 'hs_heading', 'seal_changed', 'kw_bananas']),
  );
});
