import { expect, it } from 'vitest';
import { describeEachDatabase } from '../../test/support/databases.ts';
import {
  containerNumber,
  newConsignment,
  newContainerEvent,
  newPortCall,
} from '../../test/support/factories.ts';
import { verifyAudit } from '../db/audit.ts';
import { isTandemError } from '../errors.ts';
import { ingestRecords, recordOutcome } from './cargo-fixtures.ts';
import { DEFAULT_PROFILES } from './profiles.seed.ts';
import { RiskProfileService } from './profiles.service.ts';

const reeferProfile = {
  name: 'Reefer from Ecuador',
  description: 'test',
  owner: 'analysis team',
  expression: "origin.country == 'EC' && container.reefer",
  weight: 25,
};

describeEachDatabase('risk profiles', (ctx) => {
  const service = () => new RiskProfileService(ctx.database.db);

  it('creates a profile as version 1 and audits it', async () => {
    const created = await service().create('user:alice', reeferProfile);
    expect(created).toMatchObject({
      version: 1,
      action: 'score',
      active: true,
      changedBy: 'user:alice',
      weight: 25,
    });
    const audit = await ctx.database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('entity_type', '=', 'risk_profile')
      .where('entity_id', '=', String(created.id))
      .execute();
    expect(audit.map((a) => [a.action, a.actor])).toEqual([['risk_profile.create', 'user:alice']]);
  });

  it('adds a version on every change, keeps the old ones, and audits who, when and why', async () => {
    const [p] = await service().list();
    const id = p!.id;
    const v2 = await service().update('user:bob', id, {
      weight: 30,
      reason: 'more weight after the March seizures',
    });
    const v3 = await service().update('user:alice', id, {
      expression: "origin.country in ['EC', 'CO'] && container.reefer",
      validTo: '2023-01-01T00:00:00Z',
      reason: 'Colombia too, until year end',
    });
    expect([v2.version, v3.version]).toEqual([2, 3]);
    const unchanged = await service().update('user:bob', id, { weight: 30, reason: 'no change' });
    expect(unchanged.version).toBe(3);

    const shown = await service().show(id);
    expect(shown.versions.map((v) => [v.version, v.weight, v.changedBy, v.changeReason])).toEqual([
      [3, 30, 'user:alice', 'Colombia too, until year end'],
      [2, 30, 'user:bob', 'more weight after the March seizures'],
      [1, 25, 'user:alice', null],
    ]);
    expect(shown.versions[2]?.expression).toBe(reeferProfile.expression);
    expect(shown.validTo).toBe('2023-01-01T00:00:00.000Z');

    const audit = await ctx.database.db
      .selectFrom('audit_log')
      .select(['action', 'actor', 'reason', 'details'])
      .where('entity_type', '=', 'risk_profile')
      .where('entity_id', '=', String(id))
      .orderBy('id')
      .execute();
    expect(audit.map((a) => [a.action, a.actor, a.reason])).toEqual([
      ['risk_profile.create', 'user:alice', null],
      ['risk_profile.update', 'user:bob', 'more weight after the March seizures'],
      ['risk_profile.update', 'user:alice', 'Colombia too, until year end'],
    ]);
    expect(audit[2]?.details).toMatchObject({ version: 3, changed: ['expression', 'validTo'] });
    expect((await verifyAudit(ctx.database.db)).ok).toBe(true);
  });

  it('refuses a bad expression with its position and reason, and saves nothing', async () => {
    const before = await service().list();
    const attempt = service().create('user:alice', {
      ...reeferProfile,
      name: 'bad',
      expression: 'consignee.dayKnown < 90',
    });
    await expect(attempt).rejects.toSatisfy(
      (e) =>
        isTandemError(e) &&
        e.status === 400 &&
        e.code === 'validation_failed' &&
        JSON.stringify(e.details.position) === JSON.stringify({ offset: 9, line: 1, column: 10 }) &&
        typeof e.details.reason === 'string' &&
        e.details.reason.includes('dayKnown'),
    );
    const [p] = before;
    await expect(
      service().update('user:alice', p!.id, { expression: 'container.reefer &&', reason: 'typo' }),
    ).rejects.toSatisfy((e) => isTandemError(e) && e.code === 'validation_failed');
    expect(await service().list()).toEqual(before);
  });

  it('refuses a second profile with the same name, and an unknown id', async () => {
    await expect(service().create('user:alice', reeferProfile)).rejects.toSatisfy(
      (e) => isTandemError(e) && e.code === 'conflict',
    );
    await expect(service().update('user:alice', 999_999, { weight: 1, reason: 'x' })).rejects.toSatisfy(
      (e) => isTandemError(e) && e.code === 'not_found',
    );
  });

  it('backtests a profile over a window: containers selected, then hit rate on recorded outcomes', async () => {
    const day1 = '2022-02-01';
    const day2 = '2022-02-02';
    const call = (voyage: string, day: string) => newPortCall({ voyage, eta: `${day}T06:00:00Z` });
    const consignment = (n: number, day: string, toOrder: boolean) => ({
      type: 'consignment' as const,
      ...newConsignment(n, {
        portCall: call(`V${n}`, day),
        declaredAt: `${day}T00:00:00Z`,
        consigneeToOrder: toOrder,
      }),
    });
    await ingestRecords(ctx.database, [
      consignment(101, day1, true),
      consignment(102, day1, false),
      consignment(103, day1, false),
      consignment(104, day2, true),
      consignment(105, day2, false),
      {
        type: 'container_event',
        ...newContainerEvent(102, { occurredAt: `${day1}T14:00:00Z`, seals: ['ZZ1234567'] }),
      },
    ]);
    const toOrder = await service().create('user:alice', DEFAULT_PROFILES[1]!);
    const seal = await service().create('user:alice', DEFAULT_PROFILES[2]!);
    const window = { from: new Date(`${day1}T00:00:00Z`), to: new Date('2022-02-03T00:00:00Z') };

    const first = await service().backtest(toOrder.id, window);
    expect(first).toMatchObject({ containers: 5, selected: 2, errors: 0, outcomes: null });
    expect(await service().backtest(seal.id, window)).toMatchObject({ containers: 5, selected: 1 });
    expect(
      await service().backtest(toOrder.id, { ...window, to: new Date(`${day2}T00:00:00Z`) }),
    ).toMatchObject({
      containers: 3,
      selected: 1,
    });
    // An empty window says how to ask for one day.
    await expect(service().backtest(toOrder.id, { ...window, to: window.from })).rejects.toMatchObject({
      code: 'validation_failed',
      message: expect.stringContaining('one day: from=2022-01-03&to=2022-01-04'),
    });

    await recordOutcome(ctx.database, {
      containerNumber: containerNumber(101),
      transportDocumentNumber: 'MEDU00000101',
      inspectedAt: `${day1}T12:00:00Z`,
      hit: true,
    });
    await recordOutcome(ctx.database, {
      containerNumber: containerNumber(103),
      transportDocumentNumber: 'MEDU00000103',
      inspectedAt: `${day1}T12:00:00Z`,
      hit: false,
    });
    expect((await service().backtest(toOrder.id, window)).outcomes).toEqual({
      selectedInspected: 1,
      selectedHits: 1,
      hitRate: 1,
      allInspected: 2,
      allHits: 1,
      baselineHitRate: 0.5,
    });
  });
});
